"""Item sizes as DynamoDB counts them, on typed items (``{"S": ...}``), and capacity units.

Rules: AWS DynamoDB Developer Guide, "DynamoDB item sizes and formats"
(CapacityUnitCalculations.html) and "Read/write capacity mode" (HowItWorks.ReadWriteCapacityMode).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ...errors import WorkbenchError

READ_UNIT = 4096  # bytes one read unit covers (strongly consistent)
WRITE_UNIT = 1024  # bytes one write unit covers
ITEM_SIZE_LIMIT = 400 * 1024  # 409,600 bytes: the largest item DynamoDB stores
TYPES = ("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")


def name_size(name: str) -> int:
    """UTF-8 bytes of an attribute name (names count in every item and map)."""
    return len(name.encode("utf-8"))


def significant_digits(number: str) -> int:
    """Significant digits of a DynamoDB number string (sign, exponent, leading and trailing
    zeros do not count): ``"00042"`` has 2, ``"1500"`` 2, ``"-1.50E+3"`` 2, ``"0"`` 0."""
    mantissa = number.strip().lstrip("+-")
    for mark in ("e", "E"):
        mantissa = mantissa.split(mark, 1)[0]
    return len(mantissa.replace(".", "").strip("0"))


def number_size(number: str) -> int:
    """Bytes of a number: one per two significant digits, rounded up, plus one."""
    return math.ceil(significant_digits(str(number)) / 2) + 1


def binary_size(value: Any) -> int:
    """Raw bytes of a binary value (botocore gives ``bytes``; boto3's ``Binary`` has
    ``.value``; a ``str`` is sent as its UTF-8 bytes)."""
    value = getattr(value, "value", value)
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    return len(bytes(value))


def value_size(value: Mapping[str, Any]) -> int:
    """Bytes of one typed attribute value, without its name.

    :raises WorkbenchError: for something that is not a typed value, naming it.
    """
    if not isinstance(value, Mapping) or len(value) != 1:
        raise WorkbenchError(
            f"cannot size {value!r}: expected one typed DynamoDB value such as "
            f'{{"S": "text"}}, with one of {TYPES}'
        )
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        return number_size(inner)
    if kind == "B":
        return binary_size(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        # 3 bytes for the list, 1 more per element, plus the elements.
        return 3 + sum(1 + value_size(v) for v in inner)
    if kind == "M":
        # Map keys count like attribute names.
        return 3 + sum(1 + name_size(k) + value_size(v) for k, v in inner.items())
    if kind == "SS":
        return sum(len(v.encode("utf-8")) for v in inner)
    if kind == "NS":
        return sum(number_size(v) for v in inner)
    if kind == "BS":
        return sum(binary_size(v) for v in inner)
    raise WorkbenchError(f"cannot size a value of type {kind!r}; DynamoDB types are {TYPES}")


def item_size(item: Mapping[str, Mapping[str, Any]] | None) -> int:
    """Bytes of a typed item: every attribute's name plus its value (0 for no item)."""
    if not item:
        return 0
    return sum(name_size(name) + value_size(value) for name, value in item.items())


def read_units(size: int) -> int:
    """Strongly consistent 4 KB read units for ``size`` bytes (at least one)."""
    return max(1, math.ceil(size / READ_UNIT))


def write_units(size: int) -> int:
    """1 KB write units for ``size`` bytes (at least one)."""
    return max(1, math.ceil(size / WRITE_UNIT))
