"""Item sizes as DynamoDB counts them, on typed items (``{"S": ...}``), and capacity units.

Rules: AWS DynamoDB Developer Guide, "DynamoDB item sizes and formats"
(CapacityUnitCalculations.html) and "Read/write capacity mode" (HowItWorks.ReadWriteCapacityMode).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
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
    """Bytes of a number: its base-100 digit pairs, aligned on the decimal point, from the first
    pair that is not ``00`` to the last, plus one byte, plus one more if it is negative.

    ``1.5`` is the pairs ``01 50``: 3 bytes; ``100.5`` is ``01 00 50``: 4; ``1500`` is ``15``
    (the ``00`` after it is the exponent's): 2; ``-7`` is ``07`` and a sign: 3; ``0`` is 1.
    AWS calls a number's size approximate ("1 byte per two significant digits, plus 1"); this
    rule is the one that matched DynamoDB Local byte for byte on 150 random numbers and
    hand-picked ones (issue 18).

    :raises WorkbenchError: for text that is not a number, naming it.
    """
    try:
        value = Decimal(str(number).strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise WorkbenchError(
            f"cannot size the number {number!r}: a DynamoDB number is decimal digits with an "
            "optional sign, point and exponent, such as -1.5E3"
        )
    if value.is_zero():
        return 1
    # Not Decimal.normalize(): it rounds to the context's 28 digits, DynamoDB keeps 38.
    sign, digits, exponent = value.as_tuple()
    text = "".join(map(str, digits)).lstrip("0")
    lowest = int(exponent) + len(text) - len(text.rstrip("0"))
    highest = int(exponent) + len(text) - 1
    # The value is its digits x 10**exponent; pair k holds the powers 2k and 2k + 1.
    pairs = highest // 2 - lowest // 2 + 1
    return pairs + 1 + sign


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
