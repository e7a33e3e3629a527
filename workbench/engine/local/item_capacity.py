"""The units of item requests in the managed server, computed on what they really read and
wrote (:mod:`.capacity` answers them): GetItem, BatchGetItem, TransactGetItems, Query, Scan,
PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems.

Every figure comes from :func:`workbench.model.capacity.compute` (DynamoDB's documented rules,
``docs/capacity.md``), given what the server knows and a client does not: the whole items a
read found (not the projection it answered), the items a Query or Scan read before its filter,
the item each write replaced (read from moto before it ran) and the one it left behind.
"""

from __future__ import annotations

import base64
import binascii
import copy
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...model.capacity import Capacity, TableKeys, compute, from_description, item_size, write_units
from ...model.requests import Request
from . import backend

INDEXES = "INDEXES"
# What a Query or Scan does after reading (it is charged on the items it read before).
AFTER_READING = (
    "FilterExpression",
    "QueryFilter",
    "ScanFilter",
    "ConditionalOperator",
    "ProjectionExpression",
    "AttributesToGet",
    "Select",
)
_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


# -- one table's units, and DynamoDB's shape of them -------------------------------------


@dataclass
class Usage:
    """The units one request consumed on one table: the table part and each index's, read
    and write apart (only transactions tell them apart in the answer)."""

    table: str
    local: frozenset[str] = frozenset()
    read: float = 0.0
    write: float = 0.0
    index_read: dict[str, float] = field(default_factory=dict)
    index_write: dict[str, float] = field(default_factory=dict)

    def add(self, capacity: Capacity) -> None:
        """Add one computed figure (read or write units, table and indexes)."""
        if capacity.read:
            self.read += capacity.table
            parts = self.index_read
        else:
            self.write += capacity.table
            parts = self.index_write
        for name, units in capacity.indexes.items():
            parts[name] = parts.get(name, 0.0) + units

    def shape(self, mode: str, split: bool) -> dict[str, Any]:
        """This table's entry of the answer's ``ConsumedCapacity``."""
        read = self.read + sum(self.index_read.values())
        write = self.write + sum(self.index_write.values())
        out: dict[str, Any] = {"TableName": self.table, **_units(read, write, split)}
        if mode != INDEXES:
            return out
        out["Table"] = _units(self.read, self.write, split)
        names = list(dict.fromkeys([*self.index_read, *self.index_write]))
        for member, local in (("GlobalSecondaryIndexes", False), ("LocalSecondaryIndexes", True)):
            arms = {
                name: _units(self.index_read.get(name, 0.0), self.index_write.get(name, 0.0), split)
                for name in names
                if (name in self.local) == local
            }
            if arms:  # an index the request cost nothing is not named, as DynamoDB answers
                out[member] = arms
        return out


def _units(read: float, write: float, split: bool) -> dict[str, float]:
    out = {"CapacityUnits": float(read + write)}
    if split:
        if read:
            out["ReadCapacityUnits"] = float(read)
        if write:
            out["WriteCapacityUnits"] = float(write)
    return out


class Tally:
    """The tables of one request as moto holds them, and the units charged to each."""

    def __init__(self, environ: Mapping[str, Any]) -> None:
        self.environ = environ
        self.usages: dict[str, Usage] = {}
        self._tables: dict[str, Any] = {}
        self._keys: dict[str, TableKeys] = {}

    def moto(self, name: str) -> Any:
        """moto's table ``name`` (None if there is none)."""
        if name not in self._tables:
            self._tables[name] = backend.table(self.environ, name)
        return self._tables[name]

    def keys(self, name: str) -> TableKeys | None:
        """What capacity needs of table ``name``: its keys, its indexes and projections."""
        if name not in self._keys:
            table = self.moto(name)
            if table is None:
                return None
            self._keys[name] = table_keys(table, name)
        return self._keys[name]

    def touch(self, name: str) -> None:
        """Name the table in the answer (in request order) before anything is charged."""
        keys = self.keys(name)
        if name not in self.usages:
            local = frozenset(i.name for i in keys.indexes if i.local) if keys else frozenset()
            self.usages[name] = Usage(name, local)

    def add(self, name: str, capacity: Capacity) -> None:
        self.touch(name)
        self.usages[name].add(capacity)

    def lookup(self, name: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        """The whole item with ``key`` (wire JSON) in table ``name`` now, or None."""
        table = self.moto(name)
        return None if table is None else lookup(table, key)


def table_keys(table: Any, name: str) -> TableKeys:
    """TableKeys of a moto ``Table``: its keys, its indexes' keys and projections."""

    def indexes(found: Iterable[Any]) -> list[dict[str, Any]]:
        return [
            {"IndexName": i.name, "KeySchema": i.schema, "Projection": i.projection or {}}
            for i in found
        ]

    return from_description(
        {
            "TableName": name,
            "KeySchema": table.schema,
            "GlobalSecondaryIndexes": indexes(table.global_indexes),
            "LocalSecondaryIndexes": indexes(table.indexes),
        }
    )


def key_of(table: Any, item: Mapping[str, Any]) -> dict[str, Any]:
    """The primary key of ``item`` (a key or a whole item) on moto's ``table``."""
    names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
    return {name: item[name] for name in names if name in item}


def lookup(table: Any, key: Mapping[str, Any]) -> dict[str, Any] | None:
    """The whole item with ``key`` in moto's ``table`` (wire JSON), or None."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_name, range_name = table.hash_key_attr, table.range_key_attr
    if hash_name not in key or (range_name and range_name not in key):
        return None
    found = table.get_item(
        DynamoType(key[hash_name]), DynamoType(key[range_name]) if range_name else None
    )
    # A copy, as moto's own handlers read items: its binary values are bytes or base64 text
    # (decoded() takes both).
    return copy.deepcopy(found.to_json()["Attributes"]) if found is not None else None


def decoded(item: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``item`` (wire JSON) with its binary values as bytes, as sizes count them (the raw
    bytes, not their base64 text)."""
    return None if item is None else {name: _value(v) for name, v in item.items()}


def _value(value: Any) -> Any:
    if not isinstance(value, Mapping) or len(value) != 1:
        return value
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": _bytes(inner)}
    if kind == "BS" and isinstance(inner, list):
        return {"BS": [_bytes(v) for v in inner]}
    if kind == "L" and isinstance(inner, list):
        return {"L": [_value(v) for v in inner]}
    if kind == "M" and isinstance(inner, Mapping):
        return {"M": {k: _value(v) for k, v in inner.items()}}
    return value


def _bytes(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value.encode("utf-8")


def known(old: Mapping[str, Any] | None, key: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``compute``'s arguments for what was at ``key`` before a write: the old item, or the
    key known to have held none."""
    if old is None:
        return {"old_items": [], "absent_keys": [decoded(key)]}
    return {"old_items": [decoded(old)], "absent_keys": []}


def written(operation: str, params: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(table, key or whole item) of every item a write request writes or checks."""
    if operation == "PutItem":
        return [(params["TableName"], params["Item"])]
    if operation in ("UpdateItem", "DeleteItem"):
        return [(params["TableName"], params["Key"])]
    found: list[tuple[str, Mapping[str, Any]]] = []
    if operation == "BatchWriteItem":
        for name, writes in params["RequestItems"].items():
            for write in writes:
                for body in write.values():
                    found.append((name, body.get("Item") or body.get("Key") or {}))
    elif operation == "TransactWriteItems":
        for action in params["TransactItems"]:
            for body in action.values():
                found.append((body["TableName"], body.get("Item") or body.get("Key") or {}))
    return found


def page(
    app: Callable[..., Iterable[bytes]],
    environ: dict[str, Any],
    op: str,
    params: dict[str, Any],
    answer: Mapping[str, Any],
    tally: Tally,
) -> None:
    """A Query or Scan page, charged on the items it read: those its key condition (or the
    scan) found, before the filter drops any and the projection cuts them (Developer Guide,
    "Query operations", "Read capacity units": "the filter expression ... does not change the
    amount of read capacity"; "Scan": likewise), each whole, as the table holds it."""
    name = params["TableName"]
    table = tally.moto(name)
    read = answer.get("Items")
    if read is None or any(params.get(member) for member in AFTER_READING):
        read = _unfiltered(app, environ, op, params)
    if params.get("IndexName"):
        whole = [lookup(table, key_of(table, item)) or item for item in read or []]
    else:
        # On the table itself, with no projection (``_unfiltered`` asks without one), moto
        # answers whole items already: reading each again would only cost time (issue 20).
        whole = list(read or [])
    page = compute(Request(op, params), {"Items": [decoded(i) for i in whole]}, tally.keys(name))
    tally.add(name, page)


def _unfiltered(
    app: Callable[..., Iterable[bytes]], environ: dict[str, Any], op: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """The items of the same page without its filter, projection and Select: asked of moto
    again (not counted, not journaled: the guard sees only the client's request)."""
    bare = {k: v for k, v in params.items() if k not in (*AFTER_READING, "ReturnConsumedCapacity")}
    used = set(_PLACEHOLDER.findall(str(bare.get("KeyConditionExpression") or "")))
    for member in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
        kept = {k: v for k, v in (bare.pop(member, None) or {}).items() if k in used}
        if kept:
            bare[member] = kept
    body = json.dumps(bare).encode()
    inner = {k: v for k, v in environ.items() if k != "werkzeug.request"}
    inner.update(
        {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)), "workbench.body": body}
    )
    statuses: list[str] = []

    def recording(status: str, headers: Any, exc_info: Any = None) -> Callable[[bytes], None]:
        statuses.append(status)
        return lambda data: None

    result = app(inner, recording)
    try:
        data = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    if not statuses or not statuses[0].startswith("2"):
        raise RuntimeError(f"{op} without its filter failed: {statuses} {data[:200]!r}")
    return list(json.loads(data).get("Items") or [])


def batch_get(params: Mapping[str, Any], answer: Mapping[str, Any], tally: Tally) -> None:
    """Each key read as a GetItem; keys moto left unprocessed cost nothing."""
    unprocessed = answer.get("UnprocessedKeys") or {}
    for name, asked in params["RequestItems"].items():
        kept = (unprocessed.get(name) or {}).get("Keys", [])
        left = {json.dumps(k, sort_keys=True) for k in kept}
        keys = [k for k in asked["Keys"] if json.dumps(k, sort_keys=True) not in left]
        found = [decoded(i) for k in keys if (i := tally.lookup(name, k)) is not None]
        request = Request(
            "BatchGetItem",
            {"RequestItems": {name: {"Keys": keys, "ConsistentRead": asked.get("ConsistentRead")}}},
        )
        tally.add(name, compute(request, {"Responses": {name: found}}))


def transact_read(gets: Iterable[tuple[str, Mapping[str, Any]]], tally: Tally) -> None:
    """Transactional reads of these (table, key) items: twice a strongly consistent read of
    each, a missing item included (Developer Guide, "Capacity management for transactions")."""
    by_table: dict[str, list[Mapping[str, Any]]] = {}
    for name, key in gets:
        tally.touch(name)
        by_table.setdefault(name, []).append(key)
    for name, keys in by_table.items():
        actions = [{"Get": {"TableName": name, "Key": key}} for key in keys]
        found = [{"Item": decoded(tally.lookup(name, key))} for key in keys]
        request = Request("TransactGetItems", {"TransactItems": actions})
        tally.add(name, compute(request, {"Responses": found}))


def writes(
    op: str,
    params: Mapping[str, Any],
    old: Mapping[str, list[tuple[dict[str, Any], dict[str, Any] | None]]],
    tally: Tally,
) -> None:
    """PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems: each item charged
    on the larger of the item before and after, each index on what its entry became."""
    factor = 2 if op == "TransactWriteItems" else 1
    actions = _actions(op, params)
    for name in dict.fromkeys(name for name, _, _ in actions):
        tally.touch(name)
    for name, found in old.items():
        mine = [(kind, body) for table, kind, body in actions if table == name]
        table = tally.moto(name)
        if table is None:
            continue
        for (kind, body), (key, before) in zip(mine, found, strict=True):
            if kind == "ConditionCheck":
                # A write of the item it checks, twice like the transaction's other items
                # (a condition check counts among a transaction's writes, as DynamoDB
                # answers); one unit at least, the item missing or small.
                units = float(2 * write_units(item_size(decoded(before))))
                tally.add(name, Capacity(units, units, {}, read=False))
                continue
            if kind == "Delete":
                write = {"TableName": name, "Key": decoded(key)}
                request = _one(op, "Delete", write, factor)
            else:  # a put, or an update as the item it left behind
                new = body.get("Item") if kind == "Put" else lookup(table, key)
                if new is None:
                    continue
                request = _one(op, "Put", {"TableName": name, "Item": decoded(new)}, factor)
            tally.add(name, compute(request, {}, tally.keys(name), **known(before, key)))


def _actions(op: str, params: Mapping[str, Any]) -> list[tuple[str, str, Mapping[str, Any]]]:
    """(table, Put/Update/Delete/ConditionCheck, body) of each item write, in the order
    :func:`written` reads their keys."""
    if op in ("PutItem", "UpdateItem", "DeleteItem"):
        return [(params["TableName"], op[: -len("Item")], params)]
    if op == "BatchWriteItem":
        return [
            (name, "Put" if "PutRequest" in write else "Delete", next(iter(write.values())))
            for name, writes in params["RequestItems"].items()
            for write in writes
        ]
    return [
        (body["TableName"], kind, body)
        for action in params["TransactItems"]
        for kind, body in action.items()
    ]


def _one(op: str, kind: str, body: dict[str, Any], factor: int) -> Request:
    """One item write as a request ``compute`` charges: a transaction's twice on the table."""
    if factor == 2:
        return Request("TransactWriteItems", {"TransactItems": [{kind: body}]})
    return Request(f"{kind}Item", body)
