"""Sample data for any model: seeded, realistic items generated from the entity declarations.

Each attribute's ``generate:`` hint (see ``docs/model-files.md``) says how its values are made:
a Faker provider (``email``, ``name``, ``{faker: bothify, args: {...}}``), ``uuid``,
``timestamp``, ``{int: {min, max}}``, ``{float: {min, max}}``, ``{choice: [...]}``,
``{const: V}``, or ``{ref: Parent.field}``, which makes the entity a child of ``Parent``: its
items are generated per parent item (for example 3 to 8 order items per order). An optional
skew gives a few parents most of the children (hot partitions). The same seed gives the same
items; a model file's ``sample_data:`` section sets the counts and the seed::

    sample_data:
      seed: 7
      counts:
        Customer: 20                                  # a top-level entity: how many
        Order: {per_parent: [1, 6], skew: 1.2}        # per parent item, Zipf-like skew
        OrderItem: {per_parent: [3, 8]}

Or the items given in the file (each entity's ``samples:``) are used as they are.
"""

from __future__ import annotations

import random
import statistics
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from .clock import format_ts
from .errors import ModelError, WorkbenchError

DEFAULT_TOTAL = 10
"""Items of each top-level entity when neither the call nor the file says."""
DEFAULT_PER_PARENT = (1, 3)
"""Items of a child entity per parent item when neither the call nor the file says."""
DEFAULT_NOW = "2026-11-22T07:45:00+00:00"
"""Generated timestamps fall in the 30 days before this (fixed, so outputs are stable)."""
SOURCES = ("auto", "file", "generate")
_ATTEMPTS = 50  # tries for a primary key no other item has, before giving that item up


@dataclass(frozen=True)
class Count:
    """How many items of one entity to generate.

    :param total: for a top-level entity (no ``ref`` parent), how many items.
    :param per_parent: for a child entity, the inclusive range of items per parent item.
    :param skew: 0 for even children per parent; above 0 a Zipf-like exponent over the parents
        (1 to 1.5 gives a few hot partitions holding most of the items).
    :raises ModelError: for a negative or reversed count, or a negative skew.
    """

    total: int | None = None
    per_parent: tuple[int, int] | None = None
    skew: float = 0.0

    def __post_init__(self) -> None:
        if self.total is not None and (not isinstance(self.total, int) or self.total < 0):
            raise ModelError(f"sample count {self.total!r} must be a whole number >= 0")
        if self.per_parent is not None:
            low, high = self.per_parent
            if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
                raise ModelError(
                    f"per_parent {list(self.per_parent)!r} must be [min, max], 0 <= min <= max"
                )
        if not isinstance(self.skew, int | float) or self.skew < 0:
            raise ModelError(f"skew {self.skew!r} must be a number >= 0 (0 is no skew)")


@dataclass(frozen=True)
class SampleSpec:
    """Counts per entity and the seed, as a model file's ``sample_data:`` section gives them."""

    counts: Mapping[str, Count] = field(default_factory=dict)
    seed: int = 0

    @classmethod
    def from_document(cls, section: Mapping[str, Any] | None) -> SampleSpec:
        """The spec in a ``sample_data:`` mapping (None gives the defaults).

        :raises ModelError: naming the path of every bad value.
        """
        if not section:
            return cls()
        problems: list[str] = []
        counts: dict[str, Count] = {}
        for name, value in dict(section.get("counts") or {}).items():
            try:
                if isinstance(value, int) and not isinstance(value, bool):
                    counts[name] = Count(total=value)
                elif isinstance(value, Mapping):
                    per = value.get("per_parent")
                    if isinstance(per, int) and not isinstance(per, bool):
                        per = (per, per)
                    counts[name] = Count(
                        total=value.get("total"),
                        per_parent=tuple(per) if per is not None else None,
                        skew=value.get("skew", 0.0),
                    )
                else:
                    raise ModelError(f"{value!r} is neither a count nor a mapping")
            except (ModelError, TypeError, ValueError) as exc:
                problems.append(f"sample_data.counts.{name}: {exc}")
        seed = section.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            problems.append(f"sample_data.seed: {seed!r} must be a whole number")
        if problems:
            raise ModelError("; ".join(problems))
        return cls(counts, seed)


def read_spec(path: str | Path) -> SampleSpec:
    """The ``sample_data:`` section of a YAML/JSON model file (defaults when it has none)."""
    import yaml

    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise WorkbenchError(f"cannot read model file {str(path)!r}: {exc}", exc) from exc
    section = document.get("sample_data") if isinstance(document, Mapping) else None
    return SampleSpec.from_document(section)


# -- the entities' shape as the generator needs it ------------------------------------------


@dataclass(frozen=True)
class _Field:
    name: str
    type: str
    generate: Any


def _fields(entity: Any) -> list[_Field]:
    """Every logical field of ``entity`` with its type and hint, key fields first."""
    specs = {spec.name: spec for spec in getattr(entity, "attribute_specs", ()) or ()}
    names = list(entity.key_fields) + [n for n in entity.attributes if n not in entity.key_fields]
    names += [n for n in specs if n not in names]
    return [
        _Field(n, getattr(specs.get(n), "type", "S"), getattr(specs.get(n), "generate", None))
        for n in names
    ]


def _ref(hint: Any) -> tuple[str, str] | None:
    if isinstance(hint, Mapping) and isinstance(hint.get("ref"), str) and "." in hint["ref"]:
        parent, _, name = hint["ref"].partition(".")
        return parent, name
    return None


def parent_of(entity: Any) -> str | None:
    """The entity ``entity``'s items are generated under: the ``ref`` of a partition-key
    field if there is one (its item collection's owner), else its first ``ref``, else None."""
    refs = {f.name: r for f in _fields(entity) if (r := _ref(f.generate))}
    if not refs:
        return None
    partition = next(iter(entity.keys.values()))
    for name in partition.fields:
        if name in refs:
            return refs[name][0]
    return next(iter(refs.values()))[0]


def generation_order(model: Any) -> list[Any]:
    """The entities, each after every entity it refers to.

    :raises ModelError: naming the entities of a ``ref`` cycle.
    """
    deps = {
        e.name: {r[0] for f in _fields(e) if (r := _ref(f.generate)) and r[0] != e.name}
        for e in model.entities
    }
    done: list[str] = []
    pending = dict(deps)
    while pending:
        ready = [n for n, d in pending.items() if d <= set(done)]
        if not ready:
            raise ModelError(f"sample data: the refs of {sorted(pending)} form a cycle")
        for name in ready:
            done.append(name)
            del pending[name]
    return [model.entity(name) for name in done]


# -- values -----------------------------------------------------------------------------------


class _Values:
    """Makes one field's values from its hint, with the run's seeded generators."""

    def __init__(self, seed: int, now: datetime) -> None:
        from faker import Faker

        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.now = now

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def timestamp(self) -> str:
        seconds = self.rng.uniform(0, 30 * 24 * 3600)
        return format_ts(self.now - timedelta(seconds=seconds))

    def value(self, spec: _Field, entity: str) -> Any:
        hint, name = spec.generate, spec.name
        if hint is None:
            hint = self._default_hint(spec)
        try:
            raw = self._from_hint(hint)
        except (AttributeError, TypeError, ValueError) as exc:
            raise ModelError(
                f"entities.{entity}.attributes.{name}.generate: {hint!r} cannot generate a "
                f"value ({exc})"
            ) from exc
        return _coerce(raw, spec.type, self.rng)

    def _default_hint(self, spec: _Field) -> Any:
        if spec.type == "S":
            if spec.name.endswith("_id") or spec.name.endswith("uuid"):
                return "uuid"
            if spec.name.endswith("_at") or spec.name in ("timestamp", "time", "date"):
                return "timestamp"
            return "word"
        return {"N": {"int": {"min": 0, "max": 1000}}, "BOOL": "pybool"}.get(spec.type, "word")

    def _from_hint(self, hint: Any) -> Any:
        if hint == "uuid":
            return self.uuid()
        if hint == "timestamp":
            return self.timestamp()
        if isinstance(hint, str):
            return getattr(self.fake, hint)()
        if not isinstance(hint, Mapping) or len(hint) != 1 and "faker" not in hint:
            raise ValueError("unknown hint")
        if "faker" in hint:
            return getattr(self.fake, hint["faker"])(**dict(hint.get("args") or {}))
        if "int" in hint:
            return self.rng.randint(int(hint["int"]["min"]), int(hint["int"]["max"]))
        if "float" in hint:
            low, high = float(hint["float"]["min"]), float(hint["float"]["max"])
            return Decimal(f"{self.rng.uniform(low, high):.2f}")
        if "choice" in hint:
            return self.rng.choice(list(hint["choice"]))
        if "const" in hint:
            return hint["const"]
        raise ValueError("unknown hint")


def _coerce(value: Any, kind: str, rng: random.Random) -> Any:
    """``value`` as a plain value of DynamoDB type ``kind`` (what :func:`to_item` takes)."""
    if kind == "S":
        return value.isoformat() if isinstance(value, datetime) else str(value)
    if kind == "N":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | Decimal):
            return value
        return Decimal(f"{float(value):.2f}") if isinstance(value, float) else Decimal(str(value))
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "B":
        return value if isinstance(value, bytes) else str(value).encode()
    if kind in ("SS", "NS", "BS"):
        values = value if isinstance(value, list | set | tuple) else [value]
        return {_coerce(v, kind[0], rng) for v in values}
    if kind == "L":
        return list(value) if isinstance(value, list | tuple | set) else [value]
    if kind == "M":
        return dict(value) if isinstance(value, Mapping) else {"value": value}
    return value


# -- items ------------------------------------------------------------------------------------


def _per_parent(
    count: Count, parents: int, rng: random.Random
) -> list[int]:
    """How many children each of ``parents`` parent items gets."""
    low, high = count.per_parent or DEFAULT_PER_PARENT
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
    :raises ModelError: for an unknown entity in ``counts``, a hint that cannot generate a
        value, or a ``ref`` cycle.
    """
    spec = spec or SampleSpec()
    plan: dict[str, Count] = dict(spec.counts)
    for name, value in (counts or {}).items():
        plan[name] = value if isinstance(value, Count) else Count(total=value)
    known = [e.name for e in model.entities]
    unknown = sorted(set(plan) - set(known))
    if unknown:
        raise ModelError(f"sample counts name entities {unknown}; known: {known}")
    values = _Values(spec.seed if seed is None else seed, _moment(now))
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
            groups = list(zip(parents, _per_parent(entity_count, len(parents), values.rng),
                              strict=True))
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
    values: _Values,
    seen: set[tuple[Any, ...]],
) -> dict[str, Any] | None:
    """One item's fields, with a primary key no earlier item has (None if none is found)."""
    fields = _fields(entity)
    parent = parent_of(entity)
    for _ in range(_ATTEMPTS):
        out: dict[str, Any] = {}
        others: dict[str, Mapping[str, Any]] = {}
        for spec in fields:
            ref = _ref(spec.generate)
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
                    pool = _related(model.entity(owner), made.get(owner) or [],
                                    {**(parent_fields or {}), **out})
                    if not pool:
                        return None
                    others[owner] = values.rng.choice(pool)
                source = others[owner]
            out[spec.name] = source.get(name)
        key = tuple(entity.key(**out).items())
        if key not in seen:
            seen.add(key)
            return out
    return None


def _related(
    owner: Any, pool: list[dict[str, Any]], known: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The items of ``pool`` that agree with ``known`` on ``owner``'s key fields: a task's
    assignee is a user of the task's own tenant, not of any tenant."""
    templates = list(owner.keys.values()) + list((getattr(owner, "index_keys", None) or {}).values())
    names = {name for template in templates for name in template.fields}
    want = {k: v for k, v in known.items() if k in names}
    return [p for p in pool if all(p.get(k) == v for k, v in want.items())] or pool


def fresh_fields(
    model: Any,
    entity_names: Sequence[str],
    items: Iterable[Mapping[str, Any]],
    *,
    seed: int = 0,
    now: str | datetime = DEFAULT_NOW,
) -> dict[str, dict[str, Any]]:
    """Fields of one new item of each entity named, whose keys no item of ``items`` has.

    Parents come from ``items``, except that an entity named earlier in ``entity_names`` is
    the parent of the later ones (a new order and its first line).

    :raises ModelError: if no new item can be made (no parent item, every key taken).
    """
    made: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[Any, ...]] = set()
    for item in items:
        entity = model.entity_for(item)
        if entity is not None:
            made.setdefault(entity.name, []).append(entity.parse(item))
            seen.add(tuple((attr, item.get(attr)) for attr in entity.keys))
    # A seed of its own: the data's generator would make the data's first items again.
    values = _Values(seed + 7919, _moment(now))
    out: dict[str, dict[str, Any]] = {}
    for name in entity_names:
        entity = model.entity(name)
        parent = parent_of(entity)
        parent_fields = out.get(parent) if parent else None
        if parent and parent_fields is None and made.get(parent):
            parent_fields = values.rng.choice(made[parent])
        fields = _one(model, entity, parent_fields, made, values, seen)
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


# -- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """What :func:`load` wrote: the table, how many items of each entity, from where."""

    table_name: str
    written: int
    counts: Mapping[str, int]
    source: str
    seed: int | None

    def summary(self) -> str:
        """One line: ``loaded 412 items into 'shop' (Customer 20, Order 61, ...), seed 0``."""
        parts = ", ".join(f"{name} {n}" for name, n in self.counts.items())
        origin = f"seed {self.seed}" if self.source == "generate" else "the file's samples"
        return f"loaded {self.written} items into {self.table_name!r} ({parts}) from {origin}"


def load(
    engine: Any,
    model: Any,
    table_name: str | None = None,
    *,
    source: str = "auto",
    seed: int | None = None,
    count: int | None = None,
    spec: SampleSpec | None = None,
    progress: bool = False,
    workers: int = 4,
) -> Loaded:
    """Create the model's table (schema-load) and write its sample data, batched.

    :param table_name: default: the model's table name.
    :param source: see :func:`sample_items`.
    :returns: what was written, for a summary line.
    :raises WorkbenchError: if the table exists and differs from the model, or a write fails.
    """
    from .batch import write_batches
    from .schema import schema_load

    table_name = table_name or model.table.name
    spec = spec or SampleSpec()
    items = sample_items(model, source=source, seed=seed, count=count, spec=spec)
    given = source == "file" or (
        source == "auto" and seed is None and count is None and bool(file_samples(model))
    )
    schema_load(engine, table_name, model=model)
    written = write_batches(
        engine, table_name, items, total=len(items), progress=progress, workers=workers,
        description=f"loading {table_name}",
    )
    return Loaded(
        table_name,
        written,
        entity_counts(model, items),
        "file" if given else "generate",
        None if given else (spec.seed if seed is None else seed),
    )
