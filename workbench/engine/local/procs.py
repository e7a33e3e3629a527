"""Process and port helpers: is a port free, is a pid still ours, stopping a process group,
a log's tail, a lock between processes."""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ...errors import PortInUse


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


def port_in_use(port: int, what: str = "the workbench's moto server") -> PortInUse:
    """The :class:`PortInUse` error for ``port``, saying what to do."""
    return PortInUse(
        f"port {port} is already in use, so {what} cannot listen on it: pick another with "
        "--port (or leave --port out for a free one), or stop what holds it "
        "(`workbench local stop` if it is the workbench's own background instance)"
    )


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


def log_tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file ("" if it cannot be read)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if needed) for the ``with`` block.

    It excludes other processes and, since each call opens the file anew, other threads too.
    """
    from ...paths import private_file

    with open(private_file(path), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
