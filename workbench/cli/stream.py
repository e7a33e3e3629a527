"""``workbench stream run`` (pattern E's event source, locally) and ``workbench lambda package``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from .common import (
    CONTEXT_SETTINGS,
    WorkbenchGroup,
    check_output_folder,
    engine_options,
    table_option,
)

DEFAULT_ZIP = Path("build") / "cruddur-messaging-stream.zip"


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def stream() -> None:
    """Pattern E locally: deliver the table's stream to the handler, like Lambda's trigger."""


def _plural(count: Any, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class _BatchLines:
    """Prints one line per delivered batch, and once why summaries did not move."""

    def __init__(self) -> None:
        self.explained = False

    def __call__(self, shard_id: str, records: list[dict[str, Any]], result: Any) -> None:
        summary = result if isinstance(result, dict) else {}
        first = records[0]["dynamodb"]["SequenceNumber"]
        last = records[-1]["dynamodb"]["SequenceNumber"]
        current = summary.get("skipped", "?")
        click.echo(
            f"shard …{shard_id[-8:]}  {len(records):>4} records ({first}..{last}): "
            f"{_plural(summary.get('messages', '?'), 'message')}, "
            f"{summary.get('moved', '?')} summaries moved, {current} already current"
        )
        if isinstance(current, int) and current and not self.explained:
            self.explained = True  # once per run: the reason is always the same
            click.echo(
                "  (already current: those summaries already showed that message or a newer "
                "one; pattern D's transaction and the seed write both summaries together with "
                "the message, so there was nothing to move)"
            )


@stream.command()
@engine_options
@table_option
@click.option("--once", is_flag=True, help="Deliver what is on the stream now, then exit.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1000),
    default=100,
    show_default=True,
    help="Records per handler call (the trigger's BatchSize).",
)
@click.option(
    "--from",
    "starting_position",
    type=click.Choice(["trim-horizon", "latest"]),
    default="trim-horizon",
    show_default=True,
    help="Where to start on shards with no checkpoint (the trigger's StartingPosition).",
)
@click.option(
    "--checkpoint",
    "checkpoint_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Checkpoint file (default: in the workbench's state folder, per endpoint and table).",
)
@click.option(
    "--max-retries",
    type=click.IntRange(0, 100),
    default=3,
    show_default=True,
    help="Retries of a failed batch before giving up.",
)
@click.option(
    "--on-failure",
    type=click.Choice(["raise", "skip"]),
    default="raise",
    show_default=True,
    help="After the last retry: stop with an error, or skip the batch and go on.",
)
def run(
    engine: Any,
    table_name: str,
    once: bool,
    batch_size: int,
    starting_position: str,
    checkpoint_path: Path | None,
    max_retries: int,
    on_failure: str,
) -> None:
    """Read the stream and move each group's two summaries to its latest message.

    \b
    Examples:
      workbench stream run --once
      workbench stream run --from latest        # until Ctrl-C
    """
    from ..cruddur.stream.runner import StreamRunner

    lines = _BatchLines()
    runner = StreamRunner(
        engine,
        table_name,
        batch_size=batch_size,
        starting_position=starting_position,
        checkpoint_path=checkpoint_path,
        max_retries=max_retries,
        on_failure=on_failure,
        on_batch=lines,
        on_notice=click.echo,
    )
    if once:
        stats = runner.run_once()
    else:
        click.echo(f"reading the stream of {table_name!r} on {engine.describe()} (Ctrl-C to stop)")
        runner.start()
        try:
            while runner.is_running:
                time.sleep(0.2)
        except KeyboardInterrupt:
            click.echo("stopping…")
        stats = runner.stop()
        if runner.failure is not None:
            raise runner.failure
    for dead in runner.dead_letters:
        click.echo(
            f"skipped batch {dead.first_sequence}..{dead.last_sequence}: {dead.error}", err=True
        )
    click.echo(f"done: {stats}; checkpoint {runner.checkpoint_path}")


@click.group("lambda", cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def lambda_() -> None:
    """The deployable stream Lambda (pattern E on AWS)."""


@lambda_.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_ZIP,
    show_default=True,
    callback=check_output_folder,
    help="Where to write the zip (its folder must exist; build/ is made for the default).",
)
def package(output: Path) -> None:
    """Build the Lambda zip: the handler and the pure modules it imports, nothing else."""
    from ..cruddur.stream.package import HANDLER_SETTING, package_lambda, zip_contents

    path = package_lambda(output)
    names = zip_contents(path)
    click.echo(f"{path}  {path.stat().st_size} bytes, {len(names)} files")
    click.echo(f"handler: {HANDLER_SETTING}")
    for name in names:
        click.echo(f"  {name}")
