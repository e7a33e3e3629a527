"""Figure 3: patterns A and B cost the same with 1,000 or 100,000 items; a scan does not.

The two tables live on one DynamoDB Local, each in a database of its own (DynamoDB Local
without -sharedDb keeps one per access key): in one database, requests slow down as *other*
tables' streams grow, which would measure that quirk instead of the table size. Queries on
both are interleaved in a shuffled order, so drift on the machine hits both alike.
"""

from __future__ import annotations

import time
from typing import Any

from workbench.model import SEED_GROUP_UUID
from workbench.queries import get_conversation, list_conversations

from .common import Figure, interleaved_medians


def scan_lookup(engine: Any, table: str) -> int:
    """The latest messages of the group found the wrong way: scan everything, filter."""
    client = engine.client("dynamodb")
    params: dict[str, Any] = {
        "TableName": table, "FilterExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": f"MSG#{SEED_GROUP_UUID}"}}}
    found = 0
    while True:
        page = client.scan(**params)
        found += len(page["Items"])
        if "LastEvaluatedKey" not in page:
            return found
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def measure(small: tuple[Any, str], big: tuple[Any, str], users: Any, *,
            rounds: int) -> dict[str, float]:
    """p50 seconds of A and B on each ``(engine, table)``, interleaved, then one scan each."""
    calls = {}
    for label, (engine, table) in (("small", small), ("big", big)):
        calls[f"A {label}"] = lambda e=engine, t=table: get_conversation(e, SEED_GROUP_UUID, t)
        calls[f"B {label}"] = lambda e=engine, t=table: list_conversations(
            e, "andrewbrown", t, directory=users)
    for _ in range(rounds):  # warm the JIT for every call before timing
        for call in calls.values():
            call()
    result = interleaved_medians(calls, rounds)
    for label, (engine, table) in (("small", small), ("big", big)):
        started = time.perf_counter()
        scan_lookup(engine, table)
        result[f"scan {label}"] = time.perf_counter() - started
    return result


def figures(p50: dict[str, float], *, small_items: int, big_items: int) -> list[Figure]:
    """The ratios big/small for A and B (goal <= 1.2) and the scan (for contrast)."""
    found = []
    for letter in "AB":
        ratio = p50[f"{letter} big"] / p50[f"{letter} small"]
        found.append(Figure(
            3, f"pattern {letter} p50, {big_items:,} vs {small_items:,} items", ratio,
            "<= 1.2x", ratio <= 1.2, details={"p50_small_ms": p50[f"{letter} small"] * 1000,
                                              "p50_big_ms": p50[f"{letter} big"] * 1000}))
    ratio = p50["scan big"] / p50["scan small"]
    found.append(Figure(
        3, f"scan-based lookup, {big_items:,} vs {small_items:,} items (for contrast)",
        ratio, "grows with the table", ratio > 1,
        details={"scan_small_ms": p50["scan small"] * 1000,
                 "scan_big_ms": p50["scan big"] * 1000}))
    return found
