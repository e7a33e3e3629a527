"""Key values as DynamoDB checks them: not empty, matching the key schema, within the key
length limits, and an ``ExclusiveStartKey`` that is a key of what is read.

- A key attribute (of the table or of an index) may not hold an empty string or binary; the
  message names which. "The minimum length of a String/Binary key attribute is 1 byte."
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
- A ``Key`` names exactly the table's key attributes, each with its declared scalar type;
  anything else is "The provided key element does not match the schema" (also for a
  BatchWriteItem put whose item key has the wrong type, where PutItem says "Type mismatch").
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#DDB-GetItem-request-Key
- A partition key is at most 2048 bytes, a sort key 1024, on reads as on writes.
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys
- ``ExclusiveStartKey`` holds the table's key attributes, plus the index's on an index read,
  and nothing else: "The provided starting key is invalid" (Scan of the table adds ": The
  provided key element does not match the schema").
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-ExclusiveStartKey

The messages are as DynamoDB answers them (dynamodb-conformance's captures, dynalite and
ScyllaDB Alternator's tests, moto's own). In a transaction an empty key value is refused for
the whole request, as DynamoDB does; a key of the wrong type there cancels the transaction
instead, which is the transaction rules' to answer, not these checks'.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

from ... import constants as C
from ...errors import RequestRejected
from ..requests import Request
from .checks import set_literals
from .messages import KEY_SCHEMA_MISMATCH, VALIDATION
from .schema import KeySchema

NOT_VALID = "One or more parameter values are not valid. "
EMPTY_KEY = (
    NOT_VALID + "The AttributeValue for a key attribute cannot contain an empty {kind} value. "
    "Key: {name}"
)
EMPTY_INDEX_KEY = (
    NOT_VALID + "A value specified for a secondary index key is not supported. The "
    "AttributeValue for a key attribute cannot contain an empty {kind} value. "
    "IndexName: {index}, IndexKey: {name}"
)
EMPTY_INDEX_UPDATE = (
    NOT_VALID + "The update expression attempted to update a secondary index key to a value "
    "that is not supported. The AttributeValue for a key attribute cannot contain an empty "
    "{kind} value."
)
SCHEMA_MISMATCH = KEY_SCHEMA_MISMATCH
# DynamoDB's own wording, with no space in "of2048" (dynalite and moto record the same).
HASH_KEY_TOO_LONG = (
    "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
    "limit of2048 bytes"
)
RANGE_KEY_TOO_LONG = (
    "One or more parameter values were invalid: Aggregated size of all range keys has exceeded "
    "the size limit of 1024 bytes"
)
BAD_START_KEY = "The provided starting key is invalid"
BAD_SCAN_START_KEY = BAD_START_KEY + ": " + SCHEMA_MISMATCH

MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024
_KIND = {"S": "string", "B": "binary"}


def _refuse(request: Request, table: str | None, message: str) -> NoReturn:
    raise RequestRejected(request.operation, table, VALIDATION, message)


def _typed(value: Any) -> tuple[str, Any] | None:
    """``(type, inner)`` of one typed value, or None when it is not one."""
    if isinstance(value, Mapping) and len(value) == 1:
        ((kind, inner),) = value.items()
        return str(kind), inner
    return None


def _length(kind: str, inner: Any) -> int | None:
    """Bytes of a string or binary value (boto3 params carry bytes, the wire base64 text)."""
    if kind == "S" and isinstance(inner, str):
        return len(inner.encode("utf-8"))
    if kind == "B":
        if isinstance(inner, bytes | bytearray):
            return len(inner)
        value = getattr(inner, "value", inner)  # boto3's Binary
        if isinstance(value, bytes | bytearray):
            return len(value)
        try:
            return len(base64.b64decode(str(value), validate=True))
        except (binascii.Error, ValueError):
            return None  # not base64: the engine reports that
    return None


def _empty_kind(value: Any) -> str | None:
    """``string`` or ``binary`` when ``value`` is an empty S or B, else None."""
    typed = _typed(value)
    if typed is None or typed[0] not in _KIND:
        return None
    return _KIND[typed[0]] if _length(*typed) == 0 else None


def _index_of(schema: KeySchema, name: str) -> str | None:
    """The first index, by name, keyed on ``name`` (the one DynamoDB's message names)."""
    return next((i for i in sorted(schema.indexes) if name in schema.indexes[i]), None)


# -- empty values ------------------------------------------------------------------------


def _check_empty_key(
    request: Request, table: str | None, key: Mapping[str, Any], schema: KeySchema
) -> None:
    for name in schema.key_names:
        kind = _empty_kind(key.get(name))
        if kind:
            _refuse(request, table, EMPTY_KEY.format(kind=kind, name=name))


def _check_empty_item(
    request: Request, table: str | None, item: Mapping[str, Any], schema: KeySchema
) -> None:
    """An item's index keys first, then its table keys (the order DynamoDB reports them)."""
    for name, value in item.items():
        index = _index_of(schema, name) if name not in schema.key_names else None
        kind = _empty_kind(value) if index else None
        if kind:
            _refuse(request, table, EMPTY_INDEX_KEY.format(kind=kind, index=index, name=name))
    _check_empty_key(request, table, item, schema)


def _check_empty_update(
    request: Request, table: str | None, body: Mapping[str, Any], schema: KeySchema
) -> None:
    """``SET`` of an index key attribute to an empty string or binary."""
    for name, value in set_literals(body).items():
        kind = _empty_kind(value)
        if kind and name not in schema.key_names and _index_of(schema, name):
            _refuse(request, table, EMPTY_INDEX_UPDATE.format(kind=kind))


# -- the key's shape and length ----------------------------------------------------------


def _check_shape(
    request: Request, table: str | None, key: Mapping[str, Any], schema: KeySchema
) -> None:
    if set(key) != set(schema.key_names):
        _refuse(request, table, SCHEMA_MISMATCH)
    for name in schema.key_names:
        typed = _typed(key[name])
        # Not a typed value at all is a serialization error: the engine's to report.
        if typed is not None and schema.types.get(name) not in (None, typed[0]):
            _refuse(request, table, SCHEMA_MISMATCH)


def _check_lengths(
    request: Request, table: str | None, key: Mapping[str, Any], schema: KeySchema
) -> None:
    limits = ((schema.hash_key, MAX_HASH_KEY_BYTES, HASH_KEY_TOO_LONG),)
    if schema.range_key:
        limits += ((schema.range_key, MAX_RANGE_KEY_BYTES, RANGE_KEY_TOO_LONG),)
    for name, limit, message in limits:
        typed = _typed(key.get(name))
        length = _length(*typed) if typed else None
        if length is not None and length > limit:
            _refuse(request, table, message)


def _check_key(
    request: Request, table: str | None, key: Any, schema: KeySchema | None, *, shape: bool
) -> None:
    """Every rule on one ``Key``; ``shape`` False leaves the schema match to others."""
    if schema is None or not isinstance(key, Mapping):
        return
    _check_empty_key(request, table, key, schema)
    if shape:
        _check_shape(request, table, key, schema)
        _check_lengths(request, table, key, schema)


# -- the checks, by operation -------------------------------------------------------------


def _check_single(request: Request, schemas: Mapping[str, KeySchema], _: Any) -> None:
    """GetItem, DeleteItem, UpdateItem: the ``Key``; UpdateItem's SET of an index key."""
    table = request.params.get(C.TABLE_NAME)
    schema = schemas.get(table) if isinstance(table, str) else None
    _check_key(request, table, request.params.get(C.KEY), schema, shape=True)
    if schema is not None and request.operation == "UpdateItem":
        _check_empty_update(request, table, request.params, schema)


def _check_put(request: Request, schemas: Mapping[str, KeySchema], _: Any) -> None:
    table = request.params.get(C.TABLE_NAME)
    schema = schemas.get(table) if isinstance(table, str) else None
    item = request.params.get(C.ITEM)
    if schema is not None and isinstance(item, Mapping):
        _check_empty_item(request, table, item, schema)


def _batch(params: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """``(table, "Key" or "Item", value)`` for each key or item of a batch request."""
    tables = params.get(C.REQUEST_ITEMS)
    for table, entry in tables.items() if isinstance(tables, Mapping) else ():
        if isinstance(entry, list):  # BatchWriteItem
            for write in entry:
                if not isinstance(write, Mapping):
                    continue
                put, delete = write.get(C.PUT_REQUEST), write.get(C.DELETE_REQUEST)
                if isinstance(put, Mapping):
                    yield table, C.ITEM, put.get(C.ITEM)
                if isinstance(delete, Mapping):
                    yield table, C.KEY, delete.get(C.KEY)
        elif isinstance(entry, Mapping):  # BatchGetItem
            for key in entry.get(C.KEYS) or []:
                yield table, C.KEY, key


def _check_batch(request: Request, schemas: Mapping[str, KeySchema], _: Any) -> None:
    for table, member, value in _batch(request.params):
        schema = schemas.get(table)
        if schema is None or not isinstance(value, Mapping):
            continue
        if member == C.KEY:
            _check_key(request, table, value, schema, shape=True)
        else:  # a put's wrong-typed item key is refused by checks.py, in the schema's words
            _check_empty_item(request, table, value, schema)


def _check_transaction(request: Request, schemas: Mapping[str, KeySchema], _: Any) -> None:
    """Empty key values refuse the whole transaction (wrong types cancel it instead)."""
    for action in request.params.get(C.TRANSACT_ITEMS) or []:
        for kind, body in action.items() if isinstance(action, Mapping) else ():
            if not isinstance(body, Mapping):
                continue
            table = body.get(C.TABLE_NAME)
            schema = schemas.get(table) if isinstance(table, str) else None
            if schema is None:
                continue
            if kind == C.PUT and isinstance(body.get(C.ITEM), Mapping):
                _check_empty_item(request, table, body[C.ITEM], schema)
            else:
                _check_key(request, table, body.get(C.KEY), schema, shape=False)
            if kind == "Update":
                _check_empty_update(request, table, body, schema)


def _check_start_key(request: Request, schemas: Mapping[str, KeySchema], _: Any) -> None:
    """Query and Scan: ``ExclusiveStartKey`` is a key of the table or index read."""
    params = request.params
    start = params.get(C.EXCLUSIVE_START_KEY)
    table = params.get(C.TABLE_NAME)
    schema = schemas.get(table) if isinstance(table, str) else None
    if schema is None or not isinstance(start, Mapping):
        return
    index = params.get(C.INDEX_NAME)
    if index and index not in schema.indexes:
        return  # an unknown index is the engine's to report
    names = set(schema.key_names)
    if index:
        names |= {name for name in schema.indexes[index] if name}
    message = BAD_SCAN_START_KEY if request.operation == "Scan" and not index else BAD_START_KEY
    if set(start) != names:
        _refuse(request, table, message)
    for name in names:
        typed = _typed(start[name])
        if typed is not None and schema.types.get(name) not in (None, typed[0]):
            _refuse(request, table, message)


# The registry (:mod:`.registry`) runs these after the request's shape is checked.
CHECKS = {
    "GetItem": (_check_single,),
    "DeleteItem": (_check_single,),
    "UpdateItem": (_check_single,),
    "PutItem": (_check_put,),
    "BatchGetItem": (_check_batch,),
    "BatchWriteItem": (_check_batch,),
    "TransactWriteItems": (_check_transaction,),
    "TransactGetItems": (_check_transaction,),
    "Query": (_check_start_key,),
    "Scan": (_check_start_key,),
}
