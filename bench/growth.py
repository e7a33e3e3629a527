"""Figure 3: patterns A and B cost the same with 1,000 or 100,000 items; a scan does not.

Both sizes are the same table on the same DynamoDB Local, measured before and after it grows:
DynamoDB Local slows down a table's requests as *other* tables' streams grow, so two tables
would measure that quirk instead of the table size.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from workbench.model import SEED_GROUP_UUID
from workbench.queries import get_conversation, list_conversations

from .common import Figure


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


def measure(engine: Any, table: str, users: Any, *, rounds: int) -> dict[str, float]:
    """p50 seconds of A and B (alternating, after a warm-up) and one scan-based lookup."""
    calls = {
        "A": lambda: get_conversation(engine, SEED_GROUP_UUID, table),
        "B": lambda: list_conversations(engine, "andrewbrown", table, directory=users),
    }
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):  # warm the JIT of both sides before timing
        for call in calls.values():
            call()
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
    result = {name: statistics.median(values) for name, values in samples.items()}
    started = time.perf_counter()
    scan_lookup(engine, table)
    result["scan"] = time.perf_counter() - started
    return result


def figures(small: dict[str, float], big: dict[str, float], *, small_items: int,
            big_items: int) -> list[Figure]:
    """The ratios big/small for A and B (goal <= 1.2) and the scan (for contrast)."""
    found = []
    for letter in "AB":
        ratio = big[letter] / small[letter]
        found.append(Figure(
            3, f"pattern {letter} p50, {big_items:,} vs {small_items:,} items", ratio,
            "<= 1.2x", ratio <= 1.2, details={"p50_small_ms": small[letter] * 1000,
                                              "p50_big_ms": big[letter] * 1000}))
    found.append(Figure(
        3, f"scan-based lookup, {big_items:,} vs {small_items:,} items (for contrast)",
        big["scan"] / small["scan"], "grows with the table", big["scan"] > small["scan"],
        details={"scan_small_ms": small["scan"] * 1000, "scan_big_ms": big["scan"] * 1000}))
    return found
