"""Facets without items that nothing tells apart, made apart by a named guess.

A facet's key templates come from its items or from key aliases that are templates
(:mod:`.entity`). A facet with neither gets one field per key, named after its alias
(``SongId``, ``Metadata`` give ``{songid}``, ``{metadata}``). Two such facets with the same
aliases (AWS's music library: ``SongDetails`` and ``Downloads``, both ``SongId``/``Metadata``),
or plain aliases (``CustomerId`` on several facets), then have keys that fit each other's
items, which the model refuses (``model check``: "its items cannot be told apart").

Each such facet gets a literal prefix of its own, named after it, on its sort key (so facets
that share a partition key stay in one item collection): ``Downloads#{metadata}``; on its
partition key when the table has no sort key or the sort key is not text. When neither key
is text (a number cannot hold a prefix), each gets a type attribute (``EntityType:
Downloads``) instead. A facet whose keys its items or a template alias gave is left as the
author wrote it. Each guess is a note, with how to overrule it.

A global secondary index whose keys no entity carries (no facet lists them, no item holds
them) would stay empty, which the model refuses too: the entities without items carry them
as plain attributes, so generated data fills the index; a note says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ....model.overlap import templates_overlap
from ....model.problems import Problem
from .paths import member
from .templates import identifier

TYPE_NAMES = ("EntityType", "entity_type", "_entity_type")
"""Names of the type attribute given when no key can hold a prefix, first free one used."""
ROLES = ("PartitionKeyAlias", "SortKeyAlias")  # the facet's alias of each table key, in order


def _table_keys(table: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(attribute, type)`` of the table's partition key and sort key, in order."""
    keys = table["KeyAttributes"]
    return [
        (keys[role]["AttributeName"], keys[role]["AttributeType"])
        for role in ("PartitionKey", "SortKey")
        if role in keys
    ]


def _told_apart(first: Mapping[str, Any], second: Mapping[str, Any], keys: list[str]) -> bool:
    """True if no item fits both entity documents: the reading of the model's own check
    (:func:`workbench.model.checks.entity_problems`), on the table's keys."""
    a, b = first.get("type_attribute"), second.get("type_attribute")
    if a and b and a["name"] == b["name"] and a["value"] != b["value"]:
        return True
    return any(
        not templates_overlap(first["keys"][attr], second["keys"][attr])
        for attr in keys
        if attr in first["keys"] and attr in second["keys"]
    )


def _alias_path(facet: Mapping[str, Any], role: str, old: Problem | None) -> str:
    """The JSON path of the facet's alias for ``role``, else what the note it replaces
    names, else the facet's."""
    aliases = facet.get("KeyAttributeAlias")
    if isinstance(aliases, Mapping) and role in aliases:
        return member(member(facet["path"], "KeyAttributeAlias"), role)
    return old[0] if old is not None else str(facet["path"])


def tell_apart(
    entities: dict[str, dict[str, Any]],
    facets: list[Mapping[str, Any]],
    assumed: Mapping[str, Mapping[str, Problem]],
    table: Mapping[str, Any],
    notes: list[Problem],
) -> None:
    """Give the facets with assumed keys that no key tells apart a prefix each (or a type
    attribute), replacing the note that assumed the key with one that says why.

    :param entities: entity documents by name, changed in place.
    :param facets: the facets they were made of, in the same order (``FacetName``, ``path``).
    :param assumed: entity name -> table key attribute -> the note that assumed its template
        (no items, no template alias).
    :param table: the NoSQL Workbench table (its key attributes).
    :param notes: the import's notes, changed in place.
    """
    keys = _table_keys(table)
    names = [str(f["FacetName"]) for f in facets]
    rivals: dict[str, list[str]] = {}
    for n, first in enumerate(names):
        for second in names[n + 1 :]:
            if _told_apart(entities[first], entities[second], [k for k, _ in keys]):
                continue
            for mine, other in ((first, second), (second, first)):
                if assumed.get(mine):
                    rivals.setdefault(mine, []).append(other)
    if not rivals:
        return
    taken = {
        str(template).split("#", 1)[0]
        for doc in entities.values()
        for template in doc["keys"].values()
        if "#" in str(template)
    }
    for facet in facets:
        name = str(facet["FacetName"])
        if name not in rivals:
            continue
        entity, said = entities[name], _words(rivals[name])
        textual = [(a, r) for (a, kind), r in zip(keys, ROLES, strict=False) if kind == "S"]
        # The sort key first: facets sharing a partition key stay one item collection.
        free = [(a, r) for a, r in reversed(textual) if a in assumed[name]]
        if free:
            attr, role = free[0]
            prefix = _unique(identifier(name, "Item"), taken)
            template = f"{prefix}#{entity['keys'][attr]}"
            entity["keys"][attr] = template
            _replace(
                notes,
                assumed[name].get(attr),
                (
                    _alias_path(facet, role, assumed[name].get(attr)),
                    f"no sample items, and the keys' aliases do not tell {name} apart from "
                    f"{said}: template {template!r} assumed, the facet's name as a prefix "
                    f"(edit entities.{name}.keys.{attr} in the YAML the import writes)",
                ),
            )
            continue
        type_name = _type_name(entities)
        entity["type_attribute"] = {"name": type_name, "value": name}
        notes.append(
            (
                facet["path"],
                f"no sample items, and the keys' aliases do not tell {name} apart from "
                f"{said} (its keys are not text, so no prefix fits them): each item gets "
                f"{type_name}: {name!r} (edit entities.{name}.type_attribute in the YAML the "
                "import writes)",
            )
        )


def _words(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    said = list(dict.fromkeys(names))
    return " and ".join(filter(None, [", ".join(said[:-1]), said[-1]]))


def _unique(prefix: str, taken: set[str]) -> str:
    unique, n = prefix, 2
    while unique in taken:
        unique, n = f"{prefix}{n}", n + 1
    taken.add(unique)
    return unique


def _replace(notes: list[Problem], old: Problem | None, new: Problem) -> None:
    """Put ``new`` where ``old`` was (the note that assumed the key), else at the end."""
    if old is not None and old in notes:
        notes[notes.index(old)] = new
    else:
        notes.append(new)


def _type_name(entities: Mapping[str, Mapping[str, Any]]) -> str:
    """The type attribute's name: one the entities already give, else the first of
    :data:`TYPE_NAMES` that no entity uses."""
    for doc in entities.values():
        if doc.get("type_attribute"):
            return str(doc["type_attribute"]["name"])
    used = {a for doc in entities.values() for a in [*doc["keys"], *doc["attributes"]]}
    return next((n for n in TYPE_NAMES if n not in used), TYPE_NAMES[-1] + "_")


def carry_index_keys(
    entities: dict[str, dict[str, Any]],
    facets: list[Mapping[str, Any]],
    table: Mapping[str, Any],
    path: str,
    notes: list[Problem],
) -> None:
    """Give the keys of an index that no entity carries to every entity without items, as
    plain attributes (so generated data fills the index), with a note naming them.

    :param entities: entity documents by name, changed in place.
    :param facets: the facets they were made of (``FacetName``, ``items``).
    :param path: the table's JSON path (``DataModel[0]``).
    """
    empty = [str(f["FacetName"]) for f in facets if not f["items"]]
    if not empty:
        return  # the items show which carry the keys: an index none fills is the author's
    for n, index in enumerate(table.get("GlobalSecondaryIndexes") or []):
        for role in ("PartitionKey", "SortKey"):
            key = index["KeyAttributes"].get(role)
            if not key:
                continue
            attr = key["AttributeName"]
            if any(attr in doc["keys"] or attr in doc["attributes"] for doc in entities.values()):
                continue
            for name in empty:
                entities[name]["attributes"][attr] = {"type": key["AttributeType"]}
            notes.append(
                (
                    member(f"{path}.GlobalSecondaryIndexes[{n}].KeyAttributes", role),
                    f"no facet lists index key {attr!r} and no item carries it: "
                    f"{', '.join(empty)} (the entities without items) carry it as a plain "
                    f"attribute (any value), so the index {index['IndexName']!r} holds them; "
                    f"remove it from entities.<name>.attributes or write it under "
                    "entities.<name>.keys in the YAML the import writes",
                )
            )
