"""Parameters for any access pattern, taken from the data: a typical partition, the largest.

A read's partition-key template is matched against the items its index holds; the partitions
are ranked by how many of the pattern's entities they hold, and the values of the template's
fields are parsed back out of the chosen partition's key. Sort-key parameters come from items
inside that partition, so the condition selects some of them. Writes get a fresh item made by
the sample-data generator (its parents taken from the data), or an existing item's key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...errors import ModelError, WorkbenchError
from ...model.builder import RequestBuilder, template_fields
from ...model.entities import KeyTemplate

CASES = ("typical", "largest")
_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems")


@dataclass(frozen=True)
class Partition:
    """One partition of an index, as the data holds it.

    :param attribute: the partition-key attribute (``pk``, ``gsi1pk``).
    :param value: its value.
    :param items: the pattern's entities in it that its key condition can select.
    :param size: every item in the partition (the pattern's entities or not).
    """

    attribute: str
    value: Any
    items: tuple[Mapping[str, Any], ...]
    size: int


def parse_template(template: str, value: Any, *, whole: bool = True) -> dict[str, Any] | None:
    """The field values ``template`` gives ``value`` (None if it does not fit).

    A template that is exactly one ``{field}`` keeps the value's type (a number stays one).
    :param whole: False to fit a prefix of ``value`` (for ``begins_with``).
    """
    fields = template_fields(template)
    if len(fields) == 1 and template == "{" + fields[0] + "}":
        return {fields[0]: value}
    try:
        return KeyTemplate(template).parse(value, whole=whole)
    except WorkbenchError:  # not a template, or the value does not fit it
        return None


def _comparable(value: Any) -> Any:
    return Decimal(str(value)) if isinstance(value, int | float | Decimal) else str(value)


def sort_condition_holds(op: str, value: Any, operands: Sequence[Any]) -> bool:
    """True if a sort key ``value`` meets ``op`` with ``operands`` (DynamoDB's comparisons)."""
    if value is None:
        return False
    if op == "begins_with":
        return isinstance(value, str) and value.startswith(str(operands[0]))
    try:
        left = _comparable(value)
        right = [_comparable(o) for o in operands]
        if op == "between":
            return right[0] <= left <= right[1]
        return {
            "=": left == right[0],
            "<": left < right[0],
            "<=": left <= right[0],
            ">": left > right[0],
            ">=": left >= right[0],
        }[op]
    except (TypeError, KeyError, ArithmeticError):
        return False


def returned_entities(pattern: Any) -> tuple[str, ...]:
    """The entities a pattern must return (its own entity when it lists none)."""
    return tuple(pattern.returns) or ((pattern.entity,) if pattern.entity else ())


def partitions(model: Any, pattern: Any, items: Sequence[Mapping[str, Any]]) -> list[Partition]:
    """The partitions ``pattern`` can read in ``items``, largest first (ties by key).

    Only items of the entities it returns, fitting its partition-key template and meeting a
    sort condition that names no parameter, count towards a partition.
    """
    hash_attr, range_attr = model.table.index_key_names(pattern.index)
    pk_attr = pattern.partition_attribute or hash_attr
    wanted = set(returned_entities(pattern))
    condition = pattern.sort_key
    fixed = condition is not None and not any(template_fields(t) for t in condition.templates)
    sort_attr = (condition.attribute or range_attr) if condition else None
    sizes: dict[Any, int] = {}
    chosen: dict[Any, list[Mapping[str, Any]]] = {}
    for item in items:
        value = item.get(pk_attr)
        if value is None or (pattern.index and range_attr and item.get(range_attr) is None):
            continue  # not in the index (a sparse index holds only items with its keys)
        sizes[value] = sizes.get(value, 0) + 1
        entity = model.entity_for(item)
        if entity is None or entity.name not in wanted:
            continue
        if pattern.partition_key and parse_template(pattern.partition_key, value) is None:
            continue
        if fixed and not sort_condition_holds(
            condition.op, item.get(sort_attr), condition.templates
        ):
            continue
        chosen.setdefault(value, []).append(item)
    found = [Partition(pk_attr, v, tuple(group), sizes[v]) for v, group in chosen.items()]
    found.sort(key=lambda p: (-len(p.items), str(p.value)))
    return found


def pick(found: Sequence[Partition], case: str) -> Partition:
    """The largest partition, or a typical one (the median by size).

    :raises ModelError: for an unknown case or when there is no partition at all.
    """
    if case not in CASES:
        raise ModelError(f"case {case!r} is not one of {list(CASES)}")
    if not found:
        raise ModelError("the data holds no partition this pattern can read")
    return found[0] if case == "largest" else found[len(found) // 2]


def read_parameters(
    model: Any, pattern: Any, items: Sequence[Mapping[str, Any]], case: str = "typical"
) -> dict[str, Any]:
    """Parameters that make ``pattern`` (a Query, GetItem or BatchGetItem) read a partition
    of ``items`` (``case`` ``typical`` or ``largest``).

    :raises ModelError: when the data holds no partition the pattern can read, or a parameter
        cannot be derived (give it in the pattern's ``example``).
    """
    builder = RequestBuilder(model)
    needed = [n for n in builder.parameters(pattern) if n not in ("limit", "cursor")]
    params: dict[str, Any] = {}
    if pattern.operation in ("Scan",) or not pattern.partition_key:
        source = [
            i
            for i in items
            if getattr(model.entity_for(i), "name", None) in returned_entities(pattern)
        ]
        sample = sorted(source, key=lambda i: str(sorted(i.items())))
        if sample:
            one = sample[len(sample) // 2 if case == "typical" else 0]
            params.update(model.entity_for(one).parse(one))
    else:
        partition = pick(partitions(model, pattern, items), case)
        params.update(parse_template(pattern.partition_key, partition.value) or {})
        params.update(_sort_parameters(model, pattern, partition))
        entity = model.entity_for(partition.items[len(partition.items) // 2])
        for name, value in entity.parse(partition.items[len(partition.items) // 2]).items():
            params.setdefault(name, value)
    for name, value in dict(pattern.example or {}).items():
        params.setdefault(name, value)
    missing = [n for n in needed if params.get(n) is None]
    if missing:
        raise ModelError(
            f"access pattern {pattern.name!r}: cannot take {missing} from the data; give them "
            "in the pattern's `example`"
        )
    return {n: params[n] for n in needed}


def _sort_parameters(model: Any, pattern: Any, partition: Partition) -> dict[str, Any]:
    condition = pattern.sort_key
    if condition is None or not any(template_fields(t) for t in condition.templates):
        return {}
    _hash, range_attr = model.table.index_key_names(pattern.index)
    attr = condition.attribute or range_attr
    values = sorted((i[attr] for i in partition.items if i.get(attr) is not None), key=_comparable)
    if not values:
        return {}
    at = {"between": (0.25, 0.75), "<": (0.75,), "<=": (0.75,), ">": (0.25,), ">=": (0.25,)}
    spots = at.get(condition.op, (0.5,))
    out: dict[str, Any] = {}
    for template, spot in zip(condition.templates, spots, strict=False):
        value = values[min(len(values) - 1, int(spot * len(values)))]
        parsed = parse_template(template, value, whole=condition.op != "begins_with")
        out.update(parsed or {})
    return out


def write_parameters(
    model: Any,
    pattern: Any,
    items: Sequence[Mapping[str, Any]],
    *,
    seed: int = 0,
    memo: dict[int, Any] | None = None,
) -> dict[str, Any]:
    """Parameters for a write: a fresh item for each Put (parents from ``items``), an
    existing item's key for an Update or Delete, fresh values for what an Update sets.

    :param memo: kept by a caller that calls again on the same items (see
        :func:`workbench.design.sampledata.generate.classify`).
    :raises ModelError: when the data holds no item to update or delete.
    """
    from .. import sampledata
    from ..sampledata.generate import classify

    builder = RequestBuilder(model)
    needed = [n for n in builder.parameters(pattern) if n not in ("limit", "cursor")]
    fresh = sampledata.fresh_fields(
        model, [a.entity for a in pattern.actions], items, seed=seed, memo=memo
    )
    classified = classify(model, items, memo) if memo is not None else None
    params: dict[str, Any] = {}
    for action in pattern.actions:
        if action.kind == "Put":
            for name, value in fresh[action.entity].items():
                params.setdefault(name, value)
            continue
        existing = (
            [item for item, entity, _f, _k in classified if entity and entity.name == action.entity]
            if classified is not None
            else [i for i in items if getattr(model.entity_for(i), "name", None) == action.entity]
        )
        if not existing:
            raise ModelError(
                f"access pattern {pattern.name!r}: the data holds no {action.entity} to "
                f"{action.kind.lower()}"
            )
        existing.sort(key=lambda i: str(sorted(i.items())))
        one = existing[len(existing) // 2]
        for name, value in model.entity(action.entity).parse(one).items():
            params.setdefault(name, value)
    for entity_fields in fresh.values():
        for name, value in entity_fields.items():
            if name in needed and params.get(name) is None:
                params[name] = value
    # What an Update sets comes fresh (a new status, a new priority), not from the old item.
    for action in pattern.actions:
        for template in list(action.set.values()) + list(action.condition_values.values()):
            for name in template_fields(template):
                if name in fresh.get(action.entity, {}):
                    params[name] = fresh[action.entity][name]
    for name, value in dict(pattern.example or {}).items():
        params.setdefault(name, value)
    missing = [n for n in needed if params.get(n) is None]
    if missing:
        raise ModelError(
            f"access pattern {pattern.name!r}: cannot make {missing} from the data; give them "
            "in the pattern's `example`"
        )
    return {n: params[n] for n in needed}


def parameters(
    model: Any,
    pattern: Any,
    items: Sequence[Mapping[str, Any]],
    case: str = "typical",
    *,
    seed: int = 0,
) -> dict[str, Any]:
    """Parameters for any pattern from the data: :func:`read_parameters` for reads,
    :func:`write_parameters` for writes."""
    if pattern.operation in _WRITES:
        return write_parameters(model, pattern, items, seed=seed)
    return read_parameters(model, pattern, items, case)
