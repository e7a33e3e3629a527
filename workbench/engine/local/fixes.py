"""Where moto stores or answers otherwise than DynamoDB, put right in the managed server.

:func:`rewrite` changes a request before moto sees it (so moto stores what DynamoDB would);
:func:`reshape` changes moto's answer before the client sees it. Both return None when there
is nothing to change, so the common request costs one dictionary lookup.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ...errors import ValidationError
from ...model import projection
from ...model.items import number_text
from ...model.limits.checks import ITEM_OPERATIONS
from . import tables

Rewrite = Callable[[dict[str, Any]], dict[str, Any] | None]
Reshape = Callable[[dict[str, Any], str, bytes], bytes | None]

# Members of a request (and of each batch or transaction body in it) that hold attribute
# values DynamoDB stores or compares.
_VALUE_MEMBERS = ("Item", "Key", "ExpressionAttributeValues", "ExclusiveStartKey")


def _canonical(value: Any) -> Any:
    """``value`` (a typed attribute value) with every number as DynamoDB stores it: ``00042``
    is 42, ``1.5E2`` is 150, ``-0`` is 0 (a number DynamoDB refuses is left for the checks)."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return value
    ((kind, inner),) = value.items()
    try:
        if kind == "N" and isinstance(inner, str):
            return {"N": number_text(inner)}
        if kind == "NS" and isinstance(inner, list):
            return {"NS": [number_text(n) if isinstance(n, str) else n for n in inner]}
    except ValidationError:
        return value
    if kind == "L" and isinstance(inner, list):
        return {"L": [_canonical(v) for v in inner]}
    if kind == "M" and isinstance(inner, Mapping):
        return {"M": {k: _canonical(v) for k, v in inner.items()}}
    return value


def _canonical_body(body: Any) -> Any:
    if not isinstance(body, Mapping):
        return body
    out = dict(body)
    for member in _VALUE_MEMBERS:
        if isinstance(out.get(member), Mapping):
            out[member] = {k: _canonical(v) for k, v in out[member].items()}
    return out


def _numbers(params: dict[str, Any]) -> dict[str, Any] | None:
    """Every number of the request in DynamoDB's canonical form: DynamoDB stores and returns
    numbers so ("Numbers ... leading and trailing zeroes are trimmed",
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html),
    and a key ``00042`` is the key ``42``."""
    out = _canonical_body(params)
    items = out.get("RequestItems")
    if isinstance(items, Mapping):
        out["RequestItems"] = {
            table: (
                [{k: _canonical_body(v) for k, v in w.items()} for w in writes]
                if isinstance(writes, list) and all(isinstance(w, Mapping) for w in writes)
                else _canonical_body(writes)
            )
            for table, writes in items.items()
        }
    actions = out.get("TransactItems")
    if isinstance(actions, list):
        out["TransactItems"] = [
            {k: _canonical_body(v) for k, v in a.items()} if isinstance(a, Mapping) else a
            for a in actions
        ]
    return out if out != params else None


_REWRITES: dict[str, tuple[Rewrite, ...]] = {op: (_numbers,) for op in ITEM_OPERATIONS}
_REWRITES["ExportTableToPointInTime"] = (tables.rewrite,)  # an S3Prefix moto requires


def _attributes_to_get(params: dict[str, Any], status: str, body: bytes) -> bytes | None:
    """The items of a read with ``AttributesToGet`` cut to those attributes, as DynamoDB
    answers (moto returns them whole): "The names of one or more attributes to retrieve. If no
    attribute names are provided, then all attributes will be returned."
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.AttributesToGet.html
    """
    if not status.startswith("2"):
        return None
    tables = params.get("RequestItems")
    wanted = (
        {t: e.get("AttributesToGet") for t, e in tables.items() if isinstance(e, dict)}
        if isinstance(tables, dict)
        else {None: params.get("AttributesToGet")}
    )
    wanted = {t: names for t, names in wanted.items() if isinstance(names, list) and names}
    if not wanted:
        return None
    answer = json.loads(body)

    def cut(item: Any, names: list[str]) -> Any:
        return projection.project(item, [(n,) for n in names]) if isinstance(item, dict) else item

    for table, names in wanted.items():
        if table is not None:  # BatchGetItem: each table's items
            found = (answer.get("Responses") or {}).get(table)
            if isinstance(found, list):
                answer["Responses"][table] = [cut(item, names) for item in found]
        elif "Item" in answer:  # GetItem
            answer["Item"] = cut(answer["Item"], names)
        elif isinstance(answer.get("Items"), list):  # Query, Scan
            answer["Items"] = [cut(item, names) for item in answer["Items"]]
    return json.dumps(answer).encode()


def _table_not_found(params: dict[str, Any], status: str, body: bytes) -> bytes | None:
    """moto's ``ResourceNotFound`` for a missing table's time to live, as DynamoDB answers it:
    ``ResourceNotFoundException``, "Requested resource not found: Table: NAME not found"
    (what the AWS CLI prints, localstack/localstack#9038; https://docs.aws.amazon.com/
    amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html lists the exception)."""
    try:
        found = status.startswith("4") and json.loads(body).get("__type") == "ResourceNotFound"
    except (ValueError, AttributeError):
        return None
    if not found:
        return None
    message = f"Requested resource not found: Table: {params.get('TableName')} not found"
    return json.dumps(
        {"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "message": message}
    ).encode()


_RESHAPES: dict[str, tuple[Reshape, ...]] = {
    "GetItem": (_attributes_to_get,),
    "Query": (_attributes_to_get,),
    "Scan": (_attributes_to_get,),
    "BatchGetItem": (_attributes_to_get,),
    "UpdateTimeToLive": (_table_not_found,),
    "DescribeTimeToLive": (_table_not_found,),
}


def rewrite(operation: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """``params`` as DynamoDB would take them in, or None when nothing changes."""
    changed = None
    for fix in _REWRITES.get(operation, ()):
        changed = fix(changed if changed is not None else params) or changed
    return changed


def reshape(operation: str, params: dict[str, Any], status: str, body: bytes) -> bytes | None:
    """moto's answer ``body`` as DynamoDB would answer, or None when nothing changes."""
    changed = None
    for fix in _RESHAPES.get(operation, ()):
        changed = fix(params, status, changed if changed is not None else body) or changed
    return changed
