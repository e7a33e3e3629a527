"""Table names wherever a request names a table, ListTables' paging, and resource ARNs.

DynamoDB refuses a malformed name with a ``ValidationException`` before it looks for the table,
so ``bad name!`` is never answered ``ResourceNotFoundException``. A table name is 3 to 255 of
``[a-zA-Z0-9_.-]`` (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
HowItWorks.NamingRulesDataTypes.html); where the API takes a table's ARN instead
(``TableName`` of every table operation but ListTables' ``ExclusiveStartTableName``,
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html), an ARN is the
engine's to resolve.

How DynamoDB words each refusal differs by operation; the messages below are its answers as
recorded by conformance suites calibrated against it (Ketlark/ and paritysuite/
dynamodb-conformance, 2026): CreateTable without a name answers "The parameter 'TableName' is
required but was not present in the request", PutItem "Value null at 'tableName' ... must not
be null"; an item operation allows a name of 1 or 2 characters (the table is then not found),
the table operations do not; a bad name in a batch is a constraint on the ``RequestItems``
map's keys, quoting the map as JSON; in a transaction it names the action
(``transactItems.2.member.update.tableName``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from ... import constants as C
from ..requests import Request
from .constraints import (
    INVALID,
    NAME,
    NOT_NULL,
    PATTERN,
    detected,
    is_int,
    max_length,
    max_value,
    min_length,
    min_value,
    refuse,
    refuse_violations,
    refuse_wrong_types,
    violation,
)

MIN_NAME, MAX_NAME = 3, 255
MAX_LIST_TABLES = 100  # ListTables' Limit: 1 to 100

# Item operations: their name may be 1 character (a table that cannot exist is not found).
_ITEM_OPERATIONS = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"})
# Table operations: 3 characters at least, and a missing name is a missing required parameter.
_TABLE_OPERATIONS = frozenset(
    {
        "CreateTable",
        "DescribeTable",
        "DeleteTable",
        "UpdateTable",
        "DescribeTimeToLive",
        "UpdateTimeToLive",
        "DescribeContinuousBackups",
        "UpdateContinuousBackups",
    }
)
_BATCHES = frozenset({"BatchGetItem", "BatchWriteItem"})
_TRANSACTIONS = frozenset({"TransactWriteItems", "TransactGetItems"})
_TAGGING = frozenset({"TagResource", "UntagResource", "ListTagsOfResource"})

# Each transaction action names its table.
_ACTIONS_SPEC = {
    C.TRANSACT_ITEMS: [
        {
            kind: {C.TABLE_NAME: "string"}
            for kind in ("ConditionCheck", "Put", "Delete", "Update", "Get")
        }
    ]
}
REQUIRED = "The parameter 'TableName' is required but was not present in the request"
MAP_KEYS = (
    f"Map keys must satisfy constraint: [{max_length(MAX_NAME)}, {min_length(MIN_NAME)}, {PATTERN}]"
)
ARN_PREFIX = INVALID + "ARNs must start with 'arn:': {arn}"


def is_arn(name: str) -> bool:
    """True if ``name`` is an ARN (which the API takes in place of a table name)."""
    return name.startswith("arn:")


def name_violations(name: str, field: str, operation: str) -> list[str]:
    """The constraints a table name (not an ARN) breaks, in the order DynamoDB lists them.

    :param name: the name as sent.
    :param field: where it is, e.g. ``tableName``.
    :param operation: the operation it is sent to (the rules differ, see the module).
    """
    pattern = [] if NAME.fullmatch(name) else [violation(name, field, PATTERN)]
    too_long = [violation(name, field, max_length(MAX_NAME))] if len(name) > MAX_NAME else []
    if operation in _TABLE_OPERATIONS and operation != "CreateTable":
        # DescribeTable('') lists the length first, then the pattern.
        too_short = [violation(name, field, min_length(MIN_NAME))] if len(name) < MIN_NAME else []
        return too_short + too_long + pattern
    if operation in ("CreateTable", "ListTables"):
        too_short = [violation(name, field, min_length(MIN_NAME))] if len(name) < MIN_NAME else []
        return pattern + too_short + too_long
    if not name:  # an item operation's name: only its length is reported
        return [violation(name, field, min_length(1))]
    return pattern + too_long


def _check_table_names(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """Refuse a request naming a table DynamoDB could not have, or naming none where one is
    required: ``TableName``, the keys of ``RequestItems``, and each transaction action's."""
    operation, params = request.operation, request.params
    if operation in _ITEM_OPERATIONS or operation in _TABLE_OPERATIONS:
        refuse_wrong_types(request, {C.TABLE_NAME: "string"})
        name = params.get(C.TABLE_NAME)
        if name is None:
            if operation in _TABLE_OPERATIONS:
                refuse(request, None, REQUIRED)
            refuse(request, None, detected([violation(None, "tableName", NOT_NULL)]))
        if isinstance(name, str) and not is_arn(name):
            refuse_violations(request, name, name_violations(name, "tableName", operation))
    elif operation in _BATCHES:
        _check_batch_names(request)
    elif operation in _TRANSACTIONS:
        _check_action_names(request)


def _check_batch_names(request: Request) -> None:
    items = request.params.get(C.REQUEST_ITEMS)
    if not isinstance(items, Mapping):
        return
    for name in items:
        if not isinstance(name, str) or is_arn(name):
            continue
        if not (MIN_NAME <= len(name) <= MAX_NAME and NAME.fullmatch(name)):
            # One violation for the whole map, which DynamoDB quotes as JSON.
            shown = json.dumps(items, separators=(",", ":"), ensure_ascii=False, default=_json)
            refuse(request, name, detected([violation(shown, "requestItems", MAP_KEYS)]))


def _check_action_names(request: Request) -> None:
    actions = request.params.get(C.TRANSACT_ITEMS)
    if not isinstance(actions, list):
        return
    refuse_wrong_types(request, _ACTIONS_SPEC)
    found: list[str] = []
    first: str | None = None
    for number, action in enumerate(actions, start=1):
        if not isinstance(action, Mapping):
            continue
        for kind, body in action.items():
            if not isinstance(body, Mapping):
                continue
            field = f"transactItems.{number}.member.{kind[:1].lower()}{kind[1:]}.tableName"
            name = body.get(C.TABLE_NAME)
            if name is None:
                found.append(violation(None, field, NOT_NULL))
            elif isinstance(name, str) and not is_arn(name):
                broken = name_violations(name, field, request.operation)
                first = first if first is not None or not broken else name
                found += broken
    refuse_violations(request, first, found)


def _check_list_tables(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """ListTables' ``ExclusiveStartTableName`` is a table name (never an ARN), its ``Limit``
    1 to 100 (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
    API_ListTables.html)."""
    params = request.params
    refuse_wrong_types(request, {"ExclusiveStartTableName": "string", C.LIMIT: "integer"})
    found: list[str] = []
    start = params.get("ExclusiveStartTableName")
    if isinstance(start, str):
        found += name_violations(start, "exclusiveStartTableName", "ListTables")
    limit = params.get(C.LIMIT)
    if is_int(limit) and limit < 1:
        found.append(violation(limit, "limit", min_value(1)))
    elif is_int(limit) and limit > MAX_LIST_TABLES:
        found.append(violation(limit, "limit", max_value(MAX_LIST_TABLES)))
    refuse_violations(request, None, found)


def _check_resource_arn(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """Tagging operations take a resource's ARN; a table's name there is refused with
    DynamoDB's "ARNs must start with 'arn:'" (https://docs.aws.amazon.com/amazondynamodb/
    latest/APIReference/API_TagResource.html)."""
    refuse_wrong_types(request, {"ResourceArn": "string"})
    arn = request.params.get("ResourceArn")
    if arn is None:
        refuse(request, None, detected([violation(None, "resourceArn", NOT_NULL)]))
    if not isinstance(arn, str):
        return
    if not arn:
        refuse(request, None, detected([violation(arn, "resourceArn", min_length(1))]))
    if not is_arn(arn):
        refuse(request, None, ARN_PREFIX.format(arn=arn))


def _json(value: Any) -> Any:
    """Binary values as the wire format carries them (base64 text)."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


# Names come first: DynamoDB refuses a malformed name before anything else in the request.
EVERY = (_check_table_names,)
CHECKS = {
    "ListTables": (_check_list_tables,),
    **{operation: (_check_resource_arn,) for operation in sorted(_TAGGING)},
}
