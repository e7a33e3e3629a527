"""Items as pandas DataFrames: key columns first, an entity column, a stable column order.

Also the views NoSQL Workbench draws: the aggregate view (item collections grouped by
partition key) and one view per GSI, plus the entity and access-pattern charts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from ..model import CRUDDUR, Model
from ..model.entities import KeyTemplate
from ..model.items import from_attr

ENTITY = "entity"
_TYPE_KEYS = frozenset(("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"))


def _is_typed(items: Sequence[Mapping[str, Any]]) -> bool:
    for item in items[:1]:
        for value in item.values():
            return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _TYPE_KEYS
    return False


def column_order(model: Model, present: Iterable[str]) -> list[str]:
    """Table keys, ``entity``, GSI keys, then entity attributes in model order, then the rest."""
    present = set(present)
    order: list[str] = list(model.table.key_names) + [ENTITY]
    for index in model.table.indexes:
        order.extend(index.key_names)
    for entity in model.entities:
        order.extend(entity.attributes)
    seen: set[str] = set()
    result = []
    for name in order:
        if name not in seen and (name in present or name == ENTITY):
            seen.add(name)
            result.append(name)
    result.extend(sorted(present - seen))
    return result


class _Uneven(Exception):
    """The items do not all have the same attributes, all strings: take the general path."""


def _string_columns(items: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    # Row by row (each item's attributes are read while it is in the CPU cache), with no
    # dispatch on type: the common case, a query's items all of one entity.
    names = list(items[0]) if items else []
    width = len(names)
    columns: dict[str, list[Any]] = {name: [] for name in names}
    appends = [(name, columns[name].append) for name in names]
    try:
        for item in items:
            if len(item) != width:
                raise _Uneven
            for name, append in appends:
                append(item[name]["S"])
    except (KeyError, TypeError) as exc:
        raise _Uneven from exc
    return columns


def _columns(items: Sequence[Mapping[str, Any]], typed: bool) -> dict[str, list[Any]]:
    if typed:
        try:
            return _string_columns(items)
        except _Uneven:
            pass
    names = list(dict.fromkeys(itertools.chain.from_iterable(items)))
    columns: dict[str, list[Any]] = {name: [] for name in names}
    appends = [(name, columns[name].append) for name in names]
    for item in items:
        for name, append in appends:
            value = item.get(name)
            if typed and value is not None:
                text = value.get("S")
                value = text if text is not None else from_attr(value)
                if type(value) is Decimal:
                    # A column of floats plots and sums; from_item keeps the exact Decimal.
                    value = float(value)
            append(value)
    return columns


def to_frame(items: Iterable[Mapping[str, Any]], model: Model = CRUDDUR) -> pd.DataFrame:
    """Items (plain, or DynamoDB-typed as boto3's client returns them) as a DataFrame.

    Values are plain Python/pandas types: typed numbers become ``int`` when whole and
    ``float`` otherwise (no ``Decimal``; use :func:`workbench.model.items.from_item` for the exact
    value). A missing attribute is ``None``. Each row's entity is the one whose partition-key
    and sort-key templates it fits (``None`` when none does).
    """
    items = list(items)
    columns = _columns(items, _is_typed(items))
    columns[ENTITY] = _entities(columns, len(items), model)
    order = column_order(model, columns)
    return pd.DataFrame({name: columns[name] for name in order}, columns=order)


def _entities(columns: Mapping[str, list[Any]], count: int, model: Model) -> list[str | None]:
    """Each row's entity: the first whose partition-key and sort-key templates (and type
    attribute, where it declares one) the row fits, as :meth:`Model.entity_for` decides.

    The candidates for a partition key are cached (a query's rows share one), so each row
    costs at most one sort-key match (and one type check) per candidate.
    """
    hash_key, range_key = model.table.hash_key, model.table.range_key
    pks = columns.get(hash_key) or [None] * count
    sks = columns.get(range_key or "") or [None] * count
    candidates: dict[Any, tuple[tuple[str, KeyTemplate | None, list[Any] | None, Any], ...]] = {}
    labels: list[str | None] = []
    append = labels.append
    for row, (pk, sk) in enumerate(zip(pks, sks, strict=True)):
        if pk is None:
            append(None)
            continue
        found = candidates.get(pk)
        if found is None:
            found = candidates[pk] = tuple(
                (
                    entity.name,
                    entity.keys.get(range_key) if range_key else None,
                    # A type attribute tells apart entities whose keys look alike.
                    columns.get(entity.type_attribute[0]) if entity.type_attribute else None,
                    entity.type_attribute[1] if entity.type_attribute else None,
                )
                for entity in model.entities
                if entity.keys[hash_key].matches(pk)
            )
        label = None
        for name, sk_template, types, wanted in found:
            if types is not None and types[row] not in (None, wanted):
                continue
            if sk_template is None or sk_template.matches(sk):
                label = name
                break
        append(label)
    return labels


def aggregate_view(items: Iterable[Mapping[str, Any]], model: Model = CRUDDUR) -> pd.DataFrame:
    """Item collections, as NoSQL Workbench's aggregate view shows them.

    Indexed by (partition key, sort key), sorted, so each partition's items sit together.
    """
    frame = to_frame(items, model)
    keys = list(model.table.key_names)
    if frame.empty:
        return frame.set_index(keys) if set(keys) <= set(frame.columns) else frame
    return frame.sort_values(keys, kind="stable").set_index(keys)


def gsi_view(
    items: Iterable[Mapping[str, Any]], index_name: str | None = None, model: Model = CRUDDUR
) -> pd.DataFrame:
    """The items a GSI holds (only those carrying its keys: a sparse index), by its keys."""
    index = model.table.index(index_name) if index_name else model.table.indexes[0]
    frame = to_frame(items, model)
    keys = list(index.key_names)
    if frame.empty or not set(keys) <= set(frame.columns):
        return pd.DataFrame(columns=keys).set_index(keys)
    frame = frame.dropna(subset=keys)
    rest = [c for c in frame.columns if c not in keys]
    return frame[keys + rest].sort_values(keys, kind="stable").set_index(keys)


def entity_view(
    items: Iterable[Mapping[str, Any]], entity_name: str, model: Model = CRUDDUR
) -> pd.DataFrame:
    """One entity's items with their logical fields (key fields parsed out of the keys)."""
    entity = model.entity(entity_name)
    rows = [entity.parse(item) for item in items if entity.matches(item)]
    return pd.DataFrame(rows, columns=list(entity.fields))


def entity_chart(model: Model = CRUDDUR) -> pd.DataFrame:
    """The entity chart: each entity's key templates, GSI keys and attributes."""
    return pd.DataFrame(model.entity_rows()).set_index("entity")


def pattern_chart(model: Model = CRUDDUR) -> pd.DataFrame:
    """The access-pattern chart: operation, index, key condition, entity, order, command."""
    chart = pd.DataFrame(model.pattern_rows()).set_index("pattern")
    if "limit" in chart:
        # A nullable integer: "20" and "<NA>", not "20.0" and "NaN".
        chart["limit"] = chart["limit"].astype("Int64")
    return chart


def setup_display() -> None:
    """Show tables whole in a notebook: no cell cut to "user_d...", no columns elided.

    Sets pandas' display options for this kernel (``max_colwidth``, ``max_columns``,
    ``width``); key templates and requests are the point of the workbench's tables.
    """
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_columns", None)
    pd.set_option("display.width", 250)
