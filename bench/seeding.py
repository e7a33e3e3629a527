"""Figure 1: seeding throughput against one put_item after another; peak memory at 100,000."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from workbench.items import to_item
from workbench.schema import drop_table, schema_load
from workbench.seeder import HANDLES, generate_messages, seed
from workbench.users import open_directory

from .common import Figure, scratch_table

MEMORY_SCRIPT = """
import resource, sys, json
from workbench.engines import connect
from workbench.schema import schema_load
from workbench.seeder import seed
from workbench.users import open_directory
endpoint, table, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with connect(endpoint=endpoint) as engine, open_directory("sqlite:///:memory:") as users:
    schema_load(engine, table)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = seed(engine, table, directory=users, count=count, progress=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_mb": peak / 1024, "before_mb": before / 1024,
                  "messages": result.messages, "seconds": result.seconds}))
"""


def original_seed(engine: Any, table: str, users: Any, count: int) -> None:
    """The bootcamp's way: one put_item per message, one after another."""
    people = {h: users.require_handle(h).person() for h in HANDLES}
    client = engine.client("dynamodb")
    for item in generate_messages(people, datetime.now(UTC), count=count):
        client.put_item(TableName=table, Item=to_item(item))


def run(engine: Any, *, count: int, memory_count: int, keep_table: bool = False) -> tuple[
        list[Figure], str | None]:
    """Measure; return the figures and (if ``keep_table``) the 100,000-item table's name."""
    users = open_directory("sqlite:///:memory:")
    users.ensure_seed_users()
    ours, theirs = scratch_table("seed-ours"), scratch_table("seed-original")
    for table in (ours, theirs):
        schema_load(engine, table)
    started = time.perf_counter()
    seed(engine, ours, directory=users, count=count, progress=False)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    original_seed(engine, theirs, users, count)
    theirs_s = time.perf_counter() - started
    for table in (ours, theirs):
        drop_table(engine, table)
    speedup = theirs_s / ours_s
    throughput = Figure(1, f"seeding {count:,} messages vs one put_item at a time", speedup,
                        ">= 15x faster", speedup >= 15, details={
                            "workbench_seconds": ours_s, "original_seconds": theirs_s,
                            "workbench_items_per_s": count / ours_s,
                            "original_items_per_s": count / theirs_s})
    big = scratch_table("seed-100k")
    output = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, engine.endpoint_url, big,
                             str(memory_count)], capture_output=True, text=True, check=True)
    memory = json.loads(output.stdout)
    peak = Figure(1, f"peak memory seeding {memory_count:,} messages", memory["peak_mb"],
                  "< 300 MB", memory["peak_mb"] < 300, unit=" MB", details=memory)
    if not keep_table:
        drop_table(engine, big)
        big = None
    users.close()
    return [throughput, peak], big
