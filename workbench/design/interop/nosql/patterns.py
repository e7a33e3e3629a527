"""Starter access patterns for an imported NoSQL Workbench model, whose files carry none.

The patterns a modeller would write first, on the table and on every index:

- a GetItem for each singleton: an entity whose partition key names one item (its sort-key
  template uses no field its partition key lacks: ``c#{id}``/``c#{id}``, or ``PROFILE``);
- a Query for each other entity, narrowed by the literal prefix of its sort-key template;
- a Query for each item collection: the entities that share a partition-key template, read
  together with no sort-key condition (an order with its items, shipments and invoices).

A key attribute of any name DynamoDB allows (``GSI1-PK``, ``order.status``) works: the
built request names it through a ``#placeholder`` (:class:`~workbench.model.expressions.Names`),
and a pattern's parameter for a key held as a plain attribute is the attribute's name made an
identifier (``{order_status}``). Each pattern's ``returns`` is what its key condition can
read (the same reading as the model's checks, so no pattern gets a warning), and its
``example`` names a partition holding those entities (:mod:`.examples`).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ....model.expressions import template_fields
from ....model.overlap import prefix_overlap, templates_overlap
from ....model.problems import Problem
from .examples import ItemPool, Reach, example, item_pool, link_collections
from .templates import identifier


@dataclass(frozen=True)
class _Index:
    name: str  # "" for the table
    partition: str
    sort: str | None

    def on(self, text: str = "-on-") -> str:
        return f"{text}{self.name}" if self.name else ""


def _indexes(table: Mapping[str, Any]) -> list[_Index]:
    out = [_Index("", table["partition_key"]["name"], (table.get("sort_key") or {}).get("name"))]
    for gsi in table.get("global_indexes") or []:
        sort = (gsi.get("sort_key") or {}).get("name")
        out.append(_Index(gsi["name"], gsi["partition_key"]["name"], sort))
    return out


def _literal_prefix(template: str) -> str:
    """The text before a template's first ``{field}``."""
    return template.split("{", 1)[0]


def _template(entity: Mapping[str, Any], attr: str | None) -> str | None:
    """The template ``entity`` writes ``attr`` with: its key template, ``{attr}`` for a key
    held as a plain stored attribute, None when it does not carry it (as the model's checks
    read it, :func:`workbench.model.checks._template_for`)."""
    if attr is None:
        return None
    keys = entity.get("keys") or {}
    if attr in keys:
        return keys[attr]
    spec = (entity.get("attributes") or {}).get(attr)
    if spec is None or (isinstance(spec, Mapping) and not spec.get("stored", True)):
        return None  # a field that lives inside a key is not on the item
    return "{" + attr + "}"


def _blank(template: str) -> str:
    """A template with its field names blanked: ``o#{OrderId}`` and ``o#{o_id}`` send the
    same request."""
    out = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            out.append("{}")
    return "".join(out)


class StarterPatterns:
    """The starter patterns of one imported table.

    :param table: our table document (keys and global indexes).
    :param entities: entity name to our entity document (``keys``, ``attributes``,
        ``samples``), as :func:`~.importer.to_document` makes them. When no entity
        has samples, members of an item collection get ``generate: {ref: ...}`` hints added
        (:func:`.examples.link_collections`).
    """

    def __init__(self, table: Mapping[str, Any], entities: Mapping[str, Mapping[str, Any]]) -> None:
        self.table, self.entities = table, entities
        self.patterns: list[dict[str, Any]] = []
        self.skipped: list[str] = []  # indexes no entity carries
        self.links: list[str] = []  # the ref hints added, in words
        self.pool = ItemPool()
        self._names: set[str] = set()
        self._conditions: set[tuple[str, str, str]] = set()
        self._reaches: list[tuple[Reach, list[str]]] = []
        self._collections_of_table: list[tuple[str, dict[str, str]]] = []

    def make(self) -> list[dict[str, Any]]:
        """Every starter pattern, the table's first, then each index's; then their examples."""
        for index in _indexes(self.table):
            carried = {
                name: pk
                for name, entity in self.entities.items()
                if (pk := _template(entity, index.partition)) is not None
                and (index.sort is None or _template(entity, index.sort) is not None)
            }
            if not carried:
                self.skipped.append(index.name or "the table")
                continue
            for name, pk in carried.items():
                if not index.name and self._singleton(name, index):
                    self._get(name, index)
                else:
                    self._query(name, pk, index)
            self._collections(carried, index)
        if not any(entity.get("samples") for entity in self.entities.values()):
            self.links = link_collections(self.entities, self._collections_of_table)
        self.pool = item_pool({"format": 1, "table": self.table, "entities": self.entities})
        for pattern, (reach, leads) in zip(self.patterns, self._reaches, strict=True):
            found = example(self.pool, pattern["partition_key"], reach, leads, pattern["returns"])
            if found is not None:
                pattern["example"] = found
        return self.patterns

    # -- kinds of pattern ------------------------------------------------------------------

    def _singleton(self, name: str, index: _Index) -> bool:
        """True if the entity's partition key names one item: its sort-key template uses no
        field its partition-key template lacks (or the table has no sort key)."""
        if index.sort is None:
            return True
        keys = self.entities[name].get("keys") or {}
        pk, sk = keys.get(index.partition), keys.get(index.sort)
        return (
            pk is not None
            and sk is not None
            and set(template_fields(sk)) <= set(template_fields(pk))
        )

    def _get(self, name: str, index: _Index) -> None:
        keys = self.entities[name]["keys"]
        pattern: dict[str, Any] = {
            "description": f"Starter: one {name} by its key (made on import).",
            "operation": "GetItem",
            "partition_key": keys[index.partition],
            "returns": [name],
        }
        if index.sort is not None:
            pattern["sort_key"] = {"op": "=", "value": keys[index.sort]}
        self._add(f"get-{name}", pattern, index, Reach(index.partition), [name])

    def _query(self, name: str, pk: str, index: _Index) -> None:
        sk = _template(self.entities[name], index.sort)
        prefix = _literal_prefix(sk) if sk else ""
        returns = self._readable(index, pk, prefix)
        if not prefix and len(returns) > 1:
            return  # the whole item collection: its own pattern (_collections) reads it
        pattern: dict[str, Any] = {
            "description": f"Starter: {name} items by {index.partition}{index.on(' on ')} "
            "(made on import).",
            "operation": "Query",
            "partition_key": _parameter_template(pk),
            "returns": returns,
        }
        if prefix:
            pattern["sort_key"] = {"op": "begins_with", "value": prefix}
        reach = Reach(index.partition, index.sort, prefix)
        self._add(f"{name}-by-{index.partition}{index.on()}", pattern, index, reach, [name])

    def _collections(self, carried: Mapping[str, str], index: _Index) -> None:
        """One Query per item collection: entities read together by one partition key."""
        if not index.name and index.sort is None:
            return  # a table without a sort key holds one item per partition
        seen: list[list[str]] = []
        for pk in carried.values():
            members = self._readable(index, pk, "")
            if len(members) < 2 or members in seen:
                continue
            seen.append(members)
            # The entity the collection is about: the one whose key is the partition's own
            # (the order among its items), else the first.
            lead = next((m for m in members if self._singleton(m, index)), members[0])
            if not index.name:
                self._collections_of_table.append((lead, {m: carried[m] for m in members}))
            others = _words([m for m in members if m != lead])
            pattern: dict[str, Any] = {
                "description": f"Starter: a {lead} with its {others} items, one Query on "
                f"their item collection by {index.partition}{index.on(' on ')} "
                "(made on import).",
                "operation": "Query",
                "partition_key": _parameter_template(carried[lead]),
                "returns": members,
            }
            name = f"{lead}-collection-by-{index.partition}{index.on()}"
            self._add(name, pattern, index, Reach(index.partition, index.sort), members)

    # -- helpers ---------------------------------------------------------------------------

    def _readable(self, index: _Index, pk: str, prefix: str) -> list[str]:
        """The entities a Query of ``pk`` (and ``begins_with(prefix)``) reads: what the
        model's checks compute (:func:`workbench.model.checks._readable`), so ``returns``
        is exactly what the key condition can read."""
        out = []
        for name, entity in self.entities.items():
            template = _template(entity, index.partition)
            if template is None or not templates_overlap(template, pk):
                continue
            sk = _template(entity, index.sort)
            if index.sort is not None and sk is None:
                continue  # not in a sparse index
            if prefix and sk is not None and not prefix_overlap(sk, prefix):
                continue
            out.append(name)
        return out

    def _add(
        self, name: str, pattern: dict[str, Any], index: _Index, reach: Reach, leads: list[str]
    ) -> None:
        condition = (index.name, _blank(pattern["partition_key"]), repr(pattern.get("sort_key")))
        if condition in self._conditions:
            return  # another entity's pattern sends the same request
        self._conditions.add(condition)
        unique, n = name, 2
        while unique in self._names:
            unique, n = f"{name}-{n}", n + 1
        self._names.add(unique)
        out: dict[str, Any] = {"name": unique, **pattern}
        if index.name:
            out["index"] = index.name
        self.patterns.append(out)
        self._reaches.append((reach, leads))


def _parameter_template(template: str) -> str:
    """A key held as a plain attribute (``{order.status}``) as a pattern's parameter: the
    attribute's name made an identifier (``{order_status}``); a key template as it is."""
    fields = template_fields(template)
    if len(fields) == 1 and template == "{" + fields[0] + "}":
        return "{" + identifier(fields[0]) + "}"
    return template


def _words(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]]))


def starter_patterns(
    table: Mapping[str, Any],
    entities: Mapping[str, Mapping[str, Any]],
    path: str = "DataModel[0]",
    notes: list[Problem] | None = None,
) -> list[dict[str, Any]]:
    """Starter access patterns for an imported model, which NoSQL Workbench files lack (see
    the module's docstring); each with an example, so ``workbench model run`` runs them all.

    :param path: the table's JSON path, for the notes.
    :param notes: where ``(JSON path, message)`` notes are added: how many patterns were
        made, an index no entity carries, examples that rest on generated data.
    """
    starters = StarterPatterns(table, entities)
    patterns = starters.make()
    if notes is None:
        return patterns
    if patterns:
        gets = sum(p["operation"] == "GetItem" for p in patterns)
        queries = len(patterns) - gets
        get_items = f"GetItem{'s' if gets > 1 else ''}"
        if queries:
            made = f"{queries} starter {'Query' if queries == 1 else 'Queries'} made (one per "
            made += "entity and index key, one per item collection)"
            if gets:
                made += f" and {gets} {get_items} (one per singleton)"
        else:  # a table without a sort key or indexes: no "0 starter Queries"
            made = f"{gets} starter {get_items} made (one per singleton)"
        notes.append((path, f"the file has no access patterns: {made}; edit them to your own"))
    for index in starters.skipped:
        notes.append(
            (
                path,
                f"no entity carries the keys of {index}, so it gets no starter pattern: no "
                "entity's key template or attribute holds them",
            )
        )
    notes.extend((path, link) for link in starters.links)
    notes.extend(starters.pool.notes(path, list(entities)))
    return patterns
