"""The table as data: keys, attribute definitions, GSIs, throughput and stream, checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .. import constants as C
from ..errors import ModelError

KEY_TYPES = ("S", "N", "B")
PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")
STREAM_VIEW_TYPES = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")
_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")


@dataclass(frozen=True)
class Throughput:
    """Provisioned read and write capacity units."""

    read: int = 5
    write: int = 5

    def __post_init__(self) -> None:
        for label, units in (("read", self.read), ("write", self.write)):
            if not isinstance(units, int) or units < 1:
                raise ModelError(f"{label} capacity {units!r} must be a whole number >= 1")

    def request(self) -> dict[str, int]:
        """The ``ProvisionedThroughput`` parameter."""
        return {C.READ_CAPACITY_UNITS: self.read, C.WRITE_CAPACITY_UNITS: self.write}


@dataclass(frozen=True)
class GlobalIndex:
    """A global secondary index.

    :param name: the index name, e.g. ``message-group-sk-index``.
    :param hash_key: the attribute the index is partitioned on.
    :param range_key: the attribute it is sorted on, or None.
    :param projection: ``ALL``, ``KEYS_ONLY`` or ``INCLUDE``.
    :param throughput: provisioned capacity (ignored for on-demand tables).
    :param non_key_attributes: the attributes an ``INCLUDE`` projection adds to the keys.
    """

    name: str
    hash_key: str
    range_key: str | None = None
    projection: str = C.ALL
    throughput: Throughput | None = field(default_factory=Throughput)
    non_key_attributes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "non_key_attributes", tuple(self.non_key_attributes))
        _check_index(self.name, self.projection, self.non_key_attributes)

    @property
    def key_names(self) -> tuple[str, ...]:
        """The index's key attributes, hash first."""
        return (self.hash_key,) + ((self.range_key,) if self.range_key else ())

    def projection_request(self) -> dict[str, Any]:
        """The ``Projection`` parameter."""
        return _projection(self.projection, self.non_key_attributes)


@dataclass(frozen=True)
class LocalIndex:
    """A local secondary index: the table's partition key with another sort key.

    :param name: the index name.
    :param range_key: the attribute it is sorted on.
    :param projection: ``ALL``, ``KEYS_ONLY`` or ``INCLUDE``.
    :param non_key_attributes: the attributes an ``INCLUDE`` projection adds to the keys.
    """

    name: str
    range_key: str
    projection: str = C.ALL
    non_key_attributes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "non_key_attributes", tuple(self.non_key_attributes))
        _check_index(self.name, self.projection, self.non_key_attributes)

    def projection_request(self) -> dict[str, Any]:
        """The ``Projection`` parameter."""
        return _projection(self.projection, self.non_key_attributes)


def _check_index(name: str, projection: str, non_key_attributes: tuple[str, ...]) -> None:
    if not _NAME_RE.match(name):
        raise ModelError(f"index name {name!r} must be 3-255 of [A-Za-z0-9_.-]")
    if projection not in PROJECTIONS:
        raise ModelError(f"index {name!r} projection {projection!r}: choose one of {PROJECTIONS}")
    if bool(non_key_attributes) != (projection == C.INCLUDE):
        raise ModelError(
            f"index {name!r}: attributes {list(non_key_attributes)} go with projection INCLUDE "
            f"only, and INCLUDE needs at least one (got projection {projection!r})"
        )


def _projection(projection: str, non_key_attributes: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {C.PROJECTION_TYPE: projection}
    if non_key_attributes:
        out[C.NON_KEY_ATTRIBUTES] = list(non_key_attributes)
    return out


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{C.ATTRIBUTE_NAME: hash_key, C.KEY_TYPE: C.HASH}]
    if range_key:
        schema.append({C.ATTRIBUTE_NAME: range_key, C.KEY_TYPE: C.RANGE})
    return schema


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table definition; raises :class:`ModelError` when it is defined wrongly.

    :param name: default table name.
    :param hash_key: partition key attribute.
    :param range_key: sort key attribute, or None.
    :param attributes: attribute definitions, name to type (``S``, ``N``, ``B``): exactly the
        attributes used as a key by the table or an index, as DynamoDB requires.
    :param indexes: global secondary indexes.
    :param throughput: provisioned capacity, or None for on-demand (``PAY_PER_REQUEST``).
    :param stream_view_type: the stream's view type, or None for no stream.
    :param local_indexes: local secondary indexes (the table needs a sort key).
    """

    name: str
    hash_key: str
    range_key: str | None
    attributes: Mapping[str, str]
    indexes: tuple[GlobalIndex, ...] = ()
    throughput: Throughput | None = field(default_factory=Throughput)
    stream_view_type: str | None = C.NEW_IMAGE
    local_indexes: tuple[LocalIndex, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))
        object.__setattr__(self, "indexes", tuple(self.indexes))
        object.__setattr__(self, "local_indexes", tuple(self.local_indexes))
        check_table_name(self.name)
        problems: list[str] = []
        for attr, kind in self.attributes.items():
            if kind not in KEY_TYPES:
                problems.append(f"attribute {attr!r} has type {kind!r}; key types are {KEY_TYPES}")
        used = {self.hash_key} | ({self.range_key} if self.range_key else set())
        for key in sorted(used):
            if key not in self.attributes:
                problems.append(f"table key {key!r} has no attribute definition")
        names = set()
        for index in self.indexes:
            if index.name in names:
                problems.append(f"two indexes are named {index.name!r}")
            names.add(index.name)
            for key in index.key_names:
                used.add(key)
                if key not in self.attributes:
                    problems.append(
                        f"GSI {index.name!r} key {key!r} has no attribute definition; "
                        f"defined: {sorted(self.attributes)}"
                    )
        for lsi in self.local_indexes:
            if lsi.name in names:
                problems.append(f"two indexes are named {lsi.name!r}")
            names.add(lsi.name)
            if not self.range_key:
                problems.append(f"LSI {lsi.name!r} needs a table with a sort key")
            used.add(lsi.range_key)
            if lsi.range_key not in self.attributes:
                problems.append(
                    f"LSI {lsi.name!r} key {lsi.range_key!r} has no attribute definition"
                )
        for attr in self.attributes:
            if attr not in used:
                problems.append(
                    f"attribute definition {attr!r} is not a key of the table or any index "
                    "(DynamoDB rejects unused definitions)"
                )
        if self.stream_view_type not in (None, *STREAM_VIEW_TYPES):
            problems.append(
                f"stream view type {self.stream_view_type!r}: choose one of {STREAM_VIEW_TYPES}"
            )
        if problems:
            raise ModelError(f"table {self.name!r}: " + "; ".join(problems))

    @property
    def key_names(self) -> tuple[str, ...]:
        """The table's key attributes, hash first."""
        return (self.hash_key,) + ((self.range_key,) if self.range_key else ())

    def index(self, name: str) -> GlobalIndex:
        """The index called ``name``.

        :raises ModelError: naming the index and the known ones.
        """
        for index in self.indexes:
            if index.name == name:
                return index
        raise ModelError(
            f"no index {name!r} on {self.name!r}; known: {[i.name for i in self.indexes]}"
        )

    def index_key_names(self, name: str | None) -> tuple[str, str | None]:
        """``(hash, range)`` of the table (``name`` None), a GSI or an LSI.

        :raises ModelError: naming the index and the known ones.
        """
        if name is None:
            return self.hash_key, self.range_key
        for index in self.indexes:
            if index.name == name:
                return index.hash_key, index.range_key
        for lsi in self.local_indexes:
            if lsi.name == name:
                return self.hash_key, lsi.range_key
        known = [i.name for i in self.indexes] + [i.name for i in self.local_indexes]
        raise ModelError(f"no index {name!r} on {self.name!r}; known: {known}")

    @property
    def all_index_names(self) -> tuple[str, ...]:
        """Every GSI and LSI name."""
        return tuple(i.name for i in self.indexes) + tuple(i.name for i in self.local_indexes)

    def key_of(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """The primary key of ``item`` (plain or typed values alike)."""
        return {name: item[name] for name in self.key_names}

    def create_table_request(self, table_name: str | None = None) -> dict[str, Any]:
        """The exact ``CreateTable`` request for this table (nothing is sent)."""
        table_name = check_table_name(table_name or self.name)
        request: dict[str, Any] = {
            C.TABLE_NAME: table_name,
            C.ATTRIBUTE_DEFINITIONS: [
                {C.ATTRIBUTE_NAME: n, C.ATTRIBUTE_TYPE: t}
                for n, t in sorted(self.attributes.items())
            ],
            C.KEY_SCHEMA: _key_schema(self.hash_key, self.range_key),
        }
        if self.throughput is None:
            request[C.BILLING_MODE] = C.PAY_PER_REQUEST
        else:
            request[C.BILLING_MODE] = C.PROVISIONED
            request[C.PROVISIONED_THROUGHPUT] = self.throughput.request()
        if self.indexes:
            gsis = []
            for index in self.indexes:
                gsi: dict[str, Any] = {
                    C.INDEX_NAME: index.name,
                    C.KEY_SCHEMA: _key_schema(index.hash_key, index.range_key),
                    C.PROJECTION: index.projection_request(),
                }
                if self.throughput is not None:
                    gsi[C.PROVISIONED_THROUGHPUT] = (index.throughput or self.throughput).request()
                gsis.append(gsi)
            request[C.GLOBAL_SECONDARY_INDEXES] = gsis
        if self.local_indexes:
            request[C.LOCAL_SECONDARY_INDEXES] = [
                {
                    C.INDEX_NAME: lsi.name,
                    C.KEY_SCHEMA: _key_schema(self.hash_key, lsi.range_key),
                    C.PROJECTION: lsi.projection_request(),
                }
                for lsi in self.local_indexes
            ]
        if self.stream_view_type:
            request[C.STREAM_SPECIFICATION] = {
                C.STREAM_ENABLED: True,
                C.STREAM_VIEW_TYPE: self.stream_view_type,
            }
        return request


def check_table_name(name: str) -> str:
    """Return ``name`` if DynamoDB accepts it as a table name.

    :raises ModelError: naming the value and the rule.
    """
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ModelError(f"table name {name!r} must be 3-255 characters of A-Z a-z 0-9 _ . -")
    return name
