"""Generated items: parents before children, counts per parent, skew, unique keys."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ...errors import ModelError, WorkbenchError
from .spec import (
    ATTEMPTS,
    DEFAULT_NOW,
    DEFAULT_PER_PARENT,
    DEFAULT_TOTAL,
    SOURCES,
    Count,
    SampleSpec,
)
from .values import Values, fields_of, generation_order, parent_of, ref_of

# -- items ------------------------------------------------------------------------------------


def _per_parent(count: Count, parents: int, rng: random.Random) -> list[int]:
    """How many children each of ``parents`` parent items gets."""
    low, high = count.per_parent or DEFAULT_PER_PARENT
    if parents == 0:
        return []  # no parent items: nothing to spread children over
    if count.skew <= 0:
        return [rng.randint(low, high) for _ in range(parents)]
    # Zipf-like: the parent of rank r (a seeded shuffle) gets a share 1 / r**skew of the
    # children an even spread would give, so a few partitions are hot.
    ranks = list(range(1, parents + 1))
    rng.shuffle(ranks)
    weights = [1 / rank**count.skew for rank in ranks]
    total = parents * (low + high) / 2
    scale = total / sum(weights)
    return [max(low, round(w * scale)) for w in weights]


def generate(
    model: Any,
    *,
    seed: int | None = None,
    count: int | None = None,
    counts: Mapping[str, Count | int] | None = None,
    spec: SampleSpec | None = None,
    now: str | datetime = DEFAULT_NOW,
) -> list[dict[str, Any]]:
    """Generated items for every entity of ``model``, parents before children.

    :param seed: the seed (default: the spec's, else 0); the same seed gives the same items.
    :param count: items of each top-level entity, overriding the spec.
    :param counts: entity name to :class:`Count` (or a total), overriding the spec's.
    :param spec: counts and seed, e.g. from :func:`read_spec`.
    :param now: generated timestamps fall in the 30 days before this.
    :returns: plain items (keys built from the templates), ready for the batched writer.
    :raises ModelError: for a ``count`` below 1, an unknown entity in ``counts``, a hint that
        cannot generate a value, or a ``ref`` cycle.
    """
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ModelError(
            f"count {count!r} is out of range: give a whole number >= 1 (items of each "
            "top-level entity)"
        )
    spec = spec or SampleSpec()
    plan: dict[str, Count] = dict(spec.counts)
    for name, value in (counts or {}).items():
        plan[name] = value if isinstance(value, Count) else Count(total=value)
    known = [e.name for e in model.entities]
    unknown = sorted(set(plan) - set(known))
    if unknown:
        raise ModelError(f"sample counts name entities {unknown}; known: {known}")
    values = Values(spec.seed if seed is None else seed, _moment(now))
    made: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[Any, ...]] = set()
    items: list[dict[str, Any]] = []
    for entity in generation_order(model):
        entity_count = plan.get(entity.name, Count())
        parent = parent_of(entity)
        if parent is None:
            total = count if count is not None else entity_count.total
            groups = [(None, DEFAULT_TOTAL if total is None else total)]
        else:
            parents = made.get(parent, [])
            groups = list(
                zip(parents, _per_parent(entity_count, len(parents), values.rng), strict=True)
            )
        made[entity.name] = []
        for parent_fields, how_many in groups:
            for _ in range(how_many):
                made_fields = _one(model, entity, parent_fields, made, values, seen)
                if made_fields is not None:
                    made[entity.name].append(made_fields)
                    items.append(entity.item(**made_fields))
    return items


def _moment(now: str | datetime) -> datetime:
    moment = datetime.fromisoformat(now) if isinstance(now, str) else now
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _one(
    model: Any,
    entity: Any,
    parent_fields: Mapping[str, Any] | None,
    made: Mapping[str, list[dict[str, Any]]],
    values: Values,
    seen: set[tuple[Any, ...]],
    *,
    overwrite: bool = False,
) -> dict[str, Any] | None:
    """One item's fields, with a primary key no earlier item has (None if none is found, or
    with ``overwrite`` the last one tried)."""
    fields = fields_of(entity)
    parent = parent_of(entity)
    for _ in range(ATTEMPTS):
        out: dict[str, Any] = {}
        others: dict[str, Mapping[str, Any]] = {}
        for spec in fields:
            ref = ref_of(spec.generate)
            if ref is None:
                out[spec.name] = values.value(spec, entity.name)
                continue
            owner, name = ref
            if owner == parent and parent_fields is not None:
                source = parent_fields
            else:
                # Another entity's item (not the parent): one picked at random, the same one
                # for every field that refers to that entity.
                if owner not in others:
                    pool = _related(
                        model.entity(owner), made.get(owner) or [], {**(parent_fields or {}), **out}
                    )
                    if not pool:
                        return None
                    others[owner] = values.rng.choice(pool)
                source = others[owner]
            out[spec.name] = source.get(name)
        key = tuple(entity.key(**out).items())
        if key not in seen:
            seen.add(key)
            return out
    return out if overwrite else None


def _related(
    owner: Any, pool: list[dict[str, Any]], known: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The items of ``pool`` that agree with ``known`` on ``owner``'s key fields: a task's
    assignee is a user of the task's own tenant, not of any tenant."""
    templates = list(owner.keys.values()) + list(
        (getattr(owner, "index_keys", None) or {}).values()
    )
    names = {name for template in templates for name in template.fields}
    want = {k: v for k, v in known.items() if k in names}
    return [p for p in pool if all(p.get(k) == v for k, v in want.items())] or pool


# An item, its entity (None: no entity's keys fit), its fields and its key as fresh_fields
# compares keys.
Classified = tuple[Mapping[str, Any], Any, dict[str, Any] | None, tuple[Any, ...]]


def classify(
    model: Any, items: Iterable[Mapping[str, Any]], memo: dict[int, Classified] | None = None
) -> list[Classified]:
    """Each item of ``items`` with its entity, fields and key, in order.

    :param memo: a dict a caller keeps across calls on the same items (or fewer of them, as
        the cost study's writes use up its pool): each item is classified once, not on every
        call (1,262 items, 15 writes). Entries are by identity; the items must not change
        while it is kept, and the fields returned must not be changed.
    """
    out: list[Classified] = []
    for item in items:
        entry = memo.get(id(item)) if memo is not None else None
        if entry is None or entry[0] is not item:
            entity = model.entity_for(item)
            if entity is None:
                entry = (item, None, None, ())
            else:
                key = tuple((attr, item.get(attr)) for attr in entity.keys)
                entry = (item, entity, entity.parse(item), key)
            if memo is not None:
                memo[id(item)] = entry
        out.append(entry)
    return out


def fresh_fields(
    model: Any,
    entity_names: Sequence[str],
    items: Iterable[Mapping[str, Any]],
    *,
    seed: int = 0,
    now: str | datetime = DEFAULT_NOW,
    memo: dict[int, Classified] | None = None,
) -> dict[str, dict[str, Any]]:
    """Fields of one new item of each entity named, whose keys no item of ``items`` has.

    Parents come from ``items``, except that an entity named earlier in ``entity_names`` is
    the parent of the later ones (a new order and its first line).

    :param memo: see :func:`classify`.
    :raises ModelError: if no new item can be made (no parent item, every key taken).
    """
    made: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[Any, ...]] = set()
    for _item, entity, fields, key in classify(model, items, memo):
        if entity is not None:
            made.setdefault(entity.name, []).append(fields)
            seen.add(key)
    # A seed of its own: the data's generator would make the data's first items again.
    values = Values(seed + 7919, _moment(now))
    out: dict[str, dict[str, Any]] = {}
    chosen: dict[str, dict[str, Any]] = {}
    for name in entity_names:
        entity = model.entity(name)
        parent = parent_of(entity)
        parent_fields = out.get(parent) or chosen.get(parent) if parent else None
        if parent and parent_fields is None and made.get(parent):
            # One parent for every entity of the write: a reading and the latest state of
            # the same device.
            parent_fields = chosen[parent] = values.rng.choice(made[parent])
        # An item the parent has only one of (a latest state) can only be overwritten.
        fields = _one(model, entity, parent_fields, made, values, seen, overwrite=True)
        if fields is None:
            raise ModelError(f"cannot make a new {name}: the data holds no parent for it")
        out[name] = fields
    return out


def file_samples(model: Any) -> list[dict[str, Any]]:
    """The items given in the model file (every entity's ``samples``), as items."""
    return [
        entity.item(**dict(sample))
        for entity in model.entities
        for sample in getattr(entity, "samples", ()) or ()
    ]


def sample_items(
    model: Any,
    *,
    source: str = "auto",
    seed: int | None = None,
    count: int | None = None,
    spec: SampleSpec | None = None,
    now: str | datetime = DEFAULT_NOW,
) -> list[dict[str, Any]]:
    """The model's sample items: the file's own, or generated.

    :param source: ``file`` (the items given in the file), ``generate``, or ``auto``: the
        file's items when it gives some and neither ``seed`` nor ``count`` is passed.
    :raises WorkbenchError: for an unknown ``source``, or ``file`` when the file gives none.
    """
    if source not in SOURCES:
        raise WorkbenchError(f"sample source {source!r} is not one of {list(SOURCES)}")
    given = file_samples(model) if source != "generate" else []
    if source == "file" and not given:
        raise WorkbenchError("the model file gives no sample items (no entity has `samples:`)")
    if given and (source == "file" or (seed is None and count is None)):
        return given
    return generate(model, seed=seed, count=count, spec=spec, now=now)


def entity_counts(model: Any, items: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Items per entity (in model order; ``None`` for items no entity fits)."""
    tally = Counter(getattr(model.entity_for(i), "name", None) for i in items)
    return {e.name: tally[e.name] for e in model.entities if tally[e.name]} | (
        {"(none)": tally[None]} if tally[None] else {}
    )


def partition_sizes(items: Iterable[Mapping[str, Any]], attribute: str) -> dict[Any, int]:
    """Items per value of ``attribute`` (a partition key), largest first."""
    tally = Counter(i[attribute] for i in items if attribute in i)
    return dict(tally.most_common())


def skew_ratio(sizes: Sequence[int]) -> float:
    """The largest partition's size over the median's (1.0 for an even spread)."""
    if not sizes:
        return 0.0
    return max(sizes) / max(statistics.median(sizes), 1)
