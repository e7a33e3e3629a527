"""One model's cost study: sample data loaded, every pattern measured, then cost, storage,
headroom, hot partitions and write amplification, as DataFrames (``workbench model cost``)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pandas as pd

from ...model.items import jsonable
from .. import sampledata
from . import amplification as _amplification
from . import estimate as _estimate
from . import followups as _followups
from . import hot as _hot
from . import scans as _scans
from . import throttle as _throttle
from .measure import DEFAULT_PAGES, DEFAULT_PARTITIONS, DEFAULT_WRITES, Measured, measure
from .prices import DEFAULT_REGION, HOURS_PER_MONTH, Prices, prices
from .traffic import Traffic, load_traffic, traffic_path


class CostStudy:
    """What a design costs and where it runs hot, from measured capacity and a traffic profile.

    :param model: the model.
    :param traffic: the checked traffic profile.
    :param items: the plain sample items the table held when measured.
    :param measured: the samples of every pattern (see
        :func:`~workbench.design.cost.measure.measure`).
    :param prices: the prices to use.
    """

    def __init__(
        self,
        model: Any,
        traffic: Traffic,
        items: list[dict[str, Any]],
        measured: dict[str, Measured],
        prices: Prices,
    ) -> None:
        self.model = model
        self.traffic = traffic
        self.items = items
        self.measured = measured
        self.prices = prices

    def at(self, factor: float) -> CostStudy:
        """The same study with every rate of the traffic multiplied by ``factor``."""
        return CostStudy(
            self.model, self.traffic.scaled(factor), self.items, self.measured, self.prices
        )

    @property
    def effective_traffic(self) -> Traffic:
        """The profile with the requests each pattern's ``follows`` cause added to the
        followed pattern's (Cruddur's E: 2 moves per message), which every figure uses."""
        return _followups.follow_up_traffic(self.model, self.traffic)

    def priced(self) -> tuple[dict[str, Measured], dict[str, str]]:
        """The measured samples as priced, and a note per pattern priced otherwise: a Scan is
        charged at the profile's table size, not the sample's."""
        return _scans.at_profile_size(self.model, self.measured, self.items, self.traffic)

    def costs(self) -> pd.DataFrame:
        """Per pattern: units per request (p50, p95, mean), units per second, dollars a month
        on-demand, provisioned for the peak and auto scaling; with the price date.

        A pattern that ``follows`` others is shown whole too (``follows``, ``follow_rcu``,
        ``follow_wcu``, ``whole_*_month``); a followed one says who causes it (``caused_by``);
        ``basis`` says how a figure not measured as it is (a Scan) was made.
        """
        measured, notes = self.priced()
        frame = _estimate.cost_frame(measured, self.effective_traffic, self.prices)
        frame = _followups.whole_pattern(frame, self.model, self.traffic, self.prices)
        frame["basis"] = [notes.get(name, "") for name in frame.index]
        return frame

    def totals(self) -> dict[str, float]:
        """Dollars a month in each mode for all patterns, storage now and at the horizon."""
        storage = _estimate.storage_cost(self.storage(), self.prices)
        return {**_estimate.totals(self.costs()), **storage}

    def storage(self) -> pd.DataFrame:
        """Storage per entity (bytes per item with index overhead, GB now and later)."""
        return _estimate.storage_frame(self.model, self.items, self.traffic, self.prices)

    def cost_chart(self) -> Any:
        """Dollars a month by pattern in each mode (matplotlib Axes)."""
        return _estimate.cost_chart(self.costs())

    def break_even_chart(self) -> Any:
        """Where provisioned breaks even with on-demand (matplotlib Axes)."""
        return _estimate.break_even_chart(self.prices)

    def headroom(self) -> pd.DataFrame:
        """The provisioned table's and GSIs' peak use, and the traffic multiple that throttles."""
        return _throttle.headroom(self.model, self.priced()[0], self.effective_traffic)

    def pattern_limits(self) -> pd.DataFrame:
        """Per pattern, the requests per second it could sustain alone on the provisioned table."""
        return _throttle.pattern_limits(self.model, self.priced()[0])

    def partitions(self) -> pd.DataFrame:
        """Units per second on every partition at the peak, busiest first."""
        return _hot.partition_load(self.model, self.items, self.measured, self.effective_traffic)

    def hot_keys(self) -> list[str]:
        """The partitions that would throttle, one line each (empty: none)."""
        return _hot.hot_keys(self.partitions())

    def sharding(self, shards: list[int] | None = None) -> pd.DataFrame:
        """What a key suffix would do to the busiest partition."""
        top = self.partitions().iloc[0]
        frame = _hot.sharding(top["wcu_per_s"], top["rcu_per_s"], shards)
        frame.attrs["key"] = top["key"]
        return frame

    def collections(self) -> pd.DataFrame:
        """Item collections against 10 GB (only where the table has an LSI)."""
        return _hot.collections(self.model, self.items, self.traffic)

    def amplification(self) -> pd.DataFrame:
        """GSI write amplification per write pattern, and what another projection saves."""
        return _amplification.amplification(
            self.model, self.measured, self.effective_traffic, self.prices
        )

    def to_json(self) -> dict[str, Any]:
        """Everything ``workbench model cost --json`` prints."""
        costs = self.costs().reset_index()
        return {
            "prices": {
                "region": self.prices.region,
                "since": self.prices.since.isoformat(),
                "hours_per_month": HOURS_PER_MONTH,
            },
            "patterns": jsonable(costs.to_dict(orient="records")),
            "totals": self.totals(),
            "hot_partitions": self.hot_keys(),
        }


def open_study(
    model_file: str | Path,
    traffic_file: str | Path | None = None,
    *,
    region: str | None = None,
    engine: Any = None,
    partitions: int = DEFAULT_PARTITIONS,
    pages: int = DEFAULT_PAGES,
    writes: int = DEFAULT_WRITES,
    table: str | None = None,
) -> CostStudy:
    """Load ``model_file`` and its traffic profile, write the sample data to a fresh table and
    measure every pattern on it.

    :param traffic_file: default: the profile beside the model (``NAME.traffic.yaml``).
    :param region: the region to price in (default: the profile's, else us-east-1).
    :param table: the table NAME of a file holding several (``--table``).
    :param engine: a connected engine; default: in-process moto for the study alone.
    :raises WorkbenchError: a ``ModelError`` for a refused model, ``TrafficProblems`` naming
        every problem of the profile, ``PriceError`` for an unknown region.
    """
    from ...engine.engines import connect
    from ...engine.tables import drop_table
    from ..modelfile import load_model

    model = load_model(model_file, table)
    traffic = load_traffic(traffic_file or traffic_path(model_file), model)
    chosen = prices(region or traffic.region or DEFAULT_REGION)
    spec = (
        sampledata.SampleSpec.from_document(traffic.sample_data)
        if traffic.sample_data is not None
        else sampledata.read_spec(model_file)
    )
    items = sampledata.sample_items(model, source="generate", seed=spec.seed, spec=spec)
    own = engine is None
    engine = connect("moto") if own else engine
    table_name = f"{model.table.name[:200]}-cost-{uuid.uuid4().hex[:8]}"
    try:
        sampledata.load(
            engine, model, table_name, source="generate", seed=spec.seed, spec=spec, items=items
        )
        measured = measure(
            engine,
            model,
            items,
            table_name=table_name,
            partitions=partitions,
            pages=pages,
            writes=writes,
            seed=spec.seed,
        )
    finally:
        if own:
            engine.close()
        else:
            # The study's own throwaway table (on AWS too: it was created just now).
            drop_table(engine, table_name, confirm=table_name)
    return CostStudy(model, traffic, items, measured, chosen)
