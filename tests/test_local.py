"""The managed moto server: its guard over real HTTP, lifecycle, no orphan, persistence, CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from datetime import UTC, timedelta
from datetime import datetime as datetime_type
from pathlib import Path

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from click.testing import CliRunner

from workbench.cli import cli
from workbench.engine.engines import connect
from workbench.engine.local import (
    SECRET_HEADER,
    LocalServer,
    current_instance,
    persistence,
    state_file,
    status,
)
from workbench.engine.local.procs import port_is_free
from workbench.errors import LocalNotRunning, PortInUse

TARGET = "DynamoDB_20120810.ListTables"


def _alive(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat_file = Path(f"/proc/{pid}/stat")
    return not stat_file.exists() or stat_file.read_text().rsplit(")", 1)[-1].split()[0] != "Z"


def _wait_dead(pid: int, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _alive(pid)


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.fixture
def listening() -> Iterator[socket.socket]:
    """A socket listening on a free port, as if another program held it."""
    with socket.socket() as sock:
        sock.bind(("", 0))
        sock.listen()
        yield sock


def _client(
    server: LocalServer,
    service: str = "dynamodb",
    secret: str | None = None,
    key: str = "anykey",
    region: str = "eu-west-1",
):
    return boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret or server.secret, region_name=region
    ).client(
        service,
        endpoint_url=server.endpoint,
        config=Config(retries={"max_attempts": 0}, proxies={}),
    )


def _send(
    url: str, *, method: str = "POST", headers: dict[str, str] | None = None, body: bytes = b"{}"
) -> tuple[int, dict[str, str], bytes]:
    """A raw HTTP request: (status, headers, body), whatever the status."""
    request = urllib.request.Request(
        url, data=body if method != "GET" else None, method=method, headers=headers or {}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _signed_headers(
    server: LocalServer,
    body: bytes,
    secret: str,
    host: str | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Headers of a ListTables signed with ``secret`` (as botocore signs)."""
    host = host or f"127.0.0.1:{server.port}"
    url = f"http://{host}/"
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": TARGET,
            **(extra or {}),
        },
    )
    SigV4Auth(Credentials("anykey", secret), "dynamodb", "us-east-1").add_auth(request)
    return {**dict(request.headers.items()), "Host": host}  # urllib sends the Host given


def _refused(status_code: int, body: bytes) -> str:
    assert status_code == 403, body
    error = json.loads(body)
    assert error["__type"].endswith("#AccessDeniedException")
    return error["message"]


# --- the guard, over real HTTP --------------------------------------------------------------


@pytest.mark.server
def test_right_secret_works_with_any_key_and_region_wrong_or_none_is_refused(
    local_server: LocalServer,
) -> None:
    assert "TableNames" in _client(local_server, key="someone", region="ap-south-1").list_tables()
    with pytest.raises(ClientError, match="AccessDenied.*signature does not match"):
        _client(local_server, secret="workbench").list_tables()
    status_code, _, body = _send(
        local_server.endpoint,
        headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": TARGET},
    )
    assert "not signed" in _refused(status_code, body)
    # A signed request whose body was changed on the way.
    headers = _signed_headers(local_server, b"{}", local_server.secret)
    assert _send(local_server.endpoint, headers=headers, body=b"{}")[0] == 200
    assert "signature" in _refused(
        *_send(local_server.endpoint, headers=headers, body=b'{"Limit": 1}')[::2]
    )


@pytest.mark.server
def test_web_pages_get_nothing(local_server: LocalServer) -> None:
    status_code, headers, body = _send(
        local_server.endpoint,
        method="OPTIONS",
        body=b"",
        headers={
            "Origin": "http://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target,authorization",
        },
    )
    assert "Origin" in _refused(status_code, body)
    assert not any(name.lower().startswith("access-control-") for name in headers)
    # Even a correctly signed request is refused once it carries an Origin.
    signed = _signed_headers(
        local_server, b"{}", local_server.secret, extra={"Origin": "http://evil.example"}
    )
    assert "Origin" in _refused(*_send(local_server.endpoint, headers=signed)[::2])


@pytest.mark.server
def test_other_hosts_are_refused(local_server: LocalServer) -> None:
    for host in (
        "evil.example",
        f"evil.example:{local_server.port}",
        f"127.0.0.1:{local_server.port + 1}",
    ):
        headers = {**_signed_headers(local_server, b"{}", local_server.secret, host=host)}
        message = _refused(*_send(local_server.endpoint, headers=headers)[::2])
        assert repr(host) in message
    headers = _signed_headers(
        local_server, b"{}", local_server.secret, host=f"localhost:{local_server.port}"
    )
    assert _send(local_server.endpoint, headers=headers)[0] == 200


@pytest.mark.server
def test_moto_api_only_with_the_secret_header(local_server: LocalServer) -> None:
    table = f"guard-{os.getpid()}-{time.monotonic_ns()}"
    _client(local_server).create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    reset = f"{local_server.endpoint}/moto-api/reset"
    assert "workbench only" in _refused(*_send(reset, body=b"")[::2])
    signed = _signed_headers(local_server, b"", local_server.secret)
    assert "workbench only" in _refused(*_send(reset, headers=signed, body=b"")[::2])
    assert table in _client(local_server).list_tables()["TableNames"], "nothing was reset"
    data = f"{local_server.endpoint}/moto-api/data.json"
    assert _send(data, method="GET")[0] == 403
    status_code, _, body = _send(data, method="GET", headers={SECRET_HEADER: local_server.secret})
    assert status_code == 200 and "dynamodb" in json.loads(body)
    assert _send(data, method="GET", headers={SECRET_HEADER: "guess"})[0] == 403


@pytest.mark.server
def test_one_endpoint_serves_dynamodb_its_stream_and_cognito(local_server: LocalServer) -> None:
    dynamodb = _client(local_server)
    table = f"one-endpoint-{time.monotonic_ns()}"
    created = dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    dynamodb.put_item(TableName=table, Item={"k": {"S": "a"}, "v": {"N": "1"}})
    streams = _client(local_server, "dynamodbstreams")
    arn = created["TableDescription"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["NewImage"]["k"]["S"] for r in records] == ["a"]
    cognito = _client(local_server, "cognito-idp")
    pool = cognito.create_user_pool(PoolName="one-endpoint")["UserPool"]["Id"]
    assert pool in [p["Id"] for p in cognito.list_user_pools(MaxResults=60)["UserPools"]]
    # The JWKS: for the workbench (secret header) only, unsigned.
    jwks = f"{local_server.endpoint}/{pool}/.well-known/jwks.json"
    assert _send(jwks, method="GET")[0] == 403
    status_code, _, body = _send(jwks, method="GET", headers={SECRET_HEADER: local_server.secret})
    assert status_code == 200 and json.loads(body)["keys"]
    assert _client(local_server, "sts").get_caller_identity()["Account"]


# --- lifecycle ------------------------------------------------------------------------------


@pytest.mark.server
def test_the_secret_is_on_no_command_line_nor_in_the_environment(
    local_server: LocalServer,
) -> None:
    proc = Path(f"/proc/{local_server.pid}")
    if not proc.exists():
        pytest.skip("no /proc on this system")
    assert local_server.secret.encode() not in (proc / "cmdline").read_bytes()
    assert local_server.secret.encode() not in (proc / "environ").read_bytes()
    assert len(local_server.secret) >= 40


@pytest.mark.server
def test_port_taken_is_a_clear_error(listening: socket.socket) -> None:
    port = listening.getsockname()[1]
    assert not port_is_free(port)
    with pytest.raises(PortInUse, match=f"port {port} is already in use.*--port"):
        LocalServer.start(port)


@pytest.mark.server
def test_server_started_from_a_short_lived_thread_outlives_it() -> None:
    # PR_SET_PDEATHSIG fires when the *thread* that forked the server exits: the server must
    # not die with the worker thread that asked for it.
    started: list[LocalServer] = []
    worker = threading.Thread(target=lambda: started.append(LocalServer.start()))
    worker.start()
    worker.join()
    server = started[0]
    try:
        time.sleep(1.0)
        assert server.is_running() and server.mode == "in-memory" and server.db_path is None
        assert os.getpgid(server.pid) == server.pid  # its own group: Ctrl-C does not reach it
        assert _client(server).list_tables()["TableNames"] == []
        log = server.log_path
        assert log.exists()
    finally:
        server.stop()
    assert not server.is_running() and _wait_dead(server.pid, 1)
    assert not log.exists(), "a temporary log is removed on stop"
    server.stop()  # idempotent


@pytest.mark.server
def test_no_orphan_server_when_python_is_killed() -> None:
    script = (
        "from workbench.engine.local import LocalServer; import time; "
        "s = LocalServer.start(); print(s.pid, flush=True); time.sleep(600)"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        server = int(child.stdout.readline())
        assert _alive(server)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        assert _wait_dead(server), "the server outlived the Python process that started it"
    finally:
        child.kill()
        child.wait()


# --- persistence ----------------------------------------------------------------------------

MODEL = {
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
        {"AttributeName": "g", "AttributeType": "S"},
        {"AttributeName": "n", "AttributeType": "N"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by-g",
            "KeySchema": [
                {"AttributeName": "g", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]},
            "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        }
    ],
    "LocalSecondaryIndexes": [
        {
            "IndexName": "by-n",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "n", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    ],
    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 6},
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
}
ITEMS = [
    {"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}, "n": {"N": "1.5"}, "v": {"S": "é✓"}},
    {
        "pk": {"S": "a"},
        "sk": {"S": "2"},
        "b": {"B": b"\x00\xff"},
        "ok": {"BOOL": True},
        "nil": {"NULL": True},
        "m": {"M": {"l": {"L": [{"N": "1"}, {"SS": ["p", "q"]}]}}},
    },
    {"pk": {"S": "b"}, "sk": {"S": "1"}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": [b"z"]}},
]


def _shape(client, table: str) -> dict:
    found = client.describe_table(TableName=table)["Table"]
    return {
        "keys": found["KeySchema"],
        "attributes": sorted(found["AttributeDefinitions"], key=lambda a: a["AttributeName"]),
        "throughput": {
            k: found["ProvisionedThroughput"][k]
            for k in ("ReadCapacityUnits", "WriteCapacityUnits")
        },
        "gsi": [
            (
                i["IndexName"],
                i["KeySchema"],
                i["Projection"],
                i["ProvisionedThroughput"]["ReadCapacityUnits"],
            )
            for i in found["GlobalSecondaryIndexes"]
        ],
        "lsi": [
            (i["IndexName"], i["KeySchema"], i["Projection"])
            for i in found["LocalSecondaryIndexes"]
        ],
        "stream": found["StreamSpecification"],
    }


def _items(client, table: str) -> list:
    return sorted(client.scan(TableName=table)["Items"], key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


@pytest.mark.server
def test_db_path_keeps_tables_and_items_across_stop_and_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with LocalServer.start(db_path=data) as server:
        assert server.mode == f"persisted: {data}"
        client = _client(server)
        client.create_table(TableName="kept", **MODEL)
        for item in ITEMS:
            client.put_item(TableName="kept", Item=item)
        client.create_table(
            TableName="plain",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        )
        shape, items = _shape(client, "kept"), _items(client, "kept")
    assert not server.is_running() and persistence.snapshot_path(data).exists()
    with LocalServer.start(db_path=data) as again:
        client = _client(again)
        assert sorted(client.list_tables()["TableNames"]) == ["kept", "plain"]
        assert _shape(client, "kept") == shape and _items(client, "kept") == items
        assert client.describe_table(TableName="plain")["Table"]["BillingModeSummary"] == {
            "BillingMode": "PAY_PER_REQUEST"
        }
        by_g = client.query(
            TableName="kept",
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "x"}},
        )["Items"]
        assert by_g == [{"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}, "v": {"S": "é✓"}}]
        # Restoring adds no stream records; new writes do.
        streams = _client(again, "dynamodbstreams")
        arn = client.describe_table(TableName="kept")["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        assert streams.get_records(ShardIterator=iterator)["Records"] == []


@pytest.mark.server
def test_changes_are_saved_every_few_seconds_even_if_the_server_is_killed(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    server = LocalServer.start(db_path=data)
    try:
        client = _client(server)
        client.create_table(
            TableName="tbl",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        )
        client.put_item(TableName="tbl", Item={"k": {"S": "saved"}})
        _wait_for_snapshot(data, "saved")
        os.killpg(server.pid, signal.SIGKILL)  # no save on the way out
        assert _wait_dead(server.pid)
    finally:
        server.stop()
    with LocalServer.start(db_path=data) as again:
        assert _client(again).scan(TableName="tbl")["Items"] == [{"k": {"S": "saved"}}]


def test_a_save_that_fails_is_logged_and_the_server_keeps_serving(tmp_path: Path) -> None:
    # A full disk or a removed folder must not end the server (and lose what it holds).
    import shutil

    from workbench.engine.local.serve import SAVE_INTERVAL

    data, log = tmp_path / "data", tmp_path / "server.log"
    server = LocalServer.start(db_path=data, log_path=log)
    try:
        client = _client(server)
        client.create_table(
            TableName="tbl",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        )
        shutil.rmtree(data)
        data.write_text("a file where the folder was")
        client.put_item(TableName="tbl", Item={"k": {"S": "kept"}})
        deadline = time.monotonic() + SAVE_INTERVAL * 10
        while time.monotonic() < deadline and "could not save" not in log.read_text():
            time.sleep(0.2)
        assert "could not save the tables" in log.read_text()
        assert server.is_running()
        assert client.scan(TableName="tbl")["Items"] == [{"k": {"S": "kept"}}]
    finally:
        server.stop()


def test_the_server_never_imports_modules_from_the_folder_it_is_started_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A werkzeug/ lying in the user's folder must not run inside the server holding the secret.
    (tmp_path / "werkzeug").mkdir()
    (tmp_path / "werkzeug" / "__init__.py").write_text("raise SystemExit('planted module ran')\n")
    monkeypatch.chdir(tmp_path)
    with LocalServer.start() as server:
        assert _client(server).list_tables()["TableNames"] == []


def test_a_crash_during_a_save_leaves_the_old_snapshot(tmp_path: Path) -> None:
    old = {"format": persistence.FORMAT, "tables": []}
    persistence.write_snapshot(tmp_path, old)
    # json.dump has written part of the file when it meets the object it cannot encode.
    broken = {"format": persistence.FORMAT, "tables": [{"items": ["x" * 100_000, object()]}]}
    with pytest.raises(TypeError):
        persistence.write_snapshot(tmp_path, broken)
    assert json.loads(persistence.snapshot_path(tmp_path).read_text()) == old
    assert [p.name for p in tmp_path.iterdir()] == [persistence.SNAPSHOT_NAME]


# --- the background instance ----------------------------------------------------------------


def test_stale_state_is_cleaned_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path))
    state_file().write_text(
        json.dumps(
            {
                "pid": _dead_pid(),
                "endpoint": "http://127.0.0.1:1",
                "secret": "s",
                "started_at": "2026-01-01T00:00:00+00:00",
            }
        )
    )
    state = status()
    assert state is not None and not state["running"] and state["stale"]
    assert not state_file().exists()
    assert status() is None and current_instance() is None
    state_file().write_text(
        json.dumps(
            {
                "pid": _dead_pid(),
                "endpoint": "http://127.0.0.1:1",
                "started_at": "2026-01-01T00:00:00+00:00",
            }
        )
    )
    result = CliRunner().invoke(cli, ["local", "status"])
    assert result.exit_code == 1 and "has exited" in result.output
    assert "was not running" in CliRunner().invoke(cli, ["local", "stop"]).output


@pytest.mark.server
def test_background_instance_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, listening: socket.socket
) -> None:
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("WORKBENCH_SECRET_ACCESS_KEY", raising=False)
    runner = CliRunner()
    result = runner.invoke(cli, ["local", "status"])
    assert result.exit_code == 1 and "not running" in result.output
    taken = str(listening.getsockname()[1])
    result = runner.invoke(cli, ["local", "start", "--port", taken])
    assert result.exit_code == 1 and f"port {taken} is already in use" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(cli, ["local", "start"])
    assert result.exit_code == 0, result.output
    try:
        assert "The server started" in result.output
        shown = runner.invoke(cli, ["local", "status", "--json"])
        assert shown.exit_code == 0, shown.output
        state = json.loads(shown.output)
        assert state["running"] and state["version"].startswith("moto ")
        assert state["mode"] == "in-memory" and "secret" not in state
        saved = json.loads(state_file().read_text())
        assert saved["pid"] == state["pid"] and saved["secret"] not in shown.output
        assert stat.S_IMODE(state_file().stat().st_mode) == 0o600
        assert stat.S_IMODE(state_file().parent.stat().st_mode) == 0o700
        text = runner.invoke(cli, ["local", "status"])
        assert text.exit_code == 0 and state["endpoint"] in text.output
        assert "uptime:" in text.output and saved["secret"] not in text.output
        again = runner.invoke(cli, ["local", "start"])
        assert "already running" in again.output
        with connect("local", autostart=False) as engine:
            assert engine.endpoint_url == state["endpoint"] and engine.secret == saved["secret"]
            assert engine.client("dynamodb").list_tables()["TableNames"] == []
            assert engine.client("cognito-idp").list_user_pools(MaxResults=5)["UserPools"] == []
    finally:
        stopped = runner.invoke(cli, ["local", "stop"])
    assert "stopped" in stopped.output
    assert _wait_dead(state["pid"], 1)
    assert not state_file().exists()
    with pytest.raises(LocalNotRunning):
        connect("local", autostart=False)
    assert "was not running" in runner.invoke(cli, ["local", "stop"]).output


@pytest.mark.server
def test_cli_db_path_keeps_tables_and_never_runs_java_node_or_npm(tmp_path: Path) -> None:
    # Traps named java, node and npm that leave a mark if anything runs them; PATH holds only
    # them and the virtual env's scripts.
    traps = tmp_path / "traps"
    traps.mkdir()
    for name in ("java", "node", "npm"):
        trap = traps / name
        trap.write_text(f"#!/bin/sh\necho {name} >> '{tmp_path / 'ran'}'\nexit 1\n")
        trap.chmod(0o755)
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{traps}",
        "WORKBENCH_STATE_DIR": str(tmp_path / "state"),
    }
    env.pop("WORKBENCH_SECRET_ACCESS_KEY", None)
    data = tmp_path / "data"

    def workbench(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(bin_dir / "workbench"), *args],
            env=env,
            text=True,
            capture_output=True,
            timeout=120,
        )

    def engine():
        os.environ["WORKBENCH_STATE_DIR"] = env["WORKBENCH_STATE_DIR"]
        return connect("local", autostart=False)

    saved_state = os.environ.get("WORKBENCH_STATE_DIR")
    try:
        started = workbench("local", "start", "--db-path", str(data))
        assert started.returncode == 0, started.stderr + started.stdout
        assert f"persisted: {data}" in started.stdout
        with engine() as first:
            first.client("dynamodb").create_table(
                TableName="kept",
                BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
            )
            first.client("dynamodb").put_item(TableName="kept", Item={"k": {"S": "v"}})
        assert workbench("local", "stop").returncode == 0
        assert workbench("local", "start", "--db-path", str(data)).returncode == 0
        with engine() as second:
            assert second.client("dynamodb").scan(TableName="kept")["Items"] == [{"k": {"S": "v"}}]
        assert workbench("local", "status").returncode == 0
    finally:
        workbench("local", "stop")
        if saved_state is None:
            os.environ.pop("WORKBENCH_STATE_DIR", None)
        else:
            os.environ["WORKBENCH_STATE_DIR"] = saved_state
    assert not (tmp_path / "ran").exists(), (tmp_path / "ran").read_text()


# --- what DynamoDB refuses, the guard refuses first (issue 16) ------------------------------


def _raw_http(server: LocalServer, head: bytes, chunks: Iterable[bytes] = ()) -> bytes:
    """Send ``head`` then ``chunks`` on one connection and read the answer (its head and its
    Content-Length's worth of body: the server may keep reading what is left of the request)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
        sock.sendall(head)
        for chunk in chunks:
            sock.sendall(chunk)
        answer = b""
        while b"\r\n\r\n" not in answer and (part := sock.recv(65536)):
            answer += part
        length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", answer)
        assert length is not None, answer[:300]
        while len(answer.split(b"\r\n\r\n", 1)[1]) < int(length[1]):
            answer += sock.recv(65536)
    return answer


def _raw_head(headers: dict[str, str], extra: str) -> bytes:
    """A request's head: ``headers`` (without their Content-Length) and ``extra`` lines."""
    lines = ["POST / HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items() if k != "Content-Length")]
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode()


@pytest.mark.server
def test_oversized_bodies_are_refused_with_413_before_they_are_read(
    local_server: LocalServer,
) -> None:
    from workbench.engine.local.guard import MAX_BODY

    headers = _signed_headers(local_server, b"{}", local_server.secret)
    # 300 MB announced, none sent: the answer comes at once (a guard that read the body
    # first would wait for it until the socket times out).
    answer = _raw_http(local_server, _raw_head(headers, "Content-Length: 300000000\r\n"))
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 413 " in status_line, answer[:300]
    error = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert error["__type"].endswith("RequestEntityTooLargeException")
    assert "300000000 bytes" in error["message"] and str(MAX_BODY) in error["message"]

    # Chunked, with no Content-Length to go by: at most the limit is read, then refused.
    def chunks() -> Iterator[bytes]:
        piece = b"x" * (1 << 20)
        for _ in range(MAX_BODY // len(piece) + 1):
            yield b"%x\r\n%s\r\n" % (len(piece), piece)
        yield b"0\r\n\r\n"

    answer = _raw_http(
        local_server,
        _raw_head(headers, "Transfer-Encoding: chunked\r\n"),
        chunks(),
    )
    assert b" 413 " in answer.partition(b"\r\n")[0], answer[:300]
    # Up to the limit is fine.
    assert _client(local_server).list_tables()["TableNames"] is not None


def _signed_at(stamp: datetime_type):
    from unittest import mock

    return mock.patch("botocore.auth.get_current_datetime", return_value=stamp)


@pytest.mark.server
def test_a_signature_dated_over_15_minutes_away_is_refused_like_dynamodb(
    local_server: LocalServer,
) -> None:
    now = datetime_type.now(UTC).replace(tzinfo=None)
    client = _client(local_server)
    with _signed_at(datetime_type(2020, 1, 1)), pytest.raises(ClientError) as stale:
        client.list_tables()
    error = stale.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == "InvalidSignatureException"
    assert error["Error"]["Message"].startswith(
        "Signature expired: 20200101T000000Z is now earlier than "
    )
    assert error["Error"]["Message"].endswith(" - 15 min.)")
    with _signed_at(now + timedelta(minutes=20)), pytest.raises(ClientError) as future:
        client.list_tables()
    assert future.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert "Signature not yet current" in future.value.response["Error"]["Message"]
    # Within 15 minutes either way (clocks drift a little), as on AWS.
    for skew in (-10, 10):
        with _signed_at(now + timedelta(minutes=skew)):
            assert "TableNames" in client.list_tables()


@pytest.mark.server
@pytest.mark.parametrize(
    "body,reason",
    [
        (b"{not json", "not valid JSON"),
        (b"", "empty"),
        (b"[1, 2]", "an array, not a JSON object"),
        (b'"text"', "a string, not a JSON object"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_a_body_that_is_not_a_json_object_gets_dynamodbs_serialization_exception(
    local_server: LocalServer, body: bytes, reason: str
) -> None:
    for target in (TARGET, "DynamoDBStreams_20120810.ListStreams"):
        headers = _signed_headers(
            local_server, body, local_server.secret, extra={"X-Amz-Target": target}
        )
        status_code, _, answer = _send(local_server.endpoint, headers=headers, body=body)
        assert status_code == 400, answer[:300]
        error = json.loads(answer)
        assert error["__type"] == "com.amazon.coral.service#SerializationException"
        assert reason in error["Message"]


# --- --db-path: a corrupt snapshot, and kill -9 (issue 16) ----------------------------------


def _wait_for_snapshot(data: Path, text: str) -> None:
    """Wait until the snapshot in ``data`` holds ``text`` (the server saves every 2 s)."""
    from workbench.engine.local.serve import SAVE_INTERVAL

    snapshot = persistence.snapshot_path(data)
    deadline = time.monotonic() + SAVE_INTERVAL * 10
    while time.monotonic() < deadline and text not in (
        snapshot.read_text() if snapshot.exists() else ""
    ):
        time.sleep(0.02)
    assert text in snapshot.read_text()


def _table(client, name: str) -> None:
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
    )


@pytest.mark.server
@pytest.mark.parametrize(
    "content,reason",
    [
        (b"", "it is empty"),
        (b'{"format":2}', "it has format 2, not 1"),
        (b'{"format":1,"tables":[{"account":"1","region":"us-e', "not valid JSON"),
        (b'{"format":1,"tables":[{"account":"1"}]}', "a table in it is damaged"),
    ],
)
def test_a_corrupt_snapshot_is_one_readable_line_and_is_left_as_it_was(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    snapshot = persistence.snapshot_path(data)
    snapshot.write_bytes(content)
    with pytest.raises(persistence.SnapshotError) as failed:
        LocalServer.start(db_path=data, log_path=tmp_path / "log")
    message = str(failed.value)
    assert "\n" not in message and "Traceback" not in message
    assert str(snapshot) in message and reason in message
    assert "move tables.json aside" in message and "without --db-path" in message
    assert snapshot.read_bytes() == content, "nothing lost"
    assert [p.name for p in data.iterdir()] == ["tables.json"]


def _counter(client, table: str = "tbl") -> int:
    item = client.get_item(TableName=table, Key={"k": {"S": "counter"}}, ConsistentRead=True)
    return int(item["Item"]["n"]["N"])


def _add(client, table: str = "tbl") -> None:
    client.update_item(
        TableName=table,
        Key={"k": {"S": "counter"}},
        UpdateExpression="ADD n :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )


def _kill_9(server: LocalServer) -> None:
    os.killpg(server.pid, signal.SIGKILL)  # no save on the way out
    assert _wait_dead(server.pid)
    server.stop()


@pytest.mark.server
def test_kill_9_loses_no_acknowledged_write(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = LocalServer.start(db_path=data)
    try:
        client = _client(server)
        _table(client, "tbl")
        _table(client, "gone")
        # Right after a snapshot, so that the next one (2 s later) comes after the kill.
        _wait_for_snapshot(data, "gone")
        written = []
        for i in range(20):  # well under the 2 s between snapshots
            client.put_item(TableName="tbl", Item={"k": {"S": f"item-{i}"}})
            _add(client)
            written.append(f"item-{i}")
        client.delete_item(TableName="tbl", Key={"k": {"S": "item-0"}})
        client.delete_table(TableName="gone")
        with pytest.raises(ClientError, match="ConditionalCheckFailed"):
            client.put_item(
                TableName="tbl",
                Item={"k": {"S": "item-1"}, "v": {"S": "refused"}},
                ConditionExpression="attribute_not_exists(k)",
            )
    finally:
        _kill_9(server)
    with LocalServer.start(db_path=data) as again:
        client = _client(again)
        assert client.list_tables()["TableNames"] == ["tbl"]
        keys = {i["k"]["S"] for i in client.scan(TableName="tbl")["Items"]}
        assert keys == {*written[1:], "counter"}
        assert _counter(client) == 20
        assert "v" not in client.get_item(TableName="tbl", Key={"k": {"S": "item-1"}})["Item"]


@pytest.mark.server
def test_a_snapshot_and_its_journal_never_count_a_write_twice_nor_lose_one(
    tmp_path: Path,
) -> None:
    # UpdateItem ADD is not idempotent: replaying a write the snapshot already holds would
    # count it twice.
    data = tmp_path / "data"
    server = LocalServer.start(db_path=data)
    try:
        client = _client(server)
        _table(client, "tbl")
        for _ in range(10):
            _add(client)
        _wait_for_snapshot(data, '"N":"10"')
        for _ in range(5):
            _add(client)
    finally:
        _kill_9(server)
    with LocalServer.start(db_path=data) as again:
        assert _counter(_client(again)) == 15
        # The replayed writes are in the snapshot now; their journal is gone.
        assert '"N":"15"' in persistence.snapshot_path(data).read_text()
        assert not list(data.glob("journal-*"))
    with LocalServer.start(db_path=data) as third:
        assert _counter(_client(third)) == 15
