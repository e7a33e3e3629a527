"""Figure 3: patterns A, B and E's GSI query cost the same with 1,000 or 100,000 items.

Both tables hold the very same seed conversation (its messages, andrewbrown's and bayko's
group summaries); the big one also holds 99,000 other items: other groups' messages and their
summaries (in the GSI too), owned by other users. So every pattern's item collection is the
same size in both, and only the table grows: a query whose time follows its item collection
stays flat, one whose time follows the table (moto's own ``Table.query``) does not. Queries on
both tables are interleaved in a shuffled order, so drift on the machine hits both alike.

On moto, :mod:`workbench.engine.motoindex` is what keeps the figure flat.
"""

from __future__ import annotations

import gc
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from workbench.cruddur.queries import get_conversation, list_conversations
from workbench.cruddur.seeder import HANDLES, generate_messages, seed
from workbench.engine.batch import write_batches
from workbench.engine.dynamo import send
from workbench.engine.engines import connect
from workbench.engine.tables import schema_load
from workbench.model import SEED_GROUP_UUID
from workbench.model.cruddur import group_item, group_summaries_request

from .common import Figure, interleaved_medians, scratch_table

#: Items per filler group: its messages plus its two summaries.
GROUP_SIZE = 100
FILLER_NAMESPACE = uuid.UUID("6f1c1a52-3d55-4c59-9a43-5a3f0e9d2b10")
PATTERNS = {"A": "pattern A", "B": "pattern B", "E": "pattern E's GSI query"}


def filler_items(count: int, now: datetime) -> Iterator[dict[str, Any]]:
    """``count`` items of other conversations: groups of 98 messages and 2 summaries.

    Each group has two members of its own, so no filler item lands in the seed's item
    collections (A's messages, B's summaries, E's index entries).
    """
    written, number = 0, 0
    while written < count:
        group = str(uuid.uuid5(FILLER_NAMESPACE, f"group-{number}"))
        people = {
            handle: {
                "uuid": str(uuid.uuid5(FILLER_NAMESPACE, f"{group}-{handle}")),
                "display_name": f"Filler {handle}",
                "handle": f"{handle}{number}",
            }
            for handle in HANDLES
        }
        size = min(GROUP_SIZE, count - written)
        when = now - timedelta(days=1 + number)
        last = None
        for last in generate_messages(
            people, when, count=max(size - 2, 1), message_group_uuid=group
        ):
            yield last
        written += max(size - 2, 1)
        first, second = (people[h] for h in HANDLES)
        for owner, other in ((first, second), (second, first))[: count - written]:
            assert last is not None
            yield group_item(owner, other, group, last["sk"], last["message"])
            written += 1
        number += 1


@contextmanager
def quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection inside the block; afterwards, what lives is frozen.

    With in-process moto the table's items live in this process, and each full collection
    walks all of them: seeding 100,000 items took twice as long, and query timings would
    carry pauses that grow with the table in the figure that says they do not.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.freeze()
        gc.enable()


def build(engine: Any, table: str, users: Any, *, items: int, workers: int = 8) -> int:
    """Create ``table``, seed it, add filler up to ``items`` items; return the item count."""
    schema_load(engine, table)
    result = seed(engine, table, directory=users, progress=False, workers=workers)
    seeded = result.messages + result.group_items
    extra = max(0, items - seeded)
    write_batches(
        engine,
        table,
        filler_items(extra, datetime.now(UTC)),
        total=extra,
        progress=False,
        workers=workers,
    )
    return seeded + extra


def scan_lookup(engine: Any, table: str) -> int:
    """The latest messages of the group found the wrong way: scan everything, filter."""
    client = engine.client("dynamodb")
    params: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": f"MSG#{SEED_GROUP_UUID}"}},
    }
    found = 0
    while True:
        page = client.scan(**params)
        found += len(page["Items"])
        if "LastEvaluatedKey" not in page:
            return found
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def measure(
    small: tuple[Any, str], big: tuple[Any, str], users: Any, *, rounds: int, scan: bool = True
) -> dict[str, float]:
    """p50 seconds of A, B and E's GSI query on each ``(engine, table)``, interleaved; then,
    with ``scan``, one filtered scan of each (for contrast)."""
    calls = {}
    for label, (engine, table) in (("small", small), ("big", big)):
        calls[f"A {label}"] = lambda e=engine, t=table: get_conversation(e, SEED_GROUP_UUID, t)
        calls[f"B {label}"] = lambda e=engine, t=table: list_conversations(
            e, "andrewbrown", t, directory=users
        )
        calls[f"E {label}"] = lambda e=engine, t=table: send(
            e, group_summaries_request(t, SEED_GROUP_UUID)
        )
    for _ in range(min(rounds, 20)):  # warm caches (and a JIT, where there is one)
        for call in calls.values():
            call()
    result = interleaved_medians(calls, rounds)
    if scan:
        for label, (engine, table) in (("small", small), ("big", big)):
            started = time.perf_counter()
            scan_lookup(engine, table)
            result[f"scan {label}"] = time.perf_counter() - started
    return result


def figures(p50: dict[str, float], *, small_items: int, big_items: int) -> list[Figure]:
    """The ratios big/small for A, B and E's GSI query (goal <= 1.2) and the scan."""
    found = []
    for letter, name in PATTERNS.items():
        ratio = p50[f"{letter} big"] / p50[f"{letter} small"]
        found.append(
            Figure(
                3,
                f"{name} p50, {big_items:,} vs {small_items:,} items",
                ratio,
                "<= 1.2x",
                ratio <= 1.2,
                details={
                    "p50_small_ms": p50[f"{letter} small"] * 1000,
                    "p50_big_ms": p50[f"{letter} big"] * 1000,
                },
            )
        )
    if "scan big" in p50:
        ratio = p50["scan big"] / p50["scan small"]
        found.append(
            Figure(
                3,
                f"scan-based lookup, {big_items:,} vs {small_items:,} items (for contrast)",
                ratio,
                "grows with the table",
                ratio > 1,
                details={
                    "scan_small_ms": p50["scan small"] * 1000,
                    "scan_big_ms": p50["scan big"] * 1000,
                },
            )
        )
    return found


def run(
    users: Any,
    *,
    small_items: int,
    big_items: int,
    rounds: int,
    engine: Any = None,
    scan: bool = True,
) -> list[Figure]:
    """Figure 3 on ``engine``: both tables built on it, measured, compared.

    :param engine: the engine to measure (default: in-process moto, which installs
        :mod:`workbench.engine.motoindex`, until the default engine is the managed moto server).
    :param scan: also time one filtered scan of each table, for contrast.
    """
    own = engine is None
    engine = connect("moto") if own else engine
    try:
        small, big = scratch_table("growth-small"), scratch_table("growth-big")
        with quiet_gc():
            small_count = build(engine, small, users, items=small_items)
            started = time.perf_counter()
            big_count = build(engine, big, users, items=big_items)
            seeding = time.perf_counter() - started
        p50 = measure((engine, small), (engine, big), users, rounds=rounds, scan=scan)
        found = figures(p50, small_items=small_count, big_items=big_count)
        for figure in found:
            figure.details.update(engine=engine.name, big_table_seconds=seeding)
        return found
    finally:
        gc.unfreeze()
        if own:
            engine.close()
