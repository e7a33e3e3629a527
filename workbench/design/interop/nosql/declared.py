"""Our entities, declared beside an exported NoSQL Workbench table and read back exactly.

A facet names its key attributes, lists attributes and holds items; a table without facets
holds items only. Neither holds an entity's key templates (of the table's keys and of the
indexes'), its key fields' types, the order of its attributes, their descriptions and
sample-value hints, or its type attribute. The export writes each entity as our model files
declare it (``keys``, ``attributes``, ``type_attribute``, ``description``; not ``samples``:
the items are its samples) under the table's ``x-cruddur-workbench`` key
(:mod:`.extension`). The import builds the entity from that declaration and the items
of its facet, or of the table's own ``TableData`` when the export wrote no facets (each
entity's items in turn, as many as its declaration's ``items`` says), so our own export
reads back as the model it came from, with nothing inferred. A declaration the file no
longer fits (an item edited in NoSQL Workbench) is set aside with a note, and the entity is
inferred from the file as any other's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ....errors import ModelError
from ....model.entities import KeyTemplate
from ....model.items import jsonable
from ....model.problems import Problem
from ....model.types import coerce
from .facets import plain_items
from .paths import rows
from .values import declared_types

KEY = "x-cruddur-workbench"  # the key of each exported table it goes under (extension.py)


def encoded(value: Any) -> Any:
    """A hint as JSON: a YAML date (``date_start: 2026-09-01``) as ``{"$date": "..."}``,
    since Faker takes a date there, not its text."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Mapping):
        return {k: encoded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encoded(v) for v in value]
    return jsonable(value)


def decoded(value: Any) -> Any:
    """The reverse of :func:`encoded`."""
    if isinstance(value, Mapping):
        if set(value) == {"$datetime"} and isinstance(value["$datetime"], str):
            return datetime.fromisoformat(value["$datetime"])
        if set(value) == {"$date"} and isinstance(value["$date"], str):
            return date.fromisoformat(value["$date"])
        return {k: decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decoded(v) for v in value]
    return value


# -- export --------------------------------------------------------------------------------


def declaration(entity: Any) -> dict[str, Any]:
    """``entity`` as our model files declare it, without its samples: loading the document
    (samples added) gives an equal entity."""
    out: dict[str, Any] = {}
    if entity.description:
        out["description"] = entity.description
    out["keys"] = {attr: tpl.template for attr, tpl in entity.all_keys.items()}
    attributes: dict[str, Any] = {}
    for spec in entity.attribute_specs:
        held: dict[str, Any] = {"type": spec.type}
        if not spec.stored:
            held["stored"] = False
        if spec.description:
            held["description"] = spec.description
        if spec.generate is not None:
            held["generate"] = encoded(spec.generate)
        attributes[spec.name] = held if len(held) > 1 else spec.type
    out["attributes"] = attributes
    if entity.type_attribute is not None:
        name, value = entity.type_attribute
        out["type_attribute"] = {"name": name, "value": jsonable(value)}
    return out


# -- import --------------------------------------------------------------------------------


def declarations(table: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The entities ``table`` declares under :data:`KEY`, by name: those of a well-formed
    declaration (``keys`` and ``attributes``; an older export carried notes only)."""
    held = table.get(KEY)
    entities = held.get("entities") if isinstance(held, Mapping) else None
    if not isinstance(entities, Mapping):
        return {}
    out = {}
    for name, kept in entities.items():
        if not isinstance(kept, Mapping):
            continue
        keys, attributes = kept.get("keys"), kept.get("attributes")
        if (
            isinstance(keys, Mapping)
            and keys
            and all(isinstance(t, str) for t in keys.values())
            and isinstance(attributes, Mapping)
            and all(isinstance(a, str | Mapping) for a in attributes.values())
        ):
            out[str(name)] = dict(kept)
    return out


def _fits(declared: Mapping[str, Any], item: Mapping[str, Any], table_keys: list[str]) -> bool:
    """True if ``item`` fits the entity ``declared`` (as :meth:`Entity.matches` decides)."""
    typed = declared.get("type_attribute")
    if isinstance(typed, Mapping):
        value = typed.get("value")
        if item.get(str(typed.get("name")), value) != value:
            return False
    try:
        return all(
            k in declared["keys"] and KeyTemplate(declared["keys"][k]).matches(item.get(k))
            for k in table_keys
        )
    except ModelError:  # a template that does not parse: no item fits it
        return False


def table_facets(
    table: Mapping[str, Any], path: str, notes: list[Problem]
) -> list[dict[str, Any]] | None:
    """The facets of our own export of a table without facets: each declared entity with
    its items of the table's ``TableData``: as many as its declaration's ``items`` says, in
    turn, as the export wrote them (else each item goes to the first entity it fits); None
    for any other table, or when some item fits no declared entity (then the entities are
    inferred from the items, and a note says why).

    :param path: the table's JSON path, for notes.
    """
    declared = declarations(table)
    if table.get("TableFacets") or not declared:
        return None
    keys = table["KeyAttributes"]
    table_keys = [keys[r]["AttributeName"] for r in ("PartitionKey", "SortKey") if r in keys]
    where = f"{path}.TableData"
    start = len(notes)
    items = plain_items(table.get("TableData") or [], where, notes, declared_types(table))
    placed: dict[str, list[int]] = {name: [] for name in declared}
    unplaced = []
    counts = [d.get("items") for d in declared.values()]
    if all(isinstance(n, int) and n >= 0 for n in counts) and sum(counts) == len(items):
        # As the export wrote them: each entity's items in turn (entities whose templates
        # overlap keep their own items).
        start_row = 0
        for name, count in zip(declared, counts, strict=True):
            placed[name] = list(range(start_row, start_row + count))
            start_row += count
    else:
        for row, item in enumerate(items):
            owner = next((n for n, d in declared.items() if _fits(d, item, table_keys)), None)
            if owner is None:
                unplaced.append(row)
            else:
                placed[owner].append(row)
    if unplaced:
        del notes[start:]  # the inference reads the items again, with their notes
        notes.append(
            (
                rows(where, unplaced, len(items)),
                f"these items fit no entity {KEY} declares (edited since our export?): the "
                "entities are inferred from the items instead",
            )
        )
        return None
    return [
        {
            "FacetName": name,
            "items": [items[n] for n in numbers],
            "path": where,
            "items_path": rows(where, numbers, len(items)) if numbers else f"{where}[*]",
            "rows": numbers,
        }
        for name, numbers in placed.items()
    ]


def _key_value(kind: str, value: Any) -> Any:
    """A key field's value parsed from a key: as its declared type where the text is that
    type's spelling of it (``7`` for an ``N`` field of ``ORDER#7``), else as it is."""
    if isinstance(value, str):
        typed = coerce(kind, value)
        if typed is not value and str(jsonable(typed)).lower() == value.lower():
            return typed
    return value


def _at(facet: Mapping[str, Any], row: int) -> str:
    """The JSON path of item ``row`` of a facet (of the table's own data, for a facet made
    of some of its rows)."""
    base = str(facet["path"])
    base = base if base.endswith(".TableData") else f"{base}.TableData"
    return f"{base}[{facet['rows'][row] if facet.get('rows') else row}]"


def _entity(
    declared: Mapping[str, Any], facet: Mapping[str, Any], table_keys: list[str]
) -> tuple[dict[str, Any] | None, str]:
    """``(entity document, '')`` for the declared entity and its facet's items, or
    ``(None, why)`` when an item does not fit the declaration."""
    specs = {
        name: {"type": spec} if isinstance(spec, str) else dict(spec)
        for name, spec in declared["attributes"].items()
    }
    stored = [n for n, s in specs.items() if s.get("stored", True) is not False]
    typed = declared.get("type_attribute")
    type_name = typed.get("name") if isinstance(typed, Mapping) else None
    try:
        templates = {attr: KeyTemplate(t) for attr, t in declared["keys"].items()}
    except ModelError as exc:
        return None, exc.msg
    missing = [k for k in table_keys if k not in templates]
    if missing:
        return None, f"it declares no template for {missing}"
    samples = []
    for row, item in enumerate(facet["items"]):
        sample: dict[str, Any] = {}
        for attr, tpl in templates.items():
            if attr not in item:
                if attr in table_keys:
                    return None, f"{_at(facet, row)} has no {attr}"
                continue  # a sparse index key: the sample lacks its fields
            if not tpl.matches(item[attr]):
                return (
                    None,
                    f"{_at(facet, row)}: {attr} {item[attr]!r} does not fit {tpl.template!r}",
                )
            for name, value in tpl.parse(item[attr]).items():
                value = jsonable(_key_value(specs.get(name, {}).get("type", "S"), value))
                if sample.setdefault(name, value) != value:
                    return None, f"{_at(facet, row)}: its keys hold two values of {name}"
        extra = sorted(set(item) - set(templates) - set(stored) - {type_name})
        if extra:
            return None, f"{_at(facet, row)} carries attributes it does not declare: {extra}"
        if type_name is not None and item.get(type_name) != typed.get("value"):
            return None, f"{_at(facet, row)}: {type_name} is not {typed.get('value')!r}"
        sample.update({name: jsonable(item[name]) for name in stored if name in item})
        samples.append(sample)
    document: dict[str, Any] = {}
    if declared.get("description"):
        document["description"] = declared["description"]
    document["keys"] = dict(declared["keys"])
    attributes: dict[str, Any] = {}
    for name, spec in specs.items():
        if "generate" in spec:
            spec["generate"] = decoded(spec["generate"])
        attributes[name] = spec["type"] if set(spec) == {"type"} else spec
    document["attributes"] = attributes
    if type_name is not None:
        document["type_attribute"] = dict(typed)
    if samples:
        document["samples"] = samples
    return document, ""


def entities(
    table: Mapping[str, Any], path: str, facets: list[dict[str, Any]], notes: list[Problem]
) -> dict[str, dict[str, Any]]:
    """The entity documents of the facets whose entity ``table`` declares (our own export),
    by name; a declaration an item does not fit is left out, with a note (the entity is then
    inferred from its facet, as any other's).

    :param path: the table's JSON path, for notes.
    :param facets: the table's facets with their plain ``items``
        (:func:`.facets.facets`, or :func:`table_facets`).
    """
    declared = declarations(table)
    if not declared:
        return {}
    keys = table["KeyAttributes"]
    table_keys = [keys[r]["AttributeName"] for r in ("PartitionKey", "SortKey") if r in keys]
    out = {}
    for facet in facets:
        name = str(facet["FacetName"])
        if name not in declared:
            continue
        document, why = _entity(declared[name], facet, table_keys)
        if document is None:
            notes.append(
                (
                    f"{path}.{KEY}.entities.{name}",
                    f"our export's declaration of {name} does not fit its items ({why}; "
                    f"edited since?): {name} is inferred from them instead",
                )
            )
            continue
        out[name] = document
    return out


def in_order(
    facets: list[dict[str, Any]],
    exact: Mapping[str, dict[str, Any]],
    inferred: Mapping[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """The entity documents in the facets' order: the declared ones (``exact``) and those
    inferred from the other facets."""
    out = {}
    for facet in facets:
        name = str(facet["FacetName"])
        if name in exact:
            out[name] = exact[name]
        elif name in inferred:
            out[name] = inferred[name]
    out.update({n: d for n, d in inferred.items() if n not in out})
    return out
