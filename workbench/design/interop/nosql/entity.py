"""One facet of a NoSQL Workbench table as an entity of our model document.

Its key templates come from the facet's key aliases (when an alias is a template, as our
exporter writes them) or are inferred from its sample items (:mod:`.templates`, fields named
by :mod:`.naming`); its other attributes and its items become the entity's attributes
and samples. What had to be guessed is added to the notes, each with the JSON path it is
about and how to overrule it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ....model.items import jsonable
from ....model.overlap import templates_overlap
from ....model.problems import Problem
from .apart import carry_index_keys, tell_apart
from .extension import KEY
from .facets import value_type
from .links import link
from .naming import FieldNamer
from .paths import items_path, member
from .split import merged
from .templates import Inferred, identifier, prefix_of, shape, template_fields


class FacetEntity:
    """Turns one facet and its items into an entity of our model document.

    :param facet: the facet, its ``items`` and JSON ``path`` added (:func:`.facets.facets`).
    :param table: the table the facet is of (its key attributes and indexes).
    :param type_attr: the attribute that names each item's entity, if the table has one (a
        facet's own ``type_attribute`` entry, from splitting a table, wins).
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
        self.name = str(facet["FacetName"])
        self.items_path = items_path(facet)
        type_attr = facet.get("type_attribute", type_attr)
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
        self._key_values: dict[str, list[Any]] = {}  # key field -> its value in each item
        self.inferred: set[str] = set()  # the key attributes whose templates were inferred
        # Table keys with no items and no template alias: their template and note were
        # assumed (:mod:`.apart` may give them a prefix to tell facets apart).
        self.assumed: dict[str, Problem] = {}
        self.listed = list(listed)
        columns = {
            a: [str(jsonable(item[a])) for item in self.items]
            for a in self.stored
            if self.items and all(a in item for item in self.items)
        }
        self.namer = FieldNamer(columns, set(self.table_keys) | set(self.index_keys))

    def _where(self, attr: str) -> str:
        return member(self.items_path, attr)

    def _infer(self, attr: str, values: list[Any], alias: str | None, role: str) -> Inferred:
        """The inferred template of key ``attr`` (``values`` not empty), notes added."""
        found = shape(values, self.namer.known)
        assert found is not None
        names, passed = self.namer.names(attr, found, alias, role)
        for message in passed:
            self.notes.append((self._where(attr), f"{message} ({self._edit(attr)})"))
        return found.inferred(names)

    def _alias_path(self, role: str, alias: str | None) -> str:
        """The JSON path of the facet's alias for ``role``; of the table's key when the facet
        has none (a table without facets): what a note on a key without items is about."""
        if alias:
            return member(member(self.path, "KeyAttributeAlias"), role)
        table_path = self.path.split(".", 1)[0]
        return member(f"{table_path}.KeyAttributes", role.removesuffix("Alias"))

    def _edit(self, attr: str) -> str:
        return f"edit entities.{self.name}.keys.{attr} in the YAML the import writes"

    def _key(self, attr: str, alias: str | None, role: str, values: list[Any]) -> Inferred:
        """The template of table key ``attr``: the alias when it is one, else inferred."""
        if alias:
            explicit = template_fields(alias, values)
            if explicit is not None:
                return explicit
        if not values:
            name = identifier(alias or attr).lower() if (alias or attr) else "value"
            note = (
                self._alias_path(role, alias),
                f"no sample items: template '{{{name}}}' assumed ({self._edit(attr)})",
            )
            self.notes.append(note)
            self.assumed[attr] = note
            return Inferred("{" + name + "}", {name: []}, prefixed=False)
        where = self._where(attr)
        inferred = self._infer(attr, values, alias, role)
        self.inferred.add(attr)
        if not inferred.prefixed and self.types.get(attr, "S") == "S":
            self.notes.append((where, self._no_prefix(attr, values, inferred.template)))
        return inferred

    def _no_prefix(self, attr: str, values: list[Any], template: str) -> str:
        """What the values show, when the template has no literal prefix (only what is true)."""
        prefixes = list(dict.fromkeys(prefix_of(v) for v in values))
        found = [p for p in prefixes if p is not None]
        if len(found) > 1 or (found and None in prefixes):
            shown = ", ".join(repr(p) for p in found[:5])
            some = (
                "start with different prefixes"
                if None not in prefixes
                else "do not all start with a prefix"
            )
            told = f"the values {some} ({shown}{', ...' if len(found) > 5 else ''})"
            return (
                f"{told}, so no one prefix fits them: template {template!r} assumed; if they "
                f"are items of different entities, give each a facet or split the table with "
                f"--entity-attribute NAME, or {self._edit(attr)}"
            )
        return (
            f"the values show no prefix: template {template!r} assumed; if they have a fixed "
            f"part, {self._edit(attr)}"
        )

    def entity(self) -> tuple[str, dict[str, Any]]:
        """``(name, entity document)``."""
        aliases = self.facet.get("KeyAttributeAlias") or {}
        keys: dict[str, str] = {}
        key_fields: dict[str, str] = {}
        roles = ("PartitionKeyAlias", "SortKeyAlias")
        for attr, role in zip(self.table_keys, roles, strict=False):
            values = [item[attr] for item in self.items]
            inferred = self._key(attr, aliases.get(role), role, values)
            keys[attr] = inferred.template
            self._add_fields(inferred, attr, key_fields)
        plain: list[str] = []
        for attr in self.index_keys:
            having = [item[attr] for item in self.items if attr in item]
            if not having and not self.items and attr in self.listed:
                # The facet lists the index key, and no item shows how it is written.
                self.notes.append(
                    (
                        member(self.path, "NonKeyAttributes"),
                        f"no sample items: index key {attr!r}, which the facet lists, is kept "
                        "as a plain attribute (any value); to write it from a template, add it "
                        f"under entities.{self.name}.keys in the YAML the import writes",
                    )
                )
                plain.append(attr)
                continue
            if not having:
                continue
            if len(having) < len(self.items):
                self.notes.append(
                    (
                        self._where(attr),
                        f"only {len(having)} of {len(self.items)} items carry this index key: "
                        "kept as a plain attribute, as the items hold it; to write it on "
                        f"every item from a template, add it under entities.{self.name}.keys "
                        "in the YAML the import writes",
                    )
                )
                plain.append(attr)
                continue
            found = shape(having, self.namer.known)
            assert found is not None
            names, passed = self.namer.names(attr, found)
            inferred = found.inferred(names)
            single = inferred.single_field
            if single and not (single in self.namer.fields or single in self.namer.stored):
                plain.append(attr)  # a GSI key that is a stored value (like Cruddur's)
                continue
            for message in passed:
                self.notes.append((self._where(attr), f"{message} ({self._edit(attr)})"))
            keys[attr] = inferred.template
            self.inferred.add(attr)
            self._add_fields(inferred, attr, key_fields)
        attributes: dict[str, Any] = {}
        for name, kind in key_fields.items():
            attributes[name] = {"type": kind, "stored": False}
        for name in [*plain, *self.stored]:
            attributes[name] = {"type": self._type(name)}
        entity: dict[str, Any] = {"keys": keys, "attributes": attributes}
        if self.type_attr and self.items and self.type_attr in self.items[0]:
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
        self._note_made_up(key_fields)
        return self.name, entity

    def _note_made_up(self, key_fields: Mapping[str, str]) -> None:
        """One note naming the key fields whose names no attribute or alias gave."""
        made = [(n, s) for n, s in self.namer.made_up.items() if n in key_fields]
        if not made:
            return
        listed = ", ".join(f"{name} (after {source})" for name, source in made)
        self.notes.append(
            (
                self.items_path,
                f"key fields named by the importer (no attribute or alias of {self.name} "
                f"names them): {listed}; rename them in entities.{self.name} (keys, "
                "attributes and samples) of the YAML the import writes",
            )
        )

    def _add_fields(self, inferred: Inferred, attr: str, key_fields: dict[str, str]) -> None:
        whole = inferred.single_field is not None
        self.namer.commit(inferred.template, inferred.fields)
        for name, values in inferred.fields.items():
            if name in self.stored:
                continue
            key_fields.setdefault(name, self.types.get(attr, "S") if whole else "S")
            self._key_values.setdefault(name, [jsonable(v) for v in values])

    def _type(self, name: str) -> str:
        if name in self.types:
            return self.types[name]
        values = [item[name] for item in self.items if name in item]
        return value_type(values[0]) if values else "S"


def _told_apart(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """True if no item fits both entity documents (as the model's own check decides)."""
    a, b = first.get("type_attribute"), second.get("type_attribute")
    if a and b and a["name"] == b["name"] and a["value"] != b["value"]:
        return True
    return any(
        not templates_overlap(template, second["keys"][attr])
        for attr, template in first["keys"].items()
        if attr in second["keys"]
    )


def facet_entities(
    facets: list[dict[str, Any]],
    table: Mapping[str, Any],
    type_attr: str | None,
    types: Mapping[str, str],
    notes: list[Problem],
) -> dict[str, dict[str, Any]]:
    """Every facet's entity document, by name, with ``ref`` hints between them
    (:mod:`.links`) unless the file is our own export.

    Entities split from a table by key prefixes (:mod:`.split`) that their keys cannot
    tell apart (a sort key with no prefix fits another's ``ORDER#...``) are one entity again.
    Facets without items that nothing tells apart get a prefix each, and index keys no
    entity carries go to the entities without items (:mod:`.apart`), each guess noted.
    """
    start = len(notes)
    made = [FacetEntity(facet, table, type_attr, types, notes) for facet in facets]
    entities = dict(maker.entity() for maker in made)
    by_prefix = [f for f in facets if (f.get("split") or ("",))[0] == "prefix"]
    docs = list(entities.values())
    if by_prefix and any(not _told_apart(a, b) for n, a in enumerate(docs) for b in docs[n + 1 :]):
        kept = [f for f in facets if f not in by_prefix]
        one = merged(by_prefix, table)
        del notes[start:]
        if by_prefix[0].get("split_note") in notes:
            notes.remove(by_prefix[0]["split_note"])
        notes.append(
            (
                f"{one['path']}[*]",
                "the key prefixes split the items into entities their keys cannot tell "
                f"apart: they are one entity, {one['FacetName']}, instead",
            )
        )
        return facet_entities([*kept, one], table, type_attr, types, notes)
    # Facets without items that nothing tells apart, and index keys no facet lists: named
    # guesses (apart.py), so that every file imports.
    tell_apart(entities, facets, {m.name: m.assumed for m in made}, table, notes)
    carry_index_keys(entities, facets, table, str(facets[0]["path"]).split(".")[0], notes)
    if KEY not in table:
        keys = table["KeyAttributes"]
        table_keys = [keys[r]["AttributeName"] for r in ("PartitionKey", "SortKey") if r in keys]
        link(entities, table_keys, {maker.name: maker.inferred for maker in made})
    return entities
