"""The background DynamoDB Local (and its Cognito stand-in) shared by the CLI and Jupyter.

One instance per user; its state lives in ``<state dir>/local.json``. ``workbench local
start`` writes it, ``stop`` removes it, and ``connect("local")`` reads it.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..clock import format_ts
from ..errors import LocalError, PortInUse
from ..paths import state_dir
from .cognito_server import cognito_answers, start_detached
from .server import LocalServer, answers, kill_group, port_is_free

DEFAULT_PORT = 8000


def state_file() -> Path:
    """Where the background instance's state is kept."""
    return state_dir() / "local.json"


def _read_state() -> dict[str, Any] | None:
    try:
        return json.loads(state_file().read_text())
    except (OSError, ValueError):
        return None


def _write_state(state: dict[str, Any]) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True))
    os.replace(tmp, path)


def _pid_is(pid: int | None, needle: str) -> bool:
    """True if ``pid`` is alive and its command line contains ``needle`` (not a reused pid)."""
    if not pid:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust the pid
    return needle in cmdline


def status() -> dict[str, Any] | None:
    """The background instance's state plus ``running`` (alive and answering), or None.

    Stale state (its JVM is gone) is removed and reported as not running.
    """
    state = _read_state()
    if state is None:
        return None
    alive = _pid_is(state.get("pid"), "DynamoDBLocal.jar")
    state["running"] = alive and answers(state["endpoint"], timeout=2.0)
    state["cognito_running"] = (
        bool(state.get("cognito_endpoint"))
        and _pid_is(state.get("cognito_pid"), "moto")
        and cognito_answers(state["cognito_endpoint"])
    )
    if not alive:
        if _pid_is(state.get("cognito_pid"), "moto"):
            kill_group(state["cognito_pid"])
        state_file().unlink(missing_ok=True)
    else:
        started = datetime.fromisoformat(state["started_at"])
        state["uptime_seconds"] = round((datetime.now(UTC) - started).total_seconds())
    return state


def current_instance() -> dict[str, Any] | None:
    """The background instance if it is running, else None (used by ``connect("local")``)."""
    state = status()
    return state if state and state["running"] else None


def start_background(port: int | None = None, db_path: str | Path | None = None) -> dict[str, Any]:
    """Start the background DynamoDB Local and its Cognito stand-in (if not running).

    :param port: default 8000 when free, else a free port; an explicit port must be free.
    :param db_path: persist tables in this folder (default: in memory).
    :returns: the status, with ``already_running`` True if one was running.
    :raises PortInUse: if an explicit ``port`` is taken.
    """
    state = current_instance()
    if state is not None:
        state["already_running"] = True
        return state
    if port is None:
        port = DEFAULT_PORT if port_is_free(DEFAULT_PORT) else None
    elif not port_is_free(port):
        raise PortInUse(f"port {port} is already in use: pick another with --port")
    logs = state_dir() / "logs"
    server = LocalServer.start(port, db_path, detach=True, log_path=logs / "dynamodb-local.log")
    try:
        cognito = start_detached(logs / "cognito-moto.log")
    except LocalError:
        server.stop()
        raise
    state = {
        **server.describe(),
        "db_path": str(server.db_path) if server.db_path else None,
        "cognito_pid": cognito["pid"],
        "cognito_endpoint": cognito["endpoint"],
        "started_at": format_ts(datetime.now(UTC)),
    }
    _write_state(state)
    state.update(running=True, cognito_running=True, uptime_seconds=0, already_running=False)
    return state


def stop_background() -> bool:
    """Stop the background instance and its Cognito stand-in; False if none was running."""
    state = _read_state()
    if state is None:
        return False
    stopped = False
    if _pid_is(state.get("pid"), "DynamoDBLocal.jar"):
        kill_group(state["pid"])
        stopped = True
    if _pid_is(state.get("cognito_pid"), "moto"):
        kill_group(state["cognito_pid"])
    state_file().unlink(missing_ok=True)
    # Give the OS a moment to release the port before a quick restart.
    time.sleep(0.1)
    return stopped
