"""Figure 1: seeding throughput against one put_item after another; peak memory at 100,000."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from workbench.cruddur.seeder import HANDLES, generate_messages, seed
from workbench.engine.batch import write_batches
from workbench.engine.engines import connect
from workbench.engine.tables import schema_load
from workbench.model.items import to_item

from .common import Figure, scratch_table

WARM_GROUP = "00000000-0000-4000-8000-00000000beef"
ORIGINAL_GROUP = "00000000-0000-4000-8000-0000000000b5"

MEMORY_SCRIPT = """
import resource, sys, json
from workbench.engine.engines import connect
from workbench.engine.tables import schema_load
from workbench.cruddur.seeder import seed
from workbench.cruddur.users import open_directory
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
    for item in generate_messages(people, datetime.now(UTC), count=count, message_group_uuid=group):
        client.put_item(TableName=table, Item=to_item(item))


def _server_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) the server process has used so far, from ``/proc``."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _costs(server: Any, write: Any) -> dict[str, float]:
    """Wall seconds, this process's CPU seconds and the server's CPU seconds of ``write()``."""
    wall, cpu, srv = time.perf_counter(), time.process_time(), _server_cpu_seconds(server.pid)
    write()
    return {
        "wall": time.perf_counter() - wall,
        "python_cpu": time.process_time() - cpu,
        "server_cpu": _server_cpu_seconds(server.pid) - srv,
    }


def throughput(server: Any, users: Any, *, count: int) -> Figure:
    """Both methods on one managed server, each into a table of its own, after a warm-up."""
    people = {h: users.require_handle(h).person() for h in HANDLES}
    with connect(endpoint=server.endpoint) as engine:
        warm = scratch_table("seed-warm")
        # Warm both kinds of request (connections, moto's code paths), so neither side pays.
        schema_load(engine, warm)
        write_batches(
            engine,
            warm,
            generate_messages(people, datetime.now(UTC), count=2000, message_group_uuid=WARM_GROUP),
            progress=False,
        )
        original_seed(engine, warm, users, 300, ORIGINAL_GROUP)
        costs = {}
        theirs_table, ours_table = scratch_table("seed-original"), scratch_table("seed-ours")
        schema_load(engine, theirs_table)
        costs["original"] = _costs(
            server, lambda: original_seed(engine, theirs_table, users, count, ORIGINAL_GROUP)
        )
        schema_load(engine, ours_table)
        costs["workbench"] = _costs(
            server, lambda: seed(engine, ours_table, directory=users, count=count, progress=False)
        )
    theirs, ours = costs["original"], costs["workbench"]
    speedup = theirs["wall"] / ours["wall"]
    # The best the machine allows: the server is one Python process, so (its GIL) one core at
    # most: its CPU per item in batches is the floor of our wall time per item.
    cores = os.cpu_count() or 1
    ceiling = theirs["wall"] / max(ours["server_cpu"], 1e-9)
    per_item = {
        f"{side}_{what}_ms_per_item": value / count * 1000
        for side, measured in costs.items()
        for what, value in measured.items()
    }
    return Figure(
        1,
        f"seeding {count:,} messages vs one put_item at a time",
        speedup,
        ">= 15x faster",
        speedup >= 15,
        details={
            "workbench_seconds": ours["wall"],
            "original_seconds": theirs["wall"],
            "workbench_items_per_s": count / ours["wall"],
            "original_items_per_s": count / theirs["wall"],
            "ceiling_from_server_cpu": ceiling,
            "cores": cores,
            **per_item,
        },
        note=_ceiling_note(per_item, cores, ceiling),
    )


def _ceiling_note(per_item: dict[str, float], cores: int, ceiling: float) -> str:
    server = per_item["workbench_server_cpu_ms_per_item"]
    original = per_item["original_wall_ms_per_item"]
    return (
        f"the server (one Python process: one of the {cores} cores at most) spends {server:.2f} "
        f"ms of CPU per item even in 25-item batches, most of it in moto's own request parsing "
        f"and item sizing; that caps any client at about {ceiling:.1f}x the original's "
        f"{original:.2f} ms per put_item"
    )


def peak_memory(engine: Any, table: str, *, count: int) -> Figure:
    """Seed ``count`` messages into ``table`` from a fresh process; report its peak RSS."""
    env = dict(os.environ)  # with the server's secret, which fresh_server() put there
    if engine.secret:
        env["WORKBENCH_SECRET_ACCESS_KEY"] = engine.secret
    output = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, engine.endpoint_url, table, str(count)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    memory = json.loads(output.stdout)
    return Figure(
        1,
        f"peak memory seeding {count:,} messages",
        memory["peak_mb"],
        "< 300 MB",
        memory["peak_mb"] < 300,
        unit=" MB",
        details=memory,
    )
