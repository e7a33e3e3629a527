"""What DynamoDB's rules need of one of moto's table objects, read in moto's own process."""

from __future__ import annotations

from typing import Any

from ..model.limits import KeySchema


def key_schema(table: Any) -> KeySchema:
    """The :class:`KeySchema` of a moto ``Table``: its keys, its indexes' keys, their types."""
    return KeySchema.from_description(
        {
            "KeySchema": table.schema,
            "AttributeDefinitions": table.attr,
            "GlobalSecondaryIndexes": [
                {"IndexName": i.name, "KeySchema": i.schema} for i in table.global_indexes
            ],
            "LocalSecondaryIndexes": [
                {"IndexName": i.name, "KeySchema": i.schema} for i in table.indexes
            ],
        }
    )
