"""Convert items between plain Python values and DynamoDB's typed JSON, fast and Decimal-free.

boto3's ``TypeDeserializer`` turns every number into ``Decimal`` and pays a method dispatch per
attribute; notebooks want ``int``/``float`` and DataFrames want speed. The Cruddur table holds
only strings, so the string case takes the shortest path.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .errors import WorkbenchError


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def from_attr(value: Mapping[str, Any]) -> Any:
    """One DynamoDB attribute value (``{"S": "x"}``) to a plain Python value."""
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


def to_attr(value: Any) -> dict[str, Any]:
    """A plain Python value to a DynamoDB attribute value.

    :raises WorkbenchError: for a type DynamoDB cannot store, naming it.
    """
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": str(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, Mapping):
        return {"M": {str(k): to_attr(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [to_attr(v) for v in value]}
    if isinstance(value, set | frozenset) and value and all(isinstance(v, str) for v in value):
        return {"SS": sorted(value)}
    raise WorkbenchError(
        f"cannot store {value!r} ({type(value).__name__}) in DynamoDB; use str, int, float, "
        "bool, None, bytes, dict, list or a set of str"
    )


def to_item(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A dict of plain values to a DynamoDB item (typed JSON)."""
    return {name: to_attr(value) for name, value in values.items()}


def jsonable(value: Any) -> Any:
    """Make a DynamoDB key or item JSON-serialisable (bytes become base64 text)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value
