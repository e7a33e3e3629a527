"""Start and stop the managed moto server (a Python child process), with no orphan left behind.

The server (:mod:`workbench.engine.local.serve`) listens on 127.0.0.1 only and serves DynamoDB,
DynamoDB Streams, Cognito, IAM, STS, Lambda and CloudFormation on one endpoint, behind a
guard that lets through only requests signed with a secret made for this instance
(:attr:`LocalServer.secret`). The secret goes to the child on its stdin, never on its
command line, which ``ps`` shows to every user.

An attached server (the default) dies with the Python process that started it: it is stopped
by :meth:`LocalServer.stop`, when the object is garbage-collected, at interpreter exit, and on
Linux by the kernel (``PR_SET_PDEATHSIG``) even if Python is killed with SIGKILL. That signal
fires when the *thread* that started the child exits, not the process, so attached servers are
always launched from the main thread or from one long-lived launcher thread, never from the
short-lived thread that happens to call :meth:`LocalServer.start`.
"""

from __future__ import annotations

import ctypes
import json
import os
import queue
import secrets
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from ...errors import LocalError, PortInUse
from ...paths import private_dir, private_file
from .journal import SnapshotError
from .procs import kill_group, log_tail, port_in_use, port_is_free

PR_SET_PDEATHSIG = 1
SERVE_MODULE = "workbench.engine.local.serve"
# The access key id the workbench's own probes sign with (the guard accepts any).
PROBE_KEY = "workbench"


def answers(endpoint: str, secret: str, timeout: float = 2.0) -> bool:
    """True if a DynamoDB API answers a ``ListTables`` signed with ``secret`` at ``endpoint``."""
    import boto3
    from botocore.config import Config

    from ..sessions import profile_free_session

    client = boto3.session.Session(
        botocore_session=profile_free_session(),  # no AWS_PROFILE can break the probe
        aws_access_key_id=PROBE_KEY,
        aws_secret_access_key=secret,
        region_name="us-east-1",
    ).client(
        "dynamodb",
        endpoint_url=endpoint,
        config=Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 0},
            ignore_configured_endpoint_urls=True,
            proxies={},
        ),
    )
    try:
        client.list_tables(Limit=1)
        return True
    except Exception:
        return False
    finally:
        client.close()


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get SIGTERM when this process dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    # Looked up here, in the parent: loading a library between fork and exec can deadlock.
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def preexec() -> None:  # pragma: no cover - runs in the child, between fork and exec
        # If the Python process dies, even by SIGKILL, the kernel sends the server SIGTERM.
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        # The parent may have died before prctl took effect: then no signal will come.
        if os.getppid() != parent:
            os._exit(1)

    return preexec


class _Launcher:
    """One daemon thread that starts attached servers for callers that are not the main thread.

    PR_SET_PDEATHSIG fires when the thread that forked the child exits; this thread lives as
    long as the process, so the server dies with the process and not with a worker thread.
    """

    _lock = threading.Lock()
    _queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]]] | None = None

    @classmethod
    def run(cls, func: Callable[[], Any]) -> Any:
        if threading.current_thread() is threading.main_thread():
            return func()
        with cls._lock:
            if cls._queue is None:
                cls._queue = queue.SimpleQueue()
                threading.Thread(
                    target=cls._serve,
                    args=(cls._queue,),
                    daemon=True,
                    name="workbench-server-launcher",
                ).start()
        future: Future[Any] = Future()
        cls._queue.put((future, func))
        return future.result()

    @staticmethod
    def _serve(jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]]]) -> None:
        while True:
            future, func = jobs.get()
            try:
                future.set_result(func())
            except BaseException as exc:  # handed to the caller's thread
                future.set_exception(exc)


def _terminate(process: subprocess.Popen[bytes], timeout: float) -> None:
    # Only while unreaped: until then its pid (and process group id) cannot be reused.
    if process.poll() is None:
        kill_group(process.pid, timeout)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL was sent
        pass


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["MOTO_DISABLE_GLOBAL_CORS"] = "true"
    # The child must import this very package, even from a checkout that is not installed.
    root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    # It needs no credentials or AWS profile of any kind (moto's own boto3 session would fail
    # on an AWS_PROFILE naming a missing profile, or an unreadable AWS_CONFIG_FILE).
    for name in (
        "WORKBENCH_SECRET_ACCESS_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ):
        env.pop(name, None)
    return env


def _read_ready(fd: int, timeout: float) -> dict[str, Any]:
    """The child's one JSON line on ``fd``, or ``{}`` if it exited or closed it first."""
    deadline = time.monotonic() + timeout
    data = b""
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                return {}
            data += chunk
    return json.loads(data.split(b"\n", 1)[0])


class LocalServer:
    """A running managed moto server: ``endpoint``, ``secret``, ``port``, ``pid``, ``db_path``.

    Start one with :meth:`start`. An attached server stops with :meth:`stop`, when the object
    is garbage-collected, at interpreter exit, or (Linux) when this Python process dies; a
    detached one runs until :meth:`stop` or ``workbench local stop``.
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        port: int,
        secret: str,
        db_path: Path | None,
        log_path: Path,
        *,
        detached: bool,
        temp_log: bool,
    ) -> None:
        self.process = process
        self.port = port
        self.pid = process.pid
        self.secret = secret
        self.db_path = db_path
        self.log_path = log_path
        self.detached = detached
        self.endpoint = f"http://127.0.0.1:{port}"
        self.version = f"moto {package_version('moto')}"
        self._temp_log = temp_log
        self._stopped = False
        self._lock = threading.Lock()
        # finalize(atexit=True) is both the garbage-collection hook and the atexit stop.
        self._finalizer = None if detached else weakref.finalize(self, _terminate, process, 10.0)

    @property
    def mode(self) -> str:
        """``in-memory`` or ``persisted: <folder>``."""
        return "in-memory" if self.db_path is None else f"persisted: {self.db_path}"

    @classmethod
    def start(
        cls,
        port: int | None = None,
        db_path: str | Path | None = None,
        detach: bool = False,
        *,
        timeout: float = 60.0,
        log_path: str | Path | None = None,
    ) -> LocalServer:
        """Start a managed moto server and wait until it serves (tables restored, if any).

        :param port: the port (default: a free one, picked by the kernel as the server binds,
            so no other process can take it first).
        :param db_path: a folder to keep the tables in across stop and start, created if
            needed (default: in memory).
        :param detach: survive this Python process (the background instance): a new session,
            no death signal, no stop at exit.
        :param timeout: seconds to wait for it to serve.
        :param log_path: where its output goes (default: a temporary file, removed on stop).
        :raises PortInUse: if ``port`` is taken.
        :raises LocalError: if it exits or does not serve within ``timeout``; the message ends
            with its log.
        """
        if port is not None and not port_is_free(port):
            raise port_in_use(port)
        db = Path(db_path).expanduser().resolve() if db_path is not None else None
        if db is not None:
            private_dir(db)  # the tables' data: the user's alone
        if log_path is None:
            handle, name = tempfile.mkstemp(prefix="workbench-server-", suffix=".log")
            os.close(handle)
            log = Path(name)
        else:
            log = private_file(Path(log_path).expanduser())
        secret = secrets.token_urlsafe(32)
        read_fd, write_fd = os.pipe()  # not inherited by any other child (PEP 446)

        def spawn() -> subprocess.Popen[bytes]:
            # Output to a file, not a pipe: nobody reads a pipe, and a full one blocks it.
            with open(log, "ab") as out:
                options: dict[str, Any] = (
                    {"start_new_session": True}
                    if detach
                    # Its own process group: a Ctrl-C in a notebook does not kill it in the
                    # middle of a request, and stop() signals the whole group. The death signal
                    # stops it if this Python process dies without stopping it.
                    else {"process_group": 0, "preexec_fn": _die_with_parent()}
                )
                return subprocess.Popen(
                    # -P: the folder the user runs from is not put on sys.path, so no module
                    # lying there can run inside the server that holds the secret.
                    [sys.executable, "-P", "-m", SERVE_MODULE],
                    stdin=subprocess.PIPE,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    pass_fds=(write_fd,),
                    env=_child_env(),
                    **options,
                )

        try:
            process = spawn() if detach else _Launcher.run(spawn)
        finally:
            os.close(write_fd)
        server = cls(
            process, port or 0, secret, db, log, detached=detach, temp_log=log_path is None
        )
        try:
            assert process.stdin is not None
            config = {
                "secret": secret,
                "port": port or 0,
                "ready_fd": write_fd,
                "db_path": str(db) if db else None,
            }
            process.stdin.write(json.dumps(config).encode() + b"\n")
            process.stdin.close()
            server._wait_ready(read_fd, timeout)
        except PortInUse:
            server.stop()
            raise
        except BaseException:
            # Keep the log (its tail is in the message); stop the child even on Ctrl-C.
            server._temp_log = False
            server.stop()
            raise
        finally:
            os.close(read_fd)
        return server

    def _wait_ready(self, fd: int, timeout: float) -> None:
        try:
            message = _read_ready(fd, timeout)
        except TimeoutError:
            raise LocalError(
                f"the workbench's moto server did not serve within {timeout:.0f}s; its log "
                f"({self.log_path}) ends with:\n{log_tail(self.log_path)}"
            ) from None
        if message.get("error") == "port_in_use":
            raise port_in_use(self.port)
        if message.get("error") == "snapshot":
            # Already one line naming the file, the reason and what to do.
            raise SnapshotError(str(message.get("message")))
        if "port" not in message:
            try:
                code = self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            tail = log_tail(self.log_path)
            # A traceback's last line is its reason: first, so a one-line message keeps it.
            reason = next((line for line in reversed(tail.splitlines()) if line.strip()), "")
            raise LocalError(
                f"the workbench's moto server exited with code {code} before serving"
                f"{f' ({reason.strip()})' if reason else ''}; its log ({self.log_path}) ends "
                f"with:\n{tail}"
            )
        self.port = int(message["port"])
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def is_running(self) -> bool:
        """True while the server process is alive (and :meth:`stop` was not called)."""
        return not self._stopped and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM: it saves its tables first; then SIGKILL); safe twice.

        :param timeout: seconds to wait after SIGTERM before SIGKILL.
        """
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        if self._finalizer is not None:
            self._finalizer.detach()
        _terminate(self.process, timeout)
        if self._temp_log:
            self.log_path.unlink(missing_ok=True)

    def describe(self) -> dict[str, Any]:
        """Endpoint, port, version, pid, mode and log, for status output (not the secret)."""
        return {
            "endpoint": self.endpoint,
            "port": self.port,
            "version": self.version,
            "pid": self.pid,
            "mode": self.mode,
            "log": str(self.log_path),
        }

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LocalServer({self.endpoint!r}, mode={self.mode!r})"
