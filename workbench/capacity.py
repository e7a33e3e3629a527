"""Item sizes and the capacity units DynamoDB's pricing rules allow for them.

Sizes follow AWS's rules: each attribute costs the UTF-8 length of its name plus its value
(strings: UTF-8 bytes; numbers: about one byte per two digits plus one; binary: raw bytes;
booleans and null: one byte; lists and maps: three bytes plus their contents). Reads are
charged per 4 KB of everything a Query or Scan reads (half a unit when eventually
consistent); writes per 1 KB of each item written, once per table or index holding it,
twice inside a transaction.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from .model import CRUDDUR, Model

READ_UNIT = 4096
WRITE_UNIT = 1024


def value_size(value: Any) -> int:
    """Bytes DynamoDB counts for one plain value."""
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | float):
        digits = len(str(abs(value)).replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, Mapping):
        return 3 + sum(len(k.encode()) + value_size(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return 3 + sum(value_size(v) + 1 for v in value)
    raise TypeError(f"cannot size {value!r}")


def item_size(item: Mapping[str, Any]) -> int:
    """Bytes DynamoDB counts for a plain-valued item."""
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def read_units(items: Iterable[Mapping[str, Any]], *, consistent: bool = False) -> float:
    """The least a Query/Scan returning ``items`` (and reading nothing else) can cost."""
    total = sum(item_size(item) for item in items)
    units = max(1, math.ceil(total / READ_UNIT))
    return units * (1.0 if consistent else 0.5)


def write_units_split(item: Mapping[str, Any], *, model: Model = CRUDDUR,
                      transactional: bool = False) -> tuple[float, float]:
    """``(table, indexes)``: what writing ``item`` costs in 1 KB units.

    The table part is doubled inside a transaction (prepare and commit); each GSI holding
    the item costs its standard rate, as index updates propagate after the commit.
    """
    per_copy = max(1, math.ceil(item_size(item) / WRITE_UNIT))
    indexes = sum(1 for index in model.table.indexes
                  if all(key in item for key in index.key_names))
    return float(per_copy * (2 if transactional else 1)), float(per_copy * indexes)


def write_units(item: Mapping[str, Any], *, model: Model = CRUDDUR,
                transactional: bool = False) -> float:
    """What writing ``item`` costs in total (table plus indexes)."""
    return sum(write_units_split(item, model=model, transactional=transactional))
