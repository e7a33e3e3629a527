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
from collections.abc import Sequence
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
