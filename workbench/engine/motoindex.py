"""Queries on moto that read only their item collection, not the whole table.

moto's ``Table.query`` walks ``Table.all_items()``, every item of the table, so a query's time
grows with the table instead of with its item collection. :func:`install` narrows the items
moto's query sees to the only ones that can match:

- a base-table query (or an index whose partition key is the table's) sees the partition,
  ``Table.items[hash_value]``: moto stores items per partition already;
- a GSI query sees the items whose index partition key equals the value, found in a map from
  attribute value to item keys, built on a table's first such query and kept current on every
  write moto makes (``Table.put_item``, ``Table.delete_item`` and the backend's in-place
  ``update_item``; batches, transactions, PartiQL and imports all go through them).

Everything else (key conditions, sort order, ``Limit``, pagination, filters, projections,
``Count``/``ScannedCount``) is moto's own code, unchanged, over that subset: the subset is
handed to moto's own ``all_items`` in the table's order, so moto's result is the same item for
item. The patch is guarded by the moto versions it was written against (:data:`SUPPORTED`);
outside them it is not applied and moto's own (slow but correct) path runs.
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
import logging
import re
import threading
import types
import weakref
from collections.abc import Iterator
from typing import Any

#: moto versions this module was written for: from the first (inclusive) to the second (not).
SUPPORTED: tuple[tuple[int, int, int], tuple[int, int, int]] = ((5, 2, 5), (5, 3, 0))

_log = logging.getLogger(__name__)
_install_lock = threading.Lock()
# One lock for the attribute maps: a map is built and registered, and a write's key is
# re-indexed, atomically, so a write racing a build is never lost (see _touch).
_state_lock = threading.RLock()
_originals: dict[str, Any] = {}
_query_signature: inspect.Signature | None = None
_warned = False
_tables: weakref.WeakKeyDictionary[Any, _AttributeMaps] = weakref.WeakKeyDictionary()
# The narrowed items for the query running in this thread (consumed by the next all_items
# call on that table); a context variable, so the threads of moto's server never mix.
_pending: contextvars.ContextVar[tuple[Any, Any] | None] = contextvars.ContextVar(
    "motoindex_pending", default=None
)
_bypass: contextvars.ContextVar[bool] = contextvars.ContextVar("motoindex_bypass", default=False)

Key = tuple[Any, Any]


def _version_tuple(version: str) -> tuple[int, int, int] | None:
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", version)
    return tuple(int(part) for part in match.groups()) if match else None  # type: ignore[return-value]


def supported(version: str | None = None) -> bool:
    """Whether a moto version is one this module was written for.

    :param version: a version string (default: the installed ``moto.__version__``).
    """
    if version is None:
        import moto

        version = moto.__version__
    parsed = _version_tuple(version)
    return parsed is not None and SUPPORTED[0] <= parsed < SUPPORTED[1]


def installed() -> bool:
    """Whether moto is patched right now."""
    return bool(_originals)


def install() -> bool:
    """Patch moto's DynamoDB so queries read only their item collection (idempotent, thread-safe).

    :returns: ``True`` if the patch is in place, ``False`` if the installed moto is outside
        :data:`SUPPORTED` (then moto is left alone, and a warning is logged once).
    """
    global _query_signature, _warned
    with _install_lock:
        if _originals:
            return True
        import moto
        from moto.dynamodb.models import DynamoDBBackend
        from moto.dynamodb.models.table import Table

        if not supported(moto.__version__):
            if not _warned:
                _warned = True
                _log.warning(
                    "moto %s is outside the versions workbench.engine.motoindex was written for "
                    "(%s to before %s): queries use moto's own path, whose time grows with "
                    "the table",
                    moto.__version__,
                    ".".join(map(str, SUPPORTED[0])),
                    ".".join(map(str, SUPPORTED[1])),
                )
            return False
        _query_signature = inspect.signature(Table.query)
        _originals.update(
            query=Table.query,
            all_items=Table.all_items,
            put_item=Table.put_item,
            delete_item=Table.delete_item,
            update_item=DynamoDBBackend.update_item,
        )
        Table.query = _query  # type: ignore[method-assign]
        Table.all_items = _all_items  # type: ignore[method-assign]
        Table.put_item = _put_item  # type: ignore[method-assign]
        Table.delete_item = _delete_item  # type: ignore[method-assign]
        DynamoDBBackend.update_item = _update_item  # type: ignore[method-assign]
        return True


def uninstall() -> None:
    """Give moto its own methods back and forget every map (for tests)."""
    with _install_lock:
        if not _originals:
            return
        from moto.dynamodb.models import DynamoDBBackend
        from moto.dynamodb.models.table import Table

        DynamoDBBackend.update_item = _originals["update_item"]  # type: ignore[method-assign]
        for name in ("query", "all_items", "put_item", "delete_item"):
            setattr(Table, name, _originals[name])
        _originals.clear()
        with _state_lock:
            _tables.clear()


@contextlib.contextmanager
def bypassed() -> Iterator[None]:
    """Within the block, this thread's queries take moto's own path (writes are still tracked)."""
    token = _bypass.set(True)
    try:
        yield
    finally:
        _bypass.reset(token)


def invalidate(table: Any) -> None:
    """Forget ``table``'s attribute maps; the next GSI query rebuilds them.

    Only needed by code that changes a moto table's items other than through moto's own
    write methods (for example by editing an ``Item``'s attributes in place).
    """
    with _state_lock:
        _tables.pop(table, None)


def candidates(table: Any, hash_value: Any, index_name: str | None = None) -> list[Any] | None:
    """The items a query on ``table`` (or its index) for one partition key value reads.

    :param table: a moto ``Table``.
    :param hash_value: the partition key value, a moto ``DynamoType``.
    :param index_name: the index queried (default: the table).
    :returns: those items in moto's table order, or ``None`` where this module does not narrow
        (the query then reads every item, as moto does).
    """
    if not installed():
        return None
    if index_name:
        attr = _index_hash_attribute(table, index_name)
        subset = None if attr is None else _narrow(table, attr, hash_value)
    else:
        subset = _partition(table, hash_value)
    return None if subset is None else _subset_items(table, subset)


# -- the patched methods -------------------------------------------------------------------


def _query(self: Any, *args: Any, **kwargs: Any) -> Any:
    original = _originals["query"]
    if not _bypass.get():
        subset = _subset_for_query(self, args, kwargs)
        if subset is not None:
            token = _pending.set((self, subset))
            try:
                return original(self, *args, **kwargs)
            finally:
                _pending.reset(token)
    return original(self, *args, **kwargs)


def _all_items(self: Any) -> list[Any]:
    pending = _pending.get()
    if pending is not None and pending[0] is self:
        _pending.set(None)  # once: anything else moto does during the query sees every item
        return _subset_items(self, pending[1])
    return _originals["all_items"](self)


def _put_item(self: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return _originals["put_item"](self, *args, **kwargs)
    finally:
        attrs = kwargs.get("item_attrs", args[0] if args else None)
        _touch(self, _key_of(self, attrs))


def _delete_item(self: Any, hash_key: Any, range_key: Any = None) -> Any:
    try:
        return _originals["delete_item"](self, hash_key, range_key)
    finally:
        if self.range_key_attr is not None and not range_key:
            invalidate(self)  # moto then drops the whole partition
        else:
            _touch(self, (hash_key, range_key if self.range_key_attr is not None else None))


def _update_item(self: Any, table_name: str, key: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return _originals["update_item"](self, table_name, key, *args, **kwargs)
    finally:
        # moto updates the stored Item in place, which no Table method sees.
        table = self.tables.get(table_name)
        if table is not None:
            found = _key_of(table, key) if isinstance(key, dict) else None
            if found is None:
                invalidate(table)
            else:
                _touch(table, found)


# -- narrowing -----------------------------------------------------------------------------


def _subset_for_query(table: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    assert _query_signature is not None
    try:
        bound = _query_signature.bind(table, *args, **kwargs).arguments
    except TypeError:
        return None  # moto will say what is wrong with the call
    index_name = bound.get("index_name")
    if not index_name:
        hash_key = bound.get("hash_key")
        return None if hash_key is None else _partition(table, hash_key)
    attr = _index_hash_attribute(table, index_name)
    if attr is None:
        return None
    # moto matches every hash condition; the first key attribute's alone is a superset.
    value = dict(bound.get("hash_key_conditions") or []).get(attr)
    return None if value is None else _narrow(table, attr, value)


def _index_hash_attribute(table: Any, index_name: str) -> str | None:
    for index in table.all_indexes():
        if index.name == index_name:
            for key in index.schema:
                if key["KeyType"] == "HASH":
                    return str(key["AttributeName"])
    return None


def _narrow(table: Any, attr: str, value: Any) -> Any:
    if attr == table.hash_key_attr:
        return _partition(table, value)
    if not _hashable(value):
        return None
    with _state_lock:
        maps = _maps_for(table)
        if maps is None or attr not in maps.buckets:
            return None
        keys = list(maps.buckets[attr].get(value, ()))
    subset: dict[Any, Any] = {}
    for hash_value, range_value in keys:
        stored = table.items.get(hash_value)
        if table.range_key_attr is None:
            if stored is not None:
                subset[hash_value] = stored
        elif stored is not None and range_value in stored:
            subset.setdefault(hash_value, {})[range_value] = stored[range_value]
    return subset


def _partition(table: Any, hash_value: Any) -> Any:
    if not _hashable(hash_value):
        return None
    stored = table.items.get(hash_value)  # .get: items is a defaultdict
    return {} if stored is None else {hash_value: stored}


def _subset_items(table: Any, subset: Any) -> list[Any]:
    # moto's own all_items over the subset, so the order is the one moto's query would see.
    view = types.SimpleNamespace(items=subset, range_key_attr=table.range_key_attr)
    return _originals["all_items"](view)  # type: ignore[no-any-return]


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:  # maps, lists and sets: never a key, never equal to one
        return False
    return True


# -- the attribute maps --------------------------------------------------------------------


class _AttributeMaps:
    """For one table: each GSI partition-key attribute's value -> the keys of its items."""

    def __init__(self, items: Any, attrs: tuple[str, ...]) -> None:
        self.items = items  # the dict the maps were built from; another one means rebuild
        self.attrs = attrs
        self.buckets: dict[str, dict[Any, dict[Key, None]]] = {a: {} for a in attrs}
        self.values: dict[str, dict[Key, Any]] = {a: {} for a in attrs}

    def reindex(self, key: Key, item: Any) -> None:
        """Put ``key`` under its item's current values (or nowhere if the item is gone)."""
        for attr in self.attrs:
            old = self.values[attr].pop(key, None)
            if old is not None:
                bucket = self.buckets[attr][old]
                bucket.pop(key, None)
                if not bucket:
                    del self.buckets[attr][old]
            new = None if item is None else item.attrs.get(attr)
            if new is not None and _hashable(new):
                self.values[attr][key] = new
                self.buckets[attr].setdefault(new, {})[key] = None


def _gsi_attributes(table: Any) -> tuple[str, ...]:
    attrs = {
        key["AttributeName"]
        for index in table.all_indexes()
        for key in index.schema
        if key["KeyType"] == "HASH" and key["AttributeName"] != table.hash_key_attr
    }
    return tuple(sorted(attrs))


def _stored_items(table: Any) -> Iterator[Any]:
    for stored in list(table.items.values()):
        if table.range_key_attr is None:
            yield stored
        else:
            yield from list(stored.values())


def _maps_for(table: Any) -> _AttributeMaps | None:
    """The table's current maps, built if missing or stale (call with ``_state_lock`` held)."""
    attrs = _gsi_attributes(table)
    maps = _tables.get(table)
    if maps is not None and maps.items is table.items and maps.attrs == attrs:
        return maps
    for _ in range(3):  # a write in another thread can change the dict while we read it
        maps = _AttributeMaps(table.items, attrs)
        try:
            for item in _stored_items(table):
                maps.reindex((item.hash_key, item.range_key), item)
        except RuntimeError:
            continue
        _tables[table] = maps
        return maps
    return None


def _key_of(table: Any, attrs: Any) -> Key | None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    try:
        hash_value = DynamoType(attrs[table.hash_key_attr])
        if table.range_key_attr is None:
            return (hash_value, None)
        return (hash_value, DynamoType(attrs[table.range_key_attr]))
    except (KeyError, TypeError, IndexError, AttributeError):
        return None


def _touch(table: Any, key: Key | None) -> None:
    """Re-index the item stored under ``key`` after a write to it."""
    if key is None:
        return
    if not (_hashable(key[0]) and _hashable(key[1])):
        invalidate(table)
        return
    with _state_lock:
        maps = _tables.get(table)
        if maps is None or maps.items is not table.items:
            return  # no maps yet, or stale ones: the next GSI query builds them afresh
        stored = table.items.get(key[0])
        if table.range_key_attr is not None and stored is not None:
            stored = stored.get(key[1])
        maps.reindex(key, stored)
