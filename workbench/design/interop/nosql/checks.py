"""Check the shape of a NoSQL Workbench model file, naming the JSON path of every problem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ....model.problems import Problem
from .values import ATTRIBUTE_TYPES, ValueReader, declared_types

KEY_TYPES = ("S", "N", "B")
PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")
BILLING_MODES = ("PROVISIONED", "PAY_PER_REQUEST")
# "1.0" and files without a version are the old format; the desktop app writes "3.0".
READABLE_VERSIONS = (None, "1.0", "2.0", "3.0")


def is_nosql_workbench(document: Any) -> bool:
    """True if ``document`` (parsed JSON) looks like a NoSQL Workbench model."""
    return isinstance(document, Mapping) and ("DataModel" in document or "ModelName" in document)


def _attribute(value: Any, path: str, types: tuple[str, ...], out: list[Problem]) -> None:
    if not isinstance(value, Mapping):
        out.append((path, f"must be an object with AttributeName and AttributeType, not {value!r}"))
        return
    if not isinstance(value.get("AttributeName"), str) or not value.get("AttributeName"):
        out.append((f"{path}.AttributeName", "must be a non-empty string"))
    if value.get("AttributeType") not in types:
        out.append(
            (f"{path}.AttributeType", f"{value.get('AttributeType')!r} is not one of {list(types)}")
        )


def _keys(value: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(value, Mapping) or "PartitionKey" not in value:
        out.append((path, "must be an object with a PartitionKey (and an optional SortKey)"))
        return
    _attribute(value["PartitionKey"], f"{path}.PartitionKey", KEY_TYPES, out)
    if "SortKey" in value:
        _attribute(value["SortKey"], f"{path}.SortKey", KEY_TYPES, out)


def _items(
    items: Any,
    path: str,
    keys: Mapping[str, str],
    declared: Mapping[str, str],
    out: list[Problem],
) -> None:
    if not isinstance(items, list):
        out.append((path, "must be a list of DynamoDB JSON items"))
        return
    # Every value is read as the import will read it, so each one it cannot read is named
    # here, with its full JSON path, together with every other problem.
    reader = ValueReader(out)
    for n, item in enumerate(items):
        here = f"{path}[{n}]"
        if not isinstance(item, Mapping):
            out.append((here, "must be an object of attribute name to DynamoDB JSON value"))
            continue
        reader.item(item, here, declared)
        for name, kind in keys.items():
            if name not in item:
                out.append((here, f"has no {name!r}, a key of the table"))
            elif isinstance(item[name], Mapping) and kind not in item[name]:
                out.append((f"{here}.{name}", f"must be of type {kind} (the key's type)"))


def _table(table: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(table, Mapping):
        out.append((path, "must be an object describing one table"))
        return
    if not isinstance(table.get("TableName"), str) or not table.get("TableName"):
        out.append((f"{path}.TableName", "must be a non-empty string"))
    _keys(table.get("KeyAttributes"), f"{path}.KeyAttributes", out)
    keys: dict[str, str] = {}
    for role in ("PartitionKey", "SortKey"):
        key = (table.get("KeyAttributes") or {}).get(role)
        if isinstance(key, Mapping) and isinstance(key.get("AttributeName"), str):
            keys[key["AttributeName"]] = key.get("AttributeType", "S")
    declared = set(keys)
    non_key = table.get("NonKeyAttributes", [])
    if not isinstance(non_key, list):
        out.append((f"{path}.NonKeyAttributes", "must be a list"))
        non_key = []
    for n, attribute in enumerate(non_key):
        _attribute(attribute, f"{path}.NonKeyAttributes[{n}]", ATTRIBUTE_TYPES, out)
        if isinstance(attribute, Mapping):
            declared.add(attribute.get("AttributeName"))
    for n, index in enumerate(table.get("GlobalSecondaryIndexes") or []):
        here = f"{path}.GlobalSecondaryIndexes[{n}]"
        if not isinstance(index, Mapping):
            out.append((here, "must be an object"))
            continue
        if not isinstance(index.get("IndexName"), str):
            out.append((f"{here}.IndexName", "must be a string"))
        _keys(index.get("KeyAttributes"), f"{here}.KeyAttributes", out)
        projection = index.get("Projection") or {}
        kind = projection.get("ProjectionType") if isinstance(projection, Mapping) else None
        if kind not in PROJECTIONS:
            out.append(
                (f"{here}.Projection.ProjectionType", f"{kind!r} is not one of {PROJECTIONS}")
            )
        elif kind == "INCLUDE" and not projection.get("NonKeyAttributes"):
            out.append((f"{here}.Projection.NonKeyAttributes", "INCLUDE needs attribute names"))
    types = {n: k for n, k in declared_types(table).items() if n not in keys}
    facets = table.get("TableFacets", [])
    if not isinstance(facets, list):
        out.append((f"{path}.TableFacets", "must be a list"))
        facets = []
    names: set[str] = set()
    for n, facet in enumerate(facets):
        here = f"{path}.TableFacets[{n}]"
        if not isinstance(facet, Mapping):
            out.append((here, "must be an object"))
            continue
        name = facet.get("FacetName")
        if not isinstance(name, str) or not name:
            out.append((f"{here}.FacetName", "must be a non-empty string"))
        elif name in names:
            out.append((f"{here}.FacetName", f"{name!r} names two facets"))
        names.add(name)
        alias = facet.get("KeyAttributeAlias", {})
        if not isinstance(alias, Mapping):
            out.append((f"{here}.KeyAttributeAlias", "must be an object"))
        for m, attr in enumerate(facet.get("NonKeyAttributes") or []):
            if attr not in declared:
                out.append(
                    (
                        f"{here}.NonKeyAttributes[{m}]",
                        f"{attr!r} is not declared in the table's NonKeyAttributes",
                    )
                )
        if "TableData" in facet:
            _items(facet["TableData"], f"{here}.TableData", keys, types, out)
    if "TableData" in table:
        _items(table["TableData"], f"{path}.TableData", keys, types, out)
    mode = table.get("BillingMode", "PROVISIONED")
    if mode not in BILLING_MODES:
        out.append((f"{path}.BillingMode", f"{mode!r} is not one of {BILLING_MODES}"))
    settings = (table.get("ProvisionedCapacitySettings") or {}).get("ProvisionedThroughput") or {}
    for unit in ("ReadCapacityUnits", "WriteCapacityUnits"):
        value = settings.get(unit, 5)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            out.append(
                (
                    f"{path}.ProvisionedCapacitySettings.ProvisionedThroughput.{unit}",
                    f"{value!r} must be a whole number >= 1",
                )
            )


def problems(document: Any) -> list[Problem]:
    """Every shape problem of a NoSQL Workbench model document, each with its JSON path."""
    out: list[Problem] = []
    if not isinstance(document, Mapping):
        return [("", "a NoSQL Workbench model is a JSON object with ModelName and DataModel")]
    version = (document.get("ModelMetadata") or {}).get("Version")
    if version not in READABLE_VERSIONS:
        readable = [v for v in READABLE_VERSIONS if v]
        out.append(
            ("ModelMetadata.Version", f"{version!r} is not a version read here: {readable} or none")
        )
    tables = document.get("DataModel")
    if not isinstance(tables, list) or not tables:
        out.append(("DataModel", "must be a non-empty list of tables"))
        return out
    for n, table in enumerate(tables):
        _table(table, f"DataModel[{n}]", out)
    return out
