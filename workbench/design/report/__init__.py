"""The model report: any model file's charts, table, sample data, and every access pattern run
and checked, as the report notebook shows it (``workbench model report FILE``).

The notebook's cells are calls on one :class:`Report`; everything is computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import ModelError, WorkbenchError
from .. import sampledata
from .params import CASES, parameters, partitions, pick
from .runs import PatternRun, run_pattern

__all__ = ["CASES", "PatternRun", "Report", "open_report", "run_pattern"]

_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems")


class Report:
    """One model's report on one engine: sample data, dry runs, runs and their checks.

    :param model: the model (a :class:`~workbench.model.Model`).
    :param engine: a connected engine.
    :param table_name: default: the model's table name.
    :param spec: sample counts and seed (default: the model file's ``sample_data``).
    :param seed: overrides the spec's seed.
    :param count: items of each top-level entity, overriding the spec.
    """

    def __init__(
        self,
        model: Any,
        engine: Any,
        table_name: str | None = None,
        *,
        spec: sampledata.SampleSpec | None = None,
        seed: int | None = None,
        count: int | None = None,
    ) -> None:
        self.model = model
        self.engine = engine
        self.table_name = table_name or model.table.name
        self.spec = spec or sampledata.SampleSpec()
        self.seed = self.spec.seed if seed is None else seed
        self.count = count
        self.items = sampledata.sample_items(
            model, source="generate", seed=self.seed, count=count, spec=self.spec
        )
        self.runs: list[PatternRun] = []

    # -- the model --------------------------------------------------------------------------

    def entity_chart(self) -> pd.DataFrame:
        """The entity chart: key templates, index keys, attributes."""
        from ...desk.frames import entity_chart

        return entity_chart(self.model)

    def pattern_chart(self) -> pd.DataFrame:
        """The access-pattern chart."""
        from ...desk.frames import pattern_chart

        return pattern_chart(self.model)

    def warnings(self) -> list[str]:
        """The model's warnings (a Scan, a wasteful filter), one line each."""
        return [f"{path}: {message}" for path, message in getattr(self.model, "warnings", [])]

    def parameters(self, pattern: Any, case: str = "typical") -> dict[str, Any]:
        """Parameters for ``pattern`` taken from the sample data (see :mod:`.params`)."""
        pattern = self.model.pattern(pattern) if isinstance(pattern, str) else pattern
        return parameters(self.model, pattern, self.items, case, seed=self.seed)

    def dry_runs(self) -> pd.DataFrame:
        """Each pattern's exact request for parameters from the data (nothing is sent)."""
        from ...model.builder import RequestBuilder

        builder = RequestBuilder(self.model)
        rows = []
        for pattern in self.model.patterns:
            try:
                params = self.parameters(pattern)
                request = builder.build(pattern, self.table_name, **params).to_json()
            except WorkbenchError as exc:
                params, request = {}, f"(cannot build: {exc})"
            rows.append(
                {
                    "pattern": pattern.name,
                    "operation": pattern.operation,
                    "params": params,
                    "request": request,
                }
            )
        return pd.DataFrame(rows).set_index("pattern")

    # -- the table and its data -------------------------------------------------------------

    def create_table_request(self) -> Any:
        """The dry run of schema-load: the exact ``CreateTable`` request."""
        from ...engine.tables import create_table_request

        return create_table_request(self.table_name, self.model)

    def load(self, progress: bool = False) -> sampledata.Loaded:
        """Create the table afresh (dropped first if it exists) and write the sample data."""
        return sampledata.load(
            self.engine,
            self.model,
            self.table_name,
            source="generate",
            seed=self.seed,
            count=self.count,
            spec=self.spec,
            progress=progress,
            recreate=True,
        )

    def entity_counts(self) -> pd.Series:
        """Sample items per entity."""
        return pd.Series(sampledata.entity_counts(self.model, self.items), name="items")

    def partition_table(self) -> pd.DataFrame:
        """For each read pattern, its typical and largest partition in the data."""
        rows = []
        for pattern in self.model.patterns:
            if pattern.operation in _WRITES or not pattern.partition_key:
                continue
            found = partitions(self.model, pattern, self.items)
            row: dict[str, Any] = {"pattern": pattern.name, "partitions": len(found)}
            for case in CASES:
                try:
                    chosen = pick(found, case)
                except ModelError:
                    row[case] = "(none)"
                    continue
                row[case] = f"{chosen.value} ({len(chosen.items)} of {chosen.size} items)"
            rows.append(row)
        return pd.DataFrame(rows).set_index("pattern") if rows else pd.DataFrame()

    def scan(self) -> list[dict[str, Any]]:
        """Every item of the table now (plain values)."""
        from ...cruddur.scanner import iter_scan

        return [item for page, _ in iter_scan(self.engine, self.table_name) for item in page]

    def aggregate_view(self) -> pd.DataFrame:
        """The table's item collections (NoSQL Workbench's aggregate view)."""
        from ...desk.frames import aggregate_view

        return aggregate_view(self.scan(), self.model)

    def gsi_views(self) -> dict[str, pd.DataFrame]:
        """One view per GSI: the items it holds, by its keys."""
        from ...desk.frames import gsi_view

        items = self.scan()
        return {i.name: gsi_view(items, i.name, self.model) for i in self.model.table.indexes}

    # -- running -----------------------------------------------------------------------------

    def run_patterns(self) -> list[PatternRun]:
        """Every pattern run and checked: reads on a typical and on the largest partition
        (before any write changes the data), then each write once."""
        reads = [p for p in self.model.patterns if p.operation not in _WRITES]
        writes = [p for p in self.model.patterns if p.operation in _WRITES]
        runs: list[PatternRun] = []
        for pattern in reads:
            cases: Sequence[str] = CASES if pattern.partition_key else ("typical",)
            for case in cases:
                runs.append(self._run(pattern, case))
        for pattern in writes:
            runs.append(self._run(pattern, "write"))
        self.runs = runs
        return runs

    def _run(self, pattern: Any, case: str) -> PatternRun:
        try:
            params = self.parameters(pattern, "typical" if case == "write" else case)
        except WorkbenchError as exc:
            return PatternRun(pattern.name, case, {}, problems=[f"no parameters: {exc}"])
        data = None if case == "write" else self.items
        return run_pattern(
            self.engine,
            self.model,
            pattern,
            params,
            table_name=self.table_name,
            case=case,
            data=data,
        )

    def runs_frame(self) -> pd.DataFrame:
        """The runs as a table: parameters, items, entities, capacity, checks."""
        frame = pd.DataFrame([r.row(self.model) for r in self.runs])
        if "expected" in frame:
            frame["expected"] = frame["expected"].astype("Int64")  # "unknown" stays blank
        return frame

    def failures(self) -> list[str]:
        """Every failed check, ``pattern (case): problem``."""
        return [f"{r.pattern} ({r.case}): {p}" for r in self.runs for p in r.problems]

    def capacity_chart(self) -> Any:
        """A bar chart of each run's computed capacity; returns the Axes."""
        import matplotlib.pyplot as plt

        runs = [r for r in self.runs if r.capacity]
        series = pd.Series({f"{r.pattern} ({r.case})": r.capacity.total for r in runs})
        # One bar a row: pattern names are long, and a model has a dozen runs or more.
        fig, ax = plt.subplots(figsize=(7, 0.3 * len(series) + 1))
        colors = ["#4c72b0" if r.capacity.read else "#dd8452" for r in runs]
        series[::-1].plot.barh(ax=ax, color=colors[::-1])
        ax.set_xlabel("computed capacity units (blue: RCU, orange: WCU)")
        ax.set_title("Capacity per pattern run")
        fig.tight_layout()
        return ax

    def close(self) -> None:
        """Close the engine."""
        close = getattr(self.engine, "close", None)
        if close is not None:
            close()


def open_report(
    model_file: str | Path,
    *,
    engine: str | None = None,
    endpoint: str | None = None,
    table_name: str | None = None,
    seed: int | None = None,
    count: int | None = None,
    table: str | None = None,
) -> Report:
    """Load ``model_file``, connect to the engine and make its :class:`Report`.

    :param table: the table of a file holding several (``--table``; see
        :func:`workbench.design.modelfile.load_model`).

    :raises ModelError: if the model file is refused (every problem named).
    :raises EngineError: for an unknown engine or a bad endpoint.
    """
    from ...engine.engines import connect
    from ..modelfile import load_model

    model = load_model(model_file, table)
    spec = sampledata.read_spec(model_file)
    connected = connect(engine, endpoint)
    return Report(model, connected, table_name, spec=spec, seed=seed, count=count)
