"""Model files: YAML (or JSON) documents checked by a JSON Schema, loaded into a Model.

Not imported by :mod:`workbench.model` itself: it needs PyYAML and jsonschema, which the
stream Lambda does not ship. Files are read by :mod:`workbench.model.safeload`, within its
limits. Format: ``docs/model-files.md``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import ModelError
from . import safeload
from .core import Model
from .entities import Attribute, Entity, KeyTemplate
from .patterns import AccessPattern, Action, Filter, FollowUp, SortCondition
from .problems import ModelProblems, Problem, prefixed
from .table import GlobalIndex, LocalIndex, TableSpec, Throughput

SCHEMA_PATH = Path(__file__).parent / "schema" / "model.schema.json"
ACTION_KEYS = {"put": "Put", "update": "Update", "delete": "Delete", "get": "Get"}
ACTION_KEYS_IN_TRANSACTIONS = {**ACTION_KEYS, "condition_check": "ConditionCheck"}


@functools.lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The model file's JSON Schema (shipped in the package)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _path(document: Mapping[str, Any], parts: list[Any]) -> str:
    """A schema error's path, naming patterns by name: ``patterns.list-orders.sort_key``."""
    out: list[str] = []
    node: Any = document
    for part in parts:
        if isinstance(part, int):
            name = node[part].get("name") if isinstance(node[part], Mapping) else None
            if out and out[-1] == "patterns" and isinstance(name, str):
                out.append(name)
            elif out:
                out[-1] += f"[{part}]"
            else:
                out.append(f"[{part}]")
        else:
            out.append(str(part))
        node = node[part]
    return ".".join(out)


def import_jsonschema() -> None:
    """Import jsonschema, if not yet imported, without ``rfc3987_syntax``.

    On import, jsonschema also loads ``rfc3987_syntax`` when it is installed (with its format
    extras, as jupyter-events asks), which compiles about 40 grammars for its ``iri`` format
    checks: 4 s, most of notebook 09's cells and of a ``make run`` worker's start (nbformat
    imports jsonschema). The model schema is validated without a format checker and nbformat
    checks no formats, so nothing is lost; the module is hidden only during jsonschema's first
    import, so anything else can still import it.
    """
    import sys

    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # its import fails
    try:
        import jsonschema  # noqa: F401
    finally:
        if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
            del sys.modules["rfc3987_syntax"]


def schema_problems(document: Any) -> list[Problem]:
    """Every place ``document`` breaks the JSON Schema, as ``(path, message)``."""
    if not isinstance(document, Mapping):
        return [("", f"a model file holds a mapping, not {type(document).__name__}")]
    # Imported here: only validating needs jsonschema.
    import_jsonschema()
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
    return [(_path(document, list(e.absolute_path)), e.message) for e in errors]


# -- document to objects -------------------------------------------------------------------


def _table(doc: Mapping[str, Any]) -> tuple[TableSpec | None, list[Problem]]:
    attributes: dict[str, str] = {}
    problems: list[Problem] = []

    def define(key: Mapping[str, str] | None, where: str) -> str | None:
        if not key:
            return None
        if attributes.setdefault(key["name"], key["type"]) != key["type"]:
            problems.append(
                (
                    where,
                    f"{key['name']!r} is {key['type']} here but {attributes[key['name']]} "
                    "elsewhere",
                )
            )
        return key["name"]

    hash_key = define(doc["partition_key"], "table.partition_key")
    range_key = define(doc.get("sort_key"), "table.sort_key")
    billing = doc.get("billing") or {"mode": "PROVISIONED"}
    provisioned = billing["mode"] == "PROVISIONED"
    throughput = (
        Throughput(billing.get("read", 5), billing.get("write", 5)) if provisioned else None
    )
    indexes, local = [], []
    for gsi in doc.get("global_indexes") or []:
        where = f"table.global_indexes.{gsi['name']}"
        kind, include = _projection(gsi.get("projection"))
        own = gsi.get("throughput")
        try:
            indexes.append(
                GlobalIndex(
                    gsi["name"],
                    define(gsi["partition_key"], where) or "",
                    define(gsi.get("sort_key"), where),
                    kind,
                    (Throughput(own.get("read", 5), own.get("write", 5)) if own else throughput)
                    if provisioned
                    else None,
                    include,
                )
            )
        except ModelError as exc:
            problems.append((where, exc.msg))
    for lsi in doc.get("local_indexes") or []:
        where = f"table.local_indexes.{lsi['name']}"
        kind, include = _projection(lsi.get("projection"))
        try:
            local.append(
                LocalIndex(lsi["name"], define(lsi["sort_key"], where) or "", kind, include)
            )
        except ModelError as exc:
            problems.append((where, exc.msg))
    try:
        table = TableSpec(
            doc["name"],
            hash_key or "",
            range_key,
            attributes,
            tuple(indexes),
            throughput,
            doc.get("stream"),
            tuple(local),
        )
    except ModelError as exc:
        return None, problems + [("table", exc.msg)]
    return table, problems


def _projection(value: Any) -> tuple[str, tuple[str, ...]]:
    if isinstance(value, Mapping):
        return value["type"], tuple(value.get("attributes") or ())
    return value or "ALL", ()


def _entity(name: str, doc: Mapping[str, Any], key_names: tuple[str, ...]) -> Entity:
    specs = []
    for field, spec in (doc.get("attributes") or {}).items():
        spec = {"type": spec} if isinstance(spec, str) else spec
        specs.append(
            Attribute(
                field,
                spec.get("type", "S"),
                spec.get("description", ""),
                spec.get("generate"),
                spec.get("stored", True),
            )
        )
    keys = doc["keys"]
    type_attribute = doc.get("type_attribute")
    return Entity(
        name=name,
        keys={k: v for k, v in keys.items() if k in key_names},
        key_fields=tuple(a.name for a in specs if not a.stored),
        attributes=tuple(a.name for a in specs if a.stored),
        description=doc.get("description", ""),
        index_keys={k: v for k, v in keys.items() if k not in key_names},
        attribute_specs=tuple(specs),
        type_attribute=(type_attribute["name"], type_attribute["value"])
        if type_attribute
        else None,
        samples=tuple(doc.get("samples") or ()),
    )


def _lenient_entity(name: str, doc: Mapping[str, Any], key_names: tuple[str, ...]) -> Entity | None:
    """The entity with undeclared template fields declared, so the model checks can go on."""
    declared = set(doc.get("attributes") or {})
    missing: list[str] = []
    try:
        for template in doc["keys"].values():
            missing += [f for f in KeyTemplate(template).fields if f not in declared | set(missing)]
        patched = {**doc, "samples": []}
        patched["attributes"] = {**(doc.get("attributes") or {})}
        patched["attributes"].update({f: {"stored": False} for f in missing})
        return _entity(name, patched, key_names)
    except ModelError:
        return None


def _action(kind: str, entity: str, doc: Mapping[str, Any]) -> Action:
    return Action(
        kind,
        entity,
        fields=doc.get("fields") or {},
        set=doc.get("set") or {},
        remove=tuple(doc.get("remove") or ()),
        condition=doc.get("condition"),
        condition_values=doc.get("condition_values") or {},
    )


def _describe(doc: Mapping[str, Any], partition: str | None) -> str:
    if doc.get("key_condition"):
        return doc["key_condition"]
    if not partition:
        return ""
    text = f"{doc.get('_attribute', 'pk')} = {partition}"
    sort = doc.get("sort_key")
    if sort:
        value = sort["value"]
        shown = " AND ".join(map(str, value)) if isinstance(value, list) else str(value)
        text += f", {sort.get('attribute') or doc.get('_range') or 'sk'} {sort['op']} {shown}"
    return text


def _pattern(doc: Mapping[str, Any], table: TableSpec | None) -> AccessPattern:
    actions = [_action(kind, doc[key], doc) for key, kind in ACTION_KEYS.items() if key in doc] + [
        _action(kind, action[key], action)
        for action in doc.get("actions") or []
        for key, kind in ACTION_KEYS_IN_TRANSACTIONS.items()
        if key in action
    ]
    returns = tuple(doc.get("returns") or ())
    entity = doc.get("entity") or (returns[0] if returns else actions[0].entity if actions else "")
    partition = doc.get("partition_key")
    attribute = None
    if isinstance(partition, Mapping):
        attribute, partition = partition["attribute"], partition["value"]
    partition = None if partition is None else str(partition)
    hash_attr, range_attr = attribute, None
    if table is not None:
        try:
            index_hash, range_attr = table.index_key_names(doc.get("index"))
        except ModelError:
            index_hash = "pk"
        hash_attr = hash_attr or index_hash
    sort = doc.get("sort_key")
    condition = None
    if sort:
        value = sort["value"]
        value = tuple(map(str, value)) if isinstance(value, list) else str(value)
        condition = SortCondition(sort["op"], value, sort.get("attribute"))
    filt = doc.get("filter")
    follows = doc.get("follows") or []
    return AccessPattern(
        letter=doc.get("letter", ""),
        name=doc["name"],
        description=doc.get("description", ""),
        # ``follows`` holds operation names the pattern also sends, and other patterns of the
        # model it causes (``{pattern: NAME, times: N}``), priced with it.
        operations=(doc["operation"], *(f for f in follows if isinstance(f, str))),
        entity=entity,
        key_condition=_describe({**doc, "_attribute": hash_attr, "_range": range_attr}, partition),
        example=doc.get("example") or {},
        index=doc.get("index"),
        order=doc.get("order", ""),
        limit=doc.get("limit"),
        command=doc.get("command", ""),
        partition_key=partition,
        partition_attribute=attribute,
        sort_key=condition,
        forward=doc.get("direction", "forward") == "forward",
        consistent_read=doc.get("consistent_read", False),
        projection=tuple(doc.get("projection") or ()),
        filter=Filter(
            filt["expression"], filt.get("names") or {}, filt.get("values") or {}, filt.get("keeps")
        )
        if filt
        else None,
        returns=returns,
        actions=tuple(actions),
        follows=tuple(
            FollowUp(f["pattern"], f.get("times", 1)) for f in follows if isinstance(f, Mapping)
        ),
    )


def model_from_document(document: Any, source: str = "model") -> Model:
    """The :class:`Model` a parsed model document declares, checked.

    :param document: the parsed YAML or JSON.
    :param source: what to call it in the error (e.g. the file name).
    :raises ModelError: a :class:`~workbench.model.problems.ModelProblems` naming every
        problem with its path (schema problems first: when there are any, nothing is built).
    """
    problems = schema_problems(document)
    if problems:
        raise ModelProblems(source, problems)
    table, problems = _table(document["table"])
    key_names = table.key_names if table else ()
    entities = []
    for name, doc in document["entities"].items():
        try:
            entities.append(_entity(name, doc, key_names))
        except ModelProblems as exc:
            problems += prefixed(f"entities.{name}", exc.problems)
            fallback = _lenient_entity(name, doc, key_names)
            if fallback is not None:
                entities.append(fallback)
        except ModelError as exc:
            problems.append((f"entities.{name}", exc.msg))
    patterns = []
    for doc in document.get("patterns") or []:
        try:
            patterns.append(_pattern(doc, table))
        except ModelError as exc:
            problems.append((f"patterns.{doc['name']}", exc.msg))
    kept = document.get("nosql_workbench") or {}
    problems += [
        (
            f"nosql_workbench.facets.{name}",
            f"no entity {name!r}; entities: {list(document['entities'])}",
        )
        for name in kept.get("facets") or {}
        if name not in document["entities"]
    ]
    if table is None:
        raise ModelProblems(source, problems)
    try:
        model = Model(table, entities, patterns, description=document.get("description", ""))
    except ModelProblems as exc:
        raise ModelProblems(source, problems + exc.problems) from None
    if problems:
        raise ModelProblems(source, problems)
    # What a NoSQL Workbench file held that the model has no place for: only its export
    # reads it (workbench/design/interop/nosql/authored.py), so it is no part of equality.
    model.nosql_workbench = dict(kept)
    return model


# -- files ---------------------------------------------------------------------------------


def is_ours(text: str, path: Path) -> bool:
    return True  # our YAML (JSON is YAML too); NoSQL Workbench JSON is detected before this


def load_ours(text: str, path: Path) -> Model:
    try:
        document = safeload.parse_yaml(text, f"model file {str(path)!r}", unique_keys=True)
    except yaml.YAMLError as exc:
        raise ModelError(f"model file {str(path)!r} is not valid YAML: {exc}") from exc
    return model_from_document(document, f"model file {path.name!r}")
