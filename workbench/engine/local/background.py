"""The background moto server shared by the CLI and Jupyter (``workbench local start``).

One instance per user; its state, secret included, lives in ``<state dir>/local.json``
(``0600`` in a ``0700`` folder). ``workbench local start`` writes it, ``stop`` removes it, and
``connect("local")`` reads it. A file lock beside it keeps two commands run at once from
starting two instances or losing one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...clock import format_ts
from ...errors import LocalError, PortInUse
from ...paths import private_file, state_dir, write_private
from .procs import file_lock, kill_group, pid_runs, port_in_use, port_is_free
from .server import SERVE_MODULE, LocalServer, answers

DEFAULT_PORT = 8000
# What the server's command line contains, so a pid reused by another program is never
# signalled.
SERVER_MARK = SERVE_MODULE


def state_file() -> Path:
    """Where the background instance's state is kept."""
    return state_dir() / "local.json"


def _lock() -> Any:
    return file_lock(state_dir() / "local.lock")


def _read_state() -> dict[str, Any] | None:
    try:
        state = json.loads(state_file().read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _status() -> dict[str, Any] | None:
    # Callers hold the lock.
    state = _read_state()
    if state is None:
        return None
    if not pid_runs(state.get("pid"), SERVER_MARK):
        # Stale: the server is gone (killed, or the machine restarted). Clean up after it.
        state_file().unlink(missing_ok=True)
        state.update(running=False, stale=True)
        return state
    state["running"] = answers(state["endpoint"], state.get("secret", ""), timeout=2.0)
    started = datetime.fromisoformat(state["started_at"])
    state["uptime_seconds"] = round((datetime.now(UTC) - started).total_seconds())
    return state


def status() -> dict[str, Any] | None:
    """The background instance's state plus ``running`` (alive and answering).

    Stale state (its process is gone) is removed and returned with ``running`` False and
    ``stale`` True; None means no state at all. The result holds the ``secret``.
    """
    with _lock():
        return _status()


def current_instance() -> dict[str, Any] | None:
    """The background instance's status if it is running, else None (for ``connect("local")``)."""
    state = status()
    return state if state and state["running"] else None


def start_background(port: int | None = None, db_path: str | Path | None = None) -> dict[str, Any]:
    """Start the background server, unless one is running.

    :param port: default 8000 when free, else a free port (``notes`` says so); an explicit
        port must be free.
    :param db_path: keep the tables in this folder across stop and start (default: in memory).
    :returns: the status, with ``already_running`` True if one was running (then ``port``
        and ``db_path`` are not applied), and ``notes``: lines worth telling the user.
    :raises PortInUse: if an explicit ``port`` is taken.
    :raises LocalError: if it cannot start, or an earlier instance runs but does not answer.
    """
    notes: list[str] = []
    with _lock():
        state = _status()
        if state is not None and state["running"]:
            if port is not None or db_path is not None:
                notes.append(
                    "the port and db path asked for apply only to a new instance: "
                    "stop this one first (`workbench local stop`)"
                )
            return {**state, "already_running": True, "notes": notes}
        if state is not None and not state.get("stale"):
            raise LocalError(
                f"the background server (pid {state['pid']}) runs but does not answer on "
                f"{state['endpoint']}: stop it with `workbench local stop`, then start it again"
            )
        chosen = port
        if port is None:
            chosen = DEFAULT_PORT if port_is_free(DEFAULT_PORT) else None
        elif not port_is_free(port):
            raise port_in_use(port)
        log = private_file(state_dir() / "logs" / "server.log")
        try:
            server = LocalServer.start(chosen, db_path, detach=True, log_path=log)
        except PortInUse:
            if port is not None or chosen is None:
                raise
            # Port 8000 was taken between the check and the server's bind.
            chosen = None
            server = LocalServer.start(None, db_path, detach=True, log_path=log)
        if port is None and chosen is None:
            notes.append(
                f"port {DEFAULT_PORT} is in use, so the server listens on port "
                f"{server.port} instead"
            )
        state = {
            **server.describe(),
            "db_path": str(server.db_path) if server.db_path else None,
            "secret": server.secret,
            "started_at": format_ts(datetime.now(UTC)),
        }
        try:
            write_private(state_file(), json.dumps(state, indent=2, sort_keys=True))
        except BaseException:
            server.stop()
            raise
    return {**state, "running": True, "uptime_seconds": 0, "already_running": False, "notes": notes}


def stop_background() -> bool:
    """Stop the background server (it saves its tables first) and remove the state file.

    It is stopped by pid (SIGTERM, then SIGKILL) only if that pid still runs our server.

    :returns: True if a running server was stopped; False if none was running.
    """
    with _lock():
        state = _read_state()
        if state is None:
            return False
        stopped = False
        if pid_runs(state.get("pid"), SERVER_MARK):
            kill_group(state["pid"])
            stopped = True
        state_file().unlink(missing_ok=True)
    return stopped
