"""Export any of our models to NoSQL Workbench model JSON (format "3.0"), facets with items.

Each entity becomes a facet holding its items (each item once). Its key aliases are its key
templates (``CUST#{customer_id}``), which NoSQL Workbench shows as column headers; or, for a
model imported from a file, the aliases its author wrote, with what else the author wrote
(:mod:`.authored`): a table that had no facets gets its items in its own
``TableData`` and no facets, and a file without items gets none back (a model of ours
without samples gets generated items). Several models make one file of several tables
(:func:`to_nosql_workbench_models`). The file format has no place for streams, LSIs,
per-index throughput, attribute descriptions, sample-value hints or access patterns:
:func:`export_notes` names what is lost. The patterns and each entity as we declare it
travel under a key NoSQL Workbench does not use, which our importer reads back
(:mod:`.extension`, :mod:`.declared`).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ....errors import ModelError
from ....model.items import to_item
from ....model.types import declared_value
from . import authored as authored
from .authored import AUTHOR, DEFAULT_DATE, FORMAT_VERSION
from .extension import KEY as EXTENSION
from .extension import extension

__all__ = [
    "AUTHOR",
    "DEFAULT_DATE",
    "FORMAT_VERSION",
    "export_notes",
    "model_items",
    "to_nosql_workbench",
    "to_nosql_workbench_models",
]
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
    from ...sampledata import generate

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


def placed(
    model: Any, items: Iterable[Mapping[str, Any]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Each entity's items, by entity name: given ``items`` go to the first entity they fit
    (others are left out); by default each entity's own samples (an entity whose templates
    fit another's items keeps its own), or when the model gives none, generated items for a
    model of ours (a facet needs items to show its key templates) and none for a model
    imported from a file whose author wrote none."""
    if items is None:
        own = {e.name: [entity_item(e, s) for s in e.samples] for e in model.entities}
        if any(own.values()) or authored.imported(model):
            return own
        items = generated_items(model)
    per_entity: dict[str, list[dict[str, Any]]] = {e.name: [] for e in model.entities}
    for item in items:
        owner = model.entity_for(item)
        if owner is not None:
            per_entity[owner.name].append(dict(item))
    return per_entity


def table_entry(
    model: Any,
    items: Iterable[Mapping[str, Any]] | None = None,
    table_name: str | None = None,
) -> dict[str, Any]:
    """One ``DataModel`` entry: ``model``'s table, each entity a facet holding its items.

    Items are written once, in their facets: the files AWS publishes with facets hold their
    items there and nowhere else. A model imported from a table without facets (format 1.0
    files) gets its items in the table's own ``TableData`` and no facets, as its author wrote
    it; our entities travel beside them (:mod:`.declared`).

    :param items: see :func:`to_nosql_workbench`.
    :param table_name: the ``TableName`` (default: the model's).
    """
    table = model.table
    per_entity = placed(model, items)
    facets = [
        {
            "FacetName": entity.name,
            "KeyAttributeAlias": authored.aliases(model, entity),
            "TableData": [dynamodb_json(i) for i in per_entity[entity.name]],
            "NonKeyAttributes": authored.facet_attributes(
                model, entity, _facet_attributes(entity, table)
            ),
            "DataAccess": {"MySql": {}},
        }
        for entity in model.entities
    ]
    types = authored.declared_attributes(model, _attribute_types(model))
    spec: dict[str, Any] = {
        "TableName": table_name or table.name,
        "KeyAttributes": _key_attributes(table, table.hash_key, table.range_key),
        "NonKeyAttributes": [_key(n, k) for n, k in types.items()],
    }
    if authored.writes_facets(model):
        spec["TableFacets"] = facets
    else:
        spec["TableData"] = [i for facet in facets for i in facet["TableData"]]
    if table.indexes:
        spec["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeyAttributes": _key_attributes(table, index.hash_key, index.range_key),
                "Projection": index.projection_request(),
            }
            for index in table.indexes
        ]
    spec["DataAccess"] = {"MySql": {}}
    carried = extension(model)
    if carried is not None:
        spec[EXTENSION] = carried  # patterns and our entities: see extension.py
        if "TableData" in spec:
            # The items are each entity's in turn: how many, so the import places them so.
            for name, declared in carried["entities"].items():
                declared["items"] = len(per_entity[name])
    if table.throughput is None:
        spec["BillingMode"] = "PAY_PER_REQUEST"
    else:
        spec["BillingMode"] = "PROVISIONED"
        spec["ProvisionedCapacitySettings"] = {
            "ProvisionedThroughput": table.throughput.request(),
            "AutoScalingRead": _AUTOSCALING,
            "AutoScalingWrite": _AUTOSCALING,
        }
    return spec


def to_nosql_workbench(
    model: Any,
    *,
    items: Iterable[Mapping[str, Any]] | None = None,
    name: str | None = None,
    date: str = DEFAULT_DATE,
    table_name: str | None = None,
) -> dict[str, Any]:
    """The NoSQL Workbench model JSON (a dict) of ``model``, each entity a facet with items.

    What the author of an imported file wrote is written back (the model's name, author,
    dates, the facets' key aliases, attributes no item carries: :mod:`.authored`); the
    format is always ``"3.0"``, the version NoSQL Workbench's desktop app imports.

    :param items: plain items to put in the facets (each goes to the entity it fits; others
        are left out); default: every entity's samples, or when the model gives none,
        generated items (seed 0) for a model of ours and none for one imported
        (:func:`placed`).
    :param name: the ``ModelName`` (default: the imported file's, else the table name).
    :param date: ``DateCreated`` and ``DateLastModified`` when the model keeps none (fixed
        by default, for stable files).
    :param table_name: the ``TableName`` (default: the model's).
    """
    return to_nosql_workbench_models(
        [model], items=items, name=name, date=date, table_name=table_name
    )


def to_nosql_workbench_models(
    models: Iterable[Any],
    *,
    items: Iterable[Mapping[str, Any]] | None = None,
    name: str | None = None,
    date: str = DEFAULT_DATE,
    table_name: str | None = None,
) -> dict[str, Any]:
    """One NoSQL Workbench model JSON holding the table of each of ``models`` (a
    ``DataModel`` entry each, in order); its name and metadata are the first model's.

    :param items: plain items, for a single model only.
    :param table_name: the ``TableName``, for a single model only.
    :raises ModelError: for two tables of one name, or an entity name two tables written
        with facets share (NoSQL Workbench wants facet names unique across the file).
    """
    models = list(models)
    if len(models) > 1 and (items is not None or table_name is not None):
        raise ModelError("items and table_name are for one model, not several")
    names = [table_name or m.table.name for m in models]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ModelError(f"two models have the table {twice[0]!r}: a file holds each table once")
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/workbench.Modeler.Edit.html
    # (FacetName: "This value must be unique across the model.")
    owner: dict[str, str] = {}
    for model in [m for m in models if authored.writes_facets(m)]:
        for entity in model.entities:
            other = owner.setdefault(entity.name, model.table.name)
            if other != model.table.name:
                raise ModelError(
                    f"entity {entity.name!r} is in tables {other!r} and {model.table.name!r}: "
                    "NoSQL Workbench wants facet names unique across the file; rename one"
                )
    return {
        **authored.metadata(models, name, date),
        "DataModel": [table_entry(m, items, table_name) for m in models],
    }


def export_notes(model: Any) -> list[str]:
    """What the NoSQL Workbench format cannot hold of ``model`` (lost on export), and the
    format version written when the model came from an older file."""
    table = model.table
    notes = []
    version = authored.version_note(model)
    if version:
        notes.append(version)
    if not authored.writes_facets(model):
        notes.append(
            "facets (the source file's table had none): the items are written in the table's "
            "TableData, as there; delete no_facets from the YAML's nosql_workbench block for "
            "a facet per entity"
        )
    if not model_items(model) and not authored.imported(model):
        notes.append(
            f"sample items (the model gives none): {GENERATED_COUNT} generated items per "
            "top-level entity are written instead (seed 0), so that the facets show their key "
            "templates"
        )
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
