"""Pictures a person would rather look at than read: activity over time, capacity per pattern."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd


def messages_over_time(items: Iterable[Mapping[str, Any]], freq: str = "15min") -> Any:
    """Messages per ``freq`` for each group, as a line chart; returns the Axes."""
    import matplotlib.pyplot as plt

    rows = [
        (i["pk"].removeprefix("MSG#")[:8], i["sk"])
        for i in items
        if str(i.get("pk", "")).startswith("MSG#")
    ]
    frame = pd.DataFrame(rows, columns=["group", "created_at"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    counts = (
        frame.groupby([pd.Grouper(key="created_at", freq=freq), "group"])
        .size()
        .unstack(fill_value=0)
    )
    fig, ax = plt.subplots(figsize=(8, 3))
    counts.plot(ax=ax, drawstyle="steps-mid")
    ax.set_xlabel("time (UTC)")
    ax.set_ylabel(f"messages per {freq}")
    ax.set_title("Messages over time, per group")
    fig.tight_layout()
    return ax


def capacity_by_pattern(capacity: Mapping[str, float], unit: str = "capacity units") -> Any:
    """A bar chart of consumed capacity per access pattern; returns the Axes."""
    import matplotlib.pyplot as plt

    series = pd.Series(dict(capacity))
    # Horizontal bars: pattern names of any length stay readable and never overlap.
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(series)))
    series.iloc[::-1].plot.barh(ax=ax, color="#4c72b0")
    ax.set_xlabel(unit)
    ax.set_title("Computed capacity per access pattern")
    ax.margins(x=0.15)
    for index, value in enumerate(series.iloc[::-1]):
        ax.annotate(f" {value:g}", (value, index), ha="left", va="center")
    fig.tight_layout()
    return ax
