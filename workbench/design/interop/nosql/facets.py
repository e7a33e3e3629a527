"""NoSQL Workbench facets and their sample items as plain values, for the importer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ....errors import ModelError
from ....model.problems import ModelProblems, Problem
from .paths import rows
from .split import split
from .values import ValueReader, declared_types


def plain_items(
    items: list[Mapping[str, Any]],
    path: str = "TableData",
    notes: list[Problem] | None = None,
    declared: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """DynamoDB JSON items (binary as base64 text, as JSON files hold it) to plain values.

    Also the other shapes published files hold (plain JSON inside a map, a map wrapped
    twice): see :mod:`.values`.

    :param path: the JSON path of ``items``, for notes and problems.
    :param notes: where what was assumed is added, each with its JSON path.
    :param declared: attribute name to the type the table declares.
    :raises ModelProblems: naming the JSON path of every value that cannot be read.
    """
    problems: list[Problem] = []
    reader = ValueReader(problems, notes)
    out = [reader.item(item, f"{path}[{n}]", declared) for n, item in enumerate(items)]
    if problems:
        raise ModelProblems("NoSQL Workbench model", problems)
    return out


def value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "BOOL"
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "S"
    if isinstance(value, bytes):
        return "B"
    if isinstance(value, Mapping):
        return "M"
    if isinstance(value, list):
        return "L"
    if isinstance(value, set | frozenset):
        first = next(iter(value))
        return "SS" if isinstance(first, str) else "BS" if isinstance(first, bytes) else "NS"
    return "N"


def facets(
    table: Mapping[str, Any],
    path: str,
    notes: list[Problem],
    entity_attribute: str | None = None,
) -> list[dict[str, Any]]:
    """Each facet with its plain items; a table without facets is split into entities, each
    a facet of its own (:func:`.split.split`).

    :param entity_attribute: the attribute naming each item's entity, for a table without
        facets (else one is detected, or the key prefixes tell).
    """
    facets = [dict(f) for f in table.get("TableFacets") or []]
    shared = table.get("TableData") or []
    declared = declared_types(table)
    if not facets:
        items = plain_items(shared, f"{path}.TableData", notes, declared)
        return split(table, path, items, notes, entity_attribute)
    for n, facet in enumerate(facets):
        facet["path"] = f"{path}.TableFacets[{n}]"
        data = facet.get("TableData") or []
        facet["items"] = plain_items(data, f"{facet['path']}.TableData", notes, declared)
    if shared and not any(f["items"] for f in facets):
        # Items only at the table level: give each to the facet its type value names.
        by_name = {f["FacetName"]: f for f in facets}
        unplaced = 0
        placed: dict[str, list[int]] = {}
        for row, item in enumerate(plain_items(shared, f"{path}.TableData", notes, declared)):
            owner = next(
                (by_name[v] for v in item.values() if isinstance(v, str) and v in by_name), None
            )
            if owner is None:
                unplaced += 1
            else:
                owner["items"].append(item)
                placed.setdefault(owner["FacetName"], []).append(row)
        for name, numbers in placed.items():
            by_name[name]["items_path"] = rows(f"{path}.TableData", numbers, len(shared))
        if unplaced:
            notes.append(
                (f"{path}.TableData", f"{unplaced} items name no facet; they are left out")
            )
    return facets


def type_attribute(
    facets: list[dict[str, Any]],
    reserved: set[str],
    order: list[str],
    named: str | None = None,
) -> str | None:
    """The attribute that tells facets apart: one value per facet, a different one each (or
    the facet's own name when only one facet has items).

    :param named: the attribute the caller names (``--entity-attribute``): it, when the
        facets' items carry it (``''``: none). Facets split from a table carry their own.
    :raises ModelError: when some facet's items do not carry ``named``.
    """
    with_items = [f for f in facets if f["items"]]
    if any("type_attribute" in f for f in facets):
        return None  # a table split into entities: each knows its own (split.py)
    if named == "":
        return None  # asked for none
    if named is not None:
        lacking = [f["FacetName"] for f in with_items if any(named not in i for i in f["items"])]
        if lacking:
            raise ModelError(
                f"entity attribute {named!r}: the items of facets {lacking} do not all carry "
                "it; leave it out to use the facets as they are"
            )
        return named
    if not with_items:
        return None
    common = set.intersection(*(set(i) for f in with_items for i in f["items"])) - reserved
    for name in [n for n in order if n in common] + sorted(common - set(order)):
        values = []
        for facet in with_items:
            seen = {item[name] for item in facet["items"] if isinstance(item[name], str)}
            if len(seen) != 1 or any(not isinstance(item[name], str) for item in facet["items"]):
                break
            values.append(seen.pop())
        else:
            if len(with_items) > 1 and len(set(values)) == len(values):
                return name
            if len(with_items) == 1 and values[0].lower() == with_items[0]["FacetName"].lower():
                return name
    return None
