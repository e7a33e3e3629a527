"""Export any of our models to NoSQL Workbench model JSON (format "3.0"), facets with items.

Each entity becomes a facet. Its key aliases are its key templates (``CUST#{customer_id}``):
NoSQL Workbench shows them as column headers, and :mod:`.nosql_workbench` reads them back as
templates. The file format has no place for streams, LSIs, per-index throughput, attribute
descriptions, sample-value hints or access patterns: :func:`export_notes` names what is lost.
The patterns, descriptions and hints travel under a key NoSQL Workbench does not use, which
our importer reads back (:mod:`.nosql_extension`).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ...model.items import to_item
from ...model.types import declared_value
from .nosql_extension import KEY as EXTENSION
from .nosql_extension import extension

FORMAT_VERSION = "3.0"
# A fixed date keeps exported files stable in git; pass date= to stamp another.
DEFAULT_DATE = "Jan 01, 2026, 12:00 AM"
AUTHOR = "cruddur-workbench"
GENERATED_COUNT = 3  # items of each top-level entity when a model gives no samples
_AUTOSCALING = {
    "ScalableTargetRequest": {
        "MinCapacity": 1,
        "MaxCapacity": 10,
        "ServiceRole": "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
    },
    "ScalingPolicyConfiguration": {"TargetValue": 70},
}


def entity_item(entity: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """The item for one sample (field values) of ``entity``; stored fields it lacks are left out.

    Index keys whose fields the sample lacks are left out too (the item stays out of that
    index, as a sparse index wants).
    """
    item: dict[str, Any] = {attr: tpl.value(values) for attr, tpl in entity.keys.items()}
    for attr, tpl in (getattr(entity, "index_keys", None) or {}).items():
        if all(values.get(name) not in (None, "") for name in tpl.fields):
            item[attr] = tpl.value(values)
    type_attribute = getattr(entity, "type_attribute", None)
    if type_attribute is not None:
        item[type_attribute[0]] = type_attribute[1]
    type_of = getattr(entity, "type_of", lambda _: None)
    for name in entity.attributes:
        if name in values:
            # As declared: a list where SS is declared is exported as SS, not L.
            item[name] = declared_value(type_of(name), values[name])
    return item


def model_items(model: Any) -> list[dict[str, Any]]:
    """Every entity's sample items (the file's ``samples``), in entity order."""
    return [
        entity_item(entity, sample)
        for entity in model.entities
        for sample in getattr(entity, "samples", ()) or ()
    ]


def generated_items(
    model: Any, count: int = GENERATED_COUNT, seed: int = 0
) -> list[dict[str, Any]]:
    """Items generated from the entity declarations (same seed, same items): a facet needs
    sample data to show its key templates, and a model file may declare none."""
    from ..sampledata import generate

    return generate(model, seed=seed, count=count)


def _numbers(value: Any) -> Any:
    """Floats as exact decimals (DynamoDB JSON numbers are text)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


def _json_safe(value: Any) -> Any:
    """Binary as base64 text, as NoSQL Workbench files hold it."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def dynamodb_json(item: Mapping[str, Any]) -> dict[str, Any]:
    """A plain item as DynamoDB JSON, ready for ``json.dumps``."""
    return _json_safe(to_item(_numbers(dict(item))))


def _key(name: str, kind: str) -> dict[str, str]:
    return {"AttributeName": name, "AttributeType": kind}


def _key_attributes(table: Any, hash_key: str, range_key: str | None) -> dict[str, Any]:
    out = {"PartitionKey": _key(hash_key, table.attributes[hash_key])}
    if range_key:
        out["SortKey"] = _key(range_key, table.attributes[range_key])
    return out


def _facet_attributes(entity: Any, table: Any) -> list[str]:
    """What a facet lists: index keys it writes, its type attribute, its stored fields."""
    names = [a for a in (getattr(entity, "index_keys", None) or {}) if a not in table.key_names]
    type_attribute = getattr(entity, "type_attribute", None)
    if type_attribute is not None:
        names.append(type_attribute[0])
    names += [a for a in entity.attributes if a not in names and a not in table.key_names]
    return names


def _attribute_types(model: Any) -> dict[str, str]:
    table = model.table
    types: dict[str, str] = {}
    for entity in model.entities:
        for attr in getattr(entity, "index_keys", None) or {}:
            types.setdefault(attr, table.attributes.get(attr, "S"))
        type_attribute = getattr(entity, "type_attribute", None)
        if type_attribute is not None:
            types.setdefault(type_attribute[0], "S")
        for name in entity.attributes:
            kind = table.attributes.get(name) or getattr(entity, "type_of", lambda _: None)(name)
            types.setdefault(name, kind or "S")
    return {name: kind for name, kind in types.items() if name not in table.key_names}


def to_nosql_workbench(
    model: Any,
    *,
    items: Iterable[Mapping[str, Any]] | None = None,
    name: str | None = None,
    date: str = DEFAULT_DATE,
) -> dict[str, Any]:
    """The NoSQL Workbench model JSON (a dict) of ``model``, each entity a facet with items.

    :param items: plain items to put in the facets (each goes to the entity it fits; others
        are left out); default: every entity's samples, or generated items (seed 0) when the
        model gives none.
    :param name: the ``ModelName`` (default: the table name).
    :param date: ``DateCreated`` and ``DateLastModified`` (fixed by default, for stable files).
    """
    table = model.table
    if items is None:
        items = model_items(model) or generated_items(model)
    items = list(items)
    per_entity: dict[str, list[dict[str, Any]]] = {e.name: [] for e in model.entities}
    for item in items:
        owner = model.entity_for(item)
        if owner is not None:
            per_entity[owner.name].append(dict(item))
    facets = []
    for entity in model.entities:
        aliases = {"PartitionKeyAlias": entity.keys[table.hash_key].template}
        if table.range_key:
            aliases["SortKeyAlias"] = entity.keys[table.range_key].template
        facets.append(
            {
                "FacetName": entity.name,
                "KeyAttributeAlias": aliases,
                "TableData": [dynamodb_json(i) for i in per_entity[entity.name]],
                "NonKeyAttributes": _facet_attributes(entity, table),
                "DataAccess": {"MySql": {}},
            }
        )
    spec: dict[str, Any] = {
        "TableName": table.name,
        "KeyAttributes": _key_attributes(table, table.hash_key, table.range_key),
        "NonKeyAttributes": [_key(n, k) for n, k in _attribute_types(model).items()],
        "TableFacets": facets,
    }
    if table.indexes:
        spec["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeyAttributes": _key_attributes(table, index.hash_key, index.range_key),
                "Projection": index.projection_request(),
            }
            for index in table.indexes
        ]
    spec["TableData"] = [dynamodb_json(i) for e in model.entities for i in per_entity[e.name]]
    spec["DataAccess"] = {"MySql": {}}
    carried = extension(model)
    if carried is not None:
        spec[EXTENSION] = carried  # patterns, descriptions, hints: see nosql_extension
    if table.throughput is None:
        spec["BillingMode"] = "PAY_PER_REQUEST"
    else:
        spec["BillingMode"] = "PROVISIONED"
        spec["ProvisionedCapacitySettings"] = {
            "ProvisionedThroughput": table.throughput.request(),
            "AutoScalingRead": _AUTOSCALING,
            "AutoScalingWrite": _AUTOSCALING,
        }
    return {
        "ModelName": name or table.name,
        "ModelMetadata": {
            "Author": AUTHOR,
            "DateCreated": date,
            "DateLastModified": date,
            "Description": getattr(model, "description", "") or "",
            "AWSService": "Amazon DynamoDB",
            "Version": FORMAT_VERSION,
        },
        "DataModel": [spec],
    }


def export_notes(model: Any) -> list[str]:
    """What the NoSQL Workbench format cannot hold of ``model`` (lost on export)."""
    table = model.table
    notes = []
    if table.stream_view_type:
        notes.append(f"the stream ({table.stream_view_type}): the format has no streams")
    if table.local_indexes:
        notes.append(f"LSIs {[i.name for i in table.local_indexes]}: the format has no LSIs")
    if table.throughput is not None:
        own = [i.name for i in table.indexes if i.throughput not in (None, table.throughput)]
        if own:
            notes.append(f"the own throughput of GSIs {own}: they get the table's")
    carried = []
    if model.patterns:
        carried.append(f"{len(model.patterns)} access patterns")
    if any(
        getattr(a, "description", "") or getattr(a, "generate", None)
        for e in model.entities
        for a in getattr(e, "attribute_specs", ())
    ):
        carried.append("attribute descriptions and sample-value hints")
    if any(getattr(e, "description", "") for e in model.entities):
        carried.append("entity descriptions")
    if carried:
        notes.append(
            f"{', '.join(carried)}: NoSQL Workbench does not show them; they travel under "
            f"{EXTENSION!r}, which `workbench model import` and every command reading the "
            "file read back (a model saved again in NoSQL Workbench may lose them)"
        )
    return notes
