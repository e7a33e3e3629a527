"""``workbench stream run`` (pattern E locally) and ``workbench lambda package``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..stream.package import DEFAULT_OUTPUT, package_lambda, zip_contents
from ..stream.runner import StreamRunner
from .common import CONTEXT_SETTINGS, WorkbenchGroup, engine_options, table_option


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def stream() -> None:
    """Pattern E locally: deliver the table's stream to the handler."""


@stream.command()
@engine_options
@table_option
@click.option("--once", is_flag=True, help="Deliver what is on the stream now, then exit.")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=100, show_default=True,
              help="Records per handler call.")
@click.option("--from", "starting_position", type=click.Choice(["trim-horizon", "latest"]),
              default="trim-horizon", show_default=True,
              help="Where to start on shards with no checkpoint.")
@click.option("--checkpoint", "checkpoint_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Checkpoint file (default: in the workbench's state folder).")
def run(engine: Any, table_name: str, once: bool, batch_size: int, starting_position: str,
        checkpoint_path: Path | None) -> None:
    """Read the stream and move each group's summaries to its latest message.

    \b
    Example:
      workbench stream run --once
      workbench stream run            # until Ctrl-C
    """

    def report(shard_id: str, records: list, result: Any) -> None:
        summary = result if isinstance(result, dict) else {}
        click.echo(f"shard {shard_id[-12:]}: {len(records)} records, "
                   f"{summary.get('messages', '?')} messages, {summary.get('moved', '?')} "
                   f"summaries moved")

    runner = StreamRunner(engine, table_name, batch_size=batch_size,
                          starting_position=starting_position.replace("-", "_").upper(),
                          checkpoint_path=checkpoint_path, on_batch=report)
    if once:
        stats = runner.run_once()
    else:
        click.echo(f"reading the stream of {table_name!r} on {engine.describe()} "
                   "(Ctrl-C to stop)")
        runner.start()
        try:
            while runner._thread and runner._thread.is_alive():
                runner._thread.join(0.5)
        except KeyboardInterrupt:
            click.echo("stopping")
        stats = runner.stop()
        if runner._failure:
            raise runner._failure
    click.echo(f"done: {stats} (checkpoint {runner.checkpoint_path})")


@click.group("lambda", cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def lambda_() -> None:
    """The deployable stream Lambda."""


@lambda_.command()
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_OUTPUT, show_default=True, help="Where to write the zip.")
def package(output: Path) -> None:
    """Build the Lambda zip (handler: lambda_function.lambda_handler)."""
    path = package_lambda(output)
    click.echo(f"{path} ({path.stat().st_size} bytes), handler lambda_function.lambda_handler:")
    for name in zip_contents(path):
        click.echo(f"  {name}")
