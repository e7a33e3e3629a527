"""DynamoDB attribute types of plain Python values, for checking sample items."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .items import NUMBER_TEXT


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    if isinstance(value, str):
        # The text of a number as DynamoDB reads it: no NaN, infinity, spaces or underscores
        # (which Decimal() would accept).
        return bool(NUMBER_TEXT.fullmatch(value))
    return False


def _is_binary(value: Any) -> bool:
    if isinstance(value, bytes | bytearray):
        return True
    if isinstance(value, str):  # YAML and JSON carry binary as base64 text
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return False
        return True
    return False


def _number_value(value: Any) -> Decimal:
    return (
        Decimal(value)
        if isinstance(value, str)
        else Decimal(repr(value) if isinstance(value, float) else value)
    )


def _binary_value(value: Any) -> bytes:
    return base64.b64decode(value) if isinstance(value, str) else bytes(value)


# Each set type: the check of a member, what a member must be, and the value a member stands
# for (so 1 and "1.0" are one number, and base64 text is its bytes, when looking for repeats).
_SETS: dict[str, tuple[Any, str, Any]] = {
    "SS": (lambda v: isinstance(v, str), "a string", str),
    "NS": (_is_number, "a number", _number_value),
    "BS": (_is_binary, "binary (bytes, or base64 text)", _binary_value),
}


def _set_problem(kind: str, value: Any) -> str | None:
    """Why ``value`` cannot be a set of type ``kind`` (a list is how YAML and JSON write a
    set). DynamoDB refuses an empty set and a set that repeats a member ("Data types",
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
    HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.SetTypes)."""
    check, member, stands_for = _SETS[kind]
    if not isinstance(value, list | tuple | set | frozenset):
        return f"{value!r} is not a set (write it as a list of distinct members)"
    if not value:
        return f"{value!r} is an empty set: DynamoDB refuses empty sets (leave the attribute out)"
    for v in value:
        if not check(v):
            return f"{v!r} in {value!r} is not {member}"
    seen: dict[Any, Any] = {}
    for v in value:
        key = stands_for(v)
        if key in seen:
            return (
                f"{value!r} repeats {seen[key]!r}"
                + (f" (as {v!r})" if v != seen[key] else "")
                + ": DynamoDB refuses duplicate members in a set"
            )
        seen[key] = v
    return None


CHECKS = {
    "S": (lambda v: isinstance(v, str), "not a string"),
    "N": (_is_number, "not a number"),
    "B": (_is_binary, "not binary (bytes, or base64 text)"),
    "BOOL": (lambda v: isinstance(v, bool), "not true or false"),
    "NULL": (lambda v: v is None, "not null"),
    "M": (lambda v: isinstance(v, Mapping), "not a map"),
    "L": (lambda v: isinstance(v, list | tuple), "not a list"),
}


def value_problem(kind: str, value: Any) -> str | None:
    """Why ``value`` cannot be of DynamoDB type ``kind``, or None if it can.

    A list is a set for ``SS``, ``NS`` and ``BS`` (YAML and JSON have no sets), if its
    members are distinct and of the set's type.
    """
    if kind in _SETS:
        return _set_problem(kind, value)
    check = CHECKS.get(kind)
    if check is None:
        return f"unknown type {kind!r}"
    ok, what = check
    return None if ok(value) else f"{value!r} is {what}"


DECLARED = ("SS", "NS", "BS", "B", "N")
"""The types :func:`declared_value` converts to."""


def declared_value(kind: str | None, value: Any) -> Any:
    """``value`` as the plain value DynamoDB type ``kind`` stores, where a YAML or JSON file
    can only spell it another way: a list for ``SS``, ``NS`` or ``BS`` becomes a set (so it
    is written as a set, not as a list ``L``), base64 text for ``B`` bytes, number text for
    ``N`` a number. A value that does not fit ``kind`` is returned as it is: the model check
    names it (:func:`value_problem`).
    """
    if kind in _SETS:
        if isinstance(value, list | tuple) and _set_problem(kind, value) is None:
            return {declared_value(kind[0], v) for v in value}
        return value
    if kind == "B" and isinstance(value, str) and _is_binary(value):
        return base64.b64decode(value)
    if kind == "N" and isinstance(value, str) and _is_number(value):
        return coerce("N", value)
    return value


def coerce(kind: str | None, value: Any) -> Any:
    """``value`` made to fit type ``kind`` where text stands for it (``"5"`` for ``N``)."""
    if kind == "N" and isinstance(value, str) and _is_number(value):
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() and "." not in value else number
    if kind == "BOOL" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value
