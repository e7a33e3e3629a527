"""A data-plane request's own members as DynamoDB's API model constrains them: the enums
(``ReturnValues``, ``ReturnConsumedCapacity``, ``ReturnItemCollectionMetrics``, ``Select``,
``ConditionalOperator``, ``ReturnValuesOnConditionCheckFailure``) and Scan's ``Segment`` and
``TotalSegments``, then a Query or Scan naming an index the table has not.

DynamoDB checks a request's members before it looks for the table, so a bad enum on a table
that does not exist is a ``ValidationException``, not a ``ResourceNotFoundException``; and it
reports every broken member of a request in one message ("2 validation errors detected: ...",
:mod:`.constraints`), ``returnConsumedCapacity`` first. The enums are listed in the order
DynamoDB's messages list them, as recorded by conformance suites calibrated against it
(nubo-db/dynamodb-conformance, 2026). The members and their ranges:
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html,
API_UpdateItem.html, API_DeleteItem.html, API_Query.html and API_Scan.html (``Segment`` 0 to
999999, ``TotalSegments`` 1 to 1000000).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ... import constants as C
from ..requests import Request
from .constraints import (
    is_int,
    max_value,
    min_value,
    one_of,
    refuse,
    refuse_violations,
    violation,
)
from .schema import KeySchema

MAX_SEGMENT, MAX_TOTAL_SEGMENTS = 999_999, 1_000_000

# (member, its name in DynamoDB's messages, the values it allows in the order DynamoDB lists).
Enum = tuple[str, str, tuple[str, ...]]
CONSUMED: Enum = ("ReturnConsumedCapacity", "returnConsumedCapacity", ("INDEXES", "TOTAL", "NONE"))
METRICS: Enum = ("ReturnItemCollectionMetrics", "returnItemCollectionMetrics", ("SIZE", "NONE"))
OPERATOR: Enum = ("ConditionalOperator", "conditionalOperator", ("OR", "AND"))
RETURN_VALUES: Enum = (
    "ReturnValues",
    "returnValues",
    ("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"),
)
ON_FAILURE: Enum = (
    "ReturnValuesOnConditionCheckFailure",
    "returnValuesOnConditionCheckFailure",
    ("ALL_OLD", "NONE"),
)
SELECT: Enum = (
    "Select",
    "select",
    ("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"),
)
_WRITE = (CONSUMED, METRICS, OPERATOR, RETURN_VALUES, ON_FAILURE)
_ENUMS: dict[str, tuple[Enum, ...]] = {
    "GetItem": (CONSUMED,),
    "BatchGetItem": (CONSUMED,),
    "TransactGetItems": (CONSUMED,),
    "BatchWriteItem": (CONSUMED, METRICS),
    "TransactWriteItems": (CONSUMED, METRICS),
    "PutItem": _WRITE,
    "UpdateItem": _WRITE,
    "DeleteItem": _WRITE,
    "Query": (CONSUMED, OPERATOR, SELECT),
    "Scan": (CONSUMED, OPERATOR, SELECT),
    "ExecuteStatement": (CONSUMED, ON_FAILURE),
    "BatchExecuteStatement": (CONSUMED,),
    "ExecuteTransaction": (CONSUMED,),
}

SEGMENT_ALONE = (
    "The TotalSegments parameter is required but was not present in the request when Segment "
    "parameter is present"
)
TOTAL_ALONE = (
    "The Segment parameter is required but was not present in the request when parameter "
    "TotalSegments is present"
)
SEGMENT_OUT_OF_RANGE = (
    "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
    "Segment: {segment} is not less than TotalSegments: {total}"
)
NO_SUCH_INDEX = "The table does not have the specified index: {index}"


def enum_violations(params: Mapping[str, Any], enums: Sequence[Enum]) -> list[str]:
    """The broken enum constraints among ``enums`` (a value that is no string is the
    SerializationException's, not an enum's)."""
    found = []
    for member, field, allowed in enums:
        value = params.get(member)
        if isinstance(value, str) and value not in allowed:
            found.append(violation(value, field, one_of(allowed)))
    return found


def _segment_violations(params: Mapping[str, Any]) -> list[str]:
    found = []
    segment, total = params.get("Segment"), params.get("TotalSegments")
    if is_int(segment) and segment < 0:
        found.append(violation(segment, "segment", min_value(0)))
    elif is_int(segment) and segment > MAX_SEGMENT:
        found.append(violation(segment, "segment", max_value(MAX_SEGMENT)))
    if is_int(total) and total < 1:
        found.append(violation(total, "totalSegments", min_value(1)))
    elif is_int(total) and total > MAX_TOTAL_SEGMENTS:
        found.append(violation(total, "totalSegments", max_value(MAX_TOTAL_SEGMENTS)))
    return found


def _check_members(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """Refuse the request's members that break the API model's constraints, all at once."""
    params, operation = request.params, request.operation
    table = params.get(C.TABLE_NAME) if isinstance(params.get(C.TABLE_NAME), str) else None
    enums = _ENUMS.get(operation, ())
    if operation == "UpdateItem":
        # UpdateItem stops at a bad ReturnValues and reports it alone (eu-west-2, 2026-06, as
        # nubo-db/dynamodb-conformance records), where PutItem and DeleteItem report it with
        # the request's other bad enums.
        refuse_violations(request, table, enum_violations(params, (RETURN_VALUES,)))
    found = enum_violations(params, enums)
    if operation == "Scan":
        found += _segment_violations(params)
    refuse_violations(request, table, found)
    if operation == "Scan":
        _check_segments(request, table)


def _check_segments(request: Request, table: str | None) -> None:
    """A parallel Scan names its ``Segment`` and ``TotalSegments`` together, the segment
    below the total (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
    Scan.html#Scan.ParallelScan)."""
    segment, total = request.params.get("Segment"), request.params.get("TotalSegments")
    if segment is not None and total is None:
        refuse(request, table, SEGMENT_ALONE)
    if total is not None and segment is None:
        refuse(request, table, TOTAL_ALONE)
    if is_int(segment) and is_int(total) and segment >= total:
        refuse(request, table, SEGMENT_OUT_OF_RANGE.format(segment=segment, total=total))


def _check_index(request: Request, schemas: Mapping[str, KeySchema], _tokens: Any = None) -> None:
    """A Query or Scan of an index the table has not is a ``ValidationException`` (not the
    ``ResourceNotFoundException`` of a missing table), as DynamoDB answers
    (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-IndexName)."""
    table, index = request.params.get(C.TABLE_NAME), request.params.get(C.INDEX_NAME)
    schema = schemas.get(table) if isinstance(table, str) else None
    if schema is not None and isinstance(index, str) and index not in schema.indexes:
        refuse(request, table, NO_SUCH_INDEX.format(index=index))


CHECKS = {
    **{operation: (_check_members,) for operation in _ENUMS},
    "Query": (_check_members, _check_index),
    "Scan": (_check_members, _check_index),
}
