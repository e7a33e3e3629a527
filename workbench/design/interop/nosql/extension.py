"""What NoSQL Workbench's format has no place for, carried beside it in an exported file.

Our access patterns (names, letters, ``follows``, key conditions, writes...) and each entity
as our model files declare it (key templates of the table's and the indexes' keys, attributes
with their types, descriptions and sample-value hints, type attribute:
:mod:`.declared`) go under one key of each exported table, :data:`KEY`, which NoSQL
Workbench does not use; our importer reads it back. So a model exported and imported again
is the model it was, nothing inferred, and its traffic profile, which names its patterns,
works on the JSON file as on the YAML (``workbench model cost models/cruddur.json``). A file
NoSQL Workbench wrote itself has no such key and gets inferred entities and starter patterns.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from ....model.items import jsonable
from ....model.problems import ModelProblems, Problem
from .declared import KEY, declaration, decoded

__all__ = ["FORMAT", "KEY", "carried", "extension", "pattern_document", "read_keys"]
FORMAT = 1
# A top-level action's key in our model documents (files.ACTION_KEYS), and in a transaction.
_ACTION_KEYS = {"Put": "put", "Update": "update", "Delete": "delete", "Get": "get"}
_TRANSACTION_KEYS = {**_ACTION_KEYS, "ConditionCheck": "condition_check"}


def _action_document(action: Any, keys: Mapping[str, str]) -> dict[str, Any]:
    doc: dict[str, Any] = {keys[action.kind]: action.entity}
    if action.fields:
        doc["fields"] = dict(action.fields)
    if action.set:
        doc["set"] = dict(action.set)
    if action.remove:
        doc["remove"] = list(action.remove)
    if action.condition:
        doc["condition"] = action.condition
    if action.condition_values:
        doc["condition_values"] = dict(action.condition_values)
    return doc


def _sort_key(condition: Any) -> dict[str, Any]:
    value = condition.value
    doc: dict[str, Any] = {
        "op": condition.op,
        "value": list(value) if isinstance(value, tuple) else value,
    }
    if condition.attribute:
        doc["attribute"] = condition.attribute
    return doc


def pattern_document(pattern: Any) -> dict[str, Any]:
    """The access pattern as our model files declare it (``patterns:`` in
    ``docs/model-files.md``): loading the document gives an equal pattern."""
    doc: dict[str, Any] = {"name": pattern.name}
    if pattern.letter:
        doc["letter"] = pattern.letter
    if pattern.description:
        doc["description"] = pattern.description
    doc["operation"] = pattern.operation
    follows: list[Any] = list(pattern.operations[1:])
    follows += [{"pattern": f.pattern, "times": f.times} for f in pattern.follows]
    if follows:
        doc["follows"] = follows
    if pattern.entity:
        doc["entity"] = pattern.entity
    if pattern.index:
        doc["index"] = pattern.index
    if pattern.partition_key is not None:
        doc["partition_key"] = (
            {"attribute": pattern.partition_attribute, "value": pattern.partition_key}
            if pattern.partition_attribute
            else pattern.partition_key
        )
    if pattern.key_condition:
        doc["key_condition"] = pattern.key_condition
    if pattern.sort_key is not None:
        doc["sort_key"] = _sort_key(pattern.sort_key)
    if not pattern.forward:
        doc["direction"] = "backward"
    if pattern.limit is not None:
        doc["limit"] = pattern.limit
    if pattern.order:
        doc["order"] = pattern.order
    if pattern.consistent_read:
        doc["consistent_read"] = True
    if pattern.projection:
        doc["projection"] = list(pattern.projection)
    if pattern.filter is not None:
        filt: dict[str, Any] = {"expression": pattern.filter.expression}
        if pattern.filter.names:
            filt["names"] = dict(pattern.filter.names)
        if pattern.filter.values:
            filt["values"] = dict(pattern.filter.values)
        if pattern.filter.keeps is not None:
            filt["keeps"] = pattern.filter.keeps
        doc["filter"] = filt
    if pattern.returns:
        doc["returns"] = list(pattern.returns)
    actions = list(pattern.actions)
    if len(actions) == 1 and pattern.operation != "TransactWriteItems":
        doc.update(_action_document(actions[0], _ACTION_KEYS))
    elif actions:
        doc["actions"] = [_action_document(a, _TRANSACTION_KEYS) for a in actions]
    if pattern.command:
        doc["command"] = pattern.command
    if pattern.example:
        doc["example"] = jsonable(dict(pattern.example))
    return doc


def extension(model: Any) -> dict[str, Any] | None:
    """What :data:`KEY` holds for ``model``, or None when there is nothing to carry."""
    entities = {entity.name: declaration(entity) for entity in model.entities}
    patterns = [pattern_document(p) for p in model.patterns]
    if not (entities or patterns):
        return None
    out: dict[str, Any] = {"format": FORMAT}
    if patterns:
        out["patterns"] = patterns
    if entities:
        out["entities"] = entities
    return out


def read_keys(table: Mapping[str, Any], facets: list[dict[str, Any]]) -> None:
    """Put the key templates :data:`KEY` carries for a facet in place of its aliases (the
    author's, kept by :mod:`.authored`), so that the import reads them exactly.

    :param facets: the table's facets as the import reads them (changed in place).
    """
    held = table.get(KEY)
    entities = held.get("entities") if isinstance(held, Mapping) else None
    if not isinstance(entities, Mapping):
        return
    keys = table["KeyAttributes"]
    roles = {"PartitionKeyAlias": "PartitionKey", "SortKeyAlias": "SortKey"}
    for facet in facets:
        kept = entities.get(facet.get("FacetName"))
        templates = kept.get("keys") if isinstance(kept, Mapping) else None
        if not isinstance(templates, Mapping):
            continue
        facet["KeyAttributeAlias"] = {
            alias: templates[keys[role]["AttributeName"]]
            for alias, role in roles.items()
            if role in keys and isinstance(templates.get(keys[role]["AttributeName"]), str)
        }


def carried(
    table: Mapping[str, Any],
    path: str,
    entities: dict[str, dict[str, Any]],
    notes: list[Problem],
    exact: Set[str] = frozenset(),
) -> list[dict[str, Any]] | None:
    """Read :data:`KEY` of one NoSQL Workbench table back: descriptions and hints go into
    ``entities`` (the imported entity documents, changed in place) but those built from
    their declarations (:mod:`.declared`), which hold them already.

    :param path: the table's JSON path, for messages.
    :param exact: the names of the entities built from their declarations.
    :returns: the carried pattern documents, or None when the table carries none.
    :raises ModelProblems: naming the JSON path of a carried part of the wrong shape.
    """
    if KEY not in table:
        return None
    where = f"{path}.{KEY}"
    held = table[KEY]
    problems: list[Problem] = []
    if not isinstance(held, Mapping) or held.get("format") != FORMAT:
        problems.append((where, f"must be an object with format {FORMAT}"))
    elif not isinstance(held.get("patterns", []), list):
        problems.append((f"{where}.patterns", "must be a list of access patterns"))
    elif not isinstance(held.get("entities", {}), Mapping):
        problems.append((f"{where}.entities", "must be an object of entity name to notes"))
    if problems:
        raise ModelProblems("NoSQL Workbench model", problems)
    for name, kept in (held.get("entities") or {}).items():
        if name in exact:
            continue
        entity = entities.get(name)
        if entity is None or not isinstance(kept, Mapping):
            notes.append(
                (f"{where}.entities.{name}", "no facet of that name: its notes are left out")
            )
            continue
        if kept.get("description"):
            entity["description"] = kept["description"]
        attributes = entity.setdefault("attributes", {})
        for field, spec in (kept.get("attributes") or {}).items():
            if isinstance(spec, str):
                continue  # a type only, as a declaration writes it: nothing to add
            if field not in attributes or not isinstance(spec, Mapping):
                notes.append(
                    (f"{where}.entities.{name}.attributes.{field}", "not an attribute of the facet")
                )
                continue
            current = attributes[field]
            current = {"type": current} if isinstance(current, str) else dict(current or {})
            current.update(
                {k: decoded(v) for k, v in spec.items() if k in ("description", "generate")}
            )
            attributes[field] = current
    return list(held.get("patterns") or [])
