"""Attribute values DynamoDB refuses wherever a request carries them: empty sets and sets with
one member twice, at the top of an item or nested in a list or map.

"An attribute value cannot be an empty set (string set, number set, or binary set)", and "all
of the elements within a set must be unique".
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.SetTypes

The messages are DynamoDB's, as recorded by emulators calibrated against it (dynalite's and
moto's AWS-verified tests, dynamodb-conformance's captures): the double space in "An string
set  may not be empty" is DynamoDB's own; a duplicate in a number set names no members. In
ExpressionAttributeValues the message is wrapped: "ExpressionAttributeValues contains invalid
value: <message> for key :v" (as real DynamoDB answered users, 2016 to 2024).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

from ... import constants as C
from ...errors import RequestRejected, ValidationError
from ..items import number_text
from ..requests import Request
from .messages import VALIDATION

INVALID = "One or more parameter values were invalid: "
EMPTY_SET = {
    "SS": INVALID + "An string set  may not be empty",
    "NS": INVALID + "An number set  may not be empty",
    "BS": INVALID + "Binary sets should not be empty",
}
DUPLICATE_STRINGS = INVALID + "Input collection [{members}] contains duplicates."
DUPLICATE_NUMBERS = "Input collection contains duplicates"
DUPLICATE_BINARIES = INVALID + "Input collection [{members}]of type BS contains duplicates."
IN_VALUES = "ExpressionAttributeValues contains invalid value: {message} for key {key}"

# Members of a request body that map names to attribute values.
_VALUE_MAPS = (C.ITEM, C.KEY, C.EXCLUSIVE_START_KEY)
# Legacy members: name to a condition holding ``Value`` and ``AttributeValueList``.
_CONDITION_MAPS = ("Expected", "KeyConditions", "QueryFilter", "ScanFilter", "AttributeUpdates")


def set_problem(value: Any) -> str | None:
    """DynamoDB's message for the first empty or duplicated set in one typed value (nested
    ones included), or None when there is none."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None  # not a typed value: the engine reports that
    ((kind, inner),) = value.items()
    if kind in EMPTY_SET and isinstance(inner, list | tuple | set | frozenset):
        members = list(inner)
        if not members:
            return EMPTY_SET[kind]
        return _duplicates(kind, members)
    if kind == "L" and isinstance(inner, list):
        return next(filter(None, map(set_problem, inner)), None)
    if kind == "M" and isinstance(inner, Mapping):
        return next(filter(None, map(set_problem, inner.values())), None)
    return None


def _duplicates(kind: str, members: list[Any]) -> str | None:
    if kind == "SS":
        if len(set(map(str, members))) < len(members):
            return DUPLICATE_STRINGS.format(members=", ".join(map(str, members)))
        return None
    if kind == "NS":
        try:
            canonical = [number_text(str(n)) for n in members]
        except ValidationError:
            return None  # a number DynamoDB refuses: the number check reports it
        return DUPLICATE_NUMBERS if len(set(canonical)) < len(canonical) else None
    try:
        raw = [_binary(b) for b in members]
    except (binascii.Error, ValueError, TypeError):
        return None  # not binary: the engine reports that
    if len(set(raw)) < len(raw):
        shown = ", ".join(base64.b64encode(b).decode() for b in raw)
        return DUPLICATE_BINARIES.format(members=shown)
    return None


def _binary(value: Any) -> bytes:
    """A binary member as bytes: boto3 client params carry bytes, the wire base64 text."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    return base64.b64decode(str(value), validate=True)


def _refuse(request: Request, table: str | None, message: str) -> NoReturn:
    raise RequestRejected(request.operation, table, VALIDATION, message)


def _bodies(params: Mapping[str, Any]) -> Iterator[tuple[str | None, Mapping[str, Any]]]:
    """Every body of a request that holds attribute values, with its table."""
    yield params.get(C.TABLE_NAME), params
    for action in params.get(C.TRANSACT_ITEMS) or []:
        if isinstance(action, Mapping):
            for body in action.values():
                if isinstance(body, Mapping):
                    yield body.get(C.TABLE_NAME), body
    items = params.get(C.REQUEST_ITEMS)
    for table, entry in items.items() if isinstance(items, Mapping) else ():
        if isinstance(entry, list):  # BatchWriteItem: put and delete requests
            for write in entry:
                for body in write.values() if isinstance(write, Mapping) else ():
                    if isinstance(body, Mapping):
                        yield table, body
        elif isinstance(entry, Mapping):  # BatchGetItem: keys
            for key in entry.get(C.KEYS) or []:
                if isinstance(key, Mapping):
                    yield table, {C.KEY: key}


def _plain_values(body: Mapping[str, Any]) -> Iterator[Any]:
    for member in _VALUE_MAPS:
        if isinstance(body.get(member), Mapping):
            yield from body[member].values()
    for member in _CONDITION_MAPS:
        conditions = body.get(member)
        for condition in conditions.values() if isinstance(conditions, Mapping) else ():
            if not isinstance(condition, Mapping):
                continue
            if "Value" in condition:
                yield condition["Value"]
            listed = condition.get("AttributeValueList")
            yield from listed if isinstance(listed, list) else ()


def check_sets(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """Refuse an empty set, or a set holding one member twice, anywhere in the request."""
    for table, body in _bodies(request.params):
        for value in _plain_values(body):
            problem = set_problem(value)
            if problem:
                _refuse(request, table, problem)
        values = body.get(C.EXPRESSION_ATTRIBUTE_VALUES)
        for key, value in values.items() if isinstance(values, Mapping) else ():
            problem = set_problem(value)
            if problem:
                _refuse(request, table, IN_VALUES.format(message=problem, key=key))


# Run for every operation (the registry runs EVERY before each operation's own CHECKS).
EVERY = (check_sets,)
