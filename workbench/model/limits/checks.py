"""The checks: each refuses a request as DynamoDB would, before it is sent."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NoReturn

from ... import constants as C
from ...errors import RequestRejected, ValidationError
from ..items import number_text
from ..requests import Request
from ..update_expression import clauses, split_top
from .messages import (
    BATCH_WRITE_SIZE,
    DUPLICATE_KEYS,
    EMPTY_BATCH,
    EMPTY_TRANSACTION,
    FILTER_ON_KEY,
    IDEMPOTENT_MISMATCH,
    INDEX_TYPE_MISMATCH,
    ITEM_TOO_BIG,
    KEY_SCHEMA_MISMATCH,
    KEY_TYPE_MISMATCH,
    MAX_BATCH_WRITE,
    MAX_ITEM_BYTES,
    MAX_TRANSACTION_ACTIONS,
    MAX_TRANSACTION_BYTES,
    ONE_ITEM_TWICE,
    TOKEN_REUSED,
    TOO_MANY_ACTIONS,
    TOO_MANY_BATCH,
    TRANSACTION_TOO_BIG,
    UPDATE_TOO_BIG,
    VALIDATION,
    request_items_text,
)
from .schema import KeySchema, TokenBook, jsonable
from .sizes import action_cost, item_bytes

# A check refuses a request (raising RequestRejected) or returns None; it is given the key
# schemas of the tables the request names (when known) and the engine's client tokens.
Check = Callable[[Request, Mapping[str, KeySchema], TokenBook | None], None]


# The operations that read or write items, by key.
ITEM_OPERATIONS = frozenset(
    {
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "GetItem",
        "Query",
        "Scan",
        "BatchWriteItem",
        "BatchGetItem",
        "TransactWriteItems",
        "TransactGetItems",
    }
)
# Operations whose checks may need the key schemas of the tables they name.
_NAMING_TABLES = ITEM_OPERATIONS | {"UpdateTable"}


def tables_needing_keys(request: Request) -> list[str]:
    """The tables whose :class:`KeySchema` :func:`check_request` can use for ``request``."""
    params = request.params
    if request.operation not in _NAMING_TABLES:
        return []
    names: list[Any] = [params.get(C.TABLE_NAME)]
    if isinstance(params.get(C.REQUEST_ITEMS), Mapping):
        names += list(params[C.REQUEST_ITEMS])
    names += [body.get(C.TABLE_NAME) for _, body in _actions(params) if isinstance(body, Mapping)]
    return list(dict.fromkeys(n for n in names if isinstance(n, str) and n))


# -- the checks --------------------------------------------------------------------------


def _refuse(request: Request, table: str | None, message: str, code: str = VALIDATION) -> NoReturn:
    raise RequestRejected(request.operation, table, code, message)


def _check_put(request: Request, schemas: Mapping[str, KeySchema], _: Any) -> None:
    table = request.params.get(C.TABLE_NAME)
    item = request.params.get(C.ITEM) or {}
    _check_item(request, table, item, schemas.get(table))


def _check_item(
    request: Request,
    table: str | None,
    item: Mapping[str, Any],
    schema: KeySchema | None,
    *,
    key_message: str | None = None,
) -> None:
    if item_bytes(item) > MAX_ITEM_BYTES:
        _refuse(request, table, ITEM_TOO_BIG)
    if schema is not None:
        written = {n: _type_of(v) for n, v in item.items()}
        _check_key_types(request, table, written, schema, key_message=key_message)


def _check_key_types(
    request: Request,
    table: str | None,
    written: Mapping[str, str],
    schema: KeySchema,
    *,
    table_keys: bool = True,
    key_message: str | None = None,
) -> None:
    """Refuse a key attribute of the table or of an index written with the wrong type
    (``key_message``: the operation's own words for a table key, if not PutItem's)."""
    for name in schema.key_names if table_keys else ():
        actual, expected = written.get(name), schema.types.get(name)
        if actual is not None and expected and actual != expected:
            msg = KEY_TYPE_MISMATCH.format(name=name, expected=expected, actual=actual)
            _refuse(request, table, key_message or msg)
    for index, keys in schema.indexes.items():
        for name in keys:
            if name is None:
                continue
            actual, expected = written.get(name), schema.types.get(name)
            if actual is not None and expected and actual != expected:
                _refuse(
                    request,
                    table,
                    INDEX_TYPE_MISMATCH.format(
                        name=name, expected=expected, actual=actual, index=index
                    ),
                )


def _check_update(request: Request, schemas: Mapping[str, KeySchema], _: Any) -> None:
    params = request.params
    table = params.get(C.TABLE_NAME)
    literals = set_literals(params)
    # What the request itself carries is a lower bound on the item it leaves behind, and on
    # what UpdateItem is charged (sizes.py). A transacted Update over the limit cancels
    # the transaction instead: moto's patch (engine/motoitems.py) answers that.
    expression = params.get("UpdateExpression") or ""
    if (
        item_bytes(params.get(C.KEY) or {}) + item_bytes(literals) > MAX_ITEM_BYTES
        or item_bytes(literals) + action_cost(expression) > MAX_ITEM_BYTES
    ):
        _refuse(request, table, UPDATE_TOO_BIG)
    schema = schemas.get(table)
    if schema is not None:
        # SET on a table key is refused by DynamoDB with its own message: left to the engine.
        written = {n: _type_of(v) for n, v in literals.items()}
        _check_key_types(request, table, written, schema, table_keys=False)


def _check_batch_write(request: Request, schemas: Mapping[str, KeySchema], _: Any) -> None:
    tables = request.params.get(C.REQUEST_ITEMS) or {}
    if not tables:
        _refuse(request, None, EMPTY_BATCH)
    for table, writes in tables.items():
        # One table's list empty or over 25 breaks the map's constraint; over 25 in all,
        # across tables, is the call's own limit (below).
        if not writes or len(writes) > MAX_BATCH_WRITE:
            _refuse(request, table, BATCH_WRITE_SIZE.format(value=request_items_text(tables)))
    if sum(len(writes) for writes in tables.values()) > MAX_BATCH_WRITE:
        _refuse(request, next(iter(tables)), TOO_MANY_BATCH)
    for table, writes in tables.items():
        schema = schemas.get(table)
        seen: set[str] = set()
        for write in writes:
            if C.PUT_REQUEST in write:
                # BatchWriteItem's words for a wrong-typed item key are the schema's
                # (dynamodb-conformance's captures, four regions).
                item = write[C.PUT_REQUEST].get(C.ITEM) or {}
                _check_item(request, table, item, schema, key_message=KEY_SCHEMA_MISMATCH)
            key = _key_of(write, schema)
            if key is not None:
                if key in seen:
                    _refuse(request, table, DUPLICATE_KEYS)
                seen.add(key)


def _check_transaction(
    request: Request, schemas: Mapping[str, KeySchema], tokens: TokenBook | None
) -> None:
    actions = list(_actions(request.params))
    first_table = next((body.get(C.TABLE_NAME) for _, body in actions), None)
    if not actions:
        _refuse(request, None, EMPTY_TRANSACTION)
    if len(actions) > MAX_TRANSACTION_ACTIONS:
        _refuse(request, first_table, TOO_MANY_ACTIONS)
    targets: set[tuple[str, str]] = set()
    total = 0
    for kind, body in actions:
        table = body.get(C.TABLE_NAME)
        schema = schemas.get(table)
        # A key or index key of the wrong type cancels the transaction instead of refusing
        # it (transactions.py, answered by engine/motoexpressions.py): sizes only here.
        if kind == C.PUT:
            item = body.get(C.ITEM) or {}
            _check_item(request, table, item, None)
            total += item_bytes(item)
            key = _key_of({C.PUT_REQUEST: body}, schema)
        else:
            total += item_bytes(body.get(C.KEY) or {})
            key = _canonical(body.get(C.KEY) or {}) if body.get(C.KEY) else None
        if key is not None:
            if (table, key) in targets:
                _refuse(request, table, ONE_ITEM_TWICE)
            targets.add((table, key))
    if total > MAX_TRANSACTION_BYTES:
        _refuse(request, first_table, TRANSACTION_TOO_BIG)
    token = request.params.get("ClientRequestToken")
    if token and tokens is not None and tokens.conflicts(token, request):
        _refuse(request, first_table, TOKEN_REUSED, IDEMPOTENT_MISMATCH)


def _check_query(request: Request, schemas: Mapping[str, KeySchema], _: Any) -> None:
    params = request.params
    table = params.get(C.TABLE_NAME)
    schema = schemas.get(table)
    expression = params.get("FilterExpression")
    if schema is None or not expression:
        return
    index = params.get(C.INDEX_NAME)
    if index and index not in schema.indexes:
        return  # an unknown index is the engine's to report
    keys = schema.indexes[index] if index else (schema.hash_key, schema.range_key)
    names = params.get(C.EXPRESSION_ATTRIBUTE_NAMES) or {}
    used = {names.get(head, head) for head in _path_heads(expression)}
    for key in keys:
        if key is not None and key in used:
            _refuse(request, table, FILTER_ON_KEY.format(name=key))


# The registry (:mod:`.registry`) runs these, and every other rules module's, by operation.
CHECKS: dict[str, tuple[Check, ...]] = {
    "PutItem": (_check_put,),
    "UpdateItem": (_check_update,),
    "BatchWriteItem": (_check_batch_write,),
    "TransactWriteItems": (_check_transaction,),
    "Query": (_check_query,),
}


# -- numbers -----------------------------------------------------------------------------

_NUMBER_PARAMS = (C.ITEM, C.KEY, C.EXPRESSION_ATTRIBUTE_VALUES, C.EXCLUSIVE_START_KEY)


def _check_numbers(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """Refuse any number, anywhere in an item, key or value of the request, that DynamoDB
    would refuse: over 38 significant digits, out of its range, or not a number (the rules
    live in :func:`workbench.model.items.number_text`)."""
    for table, values in _attribute_maps(request):
        for value in values:
            for number in _numbers(value):
                try:
                    number_text(number)
                except ValidationError as exc:
                    _, code, detail = exc.problems[0]
                    # DynamoDB's own message, without the value items.py names after it.
                    _refuse(
                        request,
                        table,
                        detail if code == "number_invalid" else detail.split(" (", 1)[0],
                    )


# Checks every operation gets, before its own.
EVERY: tuple[Check, ...] = (_check_numbers,)


def _attribute_maps(request: Request) -> Iterator[tuple[str | None, Any]]:
    params = request.params
    bodies: list[tuple[str | None, Mapping[str, Any]]] = [(params.get(C.TABLE_NAME), params)]
    bodies += [(body.get(C.TABLE_NAME), body) for _, body in _actions(params)]
    for table, writes in (params.get(C.REQUEST_ITEMS) or {}).items():
        for write in writes if isinstance(writes, list) else []:
            bodies += [(table, body) for body in write.values() if isinstance(body, Mapping)]
    for table, body in bodies:
        for name in _NUMBER_PARAMS:
            if isinstance(body.get(name), Mapping):
                yield table, body[name].values()


def _numbers(value: Any) -> Iterator[str]:
    if not isinstance(value, Mapping):
        return
    if "N" in value:
        yield str(value["N"])
    for number in value.get("NS", ()):
        yield str(number)
    for member in value.get("L", ()):
        yield from _numbers(member)
    for member in (value.get("M") or {}).values():
        yield from _numbers(member)


# -- helpers -----------------------------------------------------------------------------


def _actions(params: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for action in params.get(C.TRANSACT_ITEMS) or []:
        yield from action.items()


def _type_of(value: Any) -> str:
    return next(iter(value)) if isinstance(value, Mapping) and value else "?"


def _canonical(key: Mapping[str, Any]) -> str:
    return json.dumps(key, sort_keys=True, default=jsonable)


def _key_of(write: Mapping[str, Any], schema: KeySchema | None) -> str | None:
    """The canonical key a batch write request targets (None when it cannot be told)."""
    if C.DELETE_REQUEST in write:
        key = write[C.DELETE_REQUEST].get(C.KEY)
        return _canonical(key) if key else None
    item = (write.get(C.PUT_REQUEST) or {}).get(C.ITEM) or {}
    if schema is None or not all(name in item for name in schema.key_names):
        return None
    return _canonical({name: item[name] for name in schema.key_names})


_ASSIGN = re.compile(r"^\s*(#?[A-Za-z_][\w]*)\s*=\s*(:[\w]+)\s*$")


def set_literals(params: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level attributes an ``UpdateItem`` SETs to one literal value: name to typed value."""
    expression = params.get("UpdateExpression") or ""
    names = params.get(C.EXPRESSION_ATTRIBUTE_NAMES) or {}
    values = params.get(C.EXPRESSION_ATTRIBUTE_VALUES) or {}
    found: dict[str, Any] = {}
    for keyword, body in clauses(expression):
        if keyword != "SET":
            continue
        for assignment in split_top(body):
            match = _ASSIGN.match(assignment)
            if match and match.group(2) in values:
                target = match.group(1)
                found[names.get(target, target)] = values[match.group(2)]
    return found


_TOKEN = re.compile(r"(?<![.\w#:])(#\w+|[A-Za-z_]\w*)(\s*\()?")
_KEYWORDS = {"and", "or", "not", "between", "in"}


def _path_heads(expression: str) -> list[str]:
    """The attribute (or ``#name``) each document path in a condition expression starts with."""
    heads = []
    for match in _TOKEN.finditer(expression):
        word, call = match.group(1), match.group(2)
        if call or word.lower() in _KEYWORDS:
            continue  # a function such as size( or a keyword
        heads.append(word)
    return heads
