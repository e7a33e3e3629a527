"""A single-table model: the table, its entities and access patterns, checked as one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ModelError
from .entities import Entity
from .patterns import AccessPattern
from .table import TableSpec


class Model:
    """The whole single-table design; raises :class:`ModelError` when defined wrongly.

    Checks: every entity's key templates fill exactly the table's key attributes; no two
    entities share a partition-key prefix (items could not be told apart); every GSI key is
    carried by some entity; every pattern names a known entity and index; names are unique.
    """

    def __init__(
        self,
        table: TableSpec,
        entities: Iterable[Entity],
        patterns: Iterable[AccessPattern] = (),
    ) -> None:
        self.table = table
        self.entities = tuple(entities)
        self.patterns = tuple(patterns)
        problems = self._problems()
        if problems:
            raise ModelError(f"model for table {table.name!r}: " + "; ".join(problems))

    def _problems(self) -> list[str]:
        problems: list[str] = []
        names = [e.name for e in self.entities]
        problems += [
            f"two entities are named {n!r}" for n in sorted(set(names)) if names.count(n) > 1
        ]
        for entity in self.entities:
            if tuple(entity.keys) != self.table.key_names:
                problems.append(
                    f"entity {entity.name!r} has key templates for {list(entity.keys)}, but the "
                    f"table's keys are {list(self.table.key_names)}"
                )
        seen: dict[str, str] = {}
        for entity in self.entities:
            prefix = entity.prefix
            for other_prefix, other in seen.items():
                if prefix.startswith(other_prefix) or other_prefix.startswith(prefix):
                    problems.append(
                        f"entities {other!r} and {entity.name!r} have overlapping partition-key "
                        f"prefixes {other_prefix!r} and {prefix!r}, so their items cannot be "
                        "told apart"
                    )
            seen[prefix] = entity.name
        for index in self.table.indexes:
            for key in index.key_names:
                carriers = [e.name for e in self.entities if key in e.attributes or key in e.keys]
                if not carriers:
                    problems.append(
                        f"GSI {index.name!r} key {key!r} is carried by no entity, so the index "
                        "would stay empty"
                    )
        letters = [p.letter for p in self.patterns]
        pnames = [p.name for p in self.patterns]
        for label, values in (("letter", letters), ("name", pnames)):
            problems += [
                f"two access patterns have the {label} {v!r}"
                for v in sorted(set(values))
                if values.count(v) > 1
            ]
        index_names = [i.name for i in self.table.indexes]
        for pattern in self.patterns:
            if pattern.entity not in names:
                problems.append(
                    f"access pattern {pattern.name!r} names entity {pattern.entity!r}; "
                    f"known: {names}"
                )
            if pattern.index is not None and pattern.index not in index_names:
                problems.append(
                    f"access pattern {pattern.name!r} uses index {pattern.index!r}; "
                    f"known: {index_names}"
                )
        return problems

    def entity(self, name: str) -> Entity:
        """The entity called ``name``.

        :raises ModelError: naming it and the known entities.
        """
        for entity in self.entities:
            if entity.name == name:
                return entity
        raise ModelError(f"no entity {name!r}; known: {[e.name for e in self.entities]}")

    def pattern(self, name_or_letter: str) -> AccessPattern:
        """The access pattern with this letter (``A``) or name (``list-messages``).

        :raises ModelError: naming it and the known patterns.
        """
        for pattern in self.patterns:
            if name_or_letter in (pattern.letter, pattern.name):
                return pattern
        known = [f"{p.letter} {p.name}" for p in self.patterns]
        raise ModelError(f"no access pattern {name_or_letter!r}; known: {known}")

    def entity_for(self, item: Mapping[str, Any]) -> Entity | None:
        """The entity whose key templates ``item`` fits, or None."""
        for entity in self.entities:
            if entity.matches(item):
                return entity
        return None

    def entity_rows(self) -> list[dict[str, Any]]:
        """The entity chart, one row per entity (and per GSI key it carries)."""
        rows = []
        for entity in self.entities:
            row: dict[str, Any] = {"entity": entity.name}
            for attr, tpl in entity.keys.items():
                row[attr] = tpl.template
            for index in self.table.indexes:
                in_index = index.hash_key in entity.keys or index.hash_key in entity.attributes
                for key in index.key_names:
                    label = f"{index.name}.{key}"
                    if not in_index:
                        row[label] = "(not in index)"
                    elif key in entity.keys:
                        row[label] = entity.keys[key].template
                    else:
                        row[label] = "{" + key + "}"
            row["attributes"] = ", ".join(entity.attributes)
            row["description"] = entity.description
            rows.append(row)
        return rows

    def pattern_rows(self) -> list[dict[str, Any]]:
        """The access-pattern chart, one row per pattern."""
        return [
            {
                "pattern": p.letter,
                "name": p.name,
                "description": p.description,
                "operations": " + ".join(p.operations),
                "index": p.index or "(table)",
                "key condition": p.key_condition,
                "entity": p.entity,
                "order": p.order,
                "limit": p.limit,
                "command": p.command,
            }
            for p in self.patterns
        ]
