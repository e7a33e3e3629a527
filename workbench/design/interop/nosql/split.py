"""A NoSQL Workbench table without facets, split into entities.

Files without facets (format 1.0 and older ones, or written by hand) hold every item in the
table's own ``TableData``. When the items are of several kinds, each kind becomes an entity,
found in this order:

1. from an attribute that names each item's entity: the one the caller names
   (``entity_attribute=``, ``workbench model import --entity-attribute NAME``), else one
   detected: a name such as ``EntityType``, ``Type``, ``_type`` or ``entity`` that every item
   carries, holding a few distinct names;
2. else from the items' key prefixes, cut at ``#`` or ``:`` (``ORDER#1``, ``User:UserA``) or
   a constant key (``PROFILE``): items whose partition and sort keys start alike are one
   entity.

Each entity is named after its type value or its prefixes and gets its items as samples; a
note says how the entities were found, on what evidence, and how to overrule it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ....errors import ModelError
from ....model.problems import Problem
from .paths import member, rows
from .templates import identifier, prefix_of, tag_of

# Names an attribute holding each item's entity goes by, most telling first (any case).
TYPE_NAMES = (
    "EntityType",
    "Entity_Type",
    "Type",
    "_type",
    "__typename",
    "Entity",
    "ItemType",
    "Item_Type",
    "RecordType",
    "Record_Type",
    "Kind",
)
MAX_ENTITIES = 20  # more kinds than this read as data, not entities
_NAME_VALUE = re.compile(r"^[A-Za-z][A-Za-z0-9 _.-]{0,63}$")
OVERRULE = "--entity-attribute NAME (entity_attribute=NAME in Python)"
NO_ATTRIBUTE = "--entity-attribute ''"


def _key_names(table: Mapping[str, Any]) -> tuple[list[str], set[str]]:
    """The table's key attributes, in order, and every key attribute of it and its indexes."""
    keys = table["KeyAttributes"]
    table_keys = [keys[r]["AttributeName"] for r in ("PartitionKey", "SortKey") if r in keys]
    all_keys = set(table_keys)
    for index in table.get("GlobalSecondaryIndexes") or []:
        all_keys |= {k["AttributeName"] for k in index["KeyAttributes"].values()}
    return table_keys, all_keys


def detect(items: Sequence[Mapping[str, Any]], excluded: set[str]) -> tuple[str | None, list[str]]:
    """The attribute that names each item's entity, if one of :data:`TYPE_NAMES` does.

    :returns: ``(name or None, why each candidate was passed over)``.
    """
    rank = {name.lower(): n for n, name in enumerate(TYPE_NAMES)}
    present = {a for item in items for a in item if a.lower() in rank and a not in excluded}
    passed: list[str] = []
    for name in sorted(present, key=lambda a: (rank[a.lower()], a)):
        values = [item[name] for item in items if name in item]
        if len(values) < len(items):
            passed.append(f"{name!r} is carried by {len(values)} of {len(items)} items")
        elif not all(isinstance(v, str) and _NAME_VALUE.match(v) for v in values):
            passed.append(f"{name!r} holds values that are not names")
        elif len(set(values)) > MAX_ENTITIES:
            passed.append(f"{name!r} holds {len(set(values))} distinct values")
        else:
            return name, passed
    return None, passed


def _word(tag: str) -> str:
    """An entity name from a key prefix: ``ORDER`` gives ``Order``, ``order_item``
    ``OrderItem``, ``User`` stays."""
    parts = [p for p in re.split(r"[_\-\s]+", tag) if p]
    return "".join(
        p.capitalize() if p.isupper() or p.islower() else p[0].upper() + p[1:] for p in parts
    )


def _prefix_names(signature: tuple[str | None, ...]) -> list[str]:
    """Names for the entity of items whose keys start with ``signature``, best first: the
    sort key's prefix names a child (``ORDER#`` under ``User:``), else the partition key's."""
    words = [_word(tag_of(p)) if p else "" for p in signature]
    pk, sk = (words + [""])[:2]
    sk_prefixed = len(signature) > 1 and bool(signature[1]) and signature[1][-1:] in "#:"
    if sk and sk != pk and sk_prefixed:
        return [n for n in (sk, pk + sk) if n]
    return [n for n in (pk, pk + sk, sk) if n]


def _unique(candidates: list[str], taken: set[str], fallback: str) -> str:
    for name in [identifier(c, fallback) for c in candidates]:
        if name not in taken:
            taken.add(name)
            return name
    base, n = identifier(candidates[0] if candidates else fallback, fallback), 2
    while f"{base}{n}" in taken:
        n += 1
    taken.add(f"{base}{n}")
    return f"{base}{n}"


def _shown_prefix(attr: str, prefix: str | None) -> str:
    return f"{attr} {prefix!r}" if prefix else f"{attr} without a prefix"


def split(
    table: Mapping[str, Any],
    path: str,
    items: list[dict[str, Any]],
    notes: list[Problem],
    named: str | None = None,
) -> list[dict[str, Any]]:
    """The entities of a table without facets, each as a facet (``FacetName``, ``items``,
    ``path``, ``items_path``, ``type_attribute``) for :class:`.entity.FacetEntity`.

    :param items: the table's own items, as plain values.
    :param named: the attribute that names each item's entity (else one is detected; ``''``
        for none: the key prefixes tell).
    :raises ModelError: when no item carries the ``named`` attribute.
    """
    table_name = identifier(str(table["TableName"]), "Item")
    if not items:
        return [{"FacetName": table_name, "items": [], "path": f"{path}.TableData"}]
    table_keys, all_keys = _key_names(table)
    passed: list[str] = []
    attr = named or None
    if named:
        if not any(named in item for item in items):
            carried = sorted({a for item in items for a in item})
            raise ModelError(
                f"entity attribute {named!r}: no item of table {table['TableName']!r} carries "
                f"it; its items carry {carried}"
            )
    elif named is None:
        attr, passed = detect(items, all_keys)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for row, item in enumerate(items):
        if attr is not None and attr in item:
            key: tuple[Any, ...] = ("type", item[attr])
        else:
            key = ("prefix", *(prefix_of(item.get(k)) for k in table_keys))
        groups.setdefault(key, []).append(row)
    by_prefix = [k for k in groups if k[0] == "prefix"]
    if len(by_prefix) > MAX_ENTITIES or (attr is None and len(groups) == 1):
        return [_whole(table_name, table_keys, path, items, notes, passed, len(groups))]
    taken: set[str] = set()
    facets = []
    for key, numbers in groups.items():
        if key[0] == "type":
            name = _unique([str(key[1])], taken, "Item")
        else:
            name = _unique(_prefix_names(key[1:]), taken, table_name)
        facets.append(
            {
                "FacetName": name,
                "items": [items[n] for n in numbers],
                "path": f"{path}.TableData",
                "items_path": rows(f"{path}.TableData", numbers, len(items)),
                "rows": numbers,
                "type_attribute": attr if key[0] == "type" else None,
                "split": key,
            }
        )
    note = _note(path, attr, named, facets, table_keys, passed, len(items))
    notes.append(note)
    for facet in facets:
        facet["split_note"] = note  # taken back if the entities are merged again
    return facets


def _whole(
    name: str,
    table_keys: list[str],
    path: str,
    items: list[dict[str, Any]],
    notes: list[Problem],
    passed: list[str],
    kinds: int,
) -> dict[str, Any]:
    """The table's items as one entity, with the note saying why."""
    if kinds == 1:
        starts = ", ".join(_shown_prefix(k, prefix_of(items[0].get(k))) for k in table_keys)
        why = f"its items' keys start alike ({starts})"
    else:
        why = f"their key prefixes make {kinds} kinds, too many to be entities"
    if passed:
        why = f"{'; '.join(passed)}, and {why}"
    notes.append(
        (
            f"{path}.TableData[*]",
            f"the table has no facets and no entity-type attribute; {why}: imported as one "
            f"entity, {name}; if an attribute names each item's entity, import with {OVERRULE}",
        )
    )
    return {
        "FacetName": name,
        "items": items,
        "path": f"{path}.TableData",
        "type_attribute": None,
    }


def merged(facets: list[dict[str, Any]], table: Mapping[str, Any]) -> dict[str, Any]:
    """The facets a split made, back as one (for entities their keys cannot tell apart)."""
    placed = sorted(
        ((n, item) for f in facets for n, item in zip(f["rows"], f["items"], strict=True)),
        key=lambda pair: pair[0],
    )
    return {
        "FacetName": identifier(str(table["TableName"]), "Item"),
        "items": [item for _, item in placed],
        "path": facets[0]["path"],
        "type_attribute": None,
    }


def _entities(facets: list[dict[str, Any]]) -> str:
    if len(facets) == 1:
        return f"one entity, {facets[0]['FacetName']},"
    return f"split into {len(facets)} entities"


def _note(
    path: str,
    attr: str | None,
    named: str | None,
    facets: list[dict[str, Any]],
    table_keys: list[str],
    passed: list[str],
    total: int,
) -> Problem:
    """How the table's items were split: the evidence, and how to overrule it."""
    typed = [f for f in facets if f["type_attribute"]]
    prefixed = [f for f in facets if not f["type_attribute"]]
    parts = []
    if typed:
        counts = ", ".join(f"{f['FacetName']} {len(f['items'])}" for f in typed)
        how = "as asked" if named else "an attribute every item carries, with few distinct names"
        if not named:
            how += f"; to split by key prefixes instead, import with {NO_ATTRIBUTE}"
        parts.append(f"by their {attr!r} values ({counts}; {how})")
    if prefixed:
        kinds = []
        for facet in prefixed:
            starts = ", ".join(
                _shown_prefix(k, p) for k, p in zip(table_keys, facet["split"][1:], strict=True)
            )
            kinds.append(f"{facet['FacetName']} ({starts})")
        some = f"the {sum(len(f['items']) for f in prefixed)} without it " if typed else ""
        parts.append(f"{some}by their key prefixes: {', '.join(kinds)}")
    lead = "the table has no facets"
    if not typed and named == "":
        lead += " and no entity attribute is to be used (--entity-attribute '')"
    elif not typed:
        lead += " and no entity-type attribute"
        if passed:
            lead += f" ({'; '.join(passed)})"
    where = member(f"{path}.TableData[*]", attr) if typed and attr else f"{path}.TableData[*]"
    advice = (
        f"to split by another attribute, import with {OVERRULE}"
        if typed
        else f"if an attribute names each item's entity, import with {OVERRULE}"
    )
    return (
        where,
        f"{lead}: its {total} items are {_entities(facets)} "
        f"{' and '.join(parts)}; {advice}; rename or merge entities in the YAML the import "
        "writes",
    )
