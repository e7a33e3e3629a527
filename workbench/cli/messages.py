"""``workbench messages ...``: patterns A to D as the signed-in user (``--as``)."""

from __future__ import annotations

from typing import Any

import click

from ..clock import parse_user_time
from .common import (
    CONTEXT_SETTINGS,
    WorkbenchGroup,
    check_now,
    echo_json,
    engine_options,
    page_options,
    print_page,
    table_option,
)


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def messages() -> None:
    """Direct messages as the app's services run them (patterns A-D)."""


def _as_option(func: Any) -> Any:
    return click.option(
        "--as",
        "who",
        required=True,
        metavar="HANDLE",
        help="Act as this user (a handle or a Cognito sub).",
    )(func)


@messages.command()
@engine_options
@table_option
@_as_option
@page_options
def groups(
    engine: Any, table_name: str, who: str, limit: int, cursor: str | None, as_json: bool
) -> None:
    """Pattern B: my message groups, newest first.

    \b
    Example:
      workbench messages groups --as londo --json
    """
    from ..cruddur.app import Messenger

    page = Messenger(engine, table_name=table_name).list_message_groups(
        who, limit=limit, cursor=cursor
    )
    print_page(page, as_json)


@messages.command("list")
@engine_options
@table_option
@_as_option
@click.argument("message_group_uuid", metavar="[GROUP_UUID]", required=False)
@click.option(
    "--with",
    "with_handle",
    default=None,
    metavar="HANDLE",
    help="The group I share with this user, instead of GROUP_UUID.",
)
@page_options
def list_messages(
    engine: Any,
    table_name: str,
    who: str,
    message_group_uuid: str | None,
    with_handle: str | None,
    limit: int,
    cursor: str | None,
    as_json: bool,
) -> None:
    """Pattern A: the latest messages of a group I am in, oldest first.

    \b
    Example:
      workbench messages list 5ae290ed-55d1-47a0-bc6d-fe2bc2700399 --as bayko
      workbench messages list --with bayko --as andrewbrown
    """
    if (message_group_uuid is None) == (with_handle is None):
        raise click.UsageError("give a GROUP_UUID or --with HANDLE (one of them)")
    from ..cruddur.app import Messenger

    page = Messenger(engine, table_name=table_name).list_messages(
        who, message_group_uuid, with_handle=with_handle, limit=limit, cursor=cursor
    )
    print_page(page, as_json)


@messages.command()
@engine_options
@table_option
@_as_option
@click.option(
    "--group",
    "message_group_uuid",
    default=None,
    metavar="UUID",
    help="Post to this existing group (pattern C).",
)
@click.option(
    "--to",
    "to_handle",
    default=None,
    metavar="HANDLE",
    help="Post to this user, starting a group if we have none (pattern D).",
)
@click.option(
    "--now",
    default=None,
    metavar="ISO",
    callback=check_now,
    help="Pretend it is this time (tests, demos), 1970 to 9998.",
)
@click.argument("message")
@click.option("--json", "as_json", is_flag=True, help="Print the new message as JSON.")
def send(
    engine: Any,
    table_name: str,
    who: str,
    message_group_uuid: str | None,
    to_handle: str | None,
    now: str | None,
    message: str,
    as_json: bool,
) -> None:
    """Post MESSAGE to a group (--group) or a user (--to).

    \b
    Example:
      workbench messages send --as andrewbrown --to londo "hello"
    """
    if (message_group_uuid is None) == (to_handle is None):
        raise click.UsageError("give --group UUID or --to HANDLE (one of them)")
    from ..cruddur.app import Messenger

    messenger = Messenger(
        engine, table_name=table_name, clock=parse_user_time(now) if now else None
    )
    sent = messenger.send_message(
        who, message, message_group_uuid=message_group_uuid, to_handle=to_handle
    )
    if as_json:
        echo_json(
            {"items": [sent.to_json()], "consumed_capacity": sent.consumed_capacity, "next": None}
        )
        return
    verb = "started group" if sent.created_group else "posted to group"
    click.echo(
        f"{verb} {sent.message_group_uuid}: message {sent.uuid} at {sent.created_at} "
        f"({sent.capacity.label() if sent.capacity else f'{sent.consumed_capacity:g} WCU'})"
    )
