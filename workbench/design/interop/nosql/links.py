"""Which entity a key field points to, so generated sample data keeps items together.

An order item's partition key ``o#{o_id}`` is its order's (the order's own partition key is
``o#{o_id}``); its ``GSI2-PK`` ``c#{c_id}`` names a customer. Generated sample data should
put order items under generated orders and customers, not under random ids, so each such
field gets a ``generate: {ref: Entity.field}`` hint (docs/model-files.md, "Entities"): the
YAML the import writes shows it, and editing or removing it there overrules it.

The entity a prefix belongs to (its owner) is the one whose partition key is that prefix and
one field, with one item per partition: a singleton (``c#{c_id}`` / ``c#{c_id}``, or a
constant sort key like ``PROFILE``), else the entity whose samples show one item in each of
the most partitions (two at least). A field is linked only when some sample's value is one
of the owner's (``p#2026-11-02`` after ``p#`` is no product), and only in inferred
templates: a file our exporter wrote carries its own hints.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from .templates import SEPARATORS, tag_of


def _parts(template: str) -> list[tuple[str, str | None]]:
    return [(lit, name) for lit, name, _, _ in string.Formatter().parse(template)]


def _prefix(literal: str) -> str | None:
    """The prefix a field follows: ``c#`` in ``c#``, ``SKU#`` in ``#SKU#``."""
    if not literal or literal[-1] not in SEPARATORS or not tag_of(literal):
        return None
    return tag_of(literal) + literal[-1]


def _owners(
    entities: Mapping[str, Mapping[str, Any]], table_keys: list[str], inferred: Mapping[str, set]
) -> dict[str, tuple[str, str]]:
    """Prefix -> ``(entity, field)`` of the entity that owns the partitions it starts."""
    candidates: dict[str, list[tuple[tuple[bool, int], str, str]]] = {}
    for name, doc in entities.items():
        pk = table_keys[0]
        if pk not in inferred.get(name, set()):
            continue
        parts = _parts(doc["keys"][pk])
        if len(parts) != 1 or parts[0][1] is None or _prefix(parts[0][0]) != parts[0][0]:
            continue
        prefix, field = parts[0][0], parts[0][1]
        sk = doc["keys"].get(table_keys[1]) if len(table_keys) > 1 else None
        sk_fields = {f for _, f in _parts(sk) if f} if sk else set()
        singleton = sk_fields <= {field}
        values = [s.get(field) for s in doc.get("samples") or []]
        if not singleton and (len(values) < 2 or len(set(map(str, values))) < len(values)):
            continue  # several items in one partition (or one sample): no evidence of owning
        candidates.setdefault(prefix, []).append(((singleton, len(values)), name, field))
    owners = {}
    for prefix, found in candidates.items():
        found.sort(key=lambda c: c[0], reverse=True)
        if len(found) == 1 or found[0][0] != found[1][0]:  # a tie is no evidence
            owners[prefix] = (found[0][1], found[0][2])
    return owners


def _shared(doc: Mapping[str, Any], field: str, owner: Mapping[str, Any], theirs: str) -> bool:
    """True if some sample's ``field`` is one of the owner's samples' ``theirs``."""
    ours = {str(s[field]) for s in doc.get("samples") or [] if field in s}
    return bool(ours & {str(s[theirs]) for s in owner.get("samples") or [] if theirs in s})


def _reaches(edges: Mapping[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return False


def link(
    entities: dict[str, dict[str, Any]], table_keys: list[str], inferred: Mapping[str, set]
) -> None:
    """Add ``generate: {ref: Owner.field}`` to the fields that follow an owner's prefix.

    :param entities: entity documents, changed in place.
    :param inferred: entity name -> the key attributes whose templates were inferred.
    """
    owners = _owners(entities, table_keys, inferred)
    edges: dict[str, set[str]] = {name: set() for name in entities}
    for name, doc in entities.items():
        attributes = doc["attributes"]
        for attr, template in doc["keys"].items():
            if attr not in inferred.get(name, set()):
                continue
            for literal, field in _parts(template):
                prefix = _prefix(literal)
                owner = owners.get(prefix) if prefix and field else None
                if owner is None or owner[0] == name or field not in attributes:
                    continue
                spec = attributes[field]
                spec = {"type": spec} if isinstance(spec, str) else dict(spec)
                theirs = entities[owner[0]]["attributes"].get(owner[1]) or {}
                theirs = {"type": theirs} if isinstance(theirs, str) else theirs
                if spec.get("generate") or spec.get("type") != theirs.get("type"):
                    continue
                if not _shared(doc, field, entities[owner[0]], owner[1]):
                    continue  # a date after 'p#' is no product id: the samples must agree
                if _reaches(edges, owner[0], name):
                    continue  # a cycle of refs cannot be generated
                spec["generate"] = {"ref": f"{owner[0]}.{owner[1]}"}
                attributes[field] = spec
                edges[name].add(owner[0])
