"""Start and stop the real DynamoDB Local (a JVM), cleanly, with no orphan left behind.

DynamoDB Local listens on every network interface and has no option to bind to loopback
only: anyone who can reach the port can read and write its tables. On a shared network,
firewall the port. What we can close is CORS: ``-cors`` defaults to ``*``, which lets any
web page the user visits call it from the browser; we pass an allow-list no page can match.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from ..errors import LocalError, PortInUse
from .install import install
from .java import require_java

# An origin no web page can have (.invalid is reserved by RFC 2606): CORS stays closed.
CLOSED_CORS = "http://cors-disabled.invalid"
PR_SET_PDEATHSIG = 1
_LIVE: weakref.WeakSet[LocalServer] = weakref.WeakSet()


def free_port() -> int:
    """A TCP port free on every interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    """True if nothing listens on ``port`` (DynamoDB Local binds every interface)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("", port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    # Own process group, so stop() can signal the JVM and anything it spawned together, and
    # a Ctrl-C in a notebook does not kill it in the middle of a request.
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        # If the Python process dies, even by SIGKILL, the kernel sends the JVM SIGTERM.
        # Note: it fires when the *thread* that started the JVM exits.
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def answers(endpoint: str, timeout: float = 2.0, service: str = "dynamodb") -> bool:
    """True if ``service`` (``dynamodb`` or ``cognito-idp``) answers a cheap list call."""
    import boto3
    from botocore.config import Config

    client = boto3.session.Session(
        aws_access_key_id="workbench", aws_secret_access_key="workbench", region_name="us-east-1"
    ).client(
        service,
        endpoint_url=endpoint,
        config=Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 0}),
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


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _version_from_log(path: Path) -> str:
    for line in _tail(path, 40).splitlines():
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def kill_group(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM the process group of ``pid``, then SIGKILL what is left after ``timeout``."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


class LocalServer:
    """A running DynamoDB Local.

    Start one with :meth:`start`; it is stopped by :meth:`stop`, at interpreter exit, or, for
    an attached server on Linux, by the kernel when this Python process dies.
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        port: int,
        db_path: Path | None,
        log_path: Path,
        detached: bool,
    ) -> None:
        self.process = process
        self.port = port
        self.pid = process.pid
        self.db_path = db_path
        self.log_path = log_path
        self.detached = detached
        self.endpoint = f"http://127.0.0.1:{port}"
        self.version = "unknown"
        self._stopped = False
        self._lock = threading.Lock()

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
    ) -> LocalServer:
        """Install if needed, start DynamoDB Local, and wait until it answers.

        :param port: the port (default: a free one).
        :param db_path: a folder to persist tables in (default: in memory).
        :param detach: survive this Python process (the background instance).
        :param shared_db: one database for every client (``-sharedDb``), so the AWS CLI or
            NoSQL Workbench see the same tables whatever their credentials. Without it, each
            access key has its own database, which keeps independent workloads (notebooks run
            side by side) from slowing each other: DynamoDB Local's writes slow down as the
            streams of the other tables in the same database grow.
        :raises PortInUse: if ``port`` is taken.
        :raises JavaNotFound, JavaTooOld: without a suitable Java.
        :raises LocalError: if it exits or does not answer within ``timeout``.
        """
        java = require_java()
        folder = install()
        if port is not None and not port_is_free(port):
            raise PortInUse(
                f"port {port} is already in use: pick another with --port, or stop what holds "
                "it (`workbench local stop` if it is the workbench's own instance)"
            )
        db = Path(db_path).expanduser().resolve() if db_path is not None else None
        if db is not None:
            db.mkdir(parents=True, exist_ok=True)
        attempts = 1 if port is not None else 3
        last_error: LocalError | None = None
        for _ in range(attempts):
            chosen = port if port is not None else free_port()
            try:
                return cls._launch(java, folder, chosen, db, timeout, detach, log_path, shared_db)
            except LocalError as exc:
                # Another process may have taken the free port between our check and the
                # JVM's bind; try a different one.
                if port is None and "Address already in use" in str(exc):
                    last_error = exc
                    continue
                raise
        assert last_error is not None
        raise last_error

    @classmethod
    def _launch(
        cls,
        java: str,
        folder: Path,
        port: int,
        db: Path | None,
        timeout: float,
        detach: bool,
        log_path: str | Path | None,
        shared_db: bool,
    ) -> LocalServer:
        if log_path is None:
            handle, name = tempfile.mkstemp(prefix="dynamodb-local-", suffix=".log")
            os.close(handle)
            log = Path(name)
        else:
            log = Path(log_path)
            log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            java,
            f"-Djava.library.path={folder / 'DynamoDBLocal_lib'}",
            "-jar",
            str(folder / "DynamoDBLocal.jar"),
            "-port",
            str(port),
            "-disableTelemetry",
            "-cors",
            CLOSED_CORS,
        ]
        command += ["-sharedDb"] if shared_db else []
        command += ["-inMemory"] if db is None else ["-dbPath", str(db)]
        with open(log, "wb") as out:
            process = subprocess.Popen(
                command,
                cwd=str(folder),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=detach,
                preexec_fn=None if detach else _die_with_parent,
            )
        server = cls(process, port, db, log, detach)
        server._wait_ready(timeout)
        server.version = _version_from_log(log)
        if not detach:
            _LIVE.add(server)
            weakref.finalize(server, kill_group, process.pid)
        return server

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalError(
                    f"DynamoDB Local exited with code {self.process.returncode} on port "
                    f"{self.port}; its log ({self.log_path}) ends with:\n{_tail(self.log_path)}"
                )
            if answers(self.endpoint, timeout=1.0):
                return
            time.sleep(0.1)
        self.stop()
        raise LocalError(
            f"DynamoDB Local did not answer on {self.endpoint} within {timeout:.0f}s; its log "
            f"({self.log_path}) ends with:\n{_tail(self.log_path)}"
        )

    def is_running(self) -> bool:
        """True while the JVM is alive."""
        return not self._stopped and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the JVM (SIGTERM, then SIGKILL); safe to call twice."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        if self.process.poll() is None:
            kill_group(self.pid, timeout)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL was sent
            pass
        _LIVE.discard(self)

    def describe(self) -> dict[str, Any]:
        """Endpoint, version, pid and mode, for status output."""
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


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop()
