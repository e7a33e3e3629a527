"""Figure 3: patterns A and B cost the same with 1,000 or 100,000 items; a scan does not."""

from __future__ import annotations

import statistics
import time
from typing import Any

from workbench.model import SEED_GROUP_UUID
from workbench.queries import get_conversation, list_conversations

from .common import Figure


def _p50(calls: dict[str, Any], rounds: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call()
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in samples.items()}


def scan_lookup(engine: Any, table: str) -> int:
    """The latest messages of the group found the wrong way: scan everything, filter."""
    client = engine.client("dynamodb")
    params: dict[str, Any] = {"TableName": table, "FilterExpression": "pk = :pk",
                              "ExpressionAttributeValues": {":pk": {"S": f"MSG#{SEED_GROUP_UUID}"}}}
    found = 0
    while True:
        page = client.scan(**params)
        found += len(page["Items"])
        if "LastEvaluatedKey" not in page:
            return found
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run(engine: Any, small: str, big: str, users: Any, *, small_items: int, big_items: int,
        rounds: int) -> list[Figure]:
    """p50 of A and B on both tables, interleaved; and one scan-based lookup on each."""
    calls = {}
    for label, table in (("small", small), ("big", big)):
        calls[f"A {label}"] = lambda t=table: get_conversation(engine, SEED_GROUP_UUID, t)
        calls[f"B {label}"] = lambda t=table: list_conversations(engine, "andrewbrown", t,
                                                                  directory=users)
    p50 = _p50(calls, rounds)
    scans = {}
    for label, table in (("small", small), ("big", big)):
        started = time.perf_counter()
        scan_lookup(engine, table)
        scans[label] = time.perf_counter() - started
    figures = []
    for letter in "AB":
        ratio = p50[f"{letter} big"] / p50[f"{letter} small"]
        figures.append(Figure(
            3, f"pattern {letter} p50, {big_items:,} vs {small_items:,} items", ratio,
            "<= 1.2x", ratio <= 1.2, details={
                "p50_small_ms": p50[f"{letter} small"] * 1000,
                "p50_big_ms": p50[f"{letter} big"] * 1000}))
    figures.append(Figure(
        3, f"scan-based lookup, {big_items:,} vs {small_items:,} items (for contrast)",
        scans["big"] / scans["small"], "grows with the table", True, details={
            "scan_small_ms": scans["small"] * 1000, "scan_big_ms": scans["big"] * 1000}))
    return figures
