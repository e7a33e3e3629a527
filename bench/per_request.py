"""Figure 9: one request on the managed server against bare moto (``moto_server``).

The call is pattern A's bare boto3 Query, with the very parameters ``get_conversation`` sends,
timed on both servers side by side in the same run, in a shuffled interleaved order after a
warm-up, so drift on the machine hits both alike. The managed server holds the Cruddur seed
plus ``filler`` other items (:func:`bench.growth.filler_items`, written in batches) in one
table and the seed alone in another; bare moto holds the seed alone. The ratios of the p50s
are what the managed server adds per request: the guard (the signature, the body), DynamoDB's
rules, fixes and ConsumedCapacity, and the moto patches.

Bare moto is not given the 100,000 items: its own ``Table.query`` sorts every item of the
table on every Query (what :mod:`workbench.engine.motoindex` avoids), about 5 s a query at
100,000 items on a busy machine, so 400 rounds would take over half an hour and measure that
walk, not the request. ``get_conversation`` on the managed server's big table is timed beside
them, as a note.

The bare server is moto's own (``python -m moto.server``, bound to 127.0.0.1), the reference a
user would run; it is stopped at the end.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from workbench.cruddur.queries import get_conversation
from workbench.cruddur.seeder import seed
from workbench.engine.batch import write_batches
from workbench.engine.engines import Engine
from workbench.engine.tables import schema_load
from workbench.model import SEED_GROUP_UUID
from workbench.model.cruddur import list_messages_request

from .common import Figure, interleaved_medians, scratch_table
from .growth import filler_items, quiet_gc

GOAL = 1.2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def bare_moto(timeout: float = 60.0) -> Iterator[str]:
    """moto's own server on 127.0.0.1 (a child process), stopped on exit; yields its URL."""
    port = _free_port()
    env = dict(os.environ, MOTO_DISABLE_GLOBAL_CORS="true")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    # No proxy from the environment: the server is on loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                opener.open(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not serve on {url}") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - it ignored SIGTERM
            process.kill()
            process.wait()


def _build(engine: Engine, table: str, users: Any, filler: int) -> None:
    """The model's table with the seed and ``filler`` other items, written in batches."""
    schema_load(engine, table)
    seed(engine, table, directory=users, progress=False, workers=8)
    if filler:
        items = filler_items(filler, datetime.now(UTC))
        write_batches(engine, table, items, total=filler, progress=False, workers=8)


def run(managed: Engine, users: Any, *, filler: int, rounds: int) -> list[Figure]:
    """Figure 9 on the managed server behind ``managed`` against a bare moto it starts.

    :param managed: an engine on a managed server of its own.
    :param filler: items besides the seed in the managed server's big table (100,000 in
        ``make bench``).
    :param rounds: timed rounds of all the calls.
    """
    big, small = scratch_table("request-big"), scratch_table("request-small")
    with bare_moto() as url, Engine("endpoint", endpoint_url=url) as bare:
        started = time.perf_counter()
        with quiet_gc():
            _build(managed, big, users, filler)
            _build(managed, small, users, 0)
            _build(bare, small, users, 0)
        built = time.perf_counter() - started
        calls: dict[str, Any] = {}
        for label, engine, table in (
            ("managed big", managed, big),
            ("managed small", managed, small),
            ("bare", bare, small),
        ):
            params = list_messages_request(table, SEED_GROUP_UUID).params
            client = engine.client("dynamodb")
            calls[label] = lambda c=client, p=params: c.query(**p)
        calls["get_conversation"] = lambda: get_conversation(managed, SEED_GROUP_UUID, big)
        p50 = interleaved_medians(calls, rounds, warmup=min(rounds, 20))
    ms = {name: value * 1000 for name, value in p50.items()}
    note = (
        f"p50 ms: managed {ms['managed big']:.2f} (seed + {filler:,} items), "
        f"{ms['managed small']:.2f} (seed only); bare moto {ms['bare']:.2f} (seed only); "
        f"get_conversation on the managed server {ms['get_conversation']:.2f}"
    )
    figures = []
    for label, what in (
        ("managed big", f"seed + {filler:,} items vs seed"),
        ("managed small", "both the seed"),
    ):
        ratio = p50[label] / p50["bare"]
        figures.append(
            Figure(
                9,
                f"pattern A Query p50, managed server vs bare moto_server ({what})",
                ratio,
                f"<= {GOAL}x",
                ratio <= GOAL,
                details={
                    "managed_ms": ms[label],
                    "bare_moto_ms": ms["bare"],
                    "get_conversation_ms": ms["get_conversation"],
                    "rounds": rounds,
                    "build_seconds": built,
                },
                note=note if label == "managed big" else "",
            )
        )
    return figures
