"""Process and port helpers: free ports, who listens on a port, waiting for a server to
serve, stopping a process group, a lock between processes."""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from ..errors import LocalError, PortInUse

T = TypeVar("T")
START_ATTEMPTS = 3


def free_port() -> int:
    """A TCP port free on every interface right now (the kernel picks it)."""
    # Bound on every interface, not just 127.0.0.1: DynamoDB Local listens on all of them.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    """True if nothing listens on ``port``, on any interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR: a port whose last connection is in TIME_WAIT is free to listen on,
        # but a listening socket (IPv4 or dual-stack IPv6) still makes bind fail.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("", port))
        except OSError:
            return False
    # On macOS SO_REUSEADDR lets that bind pass beside a listener on 127.0.0.1 only; a connect
    # still finds it.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def port_in_use(port: int, what: str = "DynamoDB Local") -> PortInUse:
    """The :class:`PortInUse` error for ``port``, saying what to do."""
    return PortInUse(
        f"port {port} is already in use, so {what} cannot listen on it: pick another with "
        "--port (or leave --port out for a free one), or stop what holds it "
        "(`workbench local stop` if it is the workbench's own background instance)"
    )


def listening_inodes(port: int) -> set[str] | None:
    """Socket inodes listening on TCP ``port`` (IPv4 and IPv6), or None without ``/proc``."""
    found: set[str] = set()
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not any(table.exists() for table in tables):
        return None
    for table in tables:
        try:
            lines = table.read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            # fields: sl, local "ADDR:PORT" (hex), remote, state (0A = LISTEN), ..., inode.
            if len(fields) > 9 and fields[3] == "0A" and fields[1].endswith(f":{port:04X}"):
                found.add(fields[9])
    return found


def owns_port(pid: int, port: int) -> bool:
    """True if process ``pid`` holds the socket listening on ``port``.

    Where ``/proc`` is missing (macOS) it cannot be told, and True is returned.
    """
    inodes = listening_inodes(port)
    if inodes is None:
        return True
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            return True
    return False


def pid_alive(pid: int) -> bool:
    """True if ``pid`` runs and is not a zombie (a zombie child of ours is reaped)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass  # not our child: init reaps it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def pid_runs(pid: int | None, needle: str) -> bool:
    """True if ``pid`` is alive and its command line contains ``needle``.

    The check guards against a pid the system has since given to another program.
    """
    if not pid or not pid_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # no /proc (macOS): trust the pid
    except OSError:
        return False
    return needle in cmdline


def kill_group(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM the process group led by ``pid``, then SIGKILL it if still alive after ``timeout``.

    :param pid: a process that leads its own group (started with ``process_group=0`` or
        ``start_new_session=True``).
    """
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not pid_alive(pid):
                return
            time.sleep(0.05)


def start_on_port(start: Callable[[int], T], port: int | None,
                  attempts: int = START_ATTEMPTS) -> T:
    """``start(port)``; with no port given, on a free one, tried again on another free one (up
    to ``attempts`` times) if another process takes it between our check and the bind.

    :raises PortInUse: if the given port is taken, or every free port was taken in time.
    """
    for attempt in range(1 if port is not None else attempts):
        try:
            return start(port if port is not None else free_port())
        except PortInUse:
            if port is not None or attempt + 1 == attempts:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def log_tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file ("" if it cannot be read)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_until_serving(process: subprocess.Popen[bytes], port: int, probe: Callable[[], bool],
                       *, what: str, log_path: Path, timeout: float) -> None:
    """Wait until ``process`` serves on ``port``: ``probe()`` answers and the socket is its own.

    Answering is not enough: another server may hold the port while ``process`` is still
    failing to bind it.

    :param what: the server's name, for messages.
    :raises PortInUse: if it exited because the port was taken.
    :raises LocalError: if it exited otherwise, or did not answer within ``timeout``; the
        message ends with its log.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            try:
                log = log_path.read_text(errors="replace")
            except OSError:
                log = ""
            if "Address already in use" in log:
                raise port_in_use(port, what)
            raise LocalError(
                f"{what} exited with code {process.returncode} on port {port}; its log "
                f"({log_path}) ends with:\n{log_tail(log_path)}"
            )
        if probe() and owns_port(process.pid, port):
            return
        time.sleep(0.1)
    raise LocalError(
        f"{what} did not answer on port {port} within {timeout:.0f}s; its log ({log_path}) "
        f"ends with:\n{log_tail(log_path)}\nTry a longer timeout, or check that the machine "
        "is not out of memory"
    )


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if needed) for the ``with`` block.

    It excludes other processes and, since each call opens the file anew, other threads too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
