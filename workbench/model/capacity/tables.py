"""What capacity needs to know of a table: its keys and its GSIs' keys and projections.

Built from a :class:`~workbench.model.table.TableSpec` (any model's) or from the ``Table`` of a
DescribeTable response, so tables the workbench did not define work too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ... import constants as C
from ...errors import WorkbenchError
from .sizes import item_size

KEYS_ONLY = "KEYS_ONLY"
INCLUDE = "INCLUDE"


def canonical(value: Any) -> Any:
    """A typed value in a form that compares as DynamoDB compares values: numbers by value
    (``5`` is ``5.0``), sets whatever their order, maps and lists member by member."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return value
    ((kind, inner),) = value.items()
    if kind == "N":
        return ("N", Decimal(str(inner)))
    if kind == "NS":
        return ("NS", frozenset(Decimal(str(v)) for v in inner))
    if kind in ("SS", "BS"):
        return (kind, frozenset(getattr(v, "value", v) for v in inner))
    if kind == "B":
        return ("B", getattr(inner, "value", inner))
    if kind == "M":
        return ("M", tuple(sorted((k, canonical(v)) for k, v in inner.items())))
    if kind == "L":
        return ("L", tuple(canonical(v) for v in inner))
    return (kind, inner)


def same_values(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """True when two typed items (or index entries) hold the same attributes and values."""
    return a.keys() == b.keys() and all(canonical(a[k]) == canonical(b[k]) for k in a)


@dataclass(frozen=True)
class IndexKeys:
    """A secondary index as capacity sees it.

    :param name: the index name.
    :param key_names: its key attributes (hash first).
    :param projection: ``ALL``, ``KEYS_ONLY`` or ``INCLUDE``.
    :param include: the non-key attributes an ``INCLUDE`` index projects.
    :param local: True for a local secondary index (same partition key as the table; strongly
        consistent reads allowed; attributes it does not project are fetched from the table).
    """

    name: str
    key_names: tuple[str, ...]
    projection: str = C.ALL
    include: tuple[str, ...] = ()
    local: bool = False

    def holds(self, item: Mapping[str, Any] | None) -> bool:
        """True when ``item`` has every key attribute of the index (GSIs are sparse)."""
        return bool(item) and all(name in item for name in self.key_names)

    def key_of(self, item: Mapping[str, Any]) -> tuple[Any, ...]:
        """The index key values of ``item`` (to tell whether an update moved it)."""
        return tuple(canonical(item.get(name)) for name in self.key_names)

    def projects(self, name: str, table_keys: tuple[str, ...]) -> bool:
        """True when the index entry holds the attribute ``name``."""
        return (
            self.projection == C.ALL
            or name in table_keys
            or name in self.key_names
            or (self.projection == INCLUDE and name in self.include)
        )

    def entry(self, item: Mapping[str, Any], table_keys: tuple[str, ...]) -> dict[str, Any]:
        """The index entry DynamoDB keeps for ``item``: its projected attributes."""
        return {name: value for name, value in item.items() if self.projects(name, table_keys)}

    def entry_size(self, item: Mapping[str, Any], table_keys: tuple[str, ...]) -> int:
        """Bytes of the index entry for ``item``."""
        return item_size(self.entry(item, table_keys))


@dataclass(frozen=True)
class TableKeys:
    """A table's key attributes and secondary indexes.

    :param name: the table name.
    :param key_names: the table's key attributes (hash first).
    :param indexes: its global and local secondary indexes.
    """

    name: str
    key_names: tuple[str, ...]
    indexes: tuple[IndexKeys, ...] = ()

    def key_of(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """The primary key attributes of ``item`` that it has."""
        return {name: item[name] for name in self.key_names if name in item}

    def index(self, name: str) -> IndexKeys | None:
        """The index called ``name``, or None if the table has none by that name."""
        return next((index for index in self.indexes if index.name == name), None)


# A function from a table's name to what capacity knows of it (None: nothing).
Tables = Callable[[str], TableKeys | None]


def _schema_names(schema: list[Mapping[str, str]]) -> tuple[str, ...]:
    ordered = sorted(schema, key=lambda k: k.get(C.KEY_TYPE) != C.HASH)
    return tuple(k[C.ATTRIBUTE_NAME] for k in ordered)


def from_description(table: Mapping[str, Any]) -> TableKeys:
    """TableKeys from DescribeTable's ``Table`` (or a CreateTable request)."""
    indexes = []
    # LSIs cost writes as GSIs do: an item with the index's sort key lands in it.
    secondary = [
        *((index, False) for index in table.get(C.GLOBAL_SECONDARY_INDEXES) or []),
        *((index, True) for index in table.get("LocalSecondaryIndexes") or []),
    ]
    for index, local in secondary:
        projection = index.get(C.PROJECTION) or {}
        indexes.append(
            IndexKeys(
                index[C.INDEX_NAME],
                _schema_names(index[C.KEY_SCHEMA]),
                projection.get(C.PROJECTION_TYPE, C.ALL),
                tuple(projection.get("NonKeyAttributes") or ()),
                local,
            )
        )
    return TableKeys(table[C.TABLE_NAME], _schema_names(table[C.KEY_SCHEMA]), tuple(indexes))


def table_keys(table: Any, name: str | None = None) -> TableKeys:
    """TableKeys from a TableKeys, a ``TableSpec`` or a DescribeTable ``Table`` dict.

    :param name: the table's real name, if it differs from the definition's default.
    :raises WorkbenchError: for anything else, naming what is accepted.
    """
    if isinstance(table, TableKeys):
        keys = table
    elif isinstance(table, Mapping) and C.KEY_SCHEMA in table:
        keys = from_description(table)
    elif hasattr(table, "key_names") and hasattr(table, "indexes"):
        keys = TableKeys(
            table.name,
            tuple(table.key_names),
            tuple(
                IndexKeys(
                    i.name,
                    tuple(i.key_names),
                    i.projection,
                    tuple(getattr(i, "non_key_attributes", ()) or ()),
                )
                for i in table.indexes
            )
            + tuple(
                # An LSI's keys: the table's partition key and its own sort key.
                IndexKeys(
                    i.name,
                    (table.hash_key, i.range_key),
                    i.projection,
                    tuple(i.non_key_attributes),
                    local=True,
                )
                for i in getattr(table, "local_indexes", ())
            ),
        )
    else:
        raise WorkbenchError(
            f"cannot read a table definition from {table!r}: give a TableSpec, a TableKeys "
            "or the Table of a DescribeTable response"
        )
    if name and name != keys.name:
        keys = TableKeys(name, keys.key_names, keys.indexes)
    return keys
