"""Traffic profiles: requests per second per access pattern, item counts and growth (YAML).

A profile sits beside its model (``models/shop.yaml`` -> ``models/shop.traffic.yaml``); see
``docs/cost.md`` for the format. Rates and counts are numbers or arithmetic over the profile's
``variables`` (``users * messages_per_user_per_day / 86400``), so a profile shows its working.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...model.problems import ModelProblems, Problem

FORMAT = 1
CONSISTENCIES = ("model", "eventual", "strong")
DEFAULT_UTILISATION = 0.7
DEFAULT_HORIZON_MONTHS = 12
_TOP = {
    "format",
    "model",
    "description",
    "region",
    "variables",
    "peak_factor",
    "consistency",
    "utilisation",
    "horizon_months",
    "patterns",
    "entities",
    "sample_data",
}
_OPERATORS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


class TrafficProblems(ModelProblems):
    """A traffic profile is refused; ``problems`` lists every ``(path, message)``."""


@dataclass(frozen=True)
class PatternTraffic:
    """One access pattern's traffic.

    :param average: requests per second on average.
    :param peak: requests per second at the peak.
    :param consistency: ``model`` (as the pattern declares), ``eventual`` or ``strong``.
    """

    average: float = 0.0
    peak: float = 0.0
    consistency: str = "model"


@dataclass(frozen=True)
class EntityTraffic:
    """One entity's item count now and its growth.

    :param items: items stored now.
    :param growth_per_month: items added each month.
    """

    items: float
    growth_per_month: float = 0.0

    def at(self, months: float) -> float:
        """Items stored after ``months`` of growth."""
        return self.items + self.growth_per_month * months


@dataclass(frozen=True)
class Traffic:
    """A traffic profile, checked against its model.

    :param patterns: traffic by pattern name (a pattern not listed gets none).
    :param entities: counts by entity name (an entity not listed keeps its sample count).
    :param variables: the profile's variables, evaluated.
    :param region: the region to price in, when the profile names one.
    :param utilisation: the auto-scaling target utilisation (0 < u <= 1).
    :param horizon_months: how far ahead storage growth is shown.
    :param sample_data: a ``sample_data:`` section overriding the model's, or None.
    :param source: the file it came from, for messages.
    """

    patterns: Mapping[str, PatternTraffic] = field(default_factory=dict)
    entities: Mapping[str, EntityTraffic] = field(default_factory=dict)
    variables: Mapping[str, float] = field(default_factory=dict)
    region: str | None = None
    utilisation: float = DEFAULT_UTILISATION
    horizon_months: float = DEFAULT_HORIZON_MONTHS
    sample_data: Mapping[str, Any] | None = None
    description: str = ""
    source: str = "(in memory)"

    def of(self, pattern: str) -> PatternTraffic:
        """The traffic of ``pattern`` (none when the profile does not list it)."""
        return self.patterns.get(pattern, PatternTraffic())

    def scaled(self, factor: float) -> Traffic:
        """The same profile with every rate multiplied by ``factor``."""
        patterns = {
            n: PatternTraffic(t.average * factor, t.peak * factor, t.consistency)
            for n, t in self.patterns.items()
        }
        return Traffic(
            patterns,
            self.entities,
            self.variables,
            self.region,
            self.utilisation,
            self.horizon_months,
            self.sample_data,
            self.description,
            self.source,
        )


def evaluate(expression: Any, variables: Mapping[str, float]) -> float:
    """A number, or arithmetic (``+ - * / **``, parentheses) over ``variables``.

    :raises ValueError: naming what is not allowed or not known.
    """
    if isinstance(expression, bool):
        raise ValueError(f"{expression!r} is not a number")
    if isinstance(expression, int | float):
        return float(expression)
    if not isinstance(expression, str):
        raise ValueError(f"{expression!r} is neither a number nor an arithmetic expression")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"{expression!r} is not an arithmetic expression") from exc

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            if not isinstance(node.value, bool):
                return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in variables:
                raise ValueError(
                    f"unknown variable {node.id!r} in {expression!r}; variables: "
                    f"{sorted(variables)}"
                )
            return variables[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.operand))
        raise ValueError(
            f"{expression!r}: only numbers, variables, + - * / ** and parentheses are allowed"
        )

    try:
        return float(walk(tree))
    except (ZeroDivisionError, OverflowError) as exc:
        raise ValueError(f"{expression!r}: {exc}") from exc


class _Reader:
    """Collects every problem of a profile document, each with its path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.variables: dict[str, float] = {}

    def number(self, value: Any, path: str, *, low: float = 0.0, default: float = 0.0) -> float:
        if value is None:
            return default
        try:
            result = evaluate(value, self.variables)
        except ValueError as exc:
            self.problems.append((path, str(exc)))
            return default
        if result < low:
            self.problems.append((path, f"{value!r} is {result:g}; it must be >= {low:g}"))
            return default
        return result

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problems.append((path, f"must be a mapping, not {type(value).__name__}"))
            return {}
        return value


def _read_patterns(
    reader: _Reader, doc: Mapping[str, Any], model: Any, peak_factor: float, default: str
) -> dict[str, PatternTraffic]:
    known = [p.name for p in model.patterns] if model is not None else None
    out: dict[str, PatternTraffic] = {}
    for name, spec in reader.mapping(doc.get("patterns"), "patterns").items():
        path = f"patterns.{name}"
        if known is not None and name not in known:
            letters = {p.letter: p.name for p in model.patterns if getattr(p, "letter", None)}
            if name in letters:
                name = letters[name]
            else:
                reader.problems.append((path, f"no access pattern {name!r}; patterns: {known}"))
                continue
        if not isinstance(spec, Mapping):
            spec = {"average": spec}  # a bare rate is the average
        for key in set(spec) - {"average", "peak", "consistency"}:
            reader.problems.append((f"{path}.{key}", "unknown key; use average, peak, consistency"))
        average = reader.number(spec.get("average"), f"{path}.average")
        peak = reader.number(spec.get("peak"), f"{path}.peak", default=average * peak_factor)
        if peak < average:
            reader.problems.append(
                (f"{path}.peak", f"{peak:g} is below the average {average:g} requests/s")
            )
        consistency = spec.get("consistency", default)
        if consistency not in CONSISTENCIES:
            reader.problems.append(
                (f"{path}.consistency", f"{consistency!r} is not one of {list(CONSISTENCIES)}")
            )
            consistency = "model"
        out[name] = PatternTraffic(average, peak, consistency)
    return out


def _read_entities(reader: _Reader, doc: Mapping[str, Any], model: Any) -> dict[str, EntityTraffic]:
    known = [e.name for e in model.entities] if model is not None else None
    out: dict[str, EntityTraffic] = {}
    for name, spec in reader.mapping(doc.get("entities"), "entities").items():
        path = f"entities.{name}"
        if known is not None and name not in known:
            reader.problems.append((path, f"no entity {name!r}; entities: {known}"))
            continue
        if not isinstance(spec, Mapping):
            spec = {"items": spec}
        for key in set(spec) - {"items", "growth_per_month"}:
            reader.problems.append((f"{path}.{key}", "unknown key; use items, growth_per_month"))
        items = reader.number(spec.get("items"), f"{path}.items")
        growth = reader.number(spec.get("growth_per_month"), f"{path}.growth_per_month")
        out[name] = EntityTraffic(items, growth)
    return out


def traffic_from_document(doc: Any, model: Any = None, source: str = "(in memory)") -> Traffic:
    """A :class:`Traffic` from a parsed profile document, checked against ``model``.

    :raises TrafficProblems: naming every problem with its path.
    """
    subject = f"traffic profile {source!r}"
    if not isinstance(doc, Mapping):
        raise TrafficProblems(subject, [("", "the profile must be a YAML mapping")])
    reader = _Reader()
    for key in sorted(set(doc) - _TOP):
        reader.problems.append((key, f"unknown key; allowed: {sorted(_TOP)}"))
    if doc.get("format", FORMAT) != FORMAT:
        reader.problems.append(("format", f"{doc.get('format')!r} is not {FORMAT}"))
    for name, value in reader.mapping(doc.get("variables"), "variables").items():
        if not str(name).isidentifier():
            reader.problems.append((f"variables.{name}", "a variable name must be an identifier"))
            continue
        reader.variables[str(name)] = reader.number(value, f"variables.{name}", low=float("-inf"))
    peak_factor = reader.number(doc.get("peak_factor"), "peak_factor", low=1.0, default=1.0)
    default = doc.get("consistency", "model")
    if default not in CONSISTENCIES:
        reader.problems.append(("consistency", f"{default!r} is not one of {list(CONSISTENCIES)}"))
        default = "model"
    utilisation = reader.number(doc.get("utilisation"), "utilisation", default=DEFAULT_UTILISATION)
    if not 0 < utilisation <= 1:
        reader.problems.append(("utilisation", f"{utilisation:g} must be above 0 and at most 1"))
    horizon = reader.number(
        doc.get("horizon_months"), "horizon_months", default=DEFAULT_HORIZON_MONTHS
    )
    region = doc.get("region")
    if region is not None and not isinstance(region, str):
        reader.problems.append(("region", f"{region!r} must be a region name such as us-east-1"))
    sample = doc.get("sample_data")
    if sample is not None:
        from ...errors import ModelError
        from ..sampledata import SampleSpec

        try:
            SampleSpec.from_document(reader.mapping(sample, "sample_data"))
        except ModelError as exc:
            reader.problems.append(("sample_data", str(exc)))
    patterns = _read_patterns(reader, doc, model, peak_factor, default)
    entities = _read_entities(reader, doc, model)
    if reader.problems:
        raise TrafficProblems(subject, reader.problems)
    return Traffic(
        patterns,
        entities,
        dict(reader.variables),
        region,
        utilisation,
        horizon,
        sample,
        str(doc.get("description") or ""),
        source,
    )


def traffic_path(model_file: str | Path) -> Path:
    """The profile beside a model file: ``shop.yaml`` -> ``shop.traffic.yaml``."""
    path = Path(model_file)
    return path.with_name(f"{path.stem}.traffic.yaml")


def load_traffic(path: str | Path, model: Any = None) -> Traffic:
    """Read and check the traffic profile at ``path`` against ``model``.

    :raises TrafficProblems: naming every problem with its path (an unreadable file too).
    :raises InputLimitError: for a file past :mod:`~workbench.model.safeload`'s limits.
    """
    import yaml

    from ...model import safeload

    path = Path(path)
    try:
        doc = safeload.load_yaml(path, f"traffic profile {str(path)!r}")
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        if isinstance(exc, FileNotFoundError):
            reason += "; write one beside the model (docs/cost.md) or pass --traffic FILE"
        raise TrafficProblems(f"traffic profile {str(path)!r}", [("", reason)]) from exc
    return traffic_from_document(doc, model, path.name)
