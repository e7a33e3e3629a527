"""Shared pieces of the CLI: engine options, error handling, JSON output."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import json
import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import click

from ..errors import EngineError, ValidationError, WorkbenchError
from ..model.items import jsonable
from .failures import debugging, describe, safe_text, shorten

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# A file argument or option (a model file, a traffic profile, an output file).
FILE = click.Path(dir_okay=False, path_type=str)


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
        from ..engine.engines import connect

        if endpoint is not None:
            check_endpoint_url(endpoint, "--endpoint")
        elif engine is None and (env_endpoint := os.environ.get("WORKBENCH_ENDPOINT")):
            check_endpoint_url(env_endpoint, "WORKBENCH_ENDPOINT")
        with connect(engine, endpoint, autostart=False) as eng:
            return func(*args, engine=eng, **kwargs)

    return wrapper


def check_endpoint_url(url: str, source: str = "--endpoint") -> str:
    """Refuse an endpoint URL that cannot be used, before anything connects.

    :param source: where it came from (``--endpoint`` or ``WORKBENCH_ENDPOINT``), named in
        the error.
    :raises EngineError: naming the URL and showing one that works.
    """
    problem = None
    if _UNSAFE_URL_RE.search(url):
        problem = "it contains spaces or control characters"
    else:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - parsing the port raises ValueError for a bad one
        except ValueError as exc:
            problem = str(exc)
        else:
            if parts.scheme not in ("http", "https") or not parts.hostname:
                problem = "it needs http:// or https:// and a host"
    if problem:
        raise EngineError(
            f"{source} {shorten(url)!r} is not a usable URL ({problem}); give one like "
            "http://localhost:8000"
        )
    return url


_UNSAFE_URL_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f]")
TABLE_NAME_RE = re.compile(r"[A-Za-z0-9_.-]{3,255}")


def check_table_name(ctx: click.Context | None, param: Any, value: str | None) -> str | None:
    """Click callback refusing a name DynamoDB would refuse (``''`` is not the default).

    :raises click.BadParameter: naming the value and the rule.
    """
    if value is not None and not TABLE_NAME_RE.fullmatch(value):
        raise click.BadParameter(
            f"{shorten(value)!r} is not a table name: DynamoDB allows 3 to 255 letters, "
            "digits, '_', '-' and '.'"
        )
    return value


# How much of a path an error names before shortening it: a deep project folder is named
# whole, a hostile value does not fill the terminal (and the line, with its advice, stays
# within failures.MAX_LINE).
PATH_LIMIT = 400


def check_output_folder(ctx: click.Context | None, param: Any, value: Any) -> Any:
    """Click callback refusing an output path whose folder does not exist (nothing creates it:
    a typo must not grow a tree of folders). The default is left alone: the workbench makes
    its own ``build/``.

    :raises click.BadParameter: naming the missing folder.
    """
    from pathlib import Path

    given = (
        ctx is None or ctx.get_parameter_source(param.name) != click.core.ParameterSource.DEFAULT
    )
    if value is None or not given:
        return value
    folder = Path(value).parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise click.BadParameter(
            # A real path is often longer than other values: name it whole up to PATH_LIMIT.
            f"folder {shorten(str(folder), PATH_LIMIT)!r} {what}: create it first, or write "
            "elsewhere"
        )
    return value


def overwrite_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--merge`` and ``--replace``: what a write into a table that holds items does."""
    func = click.option(
        "--replace",
        is_flag=True,
        help="If the table holds items: write these, then delete every other item.",
    )(func)
    return click.option(
        "--merge",
        is_flag=True,
        help="If the table holds items: overwrite those with the same key, keep the rest.",
    )(func)


def overwrite_mode(merge: bool, replace: bool) -> str:
    """The library's ``mode`` from ``--merge``/``--replace`` (``refuse`` when neither)."""
    if merge and replace:
        raise click.UsageError("--merge and --replace exclude each other: give one of them")
    return "merge" if merge else "replace" if replace else "refuse"


def stdin_is_terminal() -> bool:
    """Whether someone can answer a prompt (tests replace this)."""
    return sys.stdin.isatty()


def write_asking(write: Callable[[str, str | None], Any], engine: Any, mode: str) -> Any:
    """Call ``write(mode, confirm)``. If the table holds items and no mode was given, ask on
    a terminal (elsewhere the refusal is the one-line error); on AWS, ask for the table name,
    as ``ddb drop`` does. The counts are shown before anything is written."""
    from ..engine.overwrite import OverwriteRefused

    try:
        return write(mode, None)
    except OverwriteRefused as exc:
        if mode == "refuse":
            if not stdin_is_terminal():
                raise
            answer = click.prompt(
                f"{exc.survey.describe()}. merge (overwrite those with the same key, keep the "
                "rest), replace (keep only the new items) or abort?",
                type=click.Choice(["merge", "replace", "abort"]),
                default="abort",
            )
            if answer == "abort":
                raise
            mode = answer
        confirm = None
        if engine.is_aws:
            name = exc.survey.table_name
            confirm = click.prompt(
                f"{exc.survey.describe()}, in the AWS account ({engine.describe()}). "
                f"To {mode}, type the table name",
                default="",
                show_default=False,
            )
            if confirm != name:
                raise OverwriteRefused(
                    f"{confirm!r} is not {name!r}: nothing was written", exc.survey
                ) from None
        return write(mode, confirm)


def check_group_uuid(ctx: click.Context | None, param: Any, value: str | None) -> str | None:
    """Click callback refusing a GROUP_UUID that is not one, as ``messages list`` does.

    :raises ValidationError: ``message_group_uuid_invalid``, naming the value.
    """
    from ..cruddur.app.validation import is_uuid

    if value is not None and not is_uuid(value):
        detail = (
            "the group uuid is empty" if not value else f"{shorten(value)!r} is not a group uuid"
        )
        raise ValidationError(
            [
                (
                    "message_group_uuid",
                    "message_group_uuid_invalid",
                    f"{detail}; give one like 5ae290ed-55d1-47a0-bc6d-fe2bc2700399",
                )
            ]
        )
    return value


# The timestamp format holds years 0001-9999; a margin on both sides leaves room for the
# clock to step on and for a seed to reach back (issue 10, items 1 and 5).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def check_now(ctx: click.Context | None, param: Any, value: str | None) -> str | None:
    """Click callback for ``--now``: ISO 8601 with an offset, from 1970 to 9998 (UTC).

    :raises TimestampError: if it does not parse or has no offset.
    :raises click.BadParameter: if it is out of range.
    """
    from ..clock import parse_user_time

    if value is None:
        return None
    moment = parse_user_time(value)
    if not EARLIEST <= moment <= LATEST:
        raise click.BadParameter(
            f"{shorten(value)!r} is out of range: give a time from {EARLIEST:%Y-%m-%d} to "
            f"{LATEST:%Y-%m-%d} (UTC)"
        )
    return value


MAX_CURSOR_CHARS = 4096


def check_cursor(ctx: click.Context | None, param: Any, value: str | None) -> str | None:
    """Click callback refusing a ``--cursor`` that is not one this workbench printed.

    Only the shape is checked here (base64 of a JSON object, of a sane size); the query
    checks that it continues the same conversation.

    :raises click.BadParameter: naming the (shortened) value and what to pass.
    """
    if value is None:
        return None
    try:
        if len(value) > MAX_CURSOR_CHARS:
            raise ValueError("too long")
        padded = value + "=" * (-len(value) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(key, dict):
            raise ValueError("not an object")
    except (ValueError, binascii.Error, UnicodeError, RecursionError) as exc:
        raise click.BadParameter(
            f"{shorten(value)!r} is not a cursor this workbench issued; pass the 'next' value "
            "of the previous page"
        ) from exc
    return value


def table_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--table`` (default: the model's ``cruddur-messages``)."""
    from ..constants import CRUDDUR_TABLE_NAME  # CRUDDUR's; not the model: issue 16

    return click.option(
        "--table",
        "table_name",
        default=CRUDDUR_TABLE_NAME,
        show_default=True,
        callback=check_table_name,
        help="Table name.",
    )(func)


def model_table_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--table NAME`` to a ``workbench model`` command: the same meaning in every one
    (workbench/design/interop/nosql/tables.py)."""
    return click.option(
        "--table",
        "table_name",
        default=None,
        metavar="NAME",
        callback=check_table_name,
        help="The table NAME: that table of a file holding several (created and queried under "
        "its name); else the file's one table, under the name NAME.",
    )(func)


def page_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--limit``, ``--cursor`` and ``--json`` to a command that prints one page."""
    func = click.option(
        "--json",
        "as_json",
        is_flag=True,
        help='Print {"items", "consumed_capacity", "next"} as JSON.',
    )(func)
    func = click.option(
        "--cursor",
        default=None,
        callback=check_cursor,
        help="The 'next' value of the previous page.",
    )(func)
    return click.option(
        "--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Page size."
    )(func)


def print_page(page: Any, as_json: bool) -> None:
    """A pattern's page: the JSON envelope, or the bootcamp's readable table."""
    from ..cruddur.queries import format_table

    if as_json:
        echo_json(page.to_json())
    elif dataclasses.is_dataclass(page):
        # Stored text is shown escaped: a CR in a message must not rewrite the line.
        click.echo(format_table(dataclasses.replace(page, items=safe_items(page.items))))
    else:
        click.echo(format_table(page))


def safe_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items with every string value passed through :func:`safe_text`, for text output."""
    return [
        {k: safe_text(v) if isinstance(v, str) else v for k, v in item.items()} for item in items
    ]


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON (stable key order) to stdout."""
    # Items hold sets, bytes and Decimals, which default=str would print as Python reprs.
    text = json.dumps(jsonable(data), indent=2, sort_keys=True, default=str, ensure_ascii=False)
    # json escapes C0 controls but not DEL, C1 controls or bidi overrides, which terminals act
    # on; outside strings JSON is plain ASCII, so escaping them everywhere stays valid JSON.
    click.echo(_JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


_JSON_UNSAFE_RE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class WorkbenchGroup(click.Group):
    """A click group whose every failure is one line on stderr and a non-zero exit.

    A :class:`WorkbenchError` or a usage error says what to do; anything unexpected is the
    last resort: ``Error: <what> (unexpected <ExcType>; run with WORKBENCH_DEBUG=1 for the
    traceback)``. Passwords are masked and control characters escaped in every line.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            # main() shortens, masks and escapes it, once.
            raise click.ClickException(str(exc)) from exc

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Run the command; in standalone mode, end with one line and an exit code."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            click.echo(f"Error: {describe(exc)}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Aborted!", err=True)
            sys.exit(130)
        except Exception as exc:
            if debugging():
                raise
            click.echo(f"Error: {describe(exc)}", err=True)
            sys.exit(1)
        # Without standalone mode click returns --help's and ctx.exit()'s code.
        sys.exit(result if isinstance(result, int) else 0)
