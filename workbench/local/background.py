"""The background DynamoDB Local (and its Cognito stand-in) shared by the CLI and Jupyter.

One instance per user; its state lives in ``<state dir>/local.json``. ``workbench local
start`` writes it, ``stop`` removes it, and ``connect("local")`` reads it. A file lock beside
it keeps two commands run at once from starting two instances or losing one.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..clock import format_ts
from ..errors import LocalError, PortInUse
from ..paths import state_dir
from .cognito_server import cognito_answers, start_detached
from .procs import file_lock, kill_group, pid_runs, port_in_use, port_is_free
from .server import LocalServer, answers

DEFAULT_PORT = 8000
# What the command lines of our two processes contain, so a pid reused by another program
# is never signalled.
DDB_MARK = "DynamoDBLocal.jar"
COGNITO_MARK = "moto.server"
# The keys local.json holds (a status adds running, uptime... which are not saved).
_SAVED = frozenset({
    "endpoint", "port", "version", "pid", "mode", "log", "db_path", "cognito_pid",
    "cognito_endpoint", "cognito_log", "started_at",
})


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


def _write_state(state: dict[str, Any]) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole and renamed over the old file: a reader never sees half a file.
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".local-", suffix=".json")
    with os.fdopen(handle, "w") as out:
        json.dump(state, out, indent=2, sort_keys=True)
    os.replace(tmp, path)


def _logs() -> Path:
    return state_dir() / "logs"


def _status() -> dict[str, Any] | None:
    # Callers hold the lock.
    state = _read_state()
    if state is None:
        return None
    if not pid_runs(state.get("pid"), DDB_MARK):
        # Stale: the JVM is gone (killed, or the machine restarted). Clean up after it.
        if pid_runs(state.get("cognito_pid"), COGNITO_MARK):
            kill_group(state["cognito_pid"])
        state_file().unlink(missing_ok=True)
        state.update(running=False, cognito_running=False, stale=True)
        return state
    state["running"] = answers(state["endpoint"], timeout=2.0)
    state["cognito_running"] = (
        bool(state.get("cognito_endpoint"))
        and pid_runs(state.get("cognito_pid"), COGNITO_MARK)
        and cognito_answers(state["cognito_endpoint"])
    )
    started = datetime.fromisoformat(state["started_at"])
    state["uptime_seconds"] = round((datetime.now(UTC) - started).total_seconds())
    return state


def status() -> dict[str, Any] | None:
    """The background instance's state plus ``running`` (its JVM alive and answering).

    Stale state (its JVM is gone) is removed and returned with ``running`` False and
    ``stale`` True; None means no state at all.
    """
    with _lock():
        return _status()


def current_instance() -> dict[str, Any] | None:
    """The background instance's status if it is running, else None (for ``connect("local")``)."""
    state = status()
    return state if state and state["running"] else None


def _start_cognito() -> dict[str, Any]:
    cognito = start_detached(_logs() / "cognito-moto.log")
    return {"cognito_pid": cognito["pid"], "cognito_endpoint": cognito["endpoint"],
            "cognito_log": str(_logs() / "cognito-moto.log")}


def start_background(port: int | None = None, db_path: str | Path | None = None) -> dict[str, Any]:
    """Start the background DynamoDB Local and its Cognito stand-in, unless one is running.

    :param port: default 8000 when free, else a free port (``notes`` says so); an explicit
        port must be free.
    :param db_path: persist tables in this folder (default: in memory).
    :returns: the status, with ``already_running`` True if one was running (then ``port``
        and ``db_path`` are not applied), and ``notes``: lines worth telling the user.
    :raises PortInUse: if an explicit ``port`` is taken.
    :raises LocalError: if it cannot start, or an earlier instance runs but does not answer.
    """
    notes: list[str] = []
    with _lock():
        state = _status()
        if state is not None and state["running"]:
            if not state["cognito_running"]:
                # DynamoDB Local is fine; bring back its Cognito stand-in only.
                state.update(_start_cognito())
                _write_state({k: v for k, v in state.items() if k in _SAVED})
                state["cognito_running"] = True
                notes.append("the Cognito stand-in had stopped; it was started again")
            if port is not None or db_path is not None:
                notes.append("the port and db path asked for apply only to a new instance: "
                             "stop this one first (`workbench local stop`)")
            return {**state, "already_running": True, "notes": notes}
        if state is not None and not state.get("stale"):
            raise LocalError(
                f"the background DynamoDB Local (pid {state['pid']}) runs but does not answer on "
                f"{state['endpoint']}: stop it with `workbench local stop`, then start it again"
            )
        chosen = port
        if port is None:
            chosen = DEFAULT_PORT if port_is_free(DEFAULT_PORT) else None
        elif not port_is_free(port):
            raise port_in_use(port)
        log = _logs() / "dynamodb-local.log"
        try:
            server = LocalServer.start(chosen, db_path, detach=True, log_path=log)
        except PortInUse:
            if port is not None or chosen is None:
                raise
            # Port 8000 was taken between the check and the JVM's bind.
            chosen = None
            server = LocalServer.start(None, db_path, detach=True, log_path=log)
        if port is None and chosen is None:
            notes.append(f"port {DEFAULT_PORT} is in use, so DynamoDB Local listens on port "
                         f"{server.port} instead")
        try:
            cognito = _start_cognito()
        except BaseException:
            server.stop()
            raise
        state = {
            **server.describe(),
            "db_path": str(server.db_path) if server.db_path else None,
            **cognito,
            "started_at": format_ts(datetime.now(UTC)),
        }
        _write_state(state)
    return {**state, "running": True, "cognito_running": True, "uptime_seconds": 0,
            "already_running": False, "notes": notes}


def stop_background() -> bool:
    """Stop the background instance and its Cognito stand-in, and remove the state file.

    Each is stopped by pid (SIGTERM, then SIGKILL) only if that pid still runs our program.

    :returns: True if a running DynamoDB Local was stopped; False if none was running.
    """
    with _lock():
        state = _read_state()
        if state is None:
            return False
        stopped = False
        if pid_runs(state.get("pid"), DDB_MARK):
            kill_group(state["pid"])
            stopped = True
        if pid_runs(state.get("cognito_pid"), COGNITO_MARK):
            kill_group(state["cognito_pid"])
        state_file().unlink(missing_ok=True)
    return stopped
