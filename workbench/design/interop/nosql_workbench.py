"""Import NoSQL Workbench model JSON (format "3.0", and older "1.0" or unversioned files).

A table becomes our model's table; each facet becomes an entity with key templates read from
its key aliases (when an alias is a template, as our exporter writes them) or inferred from
its sample items (``TableData``, DynamoDB JSON); the items become the entity's samples. What
could not be inferred is said in ``model.warnings``, each with the JSON path it is about.
The reverse, :func:`~workbench.design.interop.nosql_export.to_nosql_workbench`, lives beside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...errors import ModelError
from ...model import safeload
from ...model.items import jsonable
from ...model.problems import ModelProblems, Problem
from . import nosql_checks
from .nosql_checks import is_nosql_workbench
from .nosql_facets import facets as read_facets
from .nosql_facets import type_attribute, value_type
from .templates import Inferred, identifier, infer, template_fields

__all__ = ["import_document", "import_model", "is_nosql_workbench", "read_json", "to_document"]


def read_json(path: str | Path) -> Any:
    """The parsed JSON of ``path``, within :mod:`~workbench.model.safeload`'s limits.

    :raises ModelError: naming the file, and the line and column of a syntax error (an
        :class:`~workbench.errors.InputLimitError` for a file past the limits).
    """
    source = f"model file {str(path)!r}"
    try:
        text = safeload.read_text(path, source)
    except OSError as exc:
        raise ModelError(f"cannot read model file {str(path)!r}: {exc.strerror}") from exc
    try:
        return safeload.parse_json(text, source)
    except json.JSONDecodeError as exc:
        raise ModelError(
            f"{str(path)!r} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


def _key_spec(key: Mapping[str, str]) -> dict[str, str]:
    return {"name": key["AttributeName"], "type": key["AttributeType"]}


def _table_document(table: Mapping[str, Any]) -> dict[str, Any]:
    keys = table["KeyAttributes"]
    out: dict[str, Any] = {
        "name": table["TableName"],
        "partition_key": _key_spec(keys["PartitionKey"]),
    }
    if "SortKey" in keys:
        out["sort_key"] = _key_spec(keys["SortKey"])
    if table.get("BillingMode") == "PAY_PER_REQUEST":
        out["billing"] = {"mode": "PAY_PER_REQUEST"}
    else:
        units = (table.get("ProvisionedCapacitySettings") or {}).get("ProvisionedThroughput") or {}
        out["billing"] = {
            "mode": "PROVISIONED",
            "read": units.get("ReadCapacityUnits", 5),
            "write": units.get("WriteCapacityUnits", 5),
        }
    indexes = []
    for index in table.get("GlobalSecondaryIndexes") or []:
        spec: dict[str, Any] = {
            "name": index["IndexName"],
            "partition_key": _key_spec(index["KeyAttributes"]["PartitionKey"]),
        }
        if "SortKey" in index["KeyAttributes"]:
            spec["sort_key"] = _key_spec(index["KeyAttributes"]["SortKey"])
        projection = index["Projection"]
        if projection["ProjectionType"] == "INCLUDE":
            spec["projection"] = {
                "type": "INCLUDE",
                "attributes": list(projection["NonKeyAttributes"]),
            }
        else:
            spec["projection"] = projection["ProjectionType"]
        indexes.append(spec)
    if indexes:
        out["global_indexes"] = indexes
    return out


class _Facet:
    """Turns one facet and its items into an entity of our model document."""

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


def to_document(
    document: Mapping[str, Any], table: str | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """Our model document (as YAML would hold it) for a NoSQL Workbench document.

    :param table: the table to import when the file holds several (default: the only one).
    :returns: ``(document, notes)``; notes are ``(JSON path, message)`` about what was guessed.
    :raises ModelProblems: naming the JSON path of every shape problem at once.
    :raises ModelError: for several tables and no ``table``, or an unknown one.
    """
    found = nosql_checks.problems(document)
    if found:
        raise ModelProblems("NoSQL Workbench model", found)
    tables = list(document["DataModel"])
    names = [t["TableName"] for t in tables]
    if table is None and len(tables) > 1:
        raise ModelError(f"the file holds tables {names}: choose one with table=NAME (--table)")
    if table is not None and table not in names:
        raise ModelError(f"no table {table!r} in the file; its tables: {names}")
    position = names.index(table) if table is not None else 0
    spec, path = tables[position], f"DataModel[{position}]"
    notes: list[Problem] = []
    types = {a["AttributeName"]: a["AttributeType"] for a in spec.get("NonKeyAttributes") or []}
    for role in ("PartitionKey", "SortKey"):
        if role in spec["KeyAttributes"]:
            types[spec["KeyAttributes"][role]["AttributeName"]] = spec["KeyAttributes"][role][
                "AttributeType"
            ]
    facets = read_facets(spec, path, notes)
    key_names = set(types) - {a["AttributeName"] for a in spec.get("NonKeyAttributes") or []}
    for index in spec.get("GlobalSecondaryIndexes") or []:
        key_names |= {k["AttributeName"] for k in index["KeyAttributes"].values()}
    type_attr = type_attribute(facets, key_names, list(types))
    entities = {}
    for facet in facets:
        name, entity = _Facet(facet, spec, type_attr, types, notes).entity()
        entities[name] = entity
    metadata = document.get("ModelMetadata") or {}
    out: dict[str, Any] = {"format": 1}
    if metadata.get("Description"):
        out["description"] = metadata["Description"]
    table_doc = _table_document(spec)
    patterns = starter_patterns(table_doc, entities)
    if patterns:
        notes.append(
            (
                path,
                f"the file has no access patterns: {len(patterns)} starter Queries "
                "made, one per facet and index key; edit them to your own",
            )
        )
    out.update({"table": table_doc, "entities": entities, "patterns": patterns})
    return out, notes


def _literal_prefix(template: str) -> str:
    """The text before a template's first ``{field}``."""
    return template.split("{", 1)[0]


def _index_keys(entity: Mapping[str, Any], *names: str | None) -> dict[str, Any]:
    """The entity's key templates, plus ``{attr}`` for an index keyed on a plain attribute
    (``Operator``, not ``OP#...``), which is its own value."""
    keys = dict(entity.get("keys") or {})
    attributes = entity.get("attributes") or {}
    for attr in names:
        # Only a stored attribute: a field that lives inside a key is not on the item.
        stored = attr in attributes and (attributes[attr] or {}).get("stored", True)
        if attr and attr not in keys and stored:
            keys[attr] = "{" + attr + "}" if attr.isidentifier() else None
    return keys


def starter_patterns(
    table: Mapping[str, Any], entities: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Starter access patterns for an imported model, which NoSQL Workbench files lack: for each
    entity, a Query of its item collection on the table and on each index whose partition key
    it carries, narrowed by the literal prefix of its sort-key template; each with the first
    sample's values as its example, so ``workbench model run`` runs them all at once.
    """
    indexes = [("", table["partition_key"]["name"], (table.get("sort_key") or {}).get("name"))]
    for gsi in table.get("global_indexes") or []:
        sort = (gsi.get("sort_key") or {}).get("name")
        indexes.append((gsi["name"], gsi["partition_key"]["name"], sort))
    patterns: list[dict[str, Any]] = []
    for index, pk_name, sk_name in indexes:
        keyed = {name: _index_keys(entity, pk_name, sk_name) for name, entity in entities.items()}
        for name, entity in entities.items():
            keys = keyed[name]
            if not keys.get(pk_name):
                continue
            pk, sk = keys[pk_name], keys.get(sk_name) if sk_name else None
            prefix = _literal_prefix(sk) if sk else ""
            # Every entity this key condition can read, not only this one.
            returns = [
                other
                for other, other_keys in keyed.items()
                if other_keys.get(pk_name) == pk
                and (
                    not prefix or _literal_prefix(other_keys.get(sk_name) or "").startswith(prefix)
                )
            ]
            pattern: dict[str, Any] = {
                "name": f"{name}-by-{pk_name}" + (f"-on-{index}" if index else ""),
                "description": f"Starter: {name} items by {pk_name}"
                + (f" on {index}" if index else "")
                + " (made on import).",
                "operation": "Query",
                "partition_key": pk,
                "returns": returns,
            }
            if index:
                pattern["index"] = index
            if prefix:
                pattern["sort_key"] = {"op": "begins_with", "value": prefix}
            fields = re.findall(r"{(\w+)}", pk)
            # The first sample that carries the key (a sparse index's key is not on every item).
            samples = entity.get("samples") or []
            sample = next((x for x in samples if all(f in x for f in fields)), None)
            if sample is not None:
                pattern["example"] = {f: sample[f] for f in fields}
            patterns.append(pattern)
    return patterns


def import_document(document: Mapping[str, Any], table: str | None = None) -> Any:
    """The :class:`~workbench.model.Model` of a parsed NoSQL Workbench document.

    :param table: the table to import when the file holds several.
    :raises ModelError: naming the JSON path of every problem (shape, or of the model made).
    """
    from ...model.files import model_from_document

    ours, notes = to_document(document, table)
    try:
        model = model_from_document(ours)
    except ModelProblems as exc:
        guessed = "; ".join(f"{p}: {m}" for p, m in notes)
        subject = "NoSQL Workbench model (imported as our format"
        subject += f"; guessed: {guessed})" if notes else ")"
        raise ModelProblems(
            subject,
            exc.problems,
        ) from exc
    warnings = getattr(model, "warnings", None)
    if isinstance(warnings, list):
        warnings.extend(notes)
    else:
        model.warnings = [*(warnings or ()), *notes]
    return model


def detect_text(text: str, path: Path) -> bool:
    """True if ``text`` (the content of ``path``) is a NoSQL Workbench model: the model
    loader's dispatch (:data:`workbench.model.files.LOADERS`) asks this."""
    if not text.lstrip().startswith("{"):
        return False
    try:
        return is_nosql_workbench(safeload.parse_json(text, f"model file {str(path)!r}"))
    except json.JSONDecodeError:
        return False


def load_text(text: str, path: Path) -> Any:
    """The model of NoSQL Workbench JSON ``text`` read from ``path`` (for the loader).

    :raises ModelError: naming the JSON path of every problem at once.
    """
    return import_document(safeload.parse_json(text, f"model file {str(path)!r}"))


def import_model(path: str | Path, table: str | None = None) -> Any:
    """Load a NoSQL Workbench model file as a :class:`~workbench.model.Model`.

    :param path: the ``.json`` file the desktop app exports.
    :param table: the table to import when the file holds several.
    :raises ModelError: naming the file, or the JSON path of every problem at once.
    """
    document = read_json(path)
    if not is_nosql_workbench(document):
        raise ModelError(f"{str(path)!r} is not a NoSQL Workbench model (no ModelName/DataModel)")
    return import_document(document, table)
