"""Transactions on moto that cost what they touch, not the whole table.

Before a ``TransactWriteItems``, moto deep-copies every table the transaction names, so it can
put the copy back if the transaction fails: a transaction's time grows with the table (pattern
D on a table of 1,000 messages spends most of its time copying them), which DynamoDB's does
not. :func:`install` makes that copy a snapshot of what the transaction can change: the
table's partitions are copied as dictionaries (cheap: the items are shared), the items the
transaction names are deep-copied, and the stream's record list is copied, so a rollback
still restores the items, and drops the stream records, of a failed transaction exactly as
moto's own copy does. Everything else is moto's own code, unchanged.

Guarded like :mod:`workbench.engine.motoindex`, by the moto versions it was written for
(:data:`workbench.engine.motoindex.SUPPORTED`); outside them nothing is patched.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from .motopatch import MotoPatch, Patch

_local = threading.local()


def _patches() -> list[Patch]:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    return [
        (DynamoDBBackend, "transact_write_items", _transact_write_items),
        # Table has no __deepcopy__ of its own: uninstall deletes it again.
        (Table, "__deepcopy__", _table_deepcopy),
    ]


_patch = MotoPatch(_patches)
# The module's public functions: install() -> bool (patch moto's TransactWriteItems; False
# outside the supported moto versions), uninstall() (put moto's own back, for tests) and
# installed().
install, uninstall, installed = _patch.install, _patch.uninstall, _patch.installed


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    # The keys each table's snapshot must deep-copy: every item the transaction names.
    _local.keys = _named_keys(self, transact_items)
    try:
        return _patch.original("DynamoDBBackend.transact_write_items")(self, transact_items)
    finally:
        _local.keys = None


def _named_keys(backend: Any, transact_items: Iterable[Mapping[str, Any]]) -> dict[str, set]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    keys: dict[str, set] = defaultdict(set)
    for action in transact_items:
        for op in action.values():
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue
            attrs = op.get("Item") or op.get("Key") or {}
            hash_raw = attrs.get(table.hash_key_attr)
            range_raw = attrs.get(table.range_key_attr) if table.range_key_attr else None
            if hash_raw is None:
                continue
            try:
                hash_value = DynamoType(hash_raw)
                range_value = DynamoType(range_raw) if range_raw is not None else None
                keys[table.name].add((hash_value, range_value))
            except (TypeError, AttributeError, IndexError):
                # Not a key DynamoDB takes (a list or map, a malformed value): no item to
                # copy; moto's own code answers for it (it was an HTTP 500 here).
                continue
    return keys


def _table_deepcopy(self: Any, memo: dict[int, Any]) -> Any:
    keys = getattr(_local, "keys", None)
    if keys is not None and self.name in keys:
        return _snapshot(self, keys[self.name])
    # Any other deep copy (a backup, a restore): the plain one, field by field.
    duplicate = self.__class__.__new__(self.__class__)
    memo[id(self)] = duplicate
    for name, value in self.__dict__.items():
        duplicate.__dict__[name] = copy.deepcopy(value, memo)
    return duplicate


def _snapshot(table: Any, keys: set) -> Any:
    """What moto's rollback needs of ``table``: its partitions as they are, with the named
    items deep-copied (a failed transaction may change them in place) and its stream's records.
    """
    snapshot = copy.copy(table)
    if table.range_key_attr:
        snapshot.items = defaultdict(dict, {h: dict(r) for h, r in table.items.items()})
        for hash_value, range_value in keys:
            partition = table.items.get(hash_value)
            if partition is not None and range_value in partition:
                snapshot.items[hash_value][range_value] = copy.deepcopy(partition[range_value])
    else:
        snapshot.items = defaultdict(dict, table.items)
        for hash_value, _ in keys:
            if hash_value in table.items:
                snapshot.items[hash_value] = copy.deepcopy(table.items[hash_value])
    if table.stream_shard is not None:
        shard = copy.copy(table.stream_shard)
        shard.items = list(table.stream_shard.items)
        shard.table = snapshot
        snapshot.stream_shard = shard
    return snapshot
