"""The capacity of writes: PutItem, UpdateItem, DeleteItem, BatchWriteItem,
TransactWriteItems, on the table and on every secondary index the write touches.

Rules: AWS DynamoDB Developer Guide, "DynamoDB read and write operations", the "Write capacity
units" sections of the pages on global and local secondary indexes, and "Amazon DynamoDB
Transactions"; see ``docs/capacity.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ... import constants as C
from .result import Capacity, make
from .sizes import item_size, write_units
from .tables import IndexKeys, TableKeys, Tables, same_values
from .updates import updated_item

UPDATE = "Update"
CONDITION_CHECK = "ConditionCheck"
ATTRIBUTES = "Attributes"
RETURN_VALUES = "ReturnValues"
ALL_OLD = "ALL_OLD"
ALL_NEW = "ALL_NEW"
NEW_ITEM_NOTE = (
    "the old item is unknown, so the put is charged on the new item, and on no index (an "
    "identical old entry costs nothing there)"
)
ALL_NEW_NOTE = (
    "the old item is unknown (ALL_NEW returns the new one), so an index is charged only where "
    "the update certainly changes it"
)
DELETED_NOTE = "the deleted item is unknown: 1 unit, and nothing on the indexes"

_NOT_EXISTS = re.compile(r"attribute_not_exists\s*\(\s*(#?[A-Za-z0-9_]+)\s*\)", re.IGNORECASE)
_OR_NOT = re.compile(r"\b(OR|NOT)\b", re.IGNORECASE)


def _creates(body: Mapping[str, Any], keys: TableKeys | None) -> bool:
    """True when the write succeeded only if there was no item: its condition is
    ``attribute_not_exists`` of a key attribute, with no ``OR``/``NOT`` around it."""
    condition = body.get(C.CONDITION_EXPRESSION) or ""
    if _OR_NOT.search(condition):
        return False
    names = body.get(C.EXPRESSION_ATTRIBUTE_NAMES) or {}
    return any(
        keys is None or names.get(m[1], m[1]) in keys.key_names
        for m in _NOT_EXISTS.finditer(condition)
    )


def _index_writes(index: IndexKeys, table_keys: tuple[str, ...], old: Any, new: Any) -> int:
    """Write units on one index for an item going from ``old`` to ``new`` (both known).

    Developer Guide, "Global secondary indexes", "Write capacity units" (the LSI page says the
    same): a put into the index, a delete out of it, both when the index key changes, one
    write when only projected attributes change, nothing when the index entry stays as it is.
    """
    before, after = index.holds(old), index.holds(new)
    old_entry = index.entry(old, table_keys) if before else {}
    new_entry = index.entry(new, table_keys) if after else {}
    if before and after and index.key_of(old) != index.key_of(new):
        return write_units(item_size(old_entry)) + write_units(item_size(new_entry))
    if before and after and same_values(old_entry, new_entry):
        return 0
    if before or after:
        return write_units(max(item_size(old_entry), item_size(new_entry)))
    return 0


class Writes:
    """Adds up table and index units of a request's item writes."""

    def __init__(
        self,
        tables: Tables,
        old_items: Iterable[Mapping[str, Any]],
        absent_keys: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        self.tables = tables
        self.old_items = list(old_items)
        self.absent_keys = list(absent_keys)
        self.table = 0.0
        self.indexes: dict[str, float] = {}
        self.notes: list[str] = []

    @staticmethod
    def _find(
        found: list[Mapping[str, Any]], keys: TableKeys | None, key: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        names = keys.key_names if keys else tuple(key)
        for item in found:
            if all(same_values({n: item.get(n)}, {n: key.get(n)}) for n in names):
                return item
        return None

    def _stored(self, keys: TableKeys | None, key: Mapping[str, Any]) -> Mapping[str, Any] | None:
        return self._find(self.old_items, keys, key)

    def _before(
        self,
        body: Mapping[str, Any],
        response: Mapping[str, Any] | None,
        keys: TableKeys | None,
        key: Mapping[str, Any],
    ) -> tuple[Mapping[str, Any] | None, bool]:
        """The item before the write and whether it is known (None and known: no item)."""
        if body.get(RETURN_VALUES) == ALL_OLD and response is not None:
            # ALL_OLD answers the whole old item, and no Attributes when there was none.
            return response.get(ATTRIBUTES), True
        stored = self._stored(keys, key)
        if stored is not None:
            return stored, True
        if self._find(self.absent_keys, keys, key) is not None:
            return None, True  # the caller read it just before: there was no item
        return None, _creates(body, keys)

    def one(
        self,
        name: str,
        old: Any,
        new: Any,
        *,
        factor: int = 1,
        exact: bool = True,
        changed: frozenset[str] = frozenset(),
    ) -> None:
        """One item write on table ``name``: ``old``/``new`` are the item before and after
        (None: absent). Not ``exact``: ``old`` is unknown (or ``new`` only partly known), so
        an index is charged only for what is certain: a put of the new entry where the update
        changes an attribute it projects (``changed``)."""
        keys = self.tables(name)
        self.table += factor * write_units(max(item_size(old), item_size(new)))
        if keys is None:
            self.notes.append(f"table {name!r} is not described: its indexes are not counted")
            return
        for index in keys.indexes:
            if exact:
                units = _index_writes(index, keys.key_names, old, new)
            elif index.holds(new) and any(index.projects(a, keys.key_names) for a in changed):
                units = write_units(index.entry_size(new, keys.key_names))
            else:
                units = 0
            if units:
                self.indexes[index.name] = self.indexes.get(index.name, 0.0) + units

    def put(self, body: Mapping[str, Any], response: Mapping[str, Any] | None, factor: int) -> None:
        name, new = body[C.TABLE_NAME], body[C.ITEM]
        keys = self.tables(name)
        old, known = self._before(body, response, keys, keys.key_of(new) if keys else new)
        if not known:
            self.notes.append(f"PutItem on {name!r}: {NEW_ITEM_NOTE}")
        self.one(name, old, new, factor=factor, exact=known)

    def update(
        self, body: Mapping[str, Any], response: Mapping[str, Any] | None, factor: int
    ) -> None:
        name, key = body[C.TABLE_NAME], body[C.KEY]
        old, known = self._before(body, response, self.tables(name), key)
        updated = updated_item(body, old, known=known)
        returned = (response or {}).get(ATTRIBUTES)
        if body.get(RETURN_VALUES) == ALL_NEW and returned:
            new, exact = dict(returned), known
            if not known:
                self.notes.append(f"UpdateItem on {name!r}: {ALL_NEW_NOTE}")
        else:
            new, exact = updated.item, updated.exact
            self.notes += updated.notes
        self.one(name, old, new, factor=factor, exact=exact, changed=updated.changed)

    def delete(
        self, body: Mapping[str, Any], response: Mapping[str, Any] | None, factor: int
    ) -> None:
        name, key = body[C.TABLE_NAME], body[C.KEY]
        old, known = self._before(body, response, self.tables(name), key)
        if not known:
            self.notes.append(f"DeleteItem on {name!r}: {DELETED_NOTE}")
        self.one(name, old, None, factor=factor, exact=known)

    def result(self) -> Capacity:
        return make(self.table, self.indexes, read=False, notes=self.notes)


def batch_write(writes: Writes, params: Mapping[str, Any], response: Mapping[str, Any]) -> None:
    unprocessed = response.get(C.UNPROCESSED_ITEMS) or {}
    for name, requests in (params.get(C.REQUEST_ITEMS) or {}).items():
        for request in requests:
            if request in (unprocessed.get(name) or []):
                continue  # not written, not charged
            if C.PUT_REQUEST in request:
                writes.put({C.TABLE_NAME: name, **request[C.PUT_REQUEST]}, None, 1)
            elif C.DELETE_REQUEST in request:
                writes.delete({C.TABLE_NAME: name, **request[C.DELETE_REQUEST]}, None, 1)


def transact_write(writes: Writes, params: Mapping[str, Any]) -> None:
    # Transactions cost twice on the table (prepare and commit); each index once.
    for action in params.get(C.TRANSACT_ITEMS) or []:
        for kind, body in action.items():
            if kind == C.PUT:
                writes.put(body, None, 2)
            elif kind == UPDATE:
                writes.update(body, None, 2)
            elif kind == C.DELETE:
                writes.delete(body, None, 2)
            elif kind == CONDITION_CHECK:
                writes.table += 2
                writes.notes.append(
                    "a ConditionCheck is charged as a 1 KB item (its size is unknown)"
                )
