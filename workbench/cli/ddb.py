"""``workbench ddb ...``: the bootcamp's ``bin/ddb/*`` scripts."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..clock import parse_user_time
from ..constants import SEED_MAX_COUNT as MAX_COUNT
from ..constants import SEED_MAX_WORKERS as MAX_WORKERS
from .common import (
    CONTEXT_SETTINGS,
    WorkbenchGroup,
    check_group_uuid,
    check_table_name,
    echo_json,
    engine_options,
    overwrite_mode,
    overwrite_options,
    page_options,
    print_page,
    table_option,
    write_asking,
)
from .failures import safe_text


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def ddb() -> None:
    """The table scripts: schema-load, list-tables, describe-table, drop, seed, scan, patterns."""


@ddb.command("schema-load")
@engine_options
@table_option
@click.option("--recreate", is_flag=True, help="Drop the table first if it exists (loses items).")
@click.option("--json", "as_json", is_flag=True, help="Print the table description as JSON.")
def schema_load(engine: Any, table_name: str, recreate: bool, as_json: bool) -> None:
    """Create the table: pk/sk, GSI message-group-sk-index, 5/5 throughput, NEW_IMAGE stream.

    \b
    Example:
      workbench ddb schema-load
      workbench ddb schema-load --table cruddur-messages-dev --recreate
    """
    from ..engine import tables as schema

    confirm = _confirm_aws_drop(engine, table_name) if recreate else None
    description = schema.schema_load(engine, table_name, recreate=recreate, confirm=confirm)
    if as_json:
        echo_json(description)
        return
    click.echo(
        f"table {description['TableName']} is {description['TableStatus']} on {engine.describe()}"
    )
    click.echo(f"stream: {description.get('LatestStreamArn', '(none)')}")


@ddb.command("list-tables")
@engine_options
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_tables(engine: Any, as_json: bool) -> None:
    """List the tables on the engine (every page)."""
    from ..engine import tables as schema

    names = schema.list_tables(engine)
    if as_json:
        echo_json(names)
    else:
        for name in names:
            click.echo(name)


@ddb.command("describe-table")
@engine_options
@table_option
def describe_table(engine: Any, table_name: str) -> None:
    """Print DescribeTable as JSON, and say whether it matches the model (exit 1 if not)."""
    from ..engine import tables as schema
    from ..model import CRUDDUR

    description = schema.describe_table(engine, table_name)
    echo_json(description)
    problems = schema.differences(description, CRUDDUR.table)
    if problems:
        for problem in problems:
            click.echo(f"differs from the model: {problem}", err=True)
        raise SystemExit(1)
    click.echo("matches the model: keys, GSI, projection, throughput, stream", err=True)


def _confirm_aws_drop(engine: Any, table_name: str) -> str | None:
    if not engine.is_aws:
        return None
    typed = click.prompt(
        f"This deletes table {table_name!r} and every item in it from the AWS account "
        f"({engine.describe()}). Type the table name to confirm",
        default="",
        show_default=False,
    )
    return typed


@ddb.command()
@engine_options
@click.argument("table_name", metavar="TABLE", callback=check_table_name)
@click.option("--yes", is_flag=True, help="Do not ask (local engines only; AWS always asks).")
def drop(engine: Any, table_name: str, yes: bool) -> None:
    """Delete TABLE. Asks first; against AWS you must type the table name.

    \b
    Example:
      workbench ddb drop cruddur-messages --yes
    """
    from ..engine import tables as schema

    if engine.is_aws:
        confirm = _confirm_aws_drop(engine, table_name)
    else:
        if not yes:
            click.confirm(f"Delete table {table_name!r} on {engine.describe()}?", abort=True)
        confirm = None
    click.echo(f"deleting table: {table_name}")
    if schema.drop_table(engine, table_name, confirm=confirm):
        click.echo("deleted")
    else:
        click.echo(f"table {table_name!r} did not exist")


@ddb.command()
@engine_options
@table_option
@click.option(
    "--now",
    default=None,
    metavar="ISO",
    help="Time of the last message, e.g. 2026-11-22T07:45:00Z (default: now).",
)
@click.option(
    "--count",
    type=int,
    default=None,
    help=f"How many messages, 1 to {MAX_COUNT:,} (default: the whole conversation).",
)
@click.option(
    "--workers",
    type=int,
    default=8,
    show_default=True,
    help=f"Parallel batch writes, 1 to {MAX_WORKERS}.",
)
def seed(engine: Any, table_name: str, now: str | None, count: int | None, workers: int) -> None:
    """Seed the andrewbrown/bayko conversation (replacing any earlier copy)."""
    from ..cruddur.seeder import seed as seed_table

    result = seed_table(
        engine,
        table_name,
        now=parse_user_time(now) if now is not None else None,
        count=count,
        workers=workers,
    )
    click.echo(result.summary())


@ddb.command()
@engine_options
@table_option
@click.option("--json", "as_json", is_flag=True, help="Print every item as JSON.")
def scan(engine: Any, table_name: str, as_json: bool) -> None:
    """Print every item of the table (all pages)."""
    from ..cruddur.scanner import scan as scan_table

    result = scan_table(engine, table_name)
    if as_json:
        echo_json(
            {
                "items": result.items,
                "count": len(result.items),
                "pages": result.pages,
                "consumed_capacity": result.consumed_capacity,
            }
        )
        return
    for item in result.items:
        # Stored text is shown escaped: a CR in a message must not rewrite the line.
        if "pk" in item:
            text = str(item.get("message", ""))
            click.echo(
                f"{safe_text(item.get('pk', '')):<42} {safe_text(item.get('sk', '')):<34} "
                f"{safe_text(text[:40] + ('...' if len(text) > 40 else ''))}"
            )
        else:  # another model's table: every attribute, on one line
            line = "  ".join(f"{name}={safe_text(value)}" for name, value in item.items())
            click.echo(line if len(line) <= 120 else line[:117] + "...")
    click.echo(
        f"-- {len(result.items)} item{'' if len(result.items) == 1 else 's'} in "
        f"{result.pages} page{'' if result.pages == 1 else 's'}, "
        f"{result.capacity.label() if result.capacity else '0 RCU'} consumed"
    )


@ddb.group(cls=WorkbenchGroup)
def patterns() -> None:
    """The pattern scripts: get-conversation (A) and list-conversations (B)."""


@patterns.command("get-conversation")
@engine_options
@table_option
@click.argument("message_group_uuid", metavar="GROUP_UUID", callback=check_group_uuid)
@page_options
def get_conversation(
    engine: Any,
    table_name: str,
    message_group_uuid: str,
    limit: int,
    cursor: str | None,
    as_json: bool,
) -> None:
    """Pattern A: the latest messages of GROUP_UUID, oldest first."""
    from ..cruddur import queries

    page = queries.get_conversation(
        engine, message_group_uuid, table_name, limit=limit, cursor=cursor
    )
    print_page(page, as_json)


@patterns.command("list-conversations")
@engine_options
@table_option
@click.argument("handle")
@page_options
def list_conversations(
    engine: Any, table_name: str, handle: str, limit: int, cursor: str | None, as_json: bool
) -> None:
    """Pattern B: HANDLE's message groups, newest first."""
    from ..cruddur import queries

    page = queries.list_conversations(engine, handle, table_name, limit=limit, cursor=cursor)
    print_page(page, as_json)


@ddb.command("export")
@engine_options
@click.argument("table_name", metavar="TABLE", callback=check_table_name)
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def export(engine: Any, table_name: str, path: str, as_json: bool) -> None:
    """Write every item of TABLE to PATH as DynamoDB JSON lines (gzipped if PATH ends in .gz).

    The format of DynamoDB's export to S3: one {"Item": {...}} per line. PATH is replaced
    only when the whole table is written.

    \b
    Example:
      workbench ddb export cruddur-messages messages.json.gz
    """
    from ..engine import transfer

    result = transfer.export_table(engine, table_name, path, progress=_progress())
    if as_json:
        echo_json(result.to_json())
    else:
        click.echo(result.summary())


@ddb.command("import")
@engine_options
@table_option
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--create", is_flag=True, help="Create a missing table with the model's schema.")
@overwrite_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_(
    engine: Any,
    table_name: str,
    path: str,
    create: bool,
    merge: bool,
    replace: bool,
    as_json: bool,
) -> None:
    """Write the items of PATH (DynamoDB JSON lines, plain or gzipped) into the table.

    Reads an S3 export's data file or ImportTable's input. The whole file is checked first;
    a bad line is reported by number and nothing is written. A table that already holds items
    is refused unless --merge or --replace says how (on a terminal you are asked), with the
    count of items the file would overwrite; on AWS you type the table name.

    \b
    Example:
      workbench ddb import messages.json.gz --table cruddur-messages-copy --create
    """
    from ..engine import transfer

    result = write_asking(
        lambda mode, confirm: transfer.import_table(
            engine,
            path,
            table_name=table_name,
            create=create,
            progress=_progress(),
            mode=mode,
            confirm=confirm,
        ),
        engine,
        overwrite_mode(merge, replace),
    )
    if as_json:
        echo_json(result.to_json())
    else:
        click.echo(result.summary())


def _progress() -> bool:
    # A bar on a terminal; otherwise the summary line printed here is the only output.
    return sys.stderr.isatty()
