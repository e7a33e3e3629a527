"""Cost per pattern: measured units per request times the traffic, in dollars a month in
on-demand and provisioned mode; storage in GB-months; where provisioning breaks even."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ...model.capacity import item_size
from ...model.capacity.tables import table_keys
from ...model.items import to_item
from .measure import Measured, spread
from .prices import GB, HOURS_PER_MONTH, INDEX_OVERHEAD, Prices
from .traffic import PatternTraffic, Traffic

_READS = ("GetItem", "Query", "Scan", "BatchGetItem")


def consistency_factor(pattern: Any, traffic: PatternTraffic, request_params: Mapping) -> float:
    """How the profile's read consistency scales the measured units: 2 for a strongly
    consistent read measured eventually consistent, 0.5 the other way, else 1. A GSI read is
    always eventually consistent."""
    if pattern.operation not in _READS or traffic.consistency == "model" or pattern.index:
        return 1.0
    strong = bool(request_params.get("ConsistentRead"))
    if traffic.consistency == "strong" and not strong:
        return 2.0
    if traffic.consistency == "eventual" and strong:
        return 0.5
    return 1.0


def pattern_row(
    measured: Measured, traffic: PatternTraffic, prices: Prices, utilisation: float
) -> dict[str, Any]:
    """One pattern's units and dollars.

    Average traffic is charged at the mean units per request; the peak at the p95 (a large
    partition at the busiest time). Provisioned for the peak holds the peak's units all month;
    auto scaling holds the average's units divided by the target utilisation.
    """
    pattern = measured.pattern
    factor = (
        consistency_factor(pattern, traffic, measured.samples[0].request.params)
        if measured.samples
        else 1.0
    )
    totals = spread([t * factor for t in measured.totals()])
    table = spread([s.capacity.table * factor for s in measured.samples])
    names = sorted({n for s in measured.samples for n in s.capacity.indexes})
    indexes = {
        n: spread([s.capacity.indexes.get(n, 0.0) * factor for s in measured.samples])["mean"]
        for n in names
    }
    read = measured.read
    average = traffic.average * totals["mean"]
    peak = traffic.peak * totals["p95"]
    return {
        "pattern": pattern.name,
        "operation": pattern.operation,
        "unit": "RCU" if read else "WCU",
        "samples": len(measured.samples),
        "units_p50": totals["p50"],
        "units_p95": totals["p95"],
        "units_mean": totals["mean"],
        "table_units": table["mean"],
        "index_units": indexes,
        "at_least": any(s.capacity.at_least for s in measured.samples),
        "requests_avg": traffic.average,
        "requests_peak": traffic.peak,
        "units_per_s_avg": average,
        "units_per_s_peak": peak,
        "on_demand_month": prices.on_demand(average, read=read),
        "provisioned_peak_month": prices.provisioned(peak, read=read),
        "autoscaled_month": prices.provisioned(average / utilisation, read=read),
        "prices": prices.label,
        "problems": "; ".join(measured.problems),
    }


def cost_frame(measured: Mapping[str, Measured], traffic: Traffic, prices: Prices) -> pd.DataFrame:
    """Every pattern's row (see :func:`pattern_row`), indexed by pattern name."""
    rows = [
        pattern_row(m, traffic.of(name), prices, traffic.utilisation)
        for name, m in measured.items()
    ]
    return pd.DataFrame(rows).set_index("pattern")


def _entity_counts(model: Any, items: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    by: dict[str, list] = {}
    for item in items:
        entity = model.entity_for(item)
        if entity is not None:
            by.setdefault(entity.name, []).append(item)
    return by


def storage_frame(
    model: Any, items: Sequence[Mapping[str, Any]], traffic: Traffic, prices: Prices
) -> pd.DataFrame:
    """Storage per entity: mean item size, 100 bytes of overhead per item in the table and in
    each index (GSI or LSI) it lands in, plus its projected entry there; now and after the
    horizon.

    Entities the profile does not count keep their sample counts.
    """
    keys = table_keys(model.table)
    rows = []
    for name, group in _entity_counts(model, items).items():
        typed = [to_item(i) for i in group]
        per_item = sum(item_size(t) + INDEX_OVERHEAD for t in typed) / len(typed)
        for index in keys.indexes:
            held = [t for t in typed if index.holds(t)]
            per_item += sum(
                index.entry_size(t, keys.key_names) + INDEX_OVERHEAD for t in held
            ) / len(typed)
        counted = traffic.entities.get(name)
        now = counted.items if counted else float(len(group))
        later = counted.at(traffic.horizon_months) if counted else now
        rows.append(
            {
                "entity": name,
                "sample_items": len(group),
                "bytes_per_item": per_item,
                "items_now": now,
                "gb_now": now * per_item / GB,
                f"items_in_{traffic.horizon_months:g}_months": later,
                "gb_later": later * per_item / GB,
            }
        )
    frame = pd.DataFrame(rows).set_index("entity")
    frame.attrs["prices"] = prices.label
    return frame


def storage_cost(frame: pd.DataFrame, prices: Prices) -> dict[str, float]:
    """GB and dollars a month now and at the horizon (the 25 GB free tier taken off)."""
    now, later = float(frame["gb_now"].sum()), float(frame["gb_later"].sum())
    return {
        "gb_now": now,
        "gb_later": later,
        "storage_month_now": prices.storage(now),
        "storage_month_later": prices.storage(later),
        "free_gb": prices.free_gb,
    }


def totals(frame: pd.DataFrame) -> dict[str, float]:
    """Dollars a month for all patterns together, in each mode."""
    return {
        column: float(frame[column].sum())
        for column in ("on_demand_month", "provisioned_peak_month", "autoscaled_month")
    }


def cost_chart(frame: pd.DataFrame) -> Any:
    """Dollars a month by pattern, one bar per mode; returns the Axes."""
    import matplotlib.pyplot as plt

    data = frame[["on_demand_month", "provisioned_peak_month", "autoscaled_month"]].rename(
        columns={
            "on_demand_month": "on-demand",
            "provisioned_peak_month": "provisioned for the peak",
            "autoscaled_month": "provisioned, auto scaling",
        }
    )
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.5))
    data[::-1].plot.barh(ax=ax)
    label = frame["prices"].iloc[0] if len(frame) else ""
    ax.set_xlabel(f"dollars a month ({label}; a month is {HOURS_PER_MONTH} hours)")
    ax.set_title("What each access pattern costs")
    fig.tight_layout()
    return ax


def break_even_chart(prices: Prices) -> Any:
    """The monthly cost of one unit of peak capacity against how busy it is on average:
    on-demand grows with use, provisioned is flat; they cross at the break-even."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    use = [i / 100 for i in range(101)]
    for read, style in ((False, "-"), (True, "--")):
        unit = "RCU" if read else "WCU"
        ax.plot(
            use,
            [prices.on_demand(u, read=read) for u in use],
            style,
            label=f"on-demand, per {unit}/s at peak",
        )
        ax.axhline(
            prices.provisioned(1, read=read),
            linestyle=style,
            color="grey",
            label=f"provisioned, 1 {unit}",
        )
        ax.axvline(prices.break_even(read=read), linestyle=":", color="black")
    ax.set_xlabel(f"average use of the peak (break-even at {prices.break_even(read=False):.0%})")
    ax.set_ylabel(f"dollars a month ({prices.label})")
    ax.set_title("Where provisioned breaks even with on-demand")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return ax
