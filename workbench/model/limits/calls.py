"""The shape of a call DynamoDB refuses: a Query or Scan ``Limit`` below 1, legacy and
expression parameters mixed, legacy ``AttributeUpdates`` on a key attribute, and BatchGetItem
or TransactGetItems empty, too long, or naming one item twice.

- "Can not use both expression and non-expression parameters in the same request": the legacy
  parameters (``AttributesToGet``, ``Expected``, ``KeyConditions``, ``QueryFilter``,
  ``ScanFilter``, ``AttributeUpdates``, ``ConditionalOperator``) and their expression
  replacements exclude each other.
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html
- BatchGetItem reads 1 to 100 keys, each once.
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
- TransactGetItems reads 1 to 100 items, each once.
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html

Messages are DynamoDB's as the conformance suites calibrated against it record them.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

from ... import constants as C
from ...errors import RequestRejected, ValidationError
from ..items import number_text
from ..requests import Request
from .messages import (
    DUPLICATE_KEYS,
    EMPTY_TRANSACTION,
    LIMIT_TOO_SMALL,
    MAX_TRANSACTION_ACTIONS,
    ONE_ITEM_TWICE,
    QUERY_LIMIT_TOO_SMALL,
    TOO_MANY_ACTIONS,
    VALIDATION,
)
from .schema import KeySchema

MAX_BATCH_GET = 100
MIXED = (
    "Can not use both expression and non-expression parameters in the same request: "
    "Non-expression parameters: {{{legacy}}} Expression parameters: {{{expressions}}}"
)
BATCH_GET_REQUIRED = "The requestItems parameter is required for BatchGetItem"
BATCH_GET_KEYS = (
    "1 validation error detected: Value at 'RequestItems.{table}.member.Keys' failed to "
    "satisfy constraint: Member must have length {bound}"
)
TOO_MANY_GETS = "Too many items requested for the BatchGetItem call"
KEY_UPDATE = (
    "One or more parameter values were invalid: Cannot update attribute {name}. "
    "This attribute is part of the key"
)

LEGACY = (
    "AttributesToGet",
    "AttributeUpdates",
    "ConditionalOperator",
    "Expected",
    "KeyConditions",
    "QueryFilter",
    "ScanFilter",
)
EXPRESSIONS = (
    "ConditionExpression",
    "FilterExpression",
    "KeyConditionExpression",
    "ProjectionExpression",
    "UpdateExpression",
)
# Operations whose parameters may be legacy ones.
_WITH_LEGACY = ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan")


def _refuse(request: Request, table: str | None, message: str) -> NoReturn:
    raise RequestRejected(request.operation, table, VALIDATION, message)


def canonical_key(key: Mapping[str, Any]) -> str:
    """One text per item key, whatever its spelling: ``{"N": "1.0"}`` is ``{"N": "1"}``, and
    binary as bytes (boto3 client params) or base64 text (the wire) is the same key."""

    def value(typed: Any) -> Any:
        if not isinstance(typed, Mapping) or len(typed) != 1:
            return repr(typed)
        ((kind, inner),) = typed.items()
        try:
            if kind == "N":
                return {"N": number_text(str(inner))}
            if kind == "B":
                raw = inner if isinstance(inner, bytes | bytearray) else base64.b64decode(inner)
                return {"B": base64.b64encode(bytes(raw)).decode()}
        except (ValidationError, binascii.Error, ValueError, TypeError):
            pass  # refused elsewhere, or by the engine
        return {kind: inner if isinstance(inner, str) else repr(inner)}

    return json.dumps({name: value(typed) for name, typed in key.items()}, sort_keys=True)


def _mixed(request: Request, table: str | None, bodies: list[Mapping[str, Any]]) -> None:
    legacy = sorted({p for body in bodies for p in LEGACY if body.get(p) is not None})
    expressions = sorted({p for body in bodies for p in EXPRESSIONS if body.get(p) is not None})
    if legacy and expressions:
        message = MIXED.format(legacy=", ".join(legacy), expressions=", ".join(expressions))
        _refuse(request, table, message)


def check_mixed(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """Refuse legacy parameters beside expression parameters in one request."""
    params = request.params
    if request.operation in _WITH_LEGACY:
        _mixed(request, params.get(C.TABLE_NAME), [params])
    elif request.operation == "BatchGetItem":
        # DynamoDB refuses the mix across the tables of one batch too.
        entries = params.get(C.REQUEST_ITEMS)
        tables = entries if isinstance(entries, Mapping) else {}
        bodies = [entry for entry in tables.values() if isinstance(entry, Mapping)]
        _mixed(request, next(iter(tables), None), bodies)


def _check_batch_get(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    entries = request.params.get(C.REQUEST_ITEMS)
    if not isinstance(entries, Mapping) or not entries:
        _refuse(request, None, BATCH_GET_REQUIRED)
    total = 0
    for table, entry in entries.items():
        keys = entry.get(C.KEYS) if isinstance(entry, Mapping) else None
        if not isinstance(keys, list):
            continue  # malformed: the engine reports it
        if not keys:
            bound = "greater than or equal to 1"
            _refuse(request, table, BATCH_GET_KEYS.format(table=table, bound=bound))
        if len(keys) > MAX_BATCH_GET:
            bound = f"less than or equal to {MAX_BATCH_GET}"
            _refuse(request, table, BATCH_GET_KEYS.format(table=table, bound=bound))
        total += len(keys)
    if total > MAX_BATCH_GET:
        _refuse(request, next(iter(entries)), TOO_MANY_GETS)
    for table, entry in entries.items():
        seen: set[str] = set()
        for key in (entry.get(C.KEYS) or []) if isinstance(entry, Mapping) else []:
            if isinstance(key, Mapping):
                text = canonical_key(key)
                if text in seen:
                    _refuse(request, table, DUPLICATE_KEYS)
                seen.add(text)


def _gets(params: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for action in params.get(C.TRANSACT_ITEMS) or []:
        if isinstance(action, Mapping) and isinstance(action.get("Get"), Mapping):
            yield action["Get"]


def _check_transact_get(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    actions = request.params.get(C.TRANSACT_ITEMS)
    if not actions:
        _refuse(request, None, EMPTY_TRANSACTION)
    gets = list(_gets(request.params))
    first_table = next((get.get(C.TABLE_NAME) for get in gets), None)
    if len(actions) > MAX_TRANSACTION_ACTIONS:
        _refuse(request, first_table, TOO_MANY_ACTIONS)
    seen: set[tuple[Any, str]] = set()
    for get in gets:
        key = get.get(C.KEY)
        if isinstance(key, Mapping):
            target = (get.get(C.TABLE_NAME), canonical_key(key))
            if target in seen:
                _refuse(request, get.get(C.TABLE_NAME), ONE_ITEM_TWICE)
            seen.add(target)


def check_limit(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """Refuse a Query or Scan ``Limit`` below 1: a constraint on the member itself, which
    DynamoDB checks before anything the request's expressions say.
    https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Limit
    """
    limit = request.params.get(C.LIMIT)
    if request.operation in ("Query", "Scan") and isinstance(limit, int) and limit < 1:
        # Query and Scan word it differently (see messages.QUERY_LIMIT_TOO_SMALL).
        message = (
            QUERY_LIMIT_TOO_SMALL
            if request.operation == "Query"
            else LIMIT_TOO_SMALL.format(value=limit)
        )
        _refuse(request, request.params.get(C.TABLE_NAME), message)


def _check_key_updates(
    request: Request, schemas: Mapping[str, KeySchema], _tokens: Any = None
) -> None:
    """Refuse legacy ``AttributeUpdates`` naming a key attribute, as an UpdateExpression
    setting one is refused: a key is not updated, the item is another.
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.AttributeUpdates.html
    """
    table, updates = request.params.get(C.TABLE_NAME), request.params.get("AttributeUpdates")
    schema = schemas.get(table) if isinstance(table, str) else None
    for name in updates if schema is not None and isinstance(updates, Mapping) else ():
        if name in schema.key_names:
            _refuse(request, table, KEY_UPDATE.format(name=name))


# The registry runs EVERY for each operation before the operations' own CHECKS.
EVERY = (check_limit, check_mixed)
CHECKS = {
    "BatchGetItem": (_check_batch_get,),
    "TransactGetItems": (_check_transact_get,),
    "UpdateItem": (_check_key_updates,),
}
