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

from . import constants as C
from .batch import write_batches
from .clock import Clock, as_clock, format_ts
from .dynamo import send
from .errors import WorkbenchError
from .items import from_items
from .model import CRUDDUR, MESSAGE, SEED_GROUP_UUID
from .model.cruddur import group_item, group_summaries_request, message_item
from .model.requests import query

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
    removed: int
    first_at: str
    last_at: str
    last_message: str
    seconds: float
    users: list[dict[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"seeded {self.messages} messages and {self.group_items} message groups into "
            f"{self.table_name!r} (group {self.message_group_uuid}, {self.first_at} .. "
            f"{self.last_at}; replaced {self.removed} old items) in {self.seconds:.1f}s"
        )


def existing_conversation_keys(
    engine: Any, table_name: str, message_group_uuid: str
) -> Iterator[dict[str, str]]:
    """Keys of every item of one conversation: its messages, then its GRP items (GSI)."""
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
            request.params["ProjectionExpression"] = "pk, sk"
            response = send(engine, request)
            for item in from_items(response.get(C.ITEMS, [])):
                yield {"pk": item["pk"], "sk": item["sk"]}
            start = response.get(C.LAST_EVALUATED_KEY)
            if not start:
                break


def _with_start(request: Any, start: Any) -> Any:
    if start:
        request.params[C.EXCLUSIVE_START_KEY] = start
    return request


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

    :param directory: the users directory (default: :func:`workbench.users.open_directory`);
        the seed users are added to it when missing.
    :param now: the time of the last message (default: the current time).
    :param count: how many messages (default: the whole conversation, 100+).
    :param workers: parallel ``BatchWriteItem`` calls.
    :raises TableNotFound: if the table does not exist yet (run schema-load).
    """
    started = time.perf_counter()
    if directory is None:
        from .users import open_directory

        directory = open_directory()
    stored = {u.handle: u for u in directory.ensure_seed_users()}
    users = {
        h: {"uuid": stored[h].uuid, "display_name": stored[h].display_name, "handle": h}
        for h in HANDLES
    }
    moment = as_clock(now).now()
    format_ts(moment)
    lines = load_conversation()
    count = len(lines) if count is None else count
    group = SEED_GROUP_UUID

    old_keys = list(existing_conversation_keys(engine, table_name, group))
    removed = write_batches(
        engine,
        table_name,
        old_keys,
        delete=True,
        workers=workers,
        total=len(old_keys),
        progress=progress and bool(old_keys),
        description="removing old",
    )
    written = write_batches(
        engine,
        table_name,
        generate_messages(users, moment, count=count, lines=lines, message_group_uuid=group),
        workers=workers,
        total=count,
        progress=progress,
        description="seeding messages",
    )
    last_at = format_ts(moment)
    last_text = lines[(count - 1) % len(lines)].text
    me, other = users["andrewbrown"], users["bayko"]
    groups = [
        group_item(me, other, group, last_at, last_text),
        group_item(other, me, group, last_at, last_text),
    ]
    write_batches(engine, table_name, groups, workers=1, progress=False)
    return SeedResult(
        table_name=table_name,
        message_group_uuid=group,
        messages=written,
        group_items=len(groups),
        removed=removed,
        first_at=format_ts(moment - SPACING * (count - 1)),
        last_at=last_at,
        last_message=last_text,
        seconds=time.perf_counter() - started,
        users=list(users.values()),
    )
