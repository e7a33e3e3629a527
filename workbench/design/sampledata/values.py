"""Field values from ``generate:`` hints, and the entity shape the generator reads."""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ...clock import format_ts
from ...errors import ModelError

# -- the entities' shape as the generator needs it ------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    generate: Any


def fields_of(entity: Any) -> list[FieldSpec]:
    """Every logical field of ``entity`` with its type and hint, key fields first."""
    specs = {spec.name: spec for spec in getattr(entity, "attribute_specs", ()) or ()}
    names = list(entity.key_fields) + [n for n in entity.attributes if n not in entity.key_fields]
    names += [n for n in specs if n not in names]
    return [
        FieldSpec(n, getattr(specs.get(n), "type", "S"), getattr(specs.get(n), "generate", None))
        for n in names
    ]


def ref_of(hint: Any) -> tuple[str, str] | None:
    if isinstance(hint, Mapping) and isinstance(hint.get("ref"), str) and "." in hint["ref"]:
        parent, _, name = hint["ref"].partition(".")
        return parent, name
    return None


def parent_of(entity: Any) -> str | None:
    """The entity ``entity``'s items are generated under: the ``ref`` of a partition-key
    field if there is one (its item collection's owner), else its first ``ref``, else None."""
    refs = {f.name: r for f in fields_of(entity) if (r := ref_of(f.generate))}
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
        e.name: {r[0] for f in fields_of(e) if (r := ref_of(f.generate)) and r[0] != e.name}
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


class Values:
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

    def value(self, spec: FieldSpec, entity: str) -> Any:
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

    def _default_hint(self, spec: FieldSpec) -> Any:
        if spec.type == "S":
            if spec.name.endswith("_id") or spec.name.endswith("uuid"):
                return "uuid"
            if spec.name.endswith("_at") or spec.name in ("timestamp", "time", "date"):
                return "timestamp"
            return "word"
        number = {"int": {"min": 0, "max": 1000}}
        return {"N": number, "NS": number, "BOOL": "pybool"}.get(spec.type, "word")

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
