"""One facet of a NoSQL Workbench table as an entity of our model document.

Its key templates come from the facet's key aliases (when an alias is a template, as our
exporter writes them) or are inferred from its sample items (:mod:`.templates`); its other
attributes and its items become the entity's attributes and samples. What had to be guessed
is added to the notes, each with the JSON path it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...model.items import jsonable
from ...model.problems import Problem
from .nosql_facets import value_type
from .templates import Inferred, identifier, infer, template_fields


class FacetEntity:
    """Turns one facet and its items into an entity of our model document.

    :param facet: the facet, its ``items`` and JSON ``path`` added (:func:`.nosql_facets.facets`).
    :param table: the table the facet is of (its key attributes and indexes).
    :param type_attr: the attribute that names each item's entity, if the table has one.
    :param types: DynamoDB types of the attributes the table declares.
    :param notes: where ``(JSON path, message)`` notes of what was guessed are added.
    """

    def __init__(
        self,
        facet: Mapping[str, Any],
        table: Mapping[str, Any],
        type_attr: str | None,
        types: Mapping[str, str],
        notes: list[Problem],
    ) -> None:
        self.facet, self.items, self.path = facet, facet["items"], facet["path"]
        self.types, self.notes, self.type_attr = types, notes, type_attr
        keys = table["KeyAttributes"]
        self.table_keys = [keys["PartitionKey"]["AttributeName"]]
        if "SortKey" in keys:
            self.table_keys.append(keys["SortKey"]["AttributeName"])
        self.index_keys: list[str] = []
        for index in table.get("GlobalSecondaryIndexes") or []:
            for role in ("PartitionKey", "SortKey"):
                name = (index["KeyAttributes"].get(role) or {}).get("AttributeName")
                if name and name not in self.table_keys and name not in self.index_keys:
                    self.index_keys.append(name)
        listed = facet.get("NonKeyAttributes")
        if listed is None:  # no list: every attribute its items carry
            listed = list(dict.fromkeys(a for item in self.items for a in item))
        reserved = set(self.table_keys) | set(self.index_keys) | {type_attr}
        self.stored = [a for a in listed if a not in reserved]
        self.fields: dict[str, list[str]] = {}  # field -> values, for naming by reuse
        self._key_values: dict[str, list[Any]] = {}  # key field -> its value in each item
        self.columns = {
            a: [str(jsonable(item[a])) for item in self.items]
            for a in self.stored
            if self.items and all(a in item for item in self.items)
        }

    def _known(self, column: list[str]) -> bool:
        return column in self.columns.values() or column in self.fields.values()

    def _namer(self, attr: str, alias: str | None) -> Any:
        taken = set(self.table_keys) | set(self.index_keys) | set(self.stored) | set(self.fields)
        state = {"alias": alias}

        def namer(values: list[str], literal: str) -> str:
            for name, column in {**self.columns, **self.fields}.items():
                if column == values:
                    return name
            candidates = []
            if state["alias"] and identifier(state["alias"]).lower() != identifier(attr).lower():
                candidates.append(identifier(state["alias"]))
            state["alias"] = None
            if literal:
                candidates.append(identifier(literal.split("#")[-1]).lower() + "_id")
            candidates.append(identifier(attr).lower() + "_value")
            for name in candidates:
                if name not in taken:
                    taken.add(name)
                    return name
            name = candidates[-1]
            while name in taken:
                name += "_"
            taken.add(name)
            return name

        return namer

    def _key(self, attr: str, alias: str | None, values: list[Any]) -> Inferred:
        """The template of table key ``attr``: the alias when it is one, else inferred."""
        if alias:
            explicit = template_fields(alias, values)
            if explicit is not None:
                return explicit
        inferred = infer(values, self._namer(attr, alias), self._known)
        where = f"{self.path}.TableData[*].{attr}"
        if inferred is None:
            name = identifier(alias or attr).lower() if (alias or attr) else "value"
            self.notes.append((where, f"no sample items: template '{{{name}}}' assumed; check it"))
            return Inferred("{" + name + "}", {name: []}, prefixed=False)
        if not inferred.prefixed and self.types.get(attr, "S") == "S":
            self.notes.append(
                (
                    where,
                    f"the values show no prefix: template {inferred.template!r} assumed; check it",
                )
            )
        return inferred

    def entity(self) -> tuple[str, dict[str, Any]]:
        """``(name, entity document)``."""
        aliases = self.facet.get("KeyAttributeAlias") or {}
        keys: dict[str, str] = {}
        key_fields: dict[str, str] = {}
        roles = ("PartitionKeyAlias", "SortKeyAlias")
        for attr, role in zip(self.table_keys, roles, strict=False):
            inferred = self._key(attr, aliases.get(role), [item[attr] for item in self.items])
            keys[attr] = inferred.template
            self._add_fields(inferred, attr, key_fields)
        plain: list[str] = []
        for attr in self.index_keys:
            having = [item[attr] for item in self.items if attr in item]
            if not having:
                continue
            if len(having) < len(self.items):
                self.notes.append(
                    (
                        f"{self.path}.TableData[*].{attr}",
                        "only some items carry this index key; kept as a plain attribute",
                    )
                )
                plain.append(attr)
                continue
            inferred = infer(having, self._namer(attr, None), self._known)
            single = inferred.single_field if inferred else None
            known = single in self.fields or single in self.columns
            if inferred is None or (single and not known):
                plain.append(attr)  # a GSI key that is a stored value (like Cruddur's)
                continue
            keys[attr] = inferred.template
            self._add_fields(inferred, attr, key_fields)
        attributes: dict[str, Any] = {}
        for name, kind in key_fields.items():
            attributes[name] = {"type": kind, "stored": False}
        for name in [*plain, *self.stored]:
            attributes[name] = {"type": self._type(name)}
        entity: dict[str, Any] = {"keys": keys, "attributes": attributes}
        if self.type_attr:
            entity["type_attribute"] = {
                "name": self.type_attr,
                "value": self.items[0][self.type_attr],
            }
        samples = []
        for row, item in enumerate(self.items):
            sample = {name: values[row] for name, values in self._key_values.items()}
            sample.update({a: jsonable(item[a]) for a in [*plain, *self.stored] if a in item})
            samples.append(sample)
        if samples:
            entity["samples"] = samples
        return self.facet["FacetName"], entity

    def _add_fields(self, inferred: Inferred, attr: str, key_fields: dict[str, str]) -> None:
        whole = inferred.single_field is not None
        for name, values in inferred.fields.items():
            self.fields.setdefault(name, [str(v) for v in values])
            if name in self.stored:
                continue
            key_fields.setdefault(name, self.types.get(attr, "S") if whole else "S")
            self._key_values.setdefault(name, [jsonable(v) for v in values])

    def _type(self, name: str) -> str:
        if name in self.types:
            return self.types[name]
        values = [item[name] for item in self.items if name in item]
        return value_type(values[0]) if values else "S"
