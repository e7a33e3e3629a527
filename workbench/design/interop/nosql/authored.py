"""What the author of a NoSQL Workbench file wrote that our model has no place for, kept so
that import then export gives the file back.

The model's name, author, dates and format version, each facet's key aliases as written
(``PK``, ``CustomerId``: a column header, not our key template), the attributes declared
but carried by no item, and whether the table had facets at all. The import puts them in
the model document's ``nosql_workbench:`` block (``docs/model-files.md``); the export
(:mod:`.export`) writes them back, and carries our entities beside them
(:mod:`.declared`), so that our import reads our key templates back exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ....model.problems import Problem

BLOCK = "nosql_workbench"
FORMAT_VERSION = "3.0"
AUTHOR = "cruddur-workbench"
# A fixed date keeps exported files stable in git; to_nosql_workbench(date=...) stamps another.
DEFAULT_DATE = "Jan 01, 2026, 12:00 AM"
# NoSQL Workbench's facet alias keys, and ours in the block.
ALIASES = {"PartitionKeyAlias": "partition_key_alias", "SortKeyAlias": "sort_key_alias"}
_METADATA = {
    "Author": "author",
    "DateCreated": "date_created",
    "DateLastModified": "date_last_modified",
}


def _held(entity: Mapping[str, Any], table_keys: set[str]) -> set[str]:
    """The attributes an entity document's facet lists (as the export writes it): the index
    keys it writes, its type attribute and its stored attributes."""
    names = {k for k in entity.get("keys") or {} if k not in table_keys}
    if entity.get("type_attribute"):
        names.add(entity["type_attribute"]["name"])
    for name, spec in (entity.get("attributes") or {}).items():
        if not (isinstance(spec, Mapping) and spec.get("stored") is False):
            names.add(name)
    return names


def _facets(
    spec: Mapping[str, Any], entities: Mapping[str, Any], table_keys: list[str]
) -> dict[str, dict[str, Any]]:
    """Each facet's aliases that differ from its entity's templates, and the attributes it
    lists that its entity does not hold (such as an index key none of its items carries).

    :param table_keys: the table's partition key and sort key.
    """
    roles = list(zip(ALIASES, table_keys, strict=False))
    out: dict[str, dict[str, Any]] = {}
    for facet in spec.get("TableFacets") or []:
        entity = entities.get(facet.get("FacetName"))
        if not isinstance(entity, Mapping):
            continue  # a facet the import made no entity of (its notes say why)
        kept: dict[str, Any] = {}
        written = facet.get("KeyAttributeAlias") or {}
        for role, attr in roles:
            alias = written.get(role)
            if isinstance(alias, str) and alias != (entity.get("keys") or {}).get(attr):
                kept[ALIASES[role]] = alias
        held = _held(entity, set(table_keys))
        extra = [
            a for a in facet.get("NonKeyAttributes") or [] if a not in held and a not in table_keys
        ]
        if extra:
            kept["attributes"] = extra
        if kept:
            out[facet["FacetName"]] = kept
    return out


def _billing_note(spec: Mapping[str, Any], path: str) -> Problem | None:
    if "BillingMode" in spec:
        return None
    units = (spec.get("ProvisionedCapacitySettings") or {}).get("ProvisionedThroughput") or {}
    read, write = units.get("ReadCapacityUnits", 5), units.get("WriteCapacityUnits", 5)
    given = " (its ProvisionedCapacitySettings)" if units else ""
    return (
        f"{path}.BillingMode",
        f"the file names no billing mode (format 1.0 files have none): PROVISIONED with {read} "
        f"read and {write} write units assumed{given}; set table.billing in the YAML to "
        "change it",
    )


def keep(
    out: dict[str, Any],
    document: Mapping[str, Any],
    spec: Mapping[str, Any],
    path: str,
    notes: list[Problem],
) -> None:
    """Add the ``nosql_workbench`` block to ``out`` (our document for table ``spec`` of
    ``document``; changed in place, the block placed after ``description``), and a note when
    the file names no billing mode.

    :param path: the table's JSON path, for notes.
    """
    note = _billing_note(spec, path)
    if note is not None:
        notes.append(note)
    metadata = document.get("ModelMetadata")
    metadata = metadata if isinstance(metadata, Mapping) else {}
    block: dict[str, Any] = {}
    if isinstance(document.get("ModelName"), str):
        block["model_name"] = document["ModelName"]
    for theirs, ours in _METADATA.items():
        if isinstance(metadata.get(theirs), str):
            block[ours] = metadata[theirs]
    # None: the file has no version (the old format); the export notes what it writes.
    version = metadata.get("Version")
    block["version"] = version if isinstance(version, str) else None
    keys = spec["KeyAttributes"]
    primary = [keys[r]["AttributeName"] for r in ("PartitionKey", "SortKey") if r in keys]
    entities = out.get("entities") or {}
    held = set().union(*(_held(e, set(primary)) for e in entities.values()))
    declared = {
        a["AttributeName"]: a["AttributeType"]
        for a in spec.get("NonKeyAttributes") or []
        if a["AttributeName"] not in held and a["AttributeName"] not in primary
    }
    if declared:
        block["attributes"] = declared
    facets = _facets(spec, entities, primary)
    if facets:
        block["facets"] = facets
    if not spec.get("TableFacets"):
        # The author's shape: items in the table's TableData, no facets (format 1.0 files).
        block["no_facets"] = True
    placed = {k: v for k, v in out.items() if k in ("format", "description")}
    placed[BLOCK] = block
    placed.update({k: v for k, v in out.items() if k not in placed})
    out.clear()
    out.update(placed)


# -- export --------------------------------------------------------------------------------


def authored(model: Any) -> Mapping[str, Any]:
    """The model's ``nosql_workbench`` block (empty for a model not imported)."""
    return getattr(model, BLOCK, None) or {}


def aliases(model: Any, entity: Any) -> dict[str, str]:
    """The ``KeyAttributeAlias`` of ``entity``'s facet: the author's aliases where the model
    keeps them, else the key templates (NoSQL Workbench shows them as column headers)."""
    table = model.table
    kept = (authored(model).get("facets") or {}).get(entity.name) or {}
    out = {
        "PartitionKeyAlias": kept.get("partition_key_alias") or entity.keys[table.hash_key].template
    }
    if table.range_key:
        out["SortKeyAlias"] = kept.get("sort_key_alias") or entity.keys[table.range_key].template
    return out


def writes_facets(model: Any) -> bool:
    """False when the model came from a table without facets: its export writes the items
    in the table's ``TableData``, as the author did, and no facets."""
    return not authored(model).get("no_facets", False)


def imported(model: Any) -> bool:
    """True for a model imported from a NoSQL Workbench file (its block is there): its
    export writes the items its author wrote, and none when there were none."""
    return bool(authored(model))


def facet_attributes(model: Any, entity: Any, names: list[str]) -> list[str]:
    """``names`` (what the facet lists from the entity) and the attributes the author's facet
    listed that no item carries."""
    kept = (authored(model).get("facets") or {}).get(entity.name) or {}
    return names + [a for a in kept.get("attributes") or () if a not in names]


def declared_attributes(model: Any, types: dict[str, str]) -> dict[str, str]:
    """``types`` (the table's attributes the entities hold) and those the author declared
    that none holds."""
    extra = authored(model).get("attributes") or {}
    skip = set(model.table.key_names)
    return {**types, **{n: k for n, k in extra.items() if n not in types and n not in skip}}


def metadata(models: Iterable[Any], name: str | None, date: str) -> dict[str, Any]:
    """``ModelName`` and ``ModelMetadata`` of a file holding ``models``' tables: what the
    first model's author wrote, else ours; the descriptions, each once."""
    models = list(models)
    first = authored(models[0])
    descriptions = list(dict.fromkeys(d for m in models if (d := getattr(m, "description", ""))))
    model_name = name or first.get("model_name") or " + ".join(m.table.name for m in models)
    return {
        "ModelName": model_name,
        "ModelMetadata": {
            # A file that names no author gets none back; a model of ours gets ours.
            "Author": first.get("author", "" if imported(models[0]) else AUTHOR),
            "DateCreated": first.get("date_created", date),
            "DateLastModified": first.get("date_last_modified", date),
            "Description": "\n\n".join(descriptions),
            "AWSService": "Amazon DynamoDB",
            "Version": FORMAT_VERSION,
        },
    }


def version_note(model: Any) -> str | None:
    """What the export says when the model came from a file of another format version."""
    kept = authored(model)
    if "version" not in kept or kept["version"] == FORMAT_VERSION:
        return None
    source = f"format version {kept['version']}" if kept["version"] else "no format version"
    return (
        f"the source file's {source}: written as {FORMAT_VERSION}, the version NoSQL "
        'Workbench\'s desktop app imports (it refuses a 1.0 file: "Invalid version")'
    )
