"""DynamoDB's generic request-shape messages: one line per field that breaks a constraint of
the API's model (a length, a pattern, a range, a required member), all of a request's joined
in one ``ValidationException``.

DynamoDB answers, e.g. ``1 validation error detected: Value 'ab' at 'tableName' failed to
satisfy constraint: Member must have length greater than or equal to 3``, and for several
``2 validation errors detected: ...; ...`` (seen in real answers collected by conformance
suites calibrated against DynamoDB, e.g. paritysuite/dynamodb-conformance). The field is named
as the service's model spells it: the member's name with a lower-case first letter, a list
member as ``name.N.member`` (counted from 1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from ...errors import RequestRejected
from ..requests import Request

VALIDATION = "ValidationException"

NOT_NULL = "Member must not be null"
PATTERN = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
# The characters DynamoDB allows in a table or index name, 3 to 255 of them
# (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html).
NAME = re.compile(r"[a-zA-Z0-9_.-]+")
# The prefix of DynamoDB's refusals of a request's meaning (rather than its shape).
INVALID = "One or more parameter values were invalid: "


def min_length(n: int) -> str:
    return f"Member must have length greater than or equal to {n}"


def max_length(n: int) -> str:
    return f"Member must have length less than or equal to {n}"


def min_value(n: int) -> str:
    return f"Member must have value greater than or equal to {n}"


def max_value(n: int) -> str:
    return f"Member must have value less than or equal to {n}"


def one_of(values: Sequence[str]) -> str:
    return f"Member must satisfy enum value set: [{', '.join(values)}]"


def violation(value: Any, field: str, rule: str) -> str:
    """One broken constraint, as DynamoDB words it: ``Value 'x' at 'field' failed to ...``."""
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{field}' failed to satisfy constraint: {rule}"


def detected(violations: Sequence[str]) -> str:
    """A request's broken constraints as one message."""
    count = len(violations)
    return f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(violations)


def refuse(request: Request, table: str | None, message: str, code: str = VALIDATION) -> NoReturn:
    """Refuse ``request`` with DynamoDB's ``code`` and ``message``.

    :raises RequestRejected: always.
    """
    raise RequestRejected(request.operation, table, code, message)


def refuse_violations(request: Request, table: str | None, violations: Sequence[str]) -> None:
    """Refuse ``request`` if any constraint is broken; return None if none is.

    :raises RequestRejected: a ``ValidationException`` listing them all.
    """
    if violations:
        refuse(request, table, detected(violations))


def is_int(value: Any) -> bool:
    """True for a JSON integer (not a bool, which Python counts as one)."""
    return isinstance(value, int) and not isinstance(value, bool)


# -- a member of the wrong JSON type: refused while the request is read ----------------------

SERIALIZATION = "SerializationException"
_SCALAR_NAMES = {"string": "a String", "integer": "an Integer", "long": "a Long"}


def wrong_type(value: Any, expected: str) -> str | None:
    """DynamoDB's ``SerializationException`` message for ``value`` (parsed JSON) where the
    API's model expects ``expected`` (``string``, ``integer``, ``long``, ``list`` or
    ``structure``), or None if it fits (or is null).

    The wording is the AWS JSON protocol's, the same for every service (measured on Athena and
    Kinesis, e.g. "NUMBER_VALUE can not be converted to a String", "Expected list or null").
    """
    if value is None:
        return None
    if isinstance(value, list):
        return None if expected == "list" else "Start of list found where not expected"
    if isinstance(value, Mapping):
        if expected == "structure":
            return None
        return "Start of structure or map found where not expected."
    if expected == "list":
        return "Expected list or null"
    if expected == "structure":
        return "Expected null"
    kind = (
        ("TRUE_VALUE" if value else "FALSE_VALUE")
        if isinstance(value, bool)
        else "STRING_VALUE"
        if isinstance(value, str)
        else "NUMBER_VALUE"
    )
    fits = (kind == "STRING_VALUE") if expected == "string" else (kind == "NUMBER_VALUE")
    return None if fits else f"{kind} can not be converted to {_SCALAR_NAMES[expected]}"


# A member's type in the API's model: a scalar's name, ``[spec]`` for a list of ``spec``, or
# ``{member: spec}`` for a structure (members not named are not looked at).
Spec = str | list[Any] | Mapping[str, Any]


def type_mismatch(value: Any, spec: Spec) -> str | None:
    """The first member of ``value`` whose JSON type does not fit ``spec``, as DynamoDB's
    message (see :func:`wrong_type`), or None."""
    if isinstance(spec, str):
        return wrong_type(value, spec)
    expected = "list" if isinstance(spec, list) else "structure"
    message = wrong_type(value, expected)
    if message is not None or value is None:
        return message
    if isinstance(spec, list):
        found = (type_mismatch(member, spec[0]) for member in value)
    else:
        found = (type_mismatch(value.get(name), inner) for name, inner in spec.items())
    return next((message for message in found if message is not None), None)


def refuse_wrong_types(request: Request, spec: Mapping[str, Any]) -> None:
    """Refuse ``request`` if a member's JSON type does not fit ``spec`` (its parameters').

    :raises RequestRejected: a ``SerializationException``, as DynamoDB answers it while it
        reads the request, before any other check.
    """
    message = type_mismatch(request.params, spec)
    if message is not None:
        table = request.params.get("TableName")
        refuse(request, table if isinstance(table, str) else None, message, SERIALIZATION)
