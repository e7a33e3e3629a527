"""Figure 1: seeding throughput against one put_item after another; peak memory at 100,000."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from workbench.batch import write_batches
from workbench.items import to_item
from workbench.schema import schema_load
from workbench.seeder import HANDLES, generate_messages, seed

from .common import Figure, scratch_table

WARM_GROUP = "00000000-0000-4000-8000-00000000beef"
ORIGINAL_GROUP = "00000000-0000-4000-8000-0000000000b5"

MEMORY_SCRIPT = """
import resource, sys, json
from workbench.engines import connect
from workbench.schema import schema_load
from workbench.seeder import seed
from workbench.users import open_directory
endpoint, table, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with connect(endpoint=endpoint) as engine, open_directory("sqlite:///:memory:") as users:
    schema_load(engine, table)  # left alone if it already exists
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = seed(engine, table, directory=users, count=count, progress=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
# ru_maxrss is in KiB on Linux.
print(json.dumps({"peak_mb": peak / 1024, "before_mb": before / 1024,
                  "messages": result.messages, "seconds": result.seconds}))
"""


def original_seed(engine: Any, table: str, users: Any, count: int, group: str) -> None:
    """The bootcamp's way: one put_item per message, one after another."""
    people = {h: users.require_handle(h).person() for h in HANDLES}
    client = engine.client("dynamodb")
    for item in generate_messages(people, datetime.now(UTC), count=count,
                                  message_group_uuid=group):
        client.put_item(TableName=table, Item=to_item(item))


def throughput(engine: Any, users: Any, *, count: int) -> Figure:
    """Both methods on one table of one DynamoDB Local (after a warm-up on that table).

    One table, because DynamoDB Local slows every write down as *other* tables' streams grow
    (see bench/README.md): two tables would make whichever runs second look worse.
    """
    people = {h: users.require_handle(h).person() for h in HANDLES}
    table = scratch_table("seed")
    schema_load(engine, table)
    # Warm the JVM's JIT on this table, so neither side pays for it.
    write_batches(engine, table, generate_messages(people, datetime.now(UTC), count=2000,
                                                   message_group_uuid=WARM_GROUP),
                  progress=False)
    started = time.perf_counter()
    original_seed(engine, table, users, count, ORIGINAL_GROUP)
    theirs_s = time.perf_counter() - started
    started = time.perf_counter()
    seed(engine, table, directory=users, count=count, progress=False)
    ours_s = time.perf_counter() - started
    speedup = theirs_s / ours_s
    return Figure(1, f"seeding {count:,} messages vs one put_item at a time", speedup,
                  ">= 15x faster", speedup >= 15, details={
                      "workbench_seconds": ours_s, "original_seconds": theirs_s,
                      "workbench_items_per_s": count / ours_s,
                      "original_items_per_s": count / theirs_s})


def peak_memory(engine: Any, table: str, *, count: int) -> Figure:
    """Seed ``count`` messages into ``table`` from a fresh process; report its peak RSS."""
    env = {**os.environ, "WORKBENCH_ACCESS_KEY_ID": engine.access_key or "workbench"}
    output = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, engine.endpoint_url, table,
                             str(count)], capture_output=True, text=True, check=True, env=env)
    memory = json.loads(output.stdout)
    return Figure(1, f"peak memory seeding {count:,} messages", memory["peak_mb"],
                  "< 300 MB", memory["peak_mb"] < 300, unit=" MB", details=memory)
