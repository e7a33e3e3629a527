"""DynamoDB's limits and the exact error codes and messages it refuses requests with.

Sources: users' reports of real DynamoDB errors and emulators calibrated against it. The
idempotency mismatch's wording could not be confirmed; the API reference's description of
``IdempotentParameterMismatchException`` is used.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from ... import constants as C

VALIDATION = "ValidationException"
IDEMPOTENT_MISMATCH = "IdempotentParameterMismatchException"

MAX_ITEM_BYTES = 400 * 1024  # 409,600 bytes, by DynamoDB's item size rules
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
MAX_TRANSACTION_ACTIONS = 100
MAX_BATCH_WRITE = C.BATCH_WRITE_MAX
MAX_NUMBER_DIGITS = 38
TOKEN_LIFETIME_SECONDS = 600.0  # DynamoDB honours a ClientRequestToken for 10 minutes

# More than 25 writes over several tables, each with 25 or fewer (one table's list over 25,
# or empty, is BATCH_WRITE_SIZE's constraint message).
TOO_MANY_BATCH = "Too many items requested for the BatchWriteItem call"
DUPLICATE_KEYS = "Provided list of item keys contains duplicates"
# DynamoDB's answer to ``RequestItems={}`` (dynamodb-conformance, four regions, 2026).
EMPTY_BATCH = "The requestItems parameter is required for BatchWriteItem"
# A table's write list empty or over 25: DynamoDB echoes the whole map, Java-style (see
# request_items_text), then the constraint.
BATCH_WRITE_SIZE = (
    "1 validation error detected: Value '{value}' at 'requestItems' failed to satisfy "
    "constraint: Map value must satisfy constraint: [Member must have length less than or equal "
    "to 25, Member must have length greater than or equal to 1]"
)
EMPTY_BATCH_TABLE = BATCH_WRITE_SIZE.replace("{value}", "{{{table}=[]}}")
EMPTY_TRANSACTION = (
    "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: "
    "Member must have length greater than or equal to 1"
)
TOO_MANY_ACTIONS = (
    "1 validation error detected: Value '[...]' at 'transactItems' failed to satisfy "
    "constraint: Member must have length less than or equal to 100"
)
ONE_ITEM_TWICE = "Transaction request cannot include multiple operations on one item"
TRANSACTION_TOO_BIG = (
    "Collection size of items exceeded, which can also be caused by the aggregate size of the "
    "items in the transaction exceeding the 4MB limit"
)
TOKEN_REUSED = (
    "DynamoDB rejected the request because you retried a request with a different payload but "
    "with an idempotent token that was already used."
)
ITEM_TOO_BIG = "Item size has exceeded the maximum allowed size"
UPDATE_TOO_BIG = "Item size to update has exceeded the maximum allowed size"
TOO_MANY_DIGITS = "Attempting to store more than 38 significant digits in a Number"
INDEX_TYPE_MISMATCH = (
    "One or more parameter values were invalid: Type mismatch for Index Key {name} "
    "Expected: {expected} Actual: {actual} IndexName: {index}"
)
KEY_TYPE_MISMATCH = (
    "One or more parameter values were invalid: Type mismatch for key {name} "
    "expected: {expected} actual: {actual}"
)
# A Key naming other attributes than the table's key, or one of the wrong type.
KEY_SCHEMA_MISMATCH = "The provided key element does not match the schema"
FILTER_ON_KEY = (
    "Filter Expression can only contain non-primary key attributes: Primary key attribute: {name}"
)
# Scan's words for ``Limit`` below 1; Query's differ (the value not echoed, the member
# capitalised): both as DynamoDB answers them (dynamodb-conformance's error-message tests).
LIMIT_TOO_SMALL = (
    "1 validation error detected: Value '{value}' at 'limit' failed to satisfy constraint: "
    "Member must have value greater than or equal to 1"
)
QUERY_LIMIT_TOO_SMALL = (
    "1 validation error detected: Value at 'Limit' failed to satisfy constraint: "
    "Member must have value greater than or equal to 1"
)


def request_items_text(tables: Mapping[str, Any]) -> str:
    """A BatchWriteItem's ``RequestItems`` as DynamoDB echoes it in a validation message: Java's
    ``toString`` of its request objects, e.g. ``{t=[WriteRequest(putRequest=PutRequest(item=
    {pk=AttributeValue(s=a, n=null, ...)}), deleteRequest=null)]}``."""

    def value(typed: Any) -> str:
        fields = dict.fromkeys(("s", "n", "b", "sS", "nS", "bS", "m", "l", "nULL", "bOOL"), "null")
        if isinstance(typed, Mapping) and len(typed) == 1:
            ((kind, inner),) = typed.items()
            if kind == "M" and isinstance(inner, Mapping):
                fields["m"] = attributes(inner)
            elif kind == "L" and isinstance(inner, list):
                fields["l"] = "[" + ", ".join(map(value, inner)) + "]"
            elif kind in ("SS", "NS", "BS") and isinstance(inner, list | tuple | set):
                fields[kind[0].lower() + "S"] = "[" + ", ".join(map(scalar, inner)) + "]"
            elif kind in ("S", "N", "B", "NULL", "BOOL"):
                fields[{"NULL": "nULL", "BOOL": "bOOL"}.get(kind, kind.lower())] = scalar(inner)
        return "AttributeValue(" + ", ".join(f"{k}={v}" for k, v in fields.items()) + ")"

    def scalar(inner: Any) -> str:
        if isinstance(inner, bytes | bytearray):
            return base64.b64encode(bytes(inner)).decode()
        return str(inner).lower() if isinstance(inner, bool) else str(inner)

    def attributes(item: Any) -> str:
        pairs = item.items() if isinstance(item, Mapping) else ()
        return "{" + ", ".join(f"{name}={value(typed)}" for name, typed in pairs) + "}"

    def write(request: Any) -> str:
        put = request.get("PutRequest") if isinstance(request, Mapping) else None
        delete = request.get("DeleteRequest") if isinstance(request, Mapping) else None
        put_text = f"PutRequest(item={attributes(put.get('Item'))})" if put else "null"
        delete_text = f"DeleteRequest(key={attributes(delete.get('Key'))})" if delete else "null"
        return f"WriteRequest(putRequest={put_text}, deleteRequest={delete_text})"

    return (
        "{"
        + ", ".join(
            f"{table}=[" + ", ".join(map(write, writes if isinstance(writes, list) else [])) + "]"
            for table, writes in tables.items()
        )
        + "}"
    )
