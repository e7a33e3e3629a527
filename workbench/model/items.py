"""Convert items between plain Python values and DynamoDB's typed JSON, exactly and fast.

Numbers follow DynamoDB's rules: at most 38 significant digits, magnitudes from 1E-130 to
below 1E+126, no NaN or infinity, leading and trailing zeros trimmed. What is written is the
canonical text DynamoDB would store (``00042`` is sent as ``42``, ``1.5E2`` as ``150``), and
what is read comes back as ``int`` when it is whole and as an exact ``Decimal`` otherwise (a
``float`` would keep only 17 digits). Sets of strings, numbers and bytes become SS, NS and BS.
Anything DynamoDB would refuse is refused here, before sending, with a
:class:`~workbench.errors.ValidationError` naming the attribute path of every problem.

This module needs only the standard library: it ships in the stream Lambda's zip.
"""

from __future__ import annotations

import base64
import numbers
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import ValidationError, WorkbenchError

MAX_DIGITS = 38
"""DynamoDB keeps at most this many significant digits in a Number."""
MAX_EXPONENT = 125
"""The largest adjusted exponent DynamoDB stores (9.99...E+125)."""
MIN_EXPONENT = -130
"""The smallest adjusted exponent DynamoDB stores (1E-130)."""

# DynamoDB's own messages, so a learner meets the same words the service would give.
TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)
UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)

# A number as DynamoDB accepts it on the wire: no whitespace, underscores, NaN or Infinity
# (Python's Decimal() would accept all of those).
NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# int > 10**126 needs more than 418 bits; checking bits first avoids str() on huge ints.
_INT_OVERFLOW_BITS = 420

Problem = tuple[str, str, str]


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _decimal_text(value: Decimal, path: str, problems: list[Problem]) -> str | None:
    if not value.is_finite():
        problems.append(
            (path, "number_not_finite", f"DynamoDB stores no NaN or infinity (got {value})")
        )
        return None
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite, checked above
    if not any(digits):
        return "0"  # -0, 0.000 and 0E+5 are all stored as 0
    # Trim leading and trailing zeros: DynamoDB counts and stores only significant digits.
    start = 0
    while digits[start] == 0:
        start += 1
    end = len(digits)
    while digits[end - 1] == 0:
        end -= 1
    significant = digits[start:end]
    exponent += len(digits) - end
    if len(significant) > MAX_DIGITS:
        problems.append(
            (path, "number_too_precise", f"{TOO_PRECISE} ({len(significant)} in {value})")
        )
        return None
    adjusted = exponent + len(significant) - 1
    if adjusted > MAX_EXPONENT:
        problems.append((path, "number_overflow", f"{OVERFLOW} ({value})"))
        return None
    if adjusted < MIN_EXPONENT:
        problems.append((path, "number_underflow", f"{UNDERFLOW} ({value})"))
        return None
    return format(Decimal((sign, significant, exponent)), "f")


def _number_text(value: Any, path: str, problems: list[Problem]) -> str | None:
    if isinstance(value, bool):  # an int subclass, but DynamoDB's BOOL, never a number
        problems.append((path, "number_invalid", f"{value!r} is a bool, not a number"))
        return None
    if isinstance(value, int):
        if value.bit_length() > _INT_OVERFLOW_BITS:
            problems.append(
                (path, "number_overflow", f"{OVERFLOW} (an int of {value.bit_length()} bits)")
            )
            return None
        text = str(value)
        digits = text.lstrip("-").rstrip("0")
        if len(digits) <= MAX_DIGITS and len(text.lstrip("-")) <= MAX_EXPONENT + 1:
            return text  # the common case: a whole number is already canonical
        return _decimal_text(Decimal(value), path, problems)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 0.1 stays 0.1 (and
        # nan and inf become Decimal's NaN and Infinity, refused below).
        return _decimal_text(Decimal(repr(value)), path, problems)
    if isinstance(value, Decimal):
        return _decimal_text(value, path, problems)
    if isinstance(value, str):
        if not NUMBER_TEXT.fullmatch(value):
            problems.append(
                (path, "number_invalid", f"{value!r} is not a number (digits, '.', 'E' only)")
            )
            return None
        return _decimal_text(Decimal(value), path, problems)
    if isinstance(value, numbers.Integral):  # numpy and other integer types
        return _number_text(int(value), path, problems)
    problems.append((path, "number_invalid", f"{value!r} is not a number"))
    return None


def number_text(value: int | float | Decimal | str, path: str = "value") -> str:
    """The canonical DynamoDB text of a number, as DynamoDB would store it.

    ``"00042"`` gives ``"42"``, ``"1.5E2"`` gives ``"150"``, ``-0.0`` gives ``"0"``, and
    ``0.1`` (a float) gives ``"0.1"`` (floats go through ``repr``, never through binary).

    :param value: an int, float, ``Decimal`` or the text of a number.
    :param path: the attribute path named in an error.
    :raises ValidationError: for NaN, infinity, more than 38 significant digits, a magnitude
        outside 1E-130 .. 9.99E+125, or text that is not a number.
    """
    problems: list[Problem] = []
    text = _number_text(value, path, problems)
    if text is None:
        raise ValidationError(problems)
    return text


def _number(text: str) -> int | Decimal:
    try:
        return int(text)  # the common case, and already exact
    except ValueError:
        pass
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise WorkbenchError(f"DynamoDB returned {text!r} as a number; it is not one") from exc
    # 1.5E2 and 150.0 are whole numbers: DynamoDB stores them as 150.
    if value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def from_attr(value: Mapping[str, Any]) -> Any:
    """One DynamoDB attribute value (``{"S": "x"}``) to a plain Python value.

    Numbers come back as ``int`` when whole, else as an exact ``Decimal``; sets as ``set``.

    :raises WorkbenchError: for an attribute value of no DynamoDB type.
    """
    if "S" in value:
        return value["S"]
    if "N" in value:
        return _number(value["N"])
    if "BOOL" in value:
        return bool(value["BOOL"])
    if "NULL" in value:
        return None
    if "M" in value:
        return {k: from_attr(v) for k, v in value["M"].items()}
    if "L" in value:
        return [from_attr(v) for v in value["L"]]
    if "SS" in value:
        return set(value["SS"])
    if "NS" in value:
        return {_number(n) for n in value["NS"]}
    if "B" in value:
        return bytes(value["B"])
    if "BS" in value:
        return {bytes(b) for b in value["BS"]}
    raise WorkbenchError(f"unknown DynamoDB attribute value {value!r}")


def from_item(item: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A DynamoDB item (typed JSON) to a dict of plain Python values."""
    out: dict[str, Any] = {}
    for name, value in item.items():
        text = value.get("S")
        out[name] = text if text is not None else from_attr(value)
    return out


def from_items(items: Iterable[Mapping[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Many DynamoDB items to plain dicts."""
    return [from_item(item) for item in items]


def _set_attr(value: Any, path: str, problems: list[Problem]) -> dict[str, Any] | None:
    if not value:
        problems.append(
            (path, "empty_set", "DynamoDB refuses empty sets; drop the attribute or use None")
        )
        return None
    if all(isinstance(v, str) for v in value):
        return {"SS": sorted(value)}
    if all(isinstance(v, bytes) for v in value):
        return {"BS": sorted(value)}
    # bool is an int, but DynamoDB has no set of booleans.
    if all(
        isinstance(v, int | float | Decimal | numbers.Integral) and not isinstance(v, bool)
        for v in value
    ):
        texts: dict[str, Any] = {}
        for member in value:
            text = _number_text(member, path, problems)
            if text is not None:
                if text in texts:
                    problems.append(
                        (path, "set_duplicates", f"{texts[text]!r} and {member!r} are both {text}")
                    )
                texts[text] = member
        return {"NS": sorted(texts, key=Decimal)}
    kinds = sorted({type(v).__name__ for v in value})
    problems.append(
        (
            path,
            "set_mixed",
            f"a set must hold only str, only numbers or only bytes; this one holds {kinds}",
        )
    )
    return None


def _to_attr(value: Any, path: str, problems: list[Problem]) -> dict[str, Any] | None:
    if isinstance(value, str):
        return {"S": value}
    # bool before numbers: bool is a subclass of int.
    if isinstance(value, bool):
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, int | float | Decimal):
        text = _number_text(value, path, problems)
        return None if text is None else {"N": text}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, member in value.items():
            if not isinstance(key, str):
                problems.append(
                    (
                        _child(path, repr(key)),
                        "map_key_not_string",
                        f"map keys must be str; {key!r} is {type(key).__name__}",
                    )
                )
                continue
            attr = _to_attr(member, _child(path, key), problems)
            if attr is not None:
                out[key] = attr
        return {"M": out}
    if isinstance(value, list | tuple):
        members = [_to_attr(v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
        return {"L": members}
    if isinstance(value, set | frozenset):
        return _set_attr(value, path, problems)
    if isinstance(value, numbers.Integral):  # numpy and other integer types
        text = _number_text(value, path, problems)
        return None if text is None else {"N": text}
    problems.append(
        (
            path,
            "type_unsupported",
            f"cannot store {value!r} ({type(value).__name__}); use str, int, float, Decimal, "
            "bool, None, bytes, dict, list or a set of str, numbers or bytes",
        )
    )
    return None


def to_attr(value: Any, path: str = "value") -> dict[str, Any]:
    """A plain Python value to a DynamoDB attribute value.

    :param value: str, int, float, ``Decimal``, bool, None, bytes, a mapping with str keys,
        a list or tuple, or a non-empty set of str, numbers or bytes.
    :param path: the attribute path named in an error (``tags``, ``profile.links[2]``).
    :raises ValidationError: naming the path of every value DynamoDB would refuse.
    """
    problems: list[Problem] = []
    attr = _to_attr(value, path, problems)
    if problems or attr is None:
        raise ValidationError(problems)
    return attr


def to_item(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A dict of plain values to a DynamoDB item (typed JSON).

    :raises ValidationError: naming the path of every value DynamoDB would refuse.
    """
    out: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        if type(value) is str:  # the Cruddur table holds only strings: the shortest path
            out[name] = {"S": value}
            continue
        attr = _to_attr(value, name, problems)
        if attr is not None:
            out[name] = attr
    if problems:
        raise ValidationError(problems)
    return out


def _json_number(value: Decimal) -> int | float | str:
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    # A float only where it is exact; otherwise the digits as text, so none is lost.
    return as_float if Decimal(repr(as_float)) == value else str(value)


def jsonable(value: Any) -> Any:
    """Make a DynamoDB key or item JSON-serialisable.

    Bytes become base64 text, sets sorted lists, whole ``Decimal`` numbers ``int``, other
    ``Decimal`` numbers ``float`` when that is exact and their text when it is not.
    """
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        try:
            members = sorted(value)
        except TypeError:  # mixed types: any stable order will do
            members = sorted(value, key=repr)
        return [jsonable(v) for v in members]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, Decimal) and value.is_finite():
        return _json_number(value)
    return value
