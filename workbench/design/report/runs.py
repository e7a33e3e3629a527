"""Run one access pattern and check what came back: its entities only, no stray Scan, page
sizes, the items the data says its key condition selects; with the capacity it consumed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ... import constants as C
from ...errors import WorkbenchError
from ...model.capacity import Capacity
from ...model.items import from_attr, from_items
from ...model.requests import Request
from ..exercise import found_items, send_counted, written_items
from .params import returned_entities, sort_condition_holds


@dataclass
class PatternRun:
    """One access pattern run on an engine, and its checks.

    :param pattern: the pattern's name.
    :param case: ``typical`` or ``largest`` partition for reads, ``write`` for writes.
    :param params: the parameters it ran with.
    :param request: the exact request sent (None if it could not be built).
    :param items: plain items it returned (reads) or wrote (writes).
    :param capacity: the computed capacity it consumed (None if it failed).
    :param problems: every check that failed, one sentence each; empty when it passed.
    :param expected: how many items the data says it should return, when that is known.
    :param next_cursor: the cursor of the next page (a read's ``LastEvaluatedKey``), or None.
    """

    pattern: str
    case: str
    params: dict[str, Any]
    request: Request | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    capacity: Capacity | None = None
    problems: list[str] = field(default_factory=list)
    expected: int | None = None
    next_cursor: str | None = None

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return not self.problems

    def row(self, model: Any) -> dict[str, Any]:
        """One row of the runs table."""
        entities = sorted({getattr(model.entity_for(i), "name", None) or "?" for i in self.items})
        return {
            "pattern": self.pattern,
            "case": self.case,
            "operation": self.request.operation if self.request else "",
            "params": ", ".join(f"{k}={v}" for k, v in self.params.items()),
            "items": len(self.items),
            "expected": self.expected,
            "entities": ", ".join(entities),
            "capacity": self.capacity.label() if self.capacity else "",
            "units": self.capacity.total if self.capacity else None,
            "checks": "ok" if self.ok else "; ".join(self.problems),
        }


def response_items(request: Request, response: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The plain items a read's response holds, or the items a write's request puts."""
    return from_items(found_items(response) or written_items(request))


def expected_count(
    model: Any, pattern: Any, request: Request, data: Sequence[Mapping[str, Any]]
) -> int | None:
    """How many items a Query without a filter returns from ``data`` (None when unknown)."""
    if request.operation != "Query" or pattern.filter is not None:
        return None
    hash_attr, range_attr = model.table.index_key_names(pattern.index)
    ordered = [from_attr(v) for v in request.params.get(C.EXPRESSION_ATTRIBUTE_VALUES, {}).values()]
    pk_attr = pattern.partition_attribute or hash_attr
    condition = pattern.sort_key
    sort_attr = (condition.attribute or range_attr) if condition else None
    count = 0
    for item in data:
        if item.get(pk_attr) != ordered[0]:
            continue
        if pattern.index and range_attr and item.get(range_attr) is None:
            continue
        if condition and not sort_condition_holds(condition.op, item.get(sort_attr), ordered[1:]):
            continue
        count += 1
    limit = request.params.get(C.LIMIT)
    return min(count, limit) if limit is not None else count


def run_pattern(
    engine: Any,
    model: Any,
    pattern: Any,
    params: Mapping[str, Any],
    *,
    table_name: str | None = None,
    case: str = "typical",
    data: Sequence[Mapping[str, Any]] | None = None,
) -> PatternRun:
    """Build ``pattern``'s request for ``params``, send it, and check the result.

    A failure to build or send is recorded in ``problems`` (it is not raised), so one bad
    pattern does not hide the others.

    :param data: the table's items before the run, to check a Query returns exactly what its
        key condition selects.
    """
    pattern = model.pattern(pattern) if isinstance(pattern, str) else pattern
    run = PatternRun(pattern.name, case, dict(params))
    try:
        run.request = model.builder.build(pattern, table_name or model.table.name, **params)
        done = send_counted(engine, model, run.request)
    except WorkbenchError as exc:
        run.problems.append(f"failed: {exc}")
        return run
    run.items = response_items(done.request, done.response)
    run.next_cursor = done.next_cursor
    run.capacity = done.capacity
    run.problems += _check(model, pattern, run.request, run.items)
    if data is not None:
        run.expected = expected_count(model, pattern, run.request, data)
        if run.expected is not None and run.expected != len(run.items):
            run.problems.append(
                f"returned {len(run.items)} items where the data holds {run.expected}"
            )
    return run


def _check(model: Any, pattern: Any, request: Request, items: list[dict[str, Any]]) -> list[str]:
    problems = []
    if request.operation == "Scan" and pattern.operation != "Scan":
        problems.append("sent a Scan, which the pattern does not declare")
    if request.operation != pattern.operation:
        problems.append(f"sent {request.operation}, not the declared {pattern.operation}")
    allowed = set(returned_entities(pattern))
    keys = set(model.table.key_names)
    if pattern.projection and not keys <= set(pattern.projection):
        return problems  # the projection drops the keys: the entity cannot be told
    strays = sorted(
        {getattr(model.entity_for(i), "name", None) or "(no entity)" for i in items} - allowed
    )
    if strays:
        problems.append(
            f"returned {strays}, which it does not declare (declares {sorted(allowed)})"
        )
    limit = request.params.get(C.LIMIT)
    if limit is not None and len(items) > limit:
        problems.append(f"returned {len(items)} items, more than its page size {limit}")
    if request.operation in ("Query", "GetItem", "BatchGetItem") and pattern.filter is None:
        if not items:
            problems.append("returned nothing, though its parameters come from the data")
    return problems
