"""Shared pieces of the CLI: engine options, error handling, JSON output."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import click

from ..errors import WorkbenchError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def engine_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--engine`` and ``--endpoint`` (and their environment fallbacks) to a command."""

    @click.option(
        "--engine",
        type=click.Choice(["local", "moto", "aws", "endpoint"]),
        default=None,
        help="Where DynamoDB lives (default: WORKBENCH_ENGINE, else local). "
        "aws is a real account and is never chosen unless you ask for it.",
    )
    @click.option(
        "--endpoint",
        default=None,
        metavar="URL",
        help="A DynamoDB endpoint URL, e.g. http://localhost:8000 (default: WORKBENCH_ENDPOINT).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, engine: str | None, endpoint: str | None, **kwargs: Any) -> Any:
        from ..engines import connect

        with connect(engine, endpoint, autostart=False) as eng:
            return func(*args, engine=eng, **kwargs)

    return wrapper


def table_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--table`` (default: the model's ``cruddur-messages``)."""
    from ..model import CRUDDUR

    return click.option(
        "--table",
        "table_name",
        default=CRUDDUR.table.name,
        show_default=True,
        help="Table name.",
    )(func)


def page_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--limit``, ``--cursor`` and ``--json`` to a command that prints one page."""
    func = click.option("--json", "as_json", is_flag=True,
                        help='Print {"items", "consumed_capacity", "next"} as JSON.')(func)
    func = click.option("--cursor", default=None,
                        help="The 'next' value of the previous page.")(func)
    return click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True,
                        help="Page size.")(func)


def print_page(page: Any, as_json: bool) -> None:
    """A pattern's page: the JSON envelope, or the bootcamp's readable table."""
    from ..queries import format_table

    if as_json:
        echo_json(page.to_json())
    else:
        click.echo(format_table(page))


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON (stable key order) to stdout."""
    click.echo(json.dumps(data, indent=2, sort_keys=True, default=str, ensure_ascii=False))


class WorkbenchGroup(click.Group):
    """A click group that turns a :class:`WorkbenchError` into one clear line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            raise click.ClickException(str(exc)) from exc
