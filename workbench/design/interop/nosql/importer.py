"""Import NoSQL Workbench model JSON (format "3.0", and older "1.0" or unversioned files).

A table becomes our model's table; each facet becomes an entity with key templates read from
its key aliases (when an alias is a template, as our exporter writes them) or inferred from
its sample items (``TableData``, DynamoDB JSON); the items become the entity's samples
(:mod:`.entity`); the patterns our exporter carries are read back
(:mod:`.extension`), or starter patterns are made (:mod:`.patterns`). What could
not be inferred is said in ``model.warnings``, each with the JSON path it is about.
The reverse, :func:`~workbench.design.interop.nosql.export.to_nosql_workbench`, lives beside it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ....errors import ModelError
from ....model import safeload
from ....model.problems import ModelProblems, Problem
from . import checks, declared
from .authored import keep as keep_authored
from .checks import is_nosql_workbench
from .entity import facet_entities
from .extension import carried, read_keys
from .facets import facets as read_facets
from .facets import type_attribute
from .patterns import starter_patterns
from .tables import choose, renamed

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


def to_document(
    document: Mapping[str, Any],
    table: str | None = None,
    *,
    source: str = "the file",
    entity_attribute: str | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Our model document (as YAML would hold it) for a NoSQL Workbench document.

    :param table: the table NAME (:mod:`.tables`): the one of that name when the file
        holds several; the only one, named ``table``, when it holds one.
    :param source: the file, as messages name it.
    :param entity_attribute: the attribute naming each item's entity (``--entity-attribute``)
        in a table without facets (:mod:`.split`); default: detected, else key prefixes.
    :returns: ``(document, notes)``; notes are ``(JSON path, message)`` about what was guessed.
    :raises ModelProblems: naming the JSON path of every shape problem at once.
    :raises ModelError: for several tables and no ``table``, or an unknown one.
    """
    found = checks.problems(document)
    if found:
        raise ModelProblems("NoSQL Workbench model", found)
    tables = list(document["DataModel"])
    position = choose([t["TableName"] for t in tables], table, source)
    spec, path = tables[position], f"DataModel[{position}]"
    notes: list[Problem] = []
    types = {a["AttributeName"]: a["AttributeType"] for a in spec.get("NonKeyAttributes") or []}
    for role in ("PartitionKey", "SortKey"):
        if role in spec["KeyAttributes"]:
            types[spec["KeyAttributes"][role]["AttributeName"]] = spec["KeyAttributes"][role][
                "AttributeType"
            ]
    # Our own export of a table without facets: its items go to the entities it declares.
    facets = declared.table_facets(spec, path, notes)
    if facets is None:
        facets = read_facets(spec, path, notes, entity_attribute)
    read_keys(spec, facets)  # templates our export carries beside the author's aliases
    key_names = set(types) - {a["AttributeName"] for a in spec.get("NonKeyAttributes") or []}
    for index in spec.get("GlobalSecondaryIndexes") or []:
        key_names |= {k["AttributeName"] for k in index["KeyAttributes"].values()}
    type_attr = type_attribute(facets, key_names, list(types), entity_attribute)
    exact = declared.entities(spec, path, facets, notes)  # our export's, as it declares them
    rest = [f for f in facets if f["FacetName"] not in exact]
    entities = facet_entities(rest, spec, type_attr, types, notes) if rest else {}
    entities = declared.in_order(facets, exact, entities)
    metadata = document.get("ModelMetadata") or {}
    out: dict[str, Any] = {"format": 1}
    if metadata.get("Description"):
        out["description"] = metadata["Description"]
    table_doc = _table_document(spec)
    renamed(table_doc, table, path, notes)
    # Our own export carries the model's patterns; a file NoSQL Workbench wrote gets starters.
    patterns = carried(spec, path, entities, notes, set(exact))
    if patterns is None:
        patterns = starter_patterns(table_doc, entities, path, notes)
    out.update({"table": table_doc, "entities": entities, "patterns": patterns})
    keep_authored(out, document, spec, path, notes)  # name, author, aliases...: round trip
    return out, notes


def import_document(
    document: Mapping[str, Any],
    table: str | None = None,
    *,
    source: str = "the file",
    entity_attribute: str | None = None,
) -> Any:
    """The :class:`~workbench.model.Model` of a parsed NoSQL Workbench document.

    :param table: the table NAME (see :func:`to_document`).
    :param source: the file, as messages name it.
    :raises ModelError: naming the JSON path of every problem (shape, or of the model made).
    """
    from ....model.files import model_from_document

    ours, notes = to_document(document, table, source=source, entity_attribute=entity_attribute)
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


def load_text(text: str, path: Path, table: str | None = None) -> Any:
    """The model of NoSQL Workbench JSON ``text`` read from ``path`` (for the loader).

    :param table: the table NAME (see :func:`to_document`).
    :raises ModelError: naming the JSON path of every problem at once.
    """
    source = f"model file {str(path)!r}"
    return import_document(safeload.parse_json(text, source), table, source=source)


def import_model(
    path: str | Path, table: str | None = None, *, entity_attribute: str | None = None
) -> Any:
    """Load a NoSQL Workbench model file as a :class:`~workbench.model.Model`.

    :param path: the ``.json`` file the desktop app exports.
    :param table: the table NAME (see :func:`to_document`).
    :raises ModelError: naming the file, or the JSON path of every problem at once.
    """
    document = read_json(path)
    if not is_nosql_workbench(document):
        raise ModelError(f"{str(path)!r} is not a NoSQL Workbench model (no ModelName/DataModel)")
    return import_document(
        document, table, source=f"model file {str(path)!r}", entity_attribute=entity_attribute
    )
