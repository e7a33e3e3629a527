"""A single-table model: the table, its entities and access patterns, checked as one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from ..errors import ModelError
from .checks import entity_problems, pattern_problems
from .entities import Entity
from .patterns import AccessPattern
from .problems import ModelProblems, Problem
from .requests import Request
from .table import TableSpec


class Model:
    """The whole single-table design; raises :class:`ModelError` when defined wrongly.

    Checks (every problem at once, each with its path, see :mod:`workbench.model.checks`):
    every entity's key templates fill exactly the table's key attributes; no two entities
    whose whole keys (or type attribute) cannot tell their items apart; every index key is
    carried by some entity; every pattern names known entities and indexes, and its key
    condition is one its index can serve. Patterns that need a Scan, or read much that they
    do not return, are kept in :attr:`warnings`.

    :param table: the table.
    :param entities: its entities.
    :param patterns: its access patterns; those without a ``build`` function are built by
        the generic :class:`~workbench.model.builder.RequestBuilder`.
    :param description: one paragraph about the design.
    :raises ModelError: a :class:`~workbench.model.problems.ModelProblems` listing each
        ``(path, message)``.
    """

    def __init__(
        self,
        table: TableSpec,
        entities: Iterable[Entity],
        patterns: Iterable[AccessPattern] = (),
        *,
        description: str = "",
    ) -> None:
        from .builder import RequestBuilder

        self.table = table
        self.entities = tuple(entities)
        self.patterns = tuple(patterns)
        self.description = description
        problems, self.warnings = self._check()
        if problems:
            raise ModelProblems(f"model for table {table.name!r}", problems)
        self.builder = RequestBuilder(self)
        self.patterns = tuple(
            p if p.build is not None else replace(p, build=partial(self._build, p.name))
            for p in self.patterns
        )

    def _build(self, name: str, table_name: str, **params: Any) -> Request:
        return self.builder.build(name, table_name, **params)

    def _check(self) -> tuple[list[Problem], list[Problem]]:
        problems = entity_problems(self)
        found, warnings = pattern_problems(self)
        return problems + found, warnings

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        # The description is prose: two models are equal when they build the same things.
        return (self.table, self.entities, self.patterns) == (
            other.table,
            other.entities,
            other.patterns,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, compared by value

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
                keys = entity.all_keys
                in_index = index.hash_key in keys or index.hash_key in entity.attributes
                for key in index.key_names:
                    label = f"{index.name}.{key}"
                    if not in_index:
                        row[label] = "(not in index)"
                    elif key in keys:
                        row[label] = keys[key].template
                    else:
                        row[label] = "{" + key + "}"
            row["attributes"] = ", ".join(entity.attributes)
            row["description"] = entity.description
            rows.append(row)
        return rows

    def pattern_rows(self) -> list[dict[str, Any]]:
        """The access-pattern chart, one row per pattern.

        A pattern another one ``follows`` is a step of that one: it is charted in its row,
        its operation added to the operations (Cruddur's E: ``Query + TransactWriteItems``).
        """
        by_name = {p.name: p for p in self.patterns}
        followed = {f.pattern for p in self.patterns for f in p.follows}
        return [
            {
                "pattern": p.letter,
                "name": p.name,
                "description": p.description,
                "operations": " + ".join(
                    [*p.operations, *(by_name[f.pattern].operation for f in p.follows)]
                ),
                "index": p.index or "(table)",
                "key condition": p.key_condition,
                "entity": p.entity,
                "order": p.order,
                "limit": p.limit,
                "command": p.command,
            }
            for p in self.patterns
            if p.name not in followed
        ]
