"""GSI write amplification: the extra write units each index costs each write pattern, and what
a ``KEYS_ONLY`` or ``INCLUDE`` projection would save (recomputed with the projection changed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from ... import constants as C
from ...model.capacity import compute
from .measure import Measured
from .prices import Prices
from .traffic import Traffic

_COLUMNS = [
    "pattern",
    "index",
    "projection",
    "table_wcu",
    "index_wcu",
    "amplification",
    "index_wcu_per_s",
    "index_month",
    "keys_only_wcu",
    "keys_only_saves_month",
    "include",
    "include_wcu",
    "include_saves_month",
    "prices",
]


def include_attributes(model: Any, index: str) -> tuple[str, ...]:
    """The attributes the read patterns on ``index`` ask for (their ``projection``), which an
    ``INCLUDE`` projection would keep; empty when a pattern wants every attribute."""
    wanted: list[str] = []
    for pattern in model.patterns:
        if pattern.index != index or pattern.operation not in ("Query", "Scan"):
            continue
        if not pattern.projection:
            return ()
        wanted += [a for a in pattern.projection if a not in wanted]
    return tuple(wanted)


def with_projection(
    table: Any, index: str, projection: str, attributes: tuple[str, ...] = ()
) -> Any:
    """``table`` (a ``TableSpec``) with the GSI ``index`` projected differently."""
    indexes = tuple(
        replace(i, projection=projection, non_key_attributes=attributes) if i.name == index else i
        for i in table.indexes
    )
    return replace(table, indexes=indexes)


def _index_units(measured: Measured, table: Any, index: str) -> float:
    """Mean units on ``index`` per request, recomputed against ``table``."""
    if not measured.samples:
        return 0.0
    total = 0.0
    for s in measured.samples:
        found = compute(s.request, s.response, table, s.old_items, absent_keys=s.absent_keys)
        total += found.indexes.get(index, 0.0)
    return total / len(measured.samples)


def amplification(
    model: Any, measured: Mapping[str, Measured], traffic: Traffic, prices: Prices
) -> pd.DataFrame:
    """One row per write pattern and GSI: extra WCU per request and per second (average), their
    on-demand dollars a month, and the same under ``KEYS_ONLY`` and ``INCLUDE``.

    ``INCLUDE`` keeps the attributes the index's read patterns project; it is left blank
    (NaN) when a read pattern on the index wants every attribute.
    """
    rows = []
    for name, m in measured.items():
        if m.read:
            continue
        average = traffic.of(name).average
        for index in model.table.indexes:
            now = _index_units(m, model.table, index.name)
            keys_only = _index_units(
                m, with_projection(model.table, index.name, C.KEYS_ONLY), index.name
            )
            attributes = include_attributes(model, index.name)
            include = (
                _index_units(
                    m, with_projection(model.table, index.name, "INCLUDE", attributes), index.name
                )
                if attributes
                else float("nan")
            )
            if not now:
                continue  # this pattern writes nothing this index holds
            table_units = sum(s.capacity.table for s in m.samples) / max(1, len(m.samples))
            rows.append(
                {
                    "pattern": name,
                    "index": index.name,
                    "projection": index.projection,
                    "table_wcu": table_units,
                    "index_wcu": now,
                    "amplification": (table_units + now) / table_units if table_units else 1.0,
                    "index_wcu_per_s": now * average,
                    "index_month": prices.on_demand(now * average, read=False),
                    "keys_only_wcu": keys_only,
                    "keys_only_saves_month": prices.on_demand(
                        (now - keys_only) * average, read=False
                    ),
                    "include": ", ".join(attributes),
                    "include_wcu": include,
                    "include_saves_month": prices.on_demand((now - include) * average, read=False)
                    if attributes
                    else float("nan"),
                    "prices": prices.label,
                }
            )
    return pd.DataFrame(rows, columns=_COLUMNS)
