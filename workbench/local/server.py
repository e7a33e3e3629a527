"""Start and stop the real DynamoDB Local (a JVM), cleanly, with no orphan left behind.

DynamoDB Local listens on every network interface and has no option to bind to loopback
only: anyone who can reach the port can read and write its tables. On a shared network,
firewall the port. What we can close is CORS: ``-cors`` defaults to ``*``, which lets any
web page the user visits call it from the browser; we pass an allow-list no page can match.

An attached server (the default) dies with the Python process that started it: it is stopped
by :meth:`LocalServer.stop`, when the object is garbage-collected, at interpreter exit, and on
Linux by the kernel (``PR_SET_PDEATHSIG``) even if Python is killed with SIGKILL. That signal
fires when the *thread* that started the JVM exits, not the process, so attached servers are
always launched from the main thread or from one long-lived launcher thread, never from the
short-lived thread that happens to call :meth:`LocalServer.start`.
"""

from __future__ import annotations

import ctypes
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from ..errors import PortInUse
from .install import JAR, LIB, install
from .java import require_java
from .procs import (
    kill_group,
    port_in_use,
    port_is_free,
    start_on_port,
    wait_until_serving,
)

# The -cors allow-list: one origin no web page can have (.invalid is reserved by RFC 2606).
# DynamoDB Local's default, "*", would let any site the user visits use their local tables.
CLOSED_CORS = "http://cors-disabled.invalid"
PR_SET_PDEATHSIG = 1
# JVM options for a DynamoDB Local that lives for one run (tests, notebooks, `make run`): the
# C1 compiler only warms up in a fraction of the time full tiered compilation takes, and the
# serial collector needs no GC threads. Measured here, `make run` takes about 15 % less; peak
# write throughput drops by about 10 %, so the long-lived background instance does not use it.
QUICK_JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
JAVA_OPTIONS_ENV = "WORKBENCH_JAVA_OPTIONS"


def answers(endpoint: str, timeout: float = 2.0, service: str = "dynamodb") -> bool:
    """True if ``service`` (``dynamodb`` or ``cognito-idp``) answers a cheap list call."""
    import boto3
    from botocore.config import Config

    client = boto3.session.Session(
        aws_access_key_id="workbench", aws_secret_access_key="workbench", region_name="us-east-1"
    ).client(
        service,
        endpoint_url=endpoint,
        config=Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 0},
            ignore_configured_endpoint_urls=True,
        ),
    )
    try:
        if service == "cognito-idp":
            client.list_user_pools(MaxResults=1)
        else:
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
        # If the Python process dies, even by SIGKILL, the kernel sends the JVM SIGTERM.
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        # The parent may have died before prctl took effect: then no signal will come.
        if os.getppid() != parent:
            os._exit(1)

    return preexec


class _Launcher:
    """One daemon thread that starts attached JVMs for callers that are not the main thread.

    PR_SET_PDEATHSIG fires when the thread that forked the child exits; this thread lives as
    long as the process, so the JVM dies with the process and not with a worker thread.
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
                threading.Thread(target=cls._serve, args=(cls._queue,), daemon=True,
                                 name="workbench-jvm-launcher").start()
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


def _java_options(given: Sequence[str] | None, detach: bool) -> list[str]:
    if given is not None:
        return list(given)
    if (from_env := os.environ.get(JAVA_OPTIONS_ENV)) is not None:
        return from_env.split()
    return [] if detach else list(QUICK_JAVA_OPTIONS)


def _version_from_log(path: Path) -> str:
    # The startup banner has a line "Version:\t3.3.1".
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "unknown"
    for line in text.splitlines()[:40]:
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


class LocalServer:
    """A running DynamoDB Local: ``endpoint``, ``port``, ``pid``, ``version``, ``db_path``.

    Start one with :meth:`start`. An attached server stops with :meth:`stop`, when the object
    is garbage-collected, at interpreter exit, or (Linux) when this Python process dies; a
    detached one runs until :meth:`stop` or ``workbench local stop``.
    """

    def __init__(self, process: subprocess.Popen[bytes], port: int, db_path: Path | None,
                 log_path: Path, *, detached: bool, temp_log: bool) -> None:
        self.process = process
        self.port = port
        self.pid = process.pid
        self.db_path = db_path
        self.log_path = log_path
        self.detached = detached
        self.endpoint = f"http://127.0.0.1:{port}"
        self.version = "unknown"
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
        *,
        timeout: float = 60.0,
        detach: bool = False,
        log_path: str | Path | None = None,
        shared_db: bool = True,
        java_options: Sequence[str] | None = None,
    ) -> LocalServer:
        """Install if needed, start DynamoDB Local, and wait until it answers ``ListTables``.

        :param port: the port (default: a free one).
        :param db_path: a folder to persist tables in, created if needed (default: in memory).
        :param timeout: seconds to wait for it to answer.
        :param detach: survive this Python process (the background instance): a new session,
            no death signal, no stop at exit.
        :param log_path: where its output goes (default: a temporary file, removed on stop).
        :param shared_db: one database for every client (``-sharedDb``), so the AWS CLI or
            NoSQL Workbench see the same tables whatever their credentials. Without it, each
            access key has its own database, which keeps independent workloads (notebooks run
            side by side) from slowing each other: DynamoDB Local's writes slow down as the
            streams of the other tables in the same database grow.
        :param java_options: JVM options (default: ``$WORKBENCH_JAVA_OPTIONS`` split on
            spaces if set, else :data:`QUICK_JAVA_OPTIONS` for an attached server and none for
            a detached one).
        :raises PortInUse: if ``port`` is taken.
        :raises JavaNotFound: without a ``java``.
        :raises JavaTooOld: with a Java older than 17.
        :raises LocalError: if it exits or does not answer within ``timeout``.
        """
        java = require_java()
        folder = install()
        if port is not None and not port_is_free(port):
            raise port_in_use(port)
        db = Path(db_path).expanduser().resolve() if db_path is not None else None
        if db is not None:
            db.mkdir(parents=True, exist_ok=True)
        # With no port given, a free one (another if someone takes it before the JVM binds).
        return start_on_port(
            lambda chosen: cls._launch(java, folder, chosen, db, timeout, detach, log_path,
                                       shared_db, _java_options(java_options, detach)),
            port,
        )

    @classmethod
    def _launch(cls, java: str, folder: Path, port: int, db: Path | None, timeout: float,
                detach: bool, log_path: str | Path | None, shared_db: bool,
                java_options: list[str]) -> LocalServer:
        if log_path is None:
            handle, name = tempfile.mkstemp(prefix="dynamodb-local-", suffix=".log")
            os.close(handle)
            log = Path(name)
        else:
            log = Path(log_path).expanduser()
            log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            java,
            f"-Djava.library.path={folder / LIB}",
            *java_options,
            "-jar",
            str(folder / JAR),
            "-port",
            str(port),
            "-disableTelemetry",
            "-cors",
            CLOSED_CORS,
        ]
        command += ["-sharedDb"] if shared_db else []
        command += ["-inMemory"] if db is None else ["-dbPath", str(db)]

        def spawn() -> subprocess.Popen[bytes]:
            # Output to a file, not a pipe: nobody reads a pipe, and a full one blocks the JVM.
            with open(log, "wb") as out:
                options: dict[str, Any] = (
                    {"start_new_session": True} if detach else
                    # Its own process group: a Ctrl-C in a notebook does not kill it in the
                    # middle of a request, and stop() signals the whole group. The death signal
                    # stops it if this Python process dies without stopping it.
                    {"process_group": 0, "preexec_fn": _die_with_parent()}
                )
                return subprocess.Popen(command, cwd=str(folder), stdin=subprocess.DEVNULL,
                                        stdout=out, stderr=subprocess.STDOUT, **options)

        process = spawn() if detach else _Launcher.run(spawn)
        server = cls(process, port, db, log, detached=detach, temp_log=log_path is None)
        try:
            server._wait_ready(timeout)
        except PortInUse:
            server.stop()
            raise
        except BaseException:
            # Keep the log (its tail is in the message); stop the JVM even on Ctrl-C.
            server._temp_log = False
            server.stop()
            raise
        server.version = _version_from_log(log)
        return server

    def _wait_ready(self, timeout: float) -> None:
        wait_until_serving(self.process, self.port, lambda: answers(self.endpoint, timeout=1.0),
                           what="DynamoDB Local", log_path=self.log_path, timeout=timeout)

    def is_running(self) -> bool:
        """True while the JVM is alive (and :meth:`stop` was not called)."""
        return not self._stopped and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the JVM and its process group (SIGTERM, then SIGKILL); safe to call twice.

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
        """Endpoint, port, version, pid, mode and log, for status output."""
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
        return f"LocalServer({self.endpoint!r}, version={self.version!r}, mode={self.mode!r})"
