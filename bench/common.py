"""Shared pieces of the benchmarks: a figure's result, timing, a scratch table, a server."""

from __future__ import annotations

import os
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from workbench.engine.engines import SECRET_ENV


@contextmanager
def fresh_server() -> Iterator[Any]:
    """A managed moto server of its own (the default engine), for one group of figures.

    While it runs, ``WORKBENCH_SECRET_ACCESS_KEY`` holds its secret, so
    ``connect(endpoint=server.endpoint)`` and the subprocesses a figure starts sign with it.
    """
    from workbench.engine.local import LocalServer

    server = LocalServer.start()
    saved = os.environ.get(SECRET_ENV)
    os.environ[SECRET_ENV] = server.secret
    try:
        yield server
    finally:
        if saved is None:
            os.environ.pop(SECRET_ENV, None)
        else:
            os.environ[SECRET_ENV] = saved
        server.stop()


@contextmanager
def fresh_engine() -> Iterator[Any]:
    """An engine ``local`` on a managed server of its own (stopped afterwards)."""
    from workbench.engine.engines import Engine

    with fresh_server() as server:
        with Engine("local", endpoint_url=server.endpoint, secret=server.secret) as engine:
            yield engine


@dataclass
class Figure:
    """One benchmark figure: what was measured, against which goal, and whether it passed."""

    number: int
    name: str
    measured: float
    goal: str
    passed: bool
    unit: str = "x"
    details: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def row(self) -> tuple[str, str, str, str]:
        """The printed row: figure, measured, goal, pass/fail."""
        return (
            f"{self.number}. {self.name}",
            f"{self.measured:.2f}{self.unit}",
            self.goal,
            "pass" if self.passed else "MISS",
        )

    def to_json(self) -> dict[str, Any]:
        """The figure for build/bench.json."""
        return asdict(self)


def timed(func: Callable[[], Any]) -> float:
    """Seconds one call takes (monotonic clock)."""
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def interleaved_medians(
    calls: dict[str, Callable[[], Any]], rounds: int, warmup: int = 1
) -> dict[str, float]:
    """Median seconds of each call, all of them every round, in a shuffled order, so noise
    and the after-effects of the previous call hit every side alike.

    :param warmup: untimed rounds first (connections, caches).
    """
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(warmup):
        for call in calls.values():
            call()
    order = list(calls)
    shuffle = random.Random(5).shuffle
    for _ in range(rounds):
        shuffle(order)
        for name in order:
            samples[name].append(timed(calls[name]))
    return {name: statistics.median(values) for name, values in samples.items()}


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` percentile (nearest rank)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def scratch_table(prefix: str) -> str:
    """A unique table name for one benchmark."""
    return f"bench-{prefix}-{uuid.uuid4().hex[:8]}"
