"""Seed: the bootcamp's conversation between andrewbrown and bayko, written fast and once.

Fixes of the original ``bin/ddb/seed``: every timestamp is in the past and the last one is
``now`` (the original dated messages up to 103 minutes in the future); the two GRP items
summarise the actual last message (not "this is a filler message"); items go out 25 at a
time in parallel with retries, not one ``put_item`` each; and re-running replaces the
conversation instead of adding a second copy.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from .. import constants as C
from ..clock import Clock, as_clock, format_ts
from ..engine.batch import write_batches
from ..engine.dynamo import send
from ..errors import WorkbenchError
from ..model import CRUDDUR, MESSAGE, MESSAGE_GROUP, SEED_GROUP_UUID
from ..model.cruddur import group_item, group_summaries_request, message_item
from ..model.items import from_items, to_item
from ..model.requests import Request, query

SPACING = timedelta(minutes=1)
HANDLES = ("andrewbrown", "bayko")


@dataclass(frozen=True)
class Line:
    """One line of the seed conversation."""

    handle: str
    text: str


def load_conversation(path: str | Path | None = None) -> list[Line]:
    """The seed conversation (``workbench/data/conversation.txt`` by default).

    Format: ``handle: text`` per line; ``#`` comments and blank lines are skipped.

    :raises WorkbenchError: naming the file and line number of a malformed line (the
        original raised a string, itself a TypeError).
    """
    if path is None:
        text = resources.files("workbench").joinpath("data/conversation.txt").read_text("utf-8")
        where = "workbench/data/conversation.txt"
    else:
        text = Path(path).read_text("utf-8")
        where = str(path)
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        handle, sep, message = stripped.partition(": ")
        if not sep or handle not in HANDLES or not message.strip():
            raise WorkbenchError(
                f"{where}:{number}: {raw!r} is not '<handle>: <message>' with handle one of "
                f"{list(HANDLES)}"
            )
        lines.append(Line(handle, message.strip()))
    if not lines:
        raise WorkbenchError(f"{where} holds no conversation lines")
    return lines


def message_uuid_for(message_group_uuid: str, index: int) -> str:
    """A stable message uuid for the seed's ``index``-th message, so seeded data is reproducible."""
    return str(uuid.uuid5(uuid.UUID(message_group_uuid), f"seed-message-{index}"))


def generate_messages(
    users: Mapping[str, Mapping[str, str]],
    now: datetime,
    *,
    count: int | None = None,
    lines: Sequence[Line] | None = None,
    message_group_uuid: str = SEED_GROUP_UUID,
) -> Iterator[dict[str, Any]]:
    """Yield the seed's Message items one at a time (none is in the future; the last is ``now``).

    :param users: handle to ``{uuid, display_name, handle}`` for andrewbrown and bayko.
    :param count: how many messages (default: the conversation once); the conversation repeats
        to make more, so benchmarks can seed any size without holding it in memory.
    """
    lines = list(lines or load_conversation())
    count = len(lines) if count is None else count
    if count < 1:
        raise WorkbenchError(f"message count {count!r} must be at least 1")
    for index in range(count):
        line = lines[index % len(lines)]
        created = now - SPACING * (count - 1 - index)
        yield message_item(
            message_group_uuid,
            format_ts(created),
            message_uuid_for(message_group_uuid, index),
            line.text,
            users[line.handle],
        )


@dataclass
class SeedResult:
    """What :func:`seed` did."""

    table_name: str
    message_group_uuid: str
    messages: int
    group_items: int
    removed: int  # old seed items replaced: overwritten by their new version or deleted
    first_at: str
    last_at: str
    last_message: str
    seconds: float
    users: list[dict[str, str]] = field(default_factory=list)
    kept: int = 0  # messages users had posted to the seed group, left in place

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"seeded {self.messages} messages and {self.group_items} message groups into "
            f"{self.table_name!r} (group {self.message_group_uuid}, {self.first_at} .. "
            f"{self.last_at}; replaced {self.removed} old items"
            + (f", kept {self.kept} messages users posted" if self.kept else "")
            + f") in {self.seconds:.1f}s"
        )


def conversation_items(
    engine: Any, table_name: str, message_group_uuid: str
) -> Iterator[dict[str, str]]:
    """``pk``, ``sk`` (and ``message_uuid``) of every item of one conversation.

    Its messages first, then its GRP items (through the GSI).
    """
    pk = MESSAGE.keys["pk"].build({"message_group_uuid": message_group_uuid})
    for request_factory in (
        lambda start: query(
            table_name, key_condition="pk = :pk", values={":pk": pk}, start_key=start
        ),
        lambda start: _with_start(group_summaries_request(table_name, message_group_uuid), start),
    ):
        start = None
        while True:
            request = request_factory(start)
            request.params["ProjectionExpression"] = "pk, sk, message_uuid"
            response = send(engine, request)
            yield from from_items(response.get(C.ITEMS, []))
            start = response.get(C.LAST_EVALUATED_KEY)
            if not start:
                break


def _version(text: Any) -> int | None:
    try:
        return uuid.UUID(str(text)).version
    except ValueError:
        return None


def seed_message_uuids(
    message_group_uuid: str, old_messages: Sequence[Any], count: int
) -> set[str]:
    """The message uuids any seed of this group may have written.

    Enough indices to cover this seed and every old message; all :data:`MAX_COUNT` only when
    an unknown name-based (version 5) uuid is found, since an earlier, larger seed made it.
    """
    known = {message_uuid_for(message_group_uuid, i) for i in range(max(count, len(old_messages)))}
    if any(
        m.get("message_uuid") not in known and _version(m.get("message_uuid")) == 5
        for m in old_messages
    ):
        known.update(message_uuid_for(message_group_uuid, i) for i in range(len(known), MAX_COUNT))
    return known


def _message_text(engine: Any, table_name: str, key: dict[str, Any]) -> str:
    request = Request(
        "GetItem",
        {
            C.TABLE_NAME: table_name,
            C.KEY: to_item({"pk": key["pk"], "sk": key["sk"]}),
            "ProjectionExpression": "message",
        },
    )
    return str(from_items([send(engine, request).get(C.ITEM, {})])[0].get("message", ""))


def _with_start(request: Any, start: Any) -> Any:
    if start:
        request.params[C.EXCLUSIVE_START_KEY] = start
    return request


MAX_COUNT = C.SEED_MAX_COUNT
MAX_WORKERS = C.SEED_MAX_WORKERS


def check_seed_arguments(moment: datetime, count: int, workers: int) -> datetime:
    """Check :func:`seed`'s arguments before anything is read or written.

    :param moment: the time of the last message (aware).
    :param count: how many messages.
    :param workers: parallel ``BatchWriteItem`` calls.
    :returns: the time of the first message.
    :raises WorkbenchError: one line naming the bad value and what is allowed.
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise WorkbenchError(
            f"message count {count!r} is out of range: give a whole number from 1 to {MAX_COUNT:,}"
        )
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise WorkbenchError(f"workers {workers!r} must be a whole number from 1 to {MAX_WORKERS}")
    if not 1 <= workers <= MAX_WORKERS:
        raise WorkbenchError(f"workers {workers!r} is out of range: give 1 to {MAX_WORKERS}")
    try:
        format_ts(moment)
    except OverflowError as exc:  # an offset that pushes it past 9999-12-31 in UTC
        raise WorkbenchError(
            f"seed time {moment.isoformat()!r} is out of range: timestamps hold the years "
            "1 to 9999 in UTC",
            exc,
        ) from exc
    try:
        # The whole conversation must fit the format, not just its last message.
        first = moment - SPACING * (count - 1)
        format_ts(first)
    except OverflowError as exc:
        raise WorkbenchError(
            f"seed time {moment.isoformat()!r} is out of range: {count} messages a minute "
            "apart ending then would start before year 1 (timestamps hold the years 1 to "
            "9999); give a later --now or a smaller --count",
            exc,
        ) from exc
    return first


def seed(
    engine: Any,
    table_name: str = CRUDDUR.table.name,
    *,
    directory: Any = None,
    now: Clock | datetime | str | None = None,
    count: int | None = None,
    workers: int = 8,
    progress: bool = True,
) -> SeedResult:
    """Write the seed conversation (replacing any earlier copy) and its two GRP items.

    Every argument is checked before the table is touched. The new conversation is written
    first (messages, then both summaries) and only then are the old items it replaces
    deleted, so a failure at any point leaves at least what was there and never messages
    without their summaries.

    :param directory: the users directory (default: :func:`workbench.cruddur.users.open_directory`);
        the seed users are added to it when missing.
    :param now: the time of the last message (default: the current time).
    :param count: how many messages, 1 to :data:`MAX_COUNT` (default: the whole
        conversation, 100+).
    :param workers: parallel ``BatchWriteItem`` calls, 1 to :data:`MAX_WORKERS`.
    :raises WorkbenchError: for an argument out of range (nothing is read or written).
    :raises TableNotFound: if the table does not exist yet (run schema-load).
    """
    started = time.perf_counter()
    try:
        moment = as_clock(now).now()
    except OverflowError as exc:  # e.g. a datetime whose offset pushes it past year 9999
        raise WorkbenchError(f"seed time {now!r} is out of range: {exc}", exc) from exc
    lines = load_conversation()
    count = len(lines) if count is None else count
    first_moment = check_seed_arguments(moment, count, workers)
    if directory is None:
        from .users import open_directory

        directory = open_directory()
    stored = {u.handle: u for u in directory.ensure_seed_users()}
    users = {
        h: {"uuid": stored[h].uuid, "display_name": stored[h].display_name, "handle": h}
        for h in HANDLES
    }
    group = SEED_GROUP_UUID
    message_pk = MESSAGE.keys["pk"].build({"message_group_uuid": group})
    new_times = {format_ts(moment - SPACING * (count - 1 - i)) for i in range(count)}
    old = list(conversation_items(engine, table_name, group))
    old_messages = [item for item in old if item["pk"] == message_pk]
    seeded_before = seed_message_uuids(group, old_messages, count)
    # Messages users posted to the seed group are theirs: re-seeding keeps them.
    posted = [m for m in old_messages if m.get("message_uuid") not in seeded_before]
    clash = sorted(m["sk"] for m in posted if m["sk"] in new_times)
    if clash:
        raise WorkbenchError(
            f"a message users posted to the seed group at {clash[0]} is where the seed would "
            "write one (it would be overwritten); nothing was written: give another --now"
        )
    last_at = format_ts(moment)
    last_text = lines[(count - 1) % len(lines)].text
    summary_at, summary_text = last_at, last_text
    latest_post = max(posted, key=lambda m: m["sk"], default=None)
    if latest_post is not None and latest_post["sk"] > last_at:
        # The summaries show the group's real last message, even when a user posted it.
        summary_at, summary_text = latest_post["sk"], _message_text(engine, table_name, latest_post)
    me, other = users["andrewbrown"], users["bayko"]
    groups = [
        group_item(me, other, group, summary_at, summary_text),
        group_item(other, me, group, summary_at, summary_text),
    ]

    # New first, old last: a failure part-way leaves the old conversation (and anything users
    # posted to it) in place, plus some of the new one, never messages without summaries.
    written = write_batches(
        engine,
        table_name,
        generate_messages(users, moment, count=count, lines=lines, message_group_uuid=group),
        workers=workers,
        total=count,
        progress=progress,
        description="seeding messages",
    )
    write_batches(engine, table_name, groups, workers=1, progress=False)
    keep = {(g["pk"], g["sk"]) for g in groups}
    keep.update((message_pk, sk) for sk in new_times)
    keep.update((m["pk"], m["sk"]) for m in posted)
    stale = [{"pk": i["pk"], "sk": i["sk"]} for i in old if (i["pk"], i["sk"]) not in keep]
    # Old summaries go before old messages, so no summary is left naming a deleted message.
    stale.sort(key=lambda key: not key["pk"].startswith(MESSAGE_GROUP.prefix))
    write_batches(
        engine,
        table_name,
        stale,
        delete=True,
        workers=workers,
        total=len(stale),
        progress=progress and bool(stale),
        description="removing old",
    )
    return SeedResult(
        table_name=table_name,
        message_group_uuid=group,
        messages=written,
        group_items=len(groups),
        # Every old item of the seed is gone: overwritten by its new version or deleted.
        removed=len(old) - len(posted),
        first_at=format_ts(first_moment),
        last_at=last_at,
        last_message=last_text,
        seconds=time.perf_counter() - started,
        users=list(users.values()),
        kept=len(posted),
    )
