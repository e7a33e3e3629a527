"""The cost of a whole pattern: the requests its ``follows`` cause, priced with it.

Cruddur's E is a GSI Query that, on every message, moves both group summaries with
``move-message-group`` (``follows: [{pattern: move-message-group, times: 2}]``). Those moves are
requests like any other: measured on the sample data as the other writes are, given the
traffic their follower causes (times its rate, on top of any the profile gives them), and
so counted in the totals, the headroom, the hot partitions and the GSI write amplification.
Each follower's row then shows them again, added to its own: E = its query + 2 moves.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from .prices import Prices
from .traffic import PatternTraffic, Traffic

WHOLE = {
    "on_demand_month": "whole_on_demand_month",
    "provisioned_peak_month": "whole_provisioned_peak_month",
    "autoscaled_month": "whole_autoscaled_month",
}


def follow_up_traffic(model: Any, traffic: Traffic) -> Traffic:
    """``traffic`` with the requests each pattern's ``follows`` cause added to the followed
    pattern's: ``times`` x the follower's average, and x its peak (they peak together).

    A followed pattern follows none itself (the model refuses chains), so one pass is enough.
    """
    caused: dict[str, tuple[float, float]] = {}
    for pattern in model.patterns:
        rate = traffic.of(pattern.name)
        for follow in pattern.follows:
            average, peak = caused.get(follow.pattern, (0.0, 0.0))
            caused[follow.pattern] = (
                average + follow.times * rate.average,
                peak + follow.times * rate.peak,
            )
    if not caused:
        return traffic
    patterns = dict(traffic.patterns)
    for name, (average, peak) in caused.items():
        own = traffic.of(name)
        patterns[name] = PatternTraffic(own.average + average, own.peak + peak, own.consistency)
    return replace(traffic, patterns=patterns)


def whole_pattern(
    frame: pd.DataFrame, model: Any, traffic: Traffic, prices: Prices
) -> pd.DataFrame:
    """``frame`` (the cost rows, priced with :func:`follow_up_traffic`) with the columns that
    show each pattern whole:

    - ``follows``: what each request causes (``2 x move-message-group``);
    - ``follow_rcu``, ``follow_wcu``: the units those cause per request (times x their mean);
    - ``whole_on_demand_month``, ``whole_provisioned_peak_month``, ``whole_autoscaled_month``:
      the pattern's dollars plus those of what it causes, at its own rate (the follow-ups' mean
      units on average, their p95 at the peak, as every row is priced);
    - ``caused_by``: on a followed pattern, who causes its requests (``2 per update-...``).

    The whole columns are for reading one pattern; do not add them up: a followed pattern's own
    row already holds the requests its followers cause (the totals add the plain columns).

    :param traffic: the profile as given (each follower's own rate).
    """
    frame = frame.copy()
    frame["follows"] = ""
    frame["caused_by"] = ""
    frame["follow_rcu"] = 0.0
    frame["follow_wcu"] = 0.0
    for column, whole in WHOLE.items():
        frame[whole] = frame[column]
    for pattern in model.patterns:
        if not pattern.follows or pattern.name not in frame.index:
            continue
        rate = traffic.of(pattern.name)
        parts = []
        for follow in pattern.follows:
            row = frame.loc[follow.pattern]
            read = row["unit"] == "RCU"
            mean, p95 = follow.times * row["units_mean"], follow.times * row["units_p95"]
            frame.loc[pattern.name, "follow_rcu" if read else "follow_wcu"] += mean
            frame.loc[pattern.name, WHOLE["on_demand_month"]] += prices.on_demand(
                rate.average * mean, read=read
            )
            frame.loc[pattern.name, WHOLE["provisioned_peak_month"]] += prices.provisioned(
                rate.peak * p95, read=read
            )
            frame.loc[pattern.name, WHOLE["autoscaled_month"]] += prices.provisioned(
                rate.average * mean / traffic.utilisation, read=read
            )
            parts.append(f"{follow.times} x {follow.pattern}")
            cause = f"{follow.times} per {pattern.name}"
            before = frame.loc[follow.pattern, "caused_by"]
            frame.loc[follow.pattern, "caused_by"] = f"{before}, {cause}" if before else cause
        frame.loc[pattern.name, "follows"] = " + ".join(parts)
    return frame


def whole_units(row: pd.Series) -> str:
    """A row's units per request with what it causes: ``0.5 RCU + 12 WCU``."""
    own = {"RCU": 0.0, "WCU": 0.0}
    own[row["unit"]] += row["units_mean"]
    own["RCU"] += row["follow_rcu"]
    own["WCU"] += row["follow_wcu"]
    return " + ".join(f"{units:g} {unit}" for unit, units in own.items() if units) or "0"
