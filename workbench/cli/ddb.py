"""``workbench ddb ...``: the bootcamp's ``bin/ddb/*`` scripts."""

from __future__ import annotations

from typing import Any

import click

from .. import queries, schema
from ..clock import parse_user_time
from ..scanner import scan as scan_table
from ..seeder import seed as seed_table
from .common import (
    CONTEXT_SETTINGS,
    WorkbenchGroup,
    echo_json,
    engine_options,
    page_options,
    print_page,
    table_option,
)


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
    description = schema.describe_table(engine, table_name)
    echo_json(description)
    problems = schema.differences(description, schema.CRUDDUR.table)
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
@click.argument("table_name", metavar="TABLE")
@click.option("--yes", is_flag=True, help="Do not ask (local engines only; AWS always asks).")
def drop(engine: Any, table_name: str, yes: bool) -> None:
    """Delete TABLE. Asks first; against AWS you must type the table name.

    \b
    Example:
      workbench ddb drop cruddur-messages --yes
    """
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
    type=click.IntRange(min=1),
    default=None,
    help="How many messages (default: the whole conversation).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Parallel batch writes.",
)
def seed(engine: Any, table_name: str, now: str | None, count: int | None, workers: int) -> None:
    """Seed the andrewbrown/bayko conversation (replacing any earlier copy)."""
    result = seed_table(
        engine, table_name, now=parse_user_time(now) if now else None, count=count, workers=workers
    )
    click.echo(result.summary())


@ddb.command()
@engine_options
@table_option
@click.option("--json", "as_json", is_flag=True, help="Print every item as JSON.")
def scan(engine: Any, table_name: str, as_json: bool) -> None:
    """Print every item of the table (all pages)."""
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
        text = str(item.get("message", ""))
        click.echo(
            f"{item.get('pk', '')!s:<42} {item.get('sk', '')!s:<34} "
            f"{text[:40] + ('...' if len(text) > 40 else '')}"
        )
    click.echo(
        f"-- {len(result.items)} item{'' if len(result.items) == 1 else 's'} in "
        f"{result.pages} page{'' if result.pages == 1 else 's'}, "
        f"{result.consumed_capacity:g} RCU consumed"
    )


@ddb.group(cls=WorkbenchGroup)
def patterns() -> None:
    """The pattern scripts: get-conversation (A) and list-conversations (B)."""


@patterns.command("get-conversation")
@engine_options
@table_option
@click.argument("message_group_uuid", metavar="GROUP_UUID")
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
    page = queries.list_conversations(engine, handle, table_name, limit=limit, cursor=cursor)
    print_page(page, as_json)
