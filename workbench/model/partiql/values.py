"""DynamoDB's typed attribute values, as PartiQL statements compare, read and change them.

Values are DynamoDB's JSON form (``{"S": "x"}``, ``{"N": "42"}``); binary arrives as bytes
(boto3, moto) or base64 text (the wire), and is compared by its bytes either way. A path that
is absent from an item is ``None`` (PartiQL's MISSING).
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ...errors import ValidationError
from ..items import number_text
from .syntax import refused

Value = dict[str, Any]

# The IS operator's type names DynamoDB supports, to the attribute type each tests for
# (ValidationException "Unsupported data type for IS operator" for any other).
IS_TYPES = {
    "NULL": "NULL",
    "BOOL": "BOOL",
    "BOOLEAN": "BOOL",
    "BLOB": "B",
    "STRING": "S",
    "NUMERIC": "N",
    "STRUCT": "M",
    "TUPLE": "M",
    "LIST": "L",
}
IS_SUPPORTED = "[MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
TYPES = frozenset({"S", "N", "B", "SS", "NS", "BS", "BOOL", "NULL", "L", "M"})
BAD_PATH = "The document path provided in the update expression is invalid for update"


def kind(value: Mapping[str, Any] | None) -> str | None:
    """The value's DynamoDB type (``S``, ``NS``...), or None for MISSING."""
    return next(iter(value)) if value else None


def number(text: str, where: str = "root") -> Value:
    """A number literal as DynamoDB stores it (``00042`` is ``42``).

    :raises StatementRefused: DynamoDB's number message, with ``under <where>``.
    """
    try:
        return {"N": number_text(text)}
    except ValidationError as exc:
        detail = exc.problems[0][2].split(" (", 1)[0]
        raise refused(f"{detail} under {where}") from exc


def parameter(value: Any) -> Value:
    """A ``Parameters`` entry, its numbers canonical, as DynamoDB reads it.

    :raises StatementRefused: for a number DynamoDB cannot read or store.
    """
    if not isinstance(value, Mapping) or len(value) != 1:
        raise refused("Supplied AttributeValue is empty, must contain exactly one of the "
                      "supported datatypes")  # fmt: skip
    ((typ, inner),) = value.items()
    if typ == "N":
        return {"N": _parameter_number(inner)}
    if typ == "NS":
        return {"NS": [_parameter_number(n) for n in inner]}
    if typ == "L":
        return {"L": [parameter(v) for v in inner]}
    if typ == "M":
        return {"M": {k: parameter(v) for k, v in inner.items()}}
    return {typ: inner}


def _parameter_number(text: Any) -> str:
    # DynamoDB reads a parameter as Java's BigDecimal does: an exponent beyond a 32-bit
    # integer cannot be converted at all.
    try:
        exponent = Decimal(str(text)).as_tuple().exponent
        if not str(text).strip() or not isinstance(exponent, int) or abs(exponent) > 2**31 - 1:
            raise InvalidOperation
    except InvalidOperation:
        suffix = f": {text}" if str(text) else ""
        raise refused(f"The parameter cannot be converted to a numeric value{suffix}") from None
    try:
        return number_text(str(text))
    except ValidationError as exc:
        raise refused(exc.problems[0][2].split(" (", 1)[0]) from exc


def as_bytes(value: Any) -> bytes:
    """A binary value's bytes, whether it came as bytes or as base64 text."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return str(value).encode()


def _scalar_key(typ: str, inner: Any) -> Any:
    if typ == "N":
        return Decimal(str(inner))
    if typ == "B":
        return as_bytes(inner)
    return inner


def equal(a: Value | None, b: Value | None) -> bool:
    """DynamoDB's ``=``: same type and same value (sets and maps in any order)."""
    if a is None or b is None or kind(a) != kind(b):
        return False
    typ, x, y = kind(a), a[kind(a)], b[kind(b)]
    if typ in ("S", "N", "B", "BOOL", "NULL"):
        return _scalar_key(typ, x) == _scalar_key(typ, y)  # type: ignore[arg-type]
    if typ in ("SS", "NS", "BS"):
        member = typ[0]
        return {_scalar_key(member, v) for v in x} == {_scalar_key(member, v) for v in y}
    if typ == "L":
        return len(x) == len(y) and all(equal(p, q) for p, q in zip(x, y, strict=True))
    if typ == "M":
        return x.keys() == y.keys() and all(equal(x[k], y[k]) for k in x)
    return False


def order(a: Value | None, b: Value | None) -> int | None:
    """-1, 0 or 1 comparing two values of one orderable type (S, N, B); None otherwise.

    Strings order by their UTF-8 bytes, binary by its bytes, numbers by value (DynamoDB's
    comparison rules, developer guide "Comparison operator and function reference").
    """
    if a is None or b is None or kind(a) != kind(b) or kind(a) not in ("S", "N", "B"):
        return None
    typ = kind(a)
    x, y = _scalar_key(typ, a[typ]), _scalar_key(typ, b[typ])  # type: ignore[arg-type]
    if typ == "S":
        x, y = x.encode(), y.encode()
    return (x > y) - (x < y)


def size(value: Value | None) -> Value | None:
    """``size(path)``: a string's length, a binary's bytes, a set, list or map's members."""
    typ = kind(value)
    if value is None or typ in ("N", "BOOL", "NULL"):
        return None
    inner = value[typ]  # type: ignore[index]
    return {"N": str(len(as_bytes(inner)) if typ == "B" else len(inner))}


def get(item: Mapping[str, Value] | None, steps: tuple[str | int, ...]) -> Value | None:
    """The value at a document path of ``item``, or None when the path is absent."""
    if item is None:
        return None
    value: Any = item.get(str(steps[0]))
    for step in steps[1:]:
        if value is None:
            return None
        if isinstance(step, int):
            items = value.get("L")
            value = items[step] if isinstance(items, list) and step < len(items) else None
        else:
            members = value.get("M")
            value = members.get(step) if isinstance(members, Mapping) else None
    return value


def put(item: dict[str, Value], steps: tuple[str | int, ...], value: Value) -> None:
    """Set the value at a document path, as UpdateItem's SET does: the path's parent must
    exist; a list index past the end appends.

    :raises StatementRefused: when the parent is absent or of another type.
    """
    if len(steps) == 1:
        item[str(steps[0])] = value
        return
    parent = get(item, steps[:-1])
    last = steps[-1]
    if isinstance(last, int) and kind(parent) == "L":
        members = parent["L"]  # type: ignore[index]
        if last < len(members):
            members[last] = value
        else:
            members.append(value)
    elif isinstance(last, str) and kind(parent) == "M":
        parent["M"][last] = value  # type: ignore[index]
    else:
        raise refused(BAD_PATH)


def remove(item: dict[str, Value], steps: tuple[str | int, ...]) -> None:
    """Remove the value at a document path (nothing happens when it is absent)."""
    if len(steps) == 1:
        item.pop(str(steps[0]), None)
        return
    parent = get(item, steps[:-1])
    last = steps[-1]
    if isinstance(last, int) and kind(parent) == "L" and last < len(parent["L"]):  # type: ignore[index]
        del parent["L"][last]  # type: ignore[index]
    elif isinstance(last, str) and kind(parent) == "M":
        parent["M"].pop(last, None)  # type: ignore[index]
    elif parent is not None and kind(parent) not in ("L", "M"):
        raise refused(BAD_PATH)


def bag(members: list[Value]) -> Value:
    """A bag literal ``<<...>>`` as DynamoDB stores it: a string or a number set.

    :raises StatementRefused: for an empty bag, members of another type, or duplicates.
    """
    if not members:
        raise refused("Empty bags are not supported")
    kinds = {kind(m) for m in members}
    if len(kinds) != 1 or not kinds <= {"S", "N", "B"}:
        raise refused(
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
        )
    typ = kinds.pop()
    inner = [m[typ] for m in members]  # type: ignore[index]
    keys = [_scalar_key(typ, v) for v in inner]  # type: ignore[arg-type]
    if len(set(keys)) != len(keys):
        shown = ", ".join(str(v) for v in inner)
        raise refused(
            f"One or more parameter values were invalid: Input collection [{shown}] contains "
            "duplicates."
        )
    return {typ + "S": inner}  # type: ignore[operator]


def copied(item: Mapping[str, Value]) -> dict[str, Value]:
    """A deep copy of an item, to change without touching the stored one."""
    return copy.deepcopy(dict(item))
