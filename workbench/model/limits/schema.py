"""What the checks are given: a table's key schema, and the client tokens an engine has seen."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ... import constants as C
from ..requests import Request
from ..table import TableSpec
from .messages import TOKEN_LIFETIME_SECONDS


@dataclass(frozen=True)
class KeySchema:
    """What the checks need to know of one table: its keys, its indexes' keys, their types.

    :param hash_key: the table's partition key.
    :param range_key: the table's sort key, or None.
    :param types: attribute name to ``S``/``N``/``B`` for every key attribute of the table
        and its indexes (DynamoDB's ``AttributeDefinitions``).
    :param indexes: index name to ``(hash_key, range_key)``, global and local alike.
    :param local: the names of the local secondary indexes among ``indexes``.
    """

    hash_key: str
    range_key: str | None
    types: Mapping[str, str]
    indexes: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    local: frozenset[str] = frozenset()

    @property
    def key_names(self) -> tuple[str, ...]:
        """The table's key attributes, hash first."""
        return (self.hash_key,) + ((self.range_key,) if self.range_key else ())

    @classmethod
    def from_spec(cls, spec: TableSpec) -> KeySchema:
        """The key schema of the workbench's own table definition."""
        return cls(
            spec.hash_key,
            spec.range_key,
            dict(spec.attributes),
            {
                **{index.name: (index.hash_key, index.range_key) for index in spec.indexes},
                **{lsi.name: (spec.hash_key, lsi.range_key) for lsi in spec.local_indexes},
            },
            frozenset(lsi.name for lsi in spec.local_indexes),
        )

    @classmethod
    def from_description(cls, table: Mapping[str, Any]) -> KeySchema:
        """The key schema in a ``DescribeTable`` answer's ``Table`` member."""

        def keys(schema: list[Mapping[str, str]]) -> tuple[str, str | None]:
            by_type = {k[C.KEY_TYPE]: k[C.ATTRIBUTE_NAME] for k in schema}
            return by_type[C.HASH], by_type.get(C.RANGE)

        hash_key, range_key = keys(table[C.KEY_SCHEMA])
        indexes = {
            index[C.INDEX_NAME]: keys(index[C.KEY_SCHEMA])
            for member in (C.GLOBAL_SECONDARY_INDEXES, "LocalSecondaryIndexes")
            for index in table.get(member, [])
        }
        types = {d[C.ATTRIBUTE_NAME]: d[C.ATTRIBUTE_TYPE] for d in table[C.ATTRIBUTE_DEFINITIONS]}
        local = frozenset(i[C.INDEX_NAME] for i in table.get("LocalSecondaryIndexes") or [])
        return cls(hash_key, range_key, types, indexes, local)


class TokenBook:
    """``ClientRequestToken`` values seen on one engine, each with its payload, for 10 minutes.

    :param clock: seconds, monotonic (injectable so tests need not wait 10 minutes).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seen: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def fingerprint(request: Request) -> str:
        """A digest of what the token promises: the actions, in order, whatever the key order."""
        actions = request.params.get(C.TRANSACT_ITEMS, [])
        raw = json.dumps(actions, sort_keys=True, default=jsonable)
        return hashlib.sha256(raw.encode()).hexdigest()

    def conflicts(self, token: str, request: Request) -> bool:
        """Whether ``token`` was used, less than 10 minutes ago, for a different payload."""
        with self._lock:
            seen = self._seen.get(token)
            if seen is None or seen[1] <= self._clock():
                return False
            return seen[0] != self.fingerprint(request)

    def remember(self, request: Request) -> None:
        """Record the request's token (if any) once the engine has accepted the request."""
        token = request.params.get("ClientRequestToken")
        if not token:
            return
        with self._lock:
            now = self._clock()
            self._seen = {t: s for t, s in self._seen.items() if s[1] > now}
            if token not in self._seen:  # the first use starts the 10 minutes
                self._seen[token] = (self.fingerprint(request), now + TOKEN_LIFETIME_SECONDS)


def jsonable(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)
