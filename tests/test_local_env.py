"""``workbench local env``: the AWS CLI (from PyPI) and boto3, given only its environment,
reach the managed server over real HTTP and run the bootcamp's own ``aws dynamodb`` commands."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workbench.clock import format_ts
from workbench.engine.local import LocalServer, state_file
from workbench.engine.local.env import client_env, shell_lines
from workbench.errors import EngineError
from workbench.paths import write_private

BIN = Path(sys.executable).parent
REQUIRED = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL_DYNAMODB",
}
# Nowhere: what a client sent here would fail, so a request that succeeds went elsewhere.
DEAD_URL = "http://127.0.0.1:9"

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """The process environment without any AWS setting, and with a stale one of each kind a
    bootcamp shell might hold: a generic endpoint and a region elsewhere. No profile or
    credentials file is read."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    home = tmp_path / "home"
    home.mkdir()
    env.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(home / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-credentials"),
        AWS_ENDPOINT_URL=DEAD_URL,
        AWS_REGION="ca-central-1",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    folder.mkdir(mode=0o700)
    return folder


@pytest.fixture
def running(
    local_server: LocalServer, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> LocalServer:
    """The session's server, recorded as the background instance (as `local start` does) in
    a state folder of the test's own. Nothing here stops it: no test runs `local stop`."""
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(state_dir))
    state = {
        **local_server.describe(),
        "db_path": None,
        "secret": local_server.secret,
        "started_at": format_ts(datetime.now(UTC)),
    }
    write_private(state_file(), json.dumps(state))
    return local_server


@pytest.fixture
def run(clean_env: dict[str, str], state_dir: Path) -> Run:
    """Run a command line (a list) or a ``sh -c`` script (a string) in ``clean_env``."""

    def run(command: list[str] | str, ok: bool = True, **extra: str):
        env = {**clean_env, "WORKBENCH_STATE_DIR": str(state_dir), **extra}
        argv = ["sh", "-c", command] if isinstance(command, str) else command
        result = subprocess.run(argv, env=env, text=True, capture_output=True, timeout=120)
        if ok:
            assert result.returncode == 0, (command, result.stdout, result.stderr)
        return result

    return run


def parse_exports(text: str) -> dict[str, str]:
    """The variables of ``export NAME=value`` lines, as sh reads them; every other line must
    be a comment."""
    found = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        words = shlex.split(line)
        assert len(words) == 2 and words[0] == "export", line
        name, _, value = words[1].partition("=")
        found[name] = value
    return found


def test_env_prints_what_reaches_this_instance(running: LocalServer, run: Run) -> None:
    result = run(["workbench", "local", "env"])
    env = parse_exports(result.stdout)
    assert REQUIRED <= set(env)
    # The generic variable would send Cognito, STS... to the local server too.
    assert "AWS_ENDPOINT_URL" not in env
    assert env["AWS_ENDPOINT_URL_DYNAMODB"] == running.endpoint
    assert env["AWS_SECRET_ACCESS_KEY"] == running.secret
    assert env["AWS_ACCESS_KEY_ID"] == os.environ["WORKBENCH_ACCESS_KEY_ID"]
    assert env["AWS_DEFAULT_REGION"] == env["AWS_REGION"] == "us-east-1"
    comments = [line for line in result.stdout.splitlines() if line.startswith("#")]
    assert any("for this server instance only" in line for line in comments)
    as_json = json.loads(run(["workbench", "local", "env", "--json"]).stdout)
    assert as_json == env == client_env()


def test_the_bootcamps_aws_cli_commands_work_after_eval(
    running: LocalServer, run: Run, local_engine, table_name: str
) -> None:
    loaded = 'eval "$(workbench local env)" && '
    # The workbench's own table is there for the AWS CLI: same region, same account.
    mine = f"{table_name}-wb"
    local_engine.client().create_table(
        TableName=mine,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    try:
        # bin/ddb/list-tables, without its --endpoint-url: the environment holds it.
        listed = run(loaded + "aws dynamodb list-tables --query TableNames --output table")
        assert mine in listed.stdout and "ListTables" in listed.stdout
        created = run(
            loaded + "aws dynamodb create-table --table-name " + shlex.quote(table_name) + " "
            "--attribute-definitions AttributeName=pk,AttributeType=S "
            "AttributeName=sk,AttributeType=S "
            "--key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE "
            "--provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits=5 "
            "--output json"
        )
        assert json.loads(created.stdout)["TableDescription"]["TableName"] == table_name
        for sk in ("2026-11-22T07:45:00", "2026-11-23T08:00:00", "2025-01-01T00:00:00"):
            item = {"pk": {"S": "MSG#g1"}, "sk": {"S": sk}, "message": {"S": f"at {sk}"}}
            run(
                loaded + f"aws dynamodb put-item --table-name {shlex.quote(table_name)} "
                f"--item {shlex.quote(json.dumps(item))}"
            )
        values = {":pk": {"S": "MSG#g1"}, ":year": {"S": "2026"}}
        queried = run(
            loaded + f"aws dynamodb query --table-name {shlex.quote(table_name)} "
            "--key-condition-expression 'pk = :pk AND begins_with(sk, :year)' "
            f"--expression-attribute-values {shlex.quote(json.dumps(values))} "
            "--no-scan-index-forward --return-consumed-capacity TOTAL --output json"
        )
        page = json.loads(queried.stdout)
        assert [i["sk"]["S"] for i in page["Items"]] == [
            "2026-11-23T08:00:00",
            "2026-11-22T07:45:00",
        ]
        assert page["ConsumedCapacity"]["TableName"] == table_name
        # And the workbench sees what the AWS CLI wrote.
        scanned = local_engine.client().scan(TableName=table_name)["Items"]
        assert len(scanned) == 3
        # bin/ddb/drop
        run(loaded + f"aws dynamodb delete-table --table-name {shlex.quote(table_name)}")
        after = run(loaded + "aws dynamodb list-tables --output json")
        assert table_name not in json.loads(after.stdout)["TableNames"]
    finally:
        for name in (mine, table_name):
            try:
                local_engine.client().delete_table(TableName=name)
            except local_engine.client().exceptions.ResourceNotFoundException:
                pass


def test_the_aws_cli_gets_dynamodbs_answers_not_motos(
    running: LocalServer, run: Run, table_name: str
) -> None:
    """DynamoDB's rules live in the server, so a client that is not the workbench (the AWS
    CLI here) is refused and answered as DynamoDB would (issue 18)."""
    loaded = 'eval "$(workbench local env)" && AWS_MAX_ATTEMPTS=1 '
    # A table name DynamoDB refuses (moto would create it).
    bad = run(
        loaded + "aws dynamodb create-table --table-name 'a b' "
        "--attribute-definitions AttributeName=pk,AttributeType=S "
        "--key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST",
        ok=False,
    )
    assert bad.returncode != 0
    assert "(ValidationException)" in bad.stderr
    assert "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+" in bad.stderr
    name = shlex.quote(table_name)
    run(
        loaded + f"aws dynamodb create-table --table-name {name} "
        "--attribute-definitions AttributeName=pk,AttributeType=S "
        "--key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST"
    )
    try:
        # An empty string set: DynamoDB refuses it (moto stores it).
        empty = {"pk": {"S": "a"}, "tags": {"SS": []}}
        refused = run(
            loaded + f"aws dynamodb put-item --table-name {name} "
            f"--item {shlex.quote(json.dumps(empty))}",
            ok=False,
        )
        assert refused.returncode != 0 and "(ValidationException)" in refused.stderr
        assert "may not be empty" in refused.stderr
        # Numbers come back as DynamoDB stores them.
        item = {"pk": {"S": "n"}, "n": {"N": "00042"}, "e": {"N": "1.5E2"}}
        run(
            loaded
            + f"aws dynamodb put-item --table-name {name} --item {shlex.quote(json.dumps(item))}"
        )
        got = run(
            loaded + f"aws dynamodb get-item --table-name {name} "
            f"--key {shlex.quote(json.dumps({'pk': {'S': 'n'}}))} --output json"
        )
        assert json.loads(got.stdout)["Item"]["n"] == {"N": "42"}
        assert json.loads(got.stdout)["Item"]["e"] == {"N": "150"}
    finally:
        run(loaded + f"aws dynamodb delete-table --table-name {name}", ok=False)


def test_without_the_env_the_aws_cli_does_not_reach_the_server(
    running: LocalServer, run: Run
) -> None:
    # The same command with the endpoint but not the secret: the guard refuses it, so the
    # secret the lines carry is what lets the AWS CLI in.
    refused = run(
        ["aws", "dynamodb", "list-tables"],
        ok=False,
        AWS_ENDPOINT_URL_DYNAMODB=running.endpoint,
        AWS_ACCESS_KEY_ID="workbench",
        AWS_SECRET_ACCESS_KEY="not-the-secret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_MAX_ATTEMPTS="1",
    )
    assert refused.returncode != 0 and "signature" in refused.stderr.lower()


def test_boto3_with_only_the_environment_reaches_the_server(
    running: LocalServer, run: Run, local_engine, table_name: str
) -> None:
    local_engine.client().create_table(
        TableName=table_name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    # No endpoint, key or region in the code: boto3 reads them from the environment.
    script = f"""
import json, boto3
ddb = boto3.client("dynamodb")
ddb.put_item(TableName={table_name!r}, Item={{"pk": {{"S": "a"}}}})
streams = boto3.client("dynamodbstreams").list_streams(TableName={table_name!r})["Streams"]
print(json.dumps({{
    "items": boto3.resource("dynamodb").Table({table_name!r}).scan()["Items"],
    "region": ddb.meta.region_name,
    "endpoint": ddb.meta.endpoint_url,
    "streams": len(streams),
    "sts": boto3.client("sts").meta.endpoint_url,
    "cognito": boto3.client("cognito-idp").meta.endpoint_url,
}}))
"""
    try:
        command = f'eval "$(workbench local env)" && python -c {shlex.quote(script)}'
        shown = json.loads(run(command).stdout)
    finally:
        local_engine.client().delete_table(TableName=table_name)
    assert shown["items"] == [{"pk": "a"}]
    assert shown["endpoint"] == running.endpoint and shown["region"] == "us-east-1"
    assert shown["streams"] == 1
    # Other services keep their AWS endpoints (here the stale generic one of clean_env): the
    # lines send nothing but DynamoDB and its streams to the local server.
    assert shown["sts"] == shown["cognito"] == DEAD_URL


def test_no_server_is_one_line_and_a_failure(run: Run) -> None:
    result = run(["workbench", "local", "env"], ok=False)
    assert result.returncode != 0 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "not running" in result.stderr and "`workbench local start`" in result.stderr
    # So `eval "$(workbench local env)"` shows the line and sets nothing; a script that
    # keeps the output first can stop on the exit code.
    shown = run('eval "$(workbench local env)"; echo "set: $AWS_ENDPOINT_URL_DYNAMODB."')
    assert shown.stdout == "set: .\n" and "workbench local start" in shown.stderr
    stopped = run('lines=$(workbench local env) && eval "$lines" && echo "went on"', ok=False)
    assert stopped.returncode != 0 and "went on" not in stopped.stdout


def test_json_and_shell_exclude_each_other(running: LocalServer, run: Run) -> None:
    result = run(["workbench", "local", "env", "--json", "--shell", "fish"], ok=False)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "--json and --shell" in result.stderr


HOSTILE = 'it\'s $(touch pwned) `x` \\ "q"\n$HOME;*'


def test_sh_lines_quote_any_value(tmp_path: Path) -> None:
    lines = shell_lines({"AWS_SECRET_ACCESS_KEY": HOSTILE, "AWS_ENDPOINT_URL_DYNAMODB": "u"})
    script = "\n".join(lines) + '\nprintf %s "$AWS_SECRET_ACCESS_KEY"'
    result = subprocess.run(
        ["sh", "-c", script], cwd=tmp_path, text=True, capture_output=True, check=True
    )
    assert result.stdout == HOSTILE and not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("shell", "program", "read"),
    [
        ("fish", "fish", 'printf %s "$AWS_SECRET_ACCESS_KEY"'),
        ("powershell", "pwsh", "[Console]::Out.Write($Env:AWS_SECRET_ACCESS_KEY)"),
    ],
)
def test_other_shells_quote_any_value(shell: str, program: str, read: str, tmp_path) -> None:
    lines = shell_lines({"AWS_SECRET_ACCESS_KEY": HOSTILE}, shell)
    setting = [line for line in lines if not line.startswith("#")]
    assert len(setting) == 1 and "AWS_SECRET_ACCESS_KEY" in setting[0]
    if shutil.which(program) is None:
        # Checked by the quoting rules alone: a single-quoted string whose inner quotes
        # (and, for fish, backslashes) are escaped.
        body = setting[0].split(" ", 3)[3] if shell == "fish" else setting[0].split(" = ")[1]
        assert body.startswith("'") and body.endswith("'")
        inner = body[1:-1]
        if shell == "fish":
            assert inner.replace("\\\\", "").replace("\\'", "").count("'") == 0
            assert inner.replace("\\\\", "\\").replace("\\'", "'") == HOSTILE
        else:
            assert inner.replace("''", "").count("'") == 0
            assert inner.replace("''", "'") == HOSTILE
        return
    argv = [program, "-c"] if shell == "fish" else [program, "-NoProfile", "-Command"]
    script = "\n".join([*lines, read])
    result = subprocess.run([*argv, script], cwd=tmp_path, text=True, capture_output=True)
    assert result.stdout == HOSTILE and not (tmp_path / "pwned").exists()


def test_an_unknown_shell_names_the_ones_allowed() -> None:
    with pytest.raises(EngineError, match=r"unknown shell 'csh'.*'sh', 'fish', 'powershell'"):
        shell_lines({"A": "b"}, "csh")
