"""Example keys for the starter patterns of an imported NoSQL Workbench model.

A starter pattern's ``example`` is what ``workbench model run`` sends when no ``--param`` is
given, so it must name a partition that holds items once ``workbench model load`` has run:
the file's own items when it has some, else the sample data that ``model load`` generates
for a file without items (:func:`~workbench.design.sampledata.sample_items`, same seed and
counts), so the two commands in a row find items either way.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ....errors import WorkbenchError
from ....model.entities import KeyTemplate
from ....model.expressions import template_fields, whole_field
from ....model.problems import Problem


@dataclass
class ItemPool:
    """The items the examples are read from, each with the name of its entity.

    :param items: ``(entity name, plain item)`` pairs, keys built from the templates.
    :param generated: the entities whose items were generated (the file gives none).
    """

    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)

    def notes(self, path: str, entities: Sequence[str]) -> list[Problem]:
        """What the examples rest on, when it is not the file's own items."""
        if not self.generated:
            return []
        if len(self.generated) == len(entities):
            return [
                (
                    path,
                    "the file has no items: the starter patterns' examples are keys of the "
                    "sample data `workbench model load` generates for it (seed 0), so load "
                    "it before `workbench model run`",
                )
            ]
        return [
            (
                path,
                f"{self.generated} have no items in the file: their starter patterns' examples "
                "are made-up keys that fit the templates, and find nothing until you add items",
            )
        ]


def item_pool(document: Mapping[str, Any]) -> ItemPool:
    """The file's items of every entity, and generated items of the entities without any.

    :param document: our model document (``table`` and ``entities``; its patterns unused).
    :returns: an empty pool when the document is not a valid model (the import names why).
    """
    from ....model.files import model_from_document
    from ...sampledata import generate

    try:
        model = model_from_document({**document, "patterns": []})
    except WorkbenchError:
        return ItemPool()
    pool = ItemPool()
    for entity in model.entities:
        for sample in entity.samples:
            try:
                pool.items.append((entity.name, entity.item(**dict(sample))))
            except WorkbenchError:  # a sample the checks refuse is named by the import
                continue
    pool.generated = [e.name for e in model.entities if not e.samples]
    if pool.generated:
        try:
            # What `model load` writes for a file without items: its defaults (seed 0, 10
            # items of each entity), the same call `sample_items` makes.
            made = generate(model)
        except WorkbenchError:
            return pool
        for item in made:
            entity = model.entity_for(item)
            if entity is not None and entity.name in pool.generated:
                pool.items.append((entity.name, item))
    return pool


def link_collections(
    entities: Mapping[str, Mapping[str, Any]],
    collections: Sequence[tuple[str, Mapping[str, str]]],
) -> list[str]:
    """Make generated items fall into item collections: each member's partition-key fields
    get ``generate: {ref: Lead.field}``, so ``workbench model load`` makes an order's items
    under orders (per parent item) instead of in partitions of their own.

    Only for a file without items (its data is generated). A field that has a ``generate``
    hint already, a member that refers to a parent already, and a lead that was linked to
    one are left alone, so the refs form no cycle.

    :param entities: entity documents; their ``attributes`` are changed in place.
    :param collections: each of the table's item collections: its lead, and each member's
        partition-key template (the lead's among them).
    :returns: each hint added, in words, for the import's notes.
    """
    said: list[str] = []
    linked: set[str] = set()
    for lead, templates in collections:
        if lead in linked:
            continue
        theirs = template_fields(templates[lead])
        for member, template in templates.items():
            attributes = entities[member].get("attributes")
            mine = template_fields(template)
            if member == lead or member in linked or not isinstance(attributes, dict):
                continue
            if len(mine) != len(theirs) or any(_refers(s) for s in attributes.values()):
                continue
            for field_name, parent_field in zip(mine, theirs, strict=True):
                spec = attributes.get(field_name)
                spec = {"type": spec} if isinstance(spec, str) else spec
                if not isinstance(spec, Mapping) or "generate" in spec:
                    continue  # undeclared (the import names it), or generated as told
                spec = {**spec}
                spec["generate"] = {"ref": f"{lead}.{parent_field}"}
                attributes[field_name] = spec
                linked.add(member)
                said.append(
                    f"the file has no items: {member}.{field_name} is generated from "
                    f"{lead}.{parent_field} (generate: {{ref: {lead}.{parent_field}}}), so "
                    f"the sample data puts {member} items in {lead} item collections; edit "
                    "the hint to change it"
                )
    return said


def _refers(spec: Any) -> bool:
    return (
        isinstance(spec, Mapping)
        and isinstance(spec.get("generate"), Mapping)
        and ("ref" in spec["generate"])
    )


@dataclass(frozen=True)
class Reach:
    """What a key condition reads, to choose an example with: the index's key attributes (an
    item without them is not in a sparse index) and the text its sort key begins with."""

    partition: str
    sort: str | None = None
    begins: str = ""


def _reads(reach: Reach, item: Mapping[str, Any]) -> bool:
    if reach.partition not in item:
        return False
    if reach.sort is None:
        return True
    if reach.sort not in item:  # not in a sparse index
        return False
    value = item[reach.sort]
    return not reach.begins or (isinstance(value, str) and value.startswith(reach.begins))


def example(
    pool: ItemPool,
    template: str,
    reach: Reach,
    leads: Sequence[str],
    returns: Sequence[str],
) -> dict[str, Any] | None:
    """The parameters of ``template`` (a pattern's partition key) that read the most of the
    entities ``returns`` names, among partitions holding an item of one of ``leads``.

    An order with its items, shipments and invoices shows an item collection better than an
    order alone; ties go to the first such item (the file's order).

    :returns: None when no item of ``leads`` is in the index (no example can be given).
    """
    found: dict[Hashable, set[str]] = {}
    values: dict[Hashable, Any] = {}
    for name, item in pool.items:
        if name in returns and _reads(reach, item):
            value = item[reach.partition]
            key = (type(value).__name__, value)
            found.setdefault(key, set()).add(name)
            values.setdefault(key, value)
    candidates = [k for k, names in found.items() if names & set(leads)]
    if not candidates:
        return None
    best = max(candidates, key=lambda k: len(found[k]))  # the first of the largest
    return parameters(template, values[best])


def parameters(template: str, value: Any) -> dict[str, Any] | None:
    """The fields of ``template`` that give key ``value`` (a whole field keeps its type)."""
    whole = whole_field(template)
    if whole is not None:
        return {whole: value}
    try:
        return KeyTemplate(template).parse(value)
    except WorkbenchError:
        return None
