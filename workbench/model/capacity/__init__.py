"""Capacity computed from DynamoDB's documented rules (pure: no boto3, no network).

Item sizes on typed items, read units per 4 KB and write units per 1 KB, indexes and
transactions included; see ``docs/capacity.md`` for every rule and its source.
"""

from .compute import OPERATIONS, READS, WRITES, compute
from .result import Capacity
from .sizes import (
    ITEM_SIZE_LIMIT,
    READ_UNIT,
    WRITE_UNIT,
    item_size,
    number_size,
    read_units,
    significant_digits,
    value_size,
    write_units,
)
from .tables import IndexKeys, TableKeys, from_description, table_keys

__all__ = [
    "ITEM_SIZE_LIMIT",
    "OPERATIONS",
    "READS",
    "READ_UNIT",
    "WRITES",
    "WRITE_UNIT",
    "Capacity",
    "IndexKeys",
    "TableKeys",
    "compute",
    "from_description",
    "item_size",
    "number_size",
    "read_units",
    "significant_digits",
    "table_keys",
    "value_size",
    "write_units",
]
