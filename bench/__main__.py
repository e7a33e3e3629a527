"""``make bench``: every figure as a ratio measured side by side, printed with its goal.

    python -m bench [--smoke] [--only 1,6] [--output build/bench.json]

``--smoke`` uses tiny sizes so a test can keep the benchmarks from rotting; its numbers mean
nothing. See bench/README.md for what each figure measures and why.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import moto

from workbench.cruddur.seeder import seed
from workbench.cruddur.users import open_directory
from workbench.engine.engines import Engine, connect
from workbench.engine.tables import schema_load

from . import (
    capacity,
    frames,
    growth,
    notebook_suite,
    overhead,
    per_request,
    seeding,
    startup,
    stream_lag,
)
from .common import Figure, fresh_engine, fresh_server, scratch_table

FULL = {
    "seed": 20_000,
    "memory": 100_000,
    "small": 1_000,
    "rounds": 500,
    "lag": 200,
    "frames": 100_000,
    "startup": 15,
    "request_rounds": 400,
}
SMOKE = {
    "seed": 60,
    "memory": 300,
    "small": 50,
    "rounds": 3,
    "lag": 3,
    "frames": 500,
    "startup": 2,
    "request_rounds": 3,
}


def make_small(engine: Engine, table: str, users: Any, count: int) -> None:
    """The 'small' table: the model's table, seeded with ``count`` messages."""
    schema_load(engine, table)
    seed(engine, table, directory=users, count=count, progress=False)


def print_table(figures: list[Figure]) -> None:
    rows = [("figure", "measured", "goal", "result")] + [f.row() for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    for figure in figures:
        if figure.note:
            print(f"note on {figure.number}: {figure.note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (for tests)")
    parser.add_argument("--only", default="1,2,3,4,5,6,7,8,9", help="figures to run, e.g. 1,6")
    parser.add_argument("--output", type=Path, default=Path("build") / "bench.json")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else FULL
    only = {int(n) for n in args.only.split(",")}
    figures: list[Figure] = []
    started = time.perf_counter()
    print(f"sizes: {sizes}", flush=True)
    with open_directory("sqlite:///:memory:") as users:
        users.ensure_seed_users()
        # Each group of figures gets a managed server of its own (the default engine), so one
        # figure's tables and threads do not tax another's.
        if 1 in only:
            with fresh_server() as server:
                figures.append(seeding.throughput(server, users, count=sizes["seed"]))
                with connect(endpoint=server.endpoint) as engine:
                    table = scratch_table("memory")
                    figures.append(seeding.peak_memory(engine, table, count=sizes["memory"]))
        if 3 in only:
            with fresh_engine() as engine:
                figures += growth.run(
                    users,
                    small_items=sizes["small"],
                    big_items=sizes["memory"],
                    rounds=sizes["rounds"],
                    engine=engine,
                )
        if only & {2, 5, 7}:
            with fresh_engine() as engine:
                small = scratch_table("small")
                make_small(engine, small, users, sizes["small"])
                if 2 in only:
                    figures += overhead.run(engine, small, users, rounds=sizes["rounds"])
                if 5 in only:
                    figures += stream_lag.run(engine, small, users, messages=sizes["lag"])
                if 7 in only:
                    figures += capacity.run(engine, small, users)
        if 9 in only:
            with fresh_engine() as engine:
                figures += per_request.run(
                    engine, users, filler=sizes["memory"], rounds=sizes["request_rounds"]
                )
    if 6 in only:
        figures += frames.run(items=sizes["frames"])
    if 8 in only:
        with fresh_server() as server:
            figures += startup.run(server, rounds=sizes["startup"])
    if 4 in only:
        picked = None
        if args.smoke:
            picked = sorted(Path("notebooks").glob("0[01]-*.ipynb"))
        figures += notebook_suite.run(notebooks=picked, rounds=1 if args.smoke else 3)
    print()
    print_table(figures)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "smoke": args.smoke,
        "sizes": sizes,
        "seconds": time.perf_counter() - started,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "engine": f"managed moto server (moto {moto.__version__})",
        },
        "figures": [f.to_json() for f in figures],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2))
    missed = [f for f in figures if not f.passed]
    print(f"\n{len(figures) - len(missed)} of {len(figures)} goals met; written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
