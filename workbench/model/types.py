"""DynamoDB attribute types of plain Python values, for checking sample items."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    if isinstance(value, str):
        try:
            Decimal(value)
        except ArithmeticError:
            return False
        return True
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


def _set_of(value: Any, check: Any) -> bool:
    items = list(value) if isinstance(value, list | tuple | set | frozenset) else None
    return bool(items) and all(check(v) for v in items) and len(set(map(repr, items))) == len(items)


CHECKS = {
    "S": (lambda v: isinstance(v, str), "not a string"),
    "N": (_is_number, "not a number"),
    "B": (_is_binary, "not binary (bytes, or base64 text)"),
    "BOOL": (lambda v: isinstance(v, bool), "not true or false"),
    "NULL": (lambda v: v is None, "not null"),
    "M": (lambda v: isinstance(v, Mapping), "not a map"),
    "L": (lambda v: isinstance(v, list | tuple), "not a list"),
    "SS": (lambda v: _set_of(v, lambda x: isinstance(x, str)), "not a set of distinct strings"),
    "NS": (lambda v: _set_of(v, _is_number), "not a set of distinct numbers"),
    "BS": (lambda v: _set_of(v, _is_binary), "not a set of distinct binaries"),
}


def value_problem(kind: str, value: Any) -> str | None:
    """Why ``value`` cannot be of DynamoDB type ``kind``, or None if it can."""
    check = CHECKS.get(kind)
    if check is None:
        return f"unknown type {kind!r}"
    ok, what = check
    return None if ok(value) else f"{value!r} is {what}"


def coerce(kind: str | None, value: Any) -> Any:
    """``value`` made to fit type ``kind`` where text stands for it (``"5"`` for ``N``)."""
    if kind == "N" and isinstance(value, str) and _is_number(value):
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() and "." not in value else number
    if kind == "BOOL" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value
