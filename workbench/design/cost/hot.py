"""Hot partitions: each partition-key value's share of the traffic (in proportion to the sample
data, with its skew) against DynamoDB's per-partition limits, and what write sharding does."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from math import ceil
from typing import Any

import pandas as pd

from ...model.capacity import compute, item_size
from ...model.items import to_item
from ...model.requests import Request
from .estimate import consistency_factor
from .measure import Measured
from .traffic import Traffic

PARTITION_RCU = 3000
"""Read units per second one partition serves at most."""
PARTITION_WCU = 1000
"""Write units per second one partition serves at most."""
COLLECTION_LIMIT = 10 * 1024**3
"""Bytes an item collection may hold where the table has a local secondary index."""


def _where(model: Any, index: str | None) -> tuple[str, str]:
    """(where, partition-key attribute) of the table or an index; an LSI is the table's."""
    local = {i.name for i in getattr(model.table, "local_indexes", ())}
    if index is None or index in local:
        return "table", model.table.hash_key
    return index, model.table.index_key_names(index)[0]


def _action_parts(model: Any, measured: Measured) -> list[tuple[str, dict[str | None, float]]]:
    """For each action of a write pattern: its entity and mean units by where they land
    (None is the table), computed one action at a time."""
    pattern = measured.pattern
    parts: list[dict[str | None, float]] = [{} for _ in pattern.actions]
    for sample in measured.samples:
        request = sample.request
        if request.operation == "TransactWriteItems":
            bodies = [next(iter(a.items())) for a in request.params["TransactItems"]]
            factor = 2  # a transaction's table writes count twice, its index writes once
        else:
            bodies, factor = [(request.operation, request.params)], 1
        for at, (kind, body) in enumerate(bodies[: len(parts)]):
            operation = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}.get(
                kind, kind
            )
            if operation not in ("PutItem", "UpdateItem", "DeleteItem"):
                continue
            one = compute(
                Request(operation, body),
                None,
                model.table,
                sample.old_items,
                absent_keys=sample.absent_keys,
            )
            parts[at][None] = parts[at].get(None, 0.0) + one.table * factor
            for name, units in one.indexes.items():
                parts[at][name] = parts[at].get(name, 0.0) + units
    count = max(1, len(measured.samples))
    return [
        (action.entity, {k: v / count for k, v in part.items()})
        for action, part in zip(pattern.actions, parts, strict=False)
    ]


def partition_load(
    model: Any,
    items: Sequence[Mapping[str, Any]],
    measured: Mapping[str, Measured],
    traffic: Traffic,
) -> pd.DataFrame:
    """Read and write units per second on every partition at the peak, largest first.

    A read pattern's requests fall on its partitions in proportion to the items of its
    entities each holds; a write pattern's new items in proportion to the items of the
    written entity each partition holds. Units per request are the pattern's mean.
    """
    from ..report.params import partitions

    load: dict[tuple[str, Any], dict[str, Any]] = {}

    def add(where: str, key: Any, pattern: str, rcu: float, wcu: float) -> None:
        row = load.setdefault((where, key), {"rcu": 0.0, "wcu": 0.0, "by": Counter()})
        row["rcu"] += rcu
        row["wcu"] += wcu
        row["by"][pattern] += rcu / PARTITION_RCU + wcu / PARTITION_WCU

    by_entity: dict[str, list[Mapping[str, Any]]] = {}
    for item in items:
        entity = model.entity_for(item)
        if entity is not None:
            by_entity.setdefault(entity.name, []).append(item)
    for name, m in measured.items():
        rate = traffic.of(name)
        if not m.samples or rate.peak == 0:
            continue
        if m.read:
            factor = consistency_factor(m.pattern, rate, m.samples[0].request.params)
            units = sum(m.totals()) / len(m.samples) * factor
            if not m.pattern.partition_key:
                continue  # a Scan reads every partition: spread evenly, never one hot key
            found = partitions(model, m.pattern, items)
            held = sum(len(p.items) for p in found) or 1
            where, _attr = _where(model, m.pattern.index)
            for p in found:
                add(where, p.value, name, rate.peak * units * len(p.items) / held, 0.0)
            continue
        for entity, parts in _action_parts(model, m):
            group = by_entity.get(entity, [])
            for index, units in parts.items():
                where, attr = _where(model, index)
                spread = Counter(i[attr] for i in group if i.get(attr) is not None)
                total = sum(spread.values())
                for key, n in spread.items():
                    add(where, key, name, 0.0, rate.peak * units * n / total)
    rows = []
    for (where, key), row in load.items():
        pattern = row["by"].most_common(1)[0][0]
        rows.append(
            {
                "where": where,
                "key": key,
                "rcu_per_s": row["rcu"],
                "wcu_per_s": row["wcu"],
                "read_use": row["rcu"] / PARTITION_RCU,
                "write_use": row["wcu"] / PARTITION_WCU,
                "busiest_pattern": pattern,
                "throttles": row["rcu"] > PARTITION_RCU or row["wcu"] > PARTITION_WCU,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "where",
            "key",
            "rcu_per_s",
            "wcu_per_s",
            "read_use",
            "write_use",
            "busiest_pattern",
            "throttles",
        ],
    )
    frame["use"] = frame[["read_use", "write_use"]].max(axis=1)
    return frame.sort_values(["use", "where"], ascending=[False, True]).reset_index(drop=True)


def hot_keys(frame: pd.DataFrame) -> list[str]:
    """One line per partition that would throttle: where, key, pattern and units."""
    lines = []
    for row in frame[frame["throttles"]].itertuples():
        units = (
            f"{row.wcu_per_s:,.0f} WCU/s of {PARTITION_WCU:,}"
            if row.write_use >= row.read_use
            else f"{row.rcu_per_s:,.0f} RCU/s of {PARTITION_RCU:,}"
        )
        lines.append(f"{row.where} key {row.key!r}: {units} (mostly {row.busiest_pattern})")
    return lines


def sharding(
    wcu_per_s: float, rcu_per_s: float = 0.0, shards: Sequence[int] | None = None
) -> pd.DataFrame:
    """What a key suffix (``KEY#0`` .. ``KEY#N-1``, written at random) does to one hot key:
    each shard takes 1/N of the writes; reading the whole key then takes N queries.

    :param shards: the shard counts to show (default: 1, 2, 4, ... up to enough).
    """
    needed = max(1, ceil(wcu_per_s / PARTITION_WCU), ceil(rcu_per_s / PARTITION_RCU))
    if shards is None:
        shards, n = [1], 1
        while n < needed:
            n *= 2
            shards.append(n)
        if needed not in shards:
            shards.append(needed)
        shards = sorted(shards)
    rows = [
        {
            "shards": n,
            "wcu_per_s_per_shard": wcu_per_s / n,
            "rcu_per_s_per_shard": rcu_per_s / n,
            "queries_per_read": n,
            "throttles": wcu_per_s / n > PARTITION_WCU or rcu_per_s / n > PARTITION_RCU,
        }
        for n in shards
    ]
    frame = pd.DataFrame(rows).set_index("shards")
    frame.attrs["needed"] = needed
    return frame


def collections(model: Any, items: Sequence[Mapping[str, Any]], traffic: Traffic) -> pd.DataFrame:
    """Item collections (table partition-key values) against 10 GB, scaled from the sample to
    the profile's item counts at the horizon; empty when the table has no LSI (no limit)."""
    if not getattr(model.table, "local_indexes", ()):
        return pd.DataFrame(columns=["key", "bytes", "gb", "over_limit"])
    samples = Counter(getattr(model.entity_for(i), "name", None) for i in items)
    scale = {
        name: traffic.entities[name].at(traffic.horizon_months) / n
        if name in traffic.entities
        else 1.0
        for name, n in samples.items()
        if n
    }
    sizes: Counter = Counter()
    for item in items:
        name = getattr(model.entity_for(item), "name", None)
        sizes[item.get(model.table.hash_key)] += item_size(to_item(item)) * scale.get(name, 1.0)
    rows = [
        {"key": k, "bytes": b, "gb": b / 1024**3, "over_limit": b > COLLECTION_LIMIT}
        for k, b in sizes.most_common()
    ]
    return pd.DataFrame(rows)
