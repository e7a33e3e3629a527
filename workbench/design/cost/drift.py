"""Engine drift: the same pattern suite, with the same data and parameters, on two engines;
what each returned, in what order, which errors, and reported against computed capacity."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...errors import EngineError, WorkbenchError
from ...model.builder import RequestBuilder
from .. import sampledata
from ..exercise import exercise
from .measure import WRITES, with_fillers


@dataclass
class Outcome:
    """One pattern's request on one engine.

    :param keys: the primary keys of the items it returned, in order (reads).
    :param error: the error code (or error class) when it failed, else empty.
    :param computed: the computed capacity units (None when it failed).
    :param reported: what the engine reported (None: nothing real; moto reports 1.0 always).
    """

    keys: list[tuple[Any, ...]] = field(default_factory=list)
    error: str = ""
    computed: float | None = None
    reported: float | None = None


def suite_parameters(
    model: Any, items: Sequence[Mapping[str, Any]], seed: int = 0
) -> dict[str, dict[str, Any] | str]:
    """Each pattern's parameters, taken from the data once so both engines get the same
    (a string instead says why a pattern has none)."""
    from ..report.params import read_parameters, write_parameters

    builder = RequestBuilder(model)
    out: dict[str, dict[str, Any] | str] = {}
    for pattern in model.patterns:
        try:
            if pattern.operation in WRITES:
                out[pattern.name] = write_parameters(
                    model, with_fillers(builder, pattern, seed), items, seed=seed
                )
            else:
                out[pattern.name] = read_parameters(model, pattern, items, "typical")
        except WorkbenchError as exc:
            out[pattern.name] = str(exc)
    return out


def run_suite(
    engine: Any,
    model: Any,
    items: Sequence[Mapping[str, Any]],
    params: Mapping[str, Mapping[str, Any] | str],
    spec: sampledata.SampleSpec,
) -> dict[str, Outcome]:
    """Load ``items`` into a fresh table on ``engine``, run every pattern (reads first, then
    writes, in model order), drop the table; by pattern name."""
    from ...engine.tables import drop_table

    table_name = f"{model.table.name[:200]}-drift-{uuid.uuid4().hex[:8]}"
    keys = model.table.key_names
    out: dict[str, Outcome] = {}
    ordered = [p for p in model.patterns if p.operation not in WRITES] + [
        p for p in model.patterns if p.operation in WRITES
    ]
    try:
        sampledata.load(
            engine,
            model,
            table_name,
            source="generate",
            seed=spec.seed,
            spec=spec,
            items=list(items),
        )
        for pattern in ordered:
            given = params.get(pattern.name)
            outcome = out[pattern.name] = Outcome()
            if not isinstance(given, Mapping):
                outcome.error = f"no parameters: {given}"
                continue
            try:
                done = exercise(engine, model, pattern, given, table_name)
            except WorkbenchError as exc:
                outcome.error = exc.error_code or type(exc).__name__
                continue
            outcome.keys = [tuple(str(i.get(k)) for k in keys) for i in done.found]
            outcome.computed, outcome.reported = done.capacity.total, done.capacity.reported
    finally:
        drop_table(engine, table_name, confirm=table_name)  # our own throwaway table
    return out


def _label(engine: Any, other: Any) -> str:
    name = getattr(engine, "name", "engine")
    return name if name != getattr(other, "name", None) else f"{name}@{engine.endpoint_url}"


def drift(
    model: Any, engine: Any, against: Any, *, spec: sampledata.SampleSpec | None = None
) -> pd.DataFrame:
    """The pattern suite on ``engine`` and on ``against``, side by side, one row per pattern.

    Columns: items on each, ``same_items`` (the same keys), ``same_order``, the error on each,
    the computed capacity on each and what each engine reported, and ``drift``: what differs
    (empty when nothing does).

    :param spec: sample-data counts and seed (default: 10 items per top-level entity).
    """
    spec = spec or sampledata.SampleSpec()
    items = sampledata.sample_items(model, source="generate", seed=spec.seed, spec=spec)
    params = suite_parameters(model, items, spec.seed)
    a, b = _label(engine, against), _label(against, engine)
    first = run_suite(engine, model, items, params, spec)
    second = run_suite(against, model, items, params, spec)
    rows = []
    for pattern in model.patterns:
        x, y = first[pattern.name], second[pattern.name]
        differs = []
        if sorted(x.keys) != sorted(y.keys):
            differs.append("items")
        elif x.keys != y.keys:
            differs.append("order")
        if x.error != y.error:
            differs.append("error")
        if x.computed != y.computed:
            differs.append("computed capacity")
        for outcome in (x, y):
            if outcome.reported is not None and outcome.reported != outcome.computed:
                differs.append("reported capacity")
                break
        rows.append(
            {
                "pattern": pattern.name,
                "operation": pattern.operation,
                f"items {a}": len(x.keys),
                f"items {b}": len(y.keys),
                "same_items": sorted(x.keys) == sorted(y.keys),
                "same_order": x.keys == y.keys,
                f"error {a}": x.error,
                f"error {b}": y.error,
                f"computed {a}": x.computed,
                f"computed {b}": y.computed,
                f"reported {a}": x.reported,
                f"reported {b}": y.reported,
                "drift": ", ".join(differs),
            }
        )
    return pd.DataFrame(rows).set_index("pattern")


def connect_against(target: str) -> Any:
    """The engine ``--against`` names: ``moto`` (in-process), ``local``, ``aws`` (only when
    named), or an endpoint URL.

    :raises EngineError: for anything else, naming what is allowed.
    """
    from ...engine.engines import connect

    if target in ("moto", "local", "aws"):
        return connect(target, autostart=False)
    if target.startswith(("http://", "https://")):
        return connect(endpoint=target)
    raise EngineError(
        f"--against {target!r} is neither an engine (moto, local, aws) nor an http(s) URL"
    )
