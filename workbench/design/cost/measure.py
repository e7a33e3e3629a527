"""Capacity per request, measured: each pattern run on the sample data over several partitions
and pages (reads) or several fresh items (writes), with the capacity computed by the rules."""

from __future__ import annotations

import json
import random
import statistics
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from math import ceil
from typing import Any

from ... import constants as C
from ...errors import WorkbenchError
from ...model.builder import RequestBuilder
from ...model.capacity import Capacity
from ...model.items import to_item
from ...model.requests import Request, encode_cursor
from ..exercise import send_counted, write_keys

WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")
DEFAULT_PARTITIONS = 5
DEFAULT_PAGES = 3
DEFAULT_WRITES = 5


@dataclass
class Sample:
    """One request sent while measuring: what it was, what came back, what it cost.

    :param request: the exact request.
    :param response: the engine's response.
    :param old_items: typed items its writes replaced (as they were before it), for recomputing.
    :param capacity: the computed capacity.
    :param partition: the partition-key value a read read (None for writes and scans).
    :param absent_keys: typed keys its writes wrote that held no item before, for recomputing.
    """

    request: Request
    response: Mapping[str, Any]
    old_items: list[dict[str, Any]]
    capacity: Capacity
    partition: Any = None
    absent_keys: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Measured:
    """The samples of one pattern, and what could not be measured.

    :param pattern: the access pattern (a :class:`~workbench.model.AccessPattern`).
    :param samples: every request sent.
    :param problems: why a sample could not be taken, one sentence each.
    """

    pattern: Any
    samples: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def read(self) -> bool:
        """True for a read pattern (its units are RCU)."""
        return self.pattern.operation not in WRITES

    def totals(self) -> list[float]:
        """The computed total of every sample."""
        return [s.capacity.total for s in self.samples]


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the values
    at or below it (p50 of 1, 2, 3, 4 is 2; p95 of twenty values is the 19th)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, ceil(share * len(ordered)) - 1)]


def spread(values: Sequence[float]) -> dict[str, float]:
    """``{"mean", "p50", "p95"}`` of ``values`` (zeros when there are none)."""
    if not values:
        return {"mean": 0.0, "p50": 0.0, "p95": 0.0}
    return {
        "mean": statistics.fmean(values),
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
    }


def _evenly(found: Sequence[Any], count: int) -> list[Any]:
    """Up to ``count`` of ``found`` (largest first), spread from the largest to the smallest."""
    if len(found) <= count:
        return list(found)
    step = (len(found) - 1) / (count - 1) if count > 1 else 0
    return [found[round(i * step)] for i in range(count)]


def _key_text(key: Mapping[str, Any]) -> str:
    """A typed key as text, to compare keys."""
    return json.dumps(key, sort_keys=True)


def _send(engine: Any, model: Any, request: Request, *, before: bool) -> Sample:
    done = send_counted(engine, model, request, read_old=before)
    return Sample(done.request, done.response, done.old, done.capacity, absent_keys=done.absent)


def _measure_read(
    engine: Any,
    model: Any,
    pattern: Any,
    items: Sequence[Mapping[str, Any]],
    table_name: str,
    partitions: int,
    pages: int,
) -> Measured:
    from ..report.params import partitions as partitions_of
    from ..report.params import read_parameters

    builder = RequestBuilder(model)
    measured = Measured(pattern)
    if pattern.partition_key:
        chosen = _evenly(partitions_of(model, pattern, items), partitions)
        # Each partition's own items give parameters that read exactly that partition.
        cases = [(p.value, list(p.items)) for p in chosen]
    else:
        cases = [(None, list(items))]
    pages = pages if "cursor" in builder.parameters(pattern) else 1
    for value, data in cases:
        try:
            params = read_parameters(model, pattern, data, "largest")
        except WorkbenchError as exc:
            measured.problems.append(f"no parameters: {exc}")
            continue
        for _page in range(pages):
            try:
                sample = _send(
                    engine, model, builder.build(pattern, table_name, **params), before=False
                )
            except WorkbenchError as exc:
                measured.problems.append(f"failed: {exc}")
                break
            sample.partition = value
            measured.samples.append(sample)
            cursor = encode_cursor(sample.response.get(C.LAST_EVALUATED_KEY))
            if not cursor:
                break
            params = {**params, "cursor": cursor}
    return measured


def with_fillers(builder: RequestBuilder, pattern: Any, seed: int) -> Any:
    """``pattern`` with made-up values for parameters neither the data nor its ``example``
    gives (Cruddur's D names its sender and receiver): a uuid, a time, or a word. They fill
    only what is missing; sizes stay close to real ones."""
    rng = random.Random(seed)
    fillers: dict[str, Any] = {}
    for name in builder.parameters(pattern):
        if "uuid" in name:
            fillers[name] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        elif name.endswith("_at"):
            fillers[name] = f"2026-11-{rng.randint(1, 21):02d}T07:45:00.000000+00:00"
        else:
            fillers[name] = f"{name.split('_')[-1]}-{rng.randint(1000, 9999)}"
    return replace(pattern, example={**fillers, **dict(pattern.example or {})})


def _measure_write(
    engine: Any,
    model: Any,
    pattern: Any,
    items: Sequence[Mapping[str, Any]],
    table_name: str,
    writes: int,
    seed: int,
) -> Measured:
    from ..report.params import write_parameters

    builder = RequestBuilder(model)
    measured = Measured(pattern)
    # Each item's key as text once, not once per write (1,262 items, a write pattern 5 times).
    keyed = [(_key_text(to_item(model.table.key_of(i))), i) for i in items]
    pool = list(items)
    memo: dict[int, Any] = {}  # each item's entity and fields, once for all the writes
    for k in range(writes):
        try:
            params = write_parameters(
                model, with_fillers(builder, pattern, seed + k), pool, seed=seed + k, memo=memo
            )
            request = builder.build(pattern, table_name, **params)
            measured.samples.append(_send(engine, model, request, before=True))
        except WorkbenchError as exc:
            measured.problems.append(f"failed: {exc}")
            continue
        # The next update or delete takes another existing item, not the one just written.
        touched = {_key_text(key) for _t, key in write_keys(model, request)}
        keyed = [(text, i) for text, i in keyed if text not in touched]
        pool = [i for _text, i in keyed]
    return measured


def measure(
    engine: Any,
    model: Any,
    items: Sequence[Mapping[str, Any]],
    *,
    table_name: str | None = None,
    partitions: int = DEFAULT_PARTITIONS,
    pages: int = DEFAULT_PAGES,
    writes: int = DEFAULT_WRITES,
    seed: int = 0,
) -> dict[str, Measured]:
    """Run every pattern of ``model`` on ``engine`` (its table already holds ``items``).

    Reads run first, on up to ``partitions`` partitions spread from the largest to the
    smallest, following up to ``pages`` pages each; then each write ``writes`` times with
    fresh items (updates and deletes on different existing items).

    :param items: the plain sample items loaded in the table.
    :returns: by pattern name, in model order.
    """
    table_name = table_name or model.table.name
    out: dict[str, Measured] = {}
    for pattern in model.patterns:
        if pattern.operation not in WRITES:
            out[pattern.name] = _measure_read(
                engine, model, pattern, items, table_name, partitions, pages
            )
    for pattern in model.patterns:
        if pattern.operation in WRITES:
            out[pattern.name] = _measure_write(
                engine, model, pattern, items, table_name, writes, seed
            )
    return {p.name: out[p.name] for p in model.patterns}
