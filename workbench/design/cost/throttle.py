"""A provisioned table's headroom: the peak units each pattern asks of the table and of each
GSI against what is provisioned, and at what traffic each would throttle first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .measure import Measured
from .traffic import Traffic


def _resources(model: Any) -> dict[tuple[str, str], float]:
    """Provisioned units by (where, RCU|WCU): the table and each GSI (an LSI uses the table's)."""
    table = model.table
    if table.throughput is None:
        return {}
    out = {
        ("table", "RCU"): float(table.throughput.read),
        ("table", "WCU"): float(table.throughput.write),
    }
    for index in table.indexes:
        throughput = index.throughput or table.throughput
        out[(index.name, "RCU")] = float(throughput.read)
        out[(index.name, "WCU")] = float(throughput.write)
    return out


def _demand(model: Any, m: Measured) -> dict[tuple[str, str], float]:
    """Mean units one request of the pattern asks of each resource."""
    local = {i.name for i in getattr(model.table, "local_indexes", ())}
    unit = "RCU" if m.read else "WCU"
    out: dict[tuple[str, str], float] = {}
    count = max(1, len(m.samples))
    for sample in m.samples:
        out[("table", unit)] = out.get(("table", unit), 0.0) + sample.capacity.table / count
        for name, units in sample.capacity.indexes.items():
            where = "table" if name in local else name
            out[(where, unit)] = out.get((where, unit), 0.0) + units / count
    return out


def headroom(model: Any, measured: Mapping[str, Measured], traffic: Traffic) -> pd.DataFrame:
    """Per provisioned resource: its capacity, the peak demand, the use, the traffic multiple
    at which it throttles (``throttles_at`` x the profile), and the pattern asking most.

    Empty for an on-demand table. Sorted so the first row throttles first.
    """
    resources = _resources(model)
    demand: dict[tuple[str, str], dict[str, float]] = {r: {} for r in resources}
    for name, m in measured.items():
        peak = traffic.of(name).peak
        for resource, units in _demand(model, m).items():
            if resource in demand:
                demand[resource][name] = demand[resource].get(name, 0.0) + units * peak
    rows = []
    for (where, unit), provisioned in resources.items():
        by = demand[(where, unit)]
        total = sum(by.values())
        rows.append(
            {
                "where": where,
                "unit": unit,
                "provisioned": provisioned,
                "peak_demand": total,
                "use": total / provisioned if provisioned else float("inf"),
                "throttles_at": provisioned / total if total else float("inf"),
                "mostly": max(by, key=by.get) if total else "",
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values("throttles_at").reset_index(drop=True) if rows else frame


def pattern_limits(model: Any, measured: Mapping[str, Measured]) -> pd.DataFrame:
    """Per pattern: the requests per second it could sustain alone on the provisioned table,
    and which resource stops it."""
    resources = _resources(model)
    rows = []
    for name, m in measured.items():
        need = {r: u for r, u in _demand(model, m).items() if u > 0 and r in resources}
        if not need:
            continue
        limits = {r: resources[r] / u for r, u in need.items()}
        first = min(limits, key=limits.get)
        rows.append(
            {
                "pattern": name,
                "units_per_request": sum(need.values()),
                "max_requests_per_s": limits[first],
                "limited_by": f"{first[0]} {first[1]}",
            }
        )
    frame = pd.DataFrame(rows)
    return frame.set_index("pattern").sort_values("max_requests_per_s") if rows else frame
