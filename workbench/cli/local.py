"""``workbench local ...``: the background managed moto server (DynamoDB, Streams, Cognito...)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .common import CONTEXT_SETTINGS, WorkbenchGroup, echo_json


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def local() -> None:
    """Start, stop and inspect the managed moto server (engine `local`)."""


def _uptime(seconds: int) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def _print_status(state: dict[str, Any]) -> None:
    from ..engine import local as local_lib

    click.echo(
        f"endpoint: {state['endpoint']} (DynamoDB, DynamoDB Streams, Cognito, IAM, STS, "
        "Lambda, CloudFormation)"
    )
    click.echo(f"version:  {state['version']}")
    click.echo(f"pid:      {state['pid']}")
    click.echo(f"mode:     {state['mode']}")
    if "uptime_seconds" in state:
        click.echo(f"uptime:   {_uptime(state['uptime_seconds'])}")
    click.echo(f"log:      {state.get('log')}")
    click.echo(f"secret:   in {local_lib.state_file()} (requests must be signed with it)")


@local.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port to listen on (default: 8000 if free, else any free port).",
)
@click.option(
    "--db-path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the tables in this folder across stop and start (default: in memory).",
)
def start(port: int | None, db_path: Path | None) -> None:
    """Start the managed moto server in the background; engine `local` finds it by itself.

    \b
    Example:
      workbench local start
      workbench local start --port 8001 --db-path ./ddb-data
    """
    from ..engine import local as local_lib

    state = local_lib.start_background(port=port, db_path=db_path)
    if state.get("already_running"):
        click.echo("The server is already running:")
    else:
        click.echo(
            "The server started (127.0.0.1 only; it serves only requests signed with "
            "its own secret, and refuses web pages):"
        )
    _print_status(state)
    for note in state.get("notes", []):
        click.echo(f"note: {note}")
    click.echo("The workbench's commands and notebooks find it by themselves (engine local).")


@local.command()
def stop() -> None:
    """Stop the background server (with --db-path, it saves its tables first)."""
    from ..engine import local as local_lib

    if local_lib.stop_background():
        click.echo("The server stopped")
    else:
        click.echo("The server was not running")


@local.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Show the background server: endpoint, version, pid, mode (exit 1 if stopped)."""
    from ..engine import local as local_lib

    state = local_lib.status()
    running = bool(state and state["running"])
    if state is not None:
        state = {k: v for k, v in state.items() if k != "secret"}  # not for terminals or logs
    if as_json:
        echo_json(state if state else {"running": False})
    elif running:
        assert state is not None
        _print_status(state)
    elif state and state.get("stale"):
        click.echo(
            f"The server is not running (pid {state.get('pid')} has exited; its "
            "state was cleaned up): start it with `workbench local start`"
        )
    elif state:
        click.echo(
            f"The server (pid {state.get('pid')}) runs but does not answer on "
            f"{state.get('endpoint')}: run `workbench local stop`, then `start`"
        )
    else:
        click.echo("The server is not running: start it with `workbench local start`")
    if not running:
        sys.exit(1)


@local.command()
@click.option(
    "--shell",
    type=click.Choice(["sh", "fish", "powershell"]),
    default=None,
    help="The shell to write for (default: sh, for bash and zsh too).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the variables as a JSON object.")
def env(shell: str | None, as_json: bool) -> None:
    """Print the environment with which the AWS CLI or an SDK reaches the running server.

    It sets the credentials (this instance's secret key), the region and
    AWS_ENDPOINT_URL_DYNAMODB, never AWS_ENDPOINT_URL, which would send every AWS service
    to the local server.

    \b
    Example:
      eval "$(workbench local env)"
      aws dynamodb list-tables --query TableNames --output table
    """
    from ..engine.local.env import client_env, shell_lines

    if as_json and shell is not None:
        raise click.UsageError("--json and --shell exclude each other: give one of them")
    variables = client_env()
    if as_json:
        echo_json(variables)
    else:
        click.echo("\n".join(shell_lines(variables, shell or "sh")))
