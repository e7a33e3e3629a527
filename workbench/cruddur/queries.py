"""Patterns A and B as the bootcamp's pattern scripts: get-conversation, list-conversations.

Both return a :class:`Page`: items in the app's shapes, the consumed capacity, a cursor for
the next page, and the exact request sent. Neither filters on the year (the original's
``begins_with(sk, year)`` hid every conversation after 1 January).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .. import constants as C
from ..engine.dynamo import consumed, send
from ..model import CRUDDUR
from ..model.capacity import Capacity
from ..model.cruddur import PAGE_SIZE, list_message_groups_request, list_messages_request
from ..model.items import from_items
from ..model.requests import Request, encode_cursor


def message_shape(item: Mapping[str, Any]) -> dict[str, Any]:
    """A Message item in the app's shape: uuid, display_name, handle, message, created_at."""
    return {
        "uuid": item["message_uuid"],
        "display_name": item["user_display_name"],
        "handle": item["user_handle"],
        "message": item["message"],
        "created_at": item["sk"],
    }


def group_shape(item: Mapping[str, Any]) -> dict[str, Any]:
    """A MessageGroup item as the app returned it (uuid is the group's, user_* the other's)."""
    return {
        "uuid": item["message_group_uuid"],
        "display_name": item["user_display_name"],
        "handle": item["user_handle"],
        "message": item["message"],
        "created_at": item["sk"],
    }


@dataclass
class Page:
    """One page of a pattern's results.

    :param items: results in the app's shapes, in display order.
    :param consumed_capacity: read capacity units the query consumed, computed by
        DynamoDB's rules (``capacity.total``).
    :param next: cursor for the next page, or None.
    :param request: the exact request that was sent.
    :param raw_items: the items as stored (plain values), in DynamoDB's order.
    :param capacity: the computed capacity in full, with the engine's figure if it reports one.
    """

    items: list[dict[str, Any]]
    consumed_capacity: float
    next: str | None
    request: Request
    raw_items: list[dict[str, Any]] = field(default_factory=list, repr=False)
    capacity: Capacity | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        """``{"items": [...], "consumed_capacity": ..., "next": ...}``, the CLI's ``--json``."""
        return {"items": self.items, "consumed_capacity": self.consumed_capacity, "next": self.next}

    def to_frame(self) -> Any:
        """The items as a DataFrame (in display order)."""
        import pandas as pd

        return pd.DataFrame(
            self.items, columns=["uuid", "display_name", "handle", "message", "created_at"]
        )

    def __len__(self) -> int:
        return len(self.items)


def run_query(engine: Any, request: Request, *, oldest_first: bool, shape: Any) -> Page:
    """Send a pattern's Query and shape its result into a :class:`Page`."""
    response = send(engine, request)
    raw = from_items(response.get(C.ITEMS, []))
    shaped = [shape(item) for item in raw]
    if oldest_first:
        shaped.reverse()
    capacity = consumed(engine, request, response, table=CRUDDUR.table)
    return Page(
        shaped,
        capacity.total,
        encode_cursor(response.get(C.LAST_EVALUATED_KEY)),
        request,
        raw,
        capacity,
    )


def get_conversation(
    engine: Any,
    message_group_uuid: str,
    table_name: str = CRUDDUR.table.name,
    *,
    limit: int = PAGE_SIZE,
    cursor: str | None = None,
) -> Page:
    """Pattern A as ``bin/ddb/patterns/get-conversation``: the latest messages, oldest first.

    ``cursor`` (the previous page's ``next``) continues with older messages.

    :raises ValidationError: if ``message_group_uuid`` is not a group uuid.
    """
    # Imported here: the app package imports this module (it shapes pages with it).
    from .app.validation import require_group_uuid

    require_group_uuid(message_group_uuid)
    request = list_messages_request(table_name, message_group_uuid, limit, cursor)
    return run_query(engine, request, oldest_first=True, shape=message_shape)


def list_conversations(
    engine: Any,
    handle: str,
    table_name: str = CRUDDUR.table.name,
    *,
    directory: Any = None,
    limit: int = PAGE_SIZE,
    cursor: str | None = None,
) -> Page:
    """Pattern B as ``bin/ddb/patterns/list-conversations``: a user's groups, newest first.

    :param handle: whose conversations; looked up in the users directory.
    :raises NotFound: if no user has that handle (naming the known handles).
    """
    if directory is None:
        from .users import open_directory

        directory = open_directory()
    user = directory.require_handle(handle)
    request = list_message_groups_request(table_name, user.uuid, limit, cursor)
    return run_query(engine, request, oldest_first=False, shape=group_shape)


def format_time(created_at: str) -> str:
    """``2026-11-22 07:45 AM``, as the bootcamp's script printed it."""
    return datetime.fromisoformat(created_at).strftime("%Y-%m-%d %I:%M %p")


def format_table(page: Page) -> str:
    """The bootcamp's readable output: handle, time, the message cut at 40 characters."""
    lines = []
    for item in page.items:
        text = item["message"]
        short = text if len(text) <= 40 else text[:40] + "..."
        lines.append(f"{item['handle']:<12}{format_time(item['created_at']):<22}{short}")
    lines.append(
        f"-- {len(page.items)} item{'' if len(page.items) == 1 else 's'}, "
        f"{page.capacity.label() if page.capacity else f'{page.consumed_capacity:g} RCU'} consumed"
        + (f", next page: --cursor {page.next}" if page.next else "")
    )
    return "\n".join(lines)
