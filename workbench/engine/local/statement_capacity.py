"""``ConsumedCapacity`` of PartiQL requests in the managed server: ExecuteStatement,
BatchExecuteStatement and ExecuteTransaction, charged as the item operations they run.

Each statement is read and planned (:mod:`workbench.model.partiql`, nothing written) before
moto runs the request, on read-only views of moto's tables:

- a SELECT is a Query when its WHERE holds an equality on the partition key of what it reads
  (the table, or ``"table"."index"``), else a Scan; it is charged on the rows it reads, those
  its key conditions select, before the rest of the WHERE drops any, a page at a time
  (``Limit`` counts rows read); on an index, on the index entries, and an LSI whose SELECT
  list names an attribute it does not project also reads each row's item from the table;
- INSERT, UPDATE and DELETE are charged as PutItem, UpdateItem and DeleteItem on the item
  before and after, indexes included;
- a transaction's writes cost twice on the table, its reads are twice a strongly consistent
  read of each item, an EXISTS is charged as a write of the item it checks, and a replay of
  its ClientRequestToken is a transactional read of its items.

Rules: :mod:`workbench.model.capacity` (``docs/capacity.md``); PartiQL's capacity is that of
the operations it runs (Developer Guide, "PartiQL - a SQL-compatible query language for
Amazon DynamoDB": statements run as the equivalent GetItem, Query, Scan, PutItem, UpdateItem,
DeleteItem; API reference, ExecuteStatement ``Limit``).
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...model.capacity import Capacity, compute, item_size, write_units
from ...model.partiql import syntax as S
from ...model.partiql import values as V
from ...model.partiql.conditions import Scope
from ...model.partiql.keys import conjuncts, key_conditions
from ...model.partiql.run import plan, prepare
from ...model.requests import Request
from ..mototables import key_schema
from . import backend
from .item_capacity import decoded, known, lookup, table_keys, transact_read

if TYPE_CHECKING:  # pragma: no cover
    from .capacity import Measure
    from .item_capacity import Tally

KEYED = "the statement names one item"  # plan()'s keyed_read: a message never answered here


@dataclass
class Member:
    """One statement as capacity sees it.

    :param kind: ``read``, ``write`` or ``check`` (an EXISTS).
    :param key: the item a keyed statement names (wire JSON).
    :param old: the item there before the request (None: none).
    :param delete: a DELETE (else a write puts the item it leaves behind).
    :param reads: a SELECT's units, computed before it ran (a read changes nothing).
    """

    table: str
    kind: str
    key: dict[str, Any] | None = None
    old: dict[str, Any] | None = None
    delete: bool = False
    reads: Capacity | None = None


class _View:
    """One moto table, read-only, as :func:`workbench.model.partiql.run.plan` reads it."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.schema = key_schema(table)

    def get(self, key: Mapping[str, Any]) -> dict[str, Any] | None:
        return lookup(self.table, key)

    def scan(self, index: str | None) -> list[dict[str, Any]]:
        return _rows(self.table, index)

    def projection(self, index: str) -> None:
        return None  # capacity reads whole items; the runner refuses what an index cannot serve

    def put(self, item: Any) -> None:  # pragma: no cover - plan() never writes
        raise RuntimeError("capacity reads tables, it never writes them")

    delete = put


class _Store:
    def __init__(self, environ: Mapping[str, Any]) -> None:
        self.environ = environ

    def table(self, name: str) -> _View | None:
        table = backend.table(self.environ, name)
        return None if table is None else _View(table)


def before(environ: Mapping[str, Any], operation: str, params: Mapping[str, Any]) -> list[Any]:
    """Each statement of the request as planned (None for one that cannot run: it answers an
    error, which costs nothing here)."""
    store = _Store(environ)
    if operation == "ExecuteStatement":
        return [
            _member(
                store,
                params,
                limit=params.get("Limit"),
                token=params.get("NextToken"),
            )
        ]
    if operation == "BatchExecuteStatement":
        return [_member(store, entry) for entry in params.get("Statements") or []]
    return [_member(store, entry, keyed=True) for entry in params.get("TransactStatements") or []]


def measure(measure: Measure, answer: Mapping[str, Any], tally: Tally) -> None:
    """Charge each statement that ran to its table."""
    members = measure.statements
    if measure.operation == "ExecuteTransaction":
        if measure.replay or all(m is not None and m.kind == "read" for m in members):
            transact_read([(m.table, m.key) for m in members if m and m.key is not None], tally)
            return
        for member in members:
            if member is not None:
                _charge(member, tally, factor=2)
        return
    responses = answer.get("Responses") if measure.operation == "BatchExecuteStatement" else None
    for at, member in enumerate(members):
        failed = responses is not None and (at >= len(responses) or "Error" in responses[at])
        if member is not None and not failed:
            _charge(member, tally, factor=1)


def _charge(member: Member, tally: Tally, *, factor: int) -> None:
    name = member.table
    tally.touch(name)
    if member.kind == "read":
        if member.reads is not None:
            tally.add(name, member.reads)
        return
    if member.key is None:
        return
    if member.kind == "check":
        units = float(factor * write_units(item_size(decoded(member.old))))
        tally.add(name, Capacity(units, units, {}, read=False))
        return
    if member.delete:
        body = {"TableName": name, "Key": decoded(member.key)}
        kind = "Delete"
    else:
        new = tally.lookup(name, member.key)
        if new is None:
            return
        body, kind = {"TableName": name, "Item": decoded(new)}, "Put"
    request = (
        Request("TransactWriteItems", {"TransactItems": [{kind: body}]})
        if factor == 2
        else Request(f"{kind}Item", body)
    )
    tally.add(name, compute(request, {}, tally.keys(name), **known(member.old, member.key)))


def _member(
    store: _Store,
    entry: Mapping[str, Any],
    *,
    limit: Any = None,
    token: Any = None,
    keyed: bool = False,
) -> Member | None:
    try:
        statement, scope = prepare(entry.get("Statement", ""), entry.get("Parameters"))
        body = statement.body
        if isinstance(body, S.Select) and not keyed:
            return _select(store, body, scope, bool(entry.get("ConsistentRead")), limit, token)
        if isinstance(body, S.Exists):
            inner = plan(store, S.Statement(body.select, statement.params), scope, keyed_read=KEYED)
            return Member(statement.table, "check", inner.key, inner.view.get(inner.key or {}))
        planned = plan(store, statement, scope, keyed_read=KEYED if keyed else None)
        if planned.key is None:
            return None
        kind = "read" if isinstance(body, S.Select) else "write"
        old = planned.view.get(planned.key)
        return Member(statement.table, kind, planned.key, old, isinstance(body, S.Delete))
    except S.StatementRefused:
        return None


def _select(
    store: _Store,
    body: S.Select,
    scope: Scope,
    consistent: bool,
    limit: Any,
    token: Any,
) -> Member | None:
    """A SELECT of ExecuteStatement or a batch: its units, on the rows its page reads."""
    name, index = body.source.table, body.source.index
    view = store.table(name)
    if view is None:
        return None
    keys = table_keys(view.table, name)
    found_index = keys.index(index) if index else None
    if index and found_index is None:
        return None
    key_names = found_index.key_names if found_index else keys.key_names
    rows = _rows(view.table, index)
    found, _ = key_conditions(body.where, key_names, scope)
    operation = "Scan"
    if len(found.get(key_names[0], ())) == 1:
        # A Query: the item collection, narrowed by the conditions on the keys alone.
        operation = "Query"
        narrowing = [c for c in conjuncts(body.where) if _names(c) and _names(c) <= set(key_names)]
        rows = [row for row in rows if all(scope.holds(c, row) for c in narrowing)]
        if len(key_names) == 2:
            descending = bool(body.order) and body.order[0][1]
            rows = _sorted(rows, key_names[1], descending)
    start = _offset(token)
    end = start + limit if isinstance(limit, int) and not isinstance(limit, bool) else None
    rows = rows[start:end]
    params: dict[str, Any] = {"TableName": name, "ConsistentRead": consistent}
    if index:
        params["IndexName"] = index
        if body.projection:  # an LSI fetches what it does not project from the table
            labels = [f"#p{i}" for i in range(len(body.projection))]
            params["ProjectionExpression"] = ", ".join(labels)
            params["ExpressionAttributeNames"] = {
                label: path.name for label, path in zip(labels, body.projection, strict=True)
            }
    items = [decoded(row) for row in rows]
    return Member(name, "read", reads=compute(Request(operation, params), {"Items": items}, keys))


def _rows(table: Any, index: str | None) -> list[dict[str, Any]]:
    """Every item of moto's ``table`` (wire JSON, whole), or those an index holds."""
    items = [copy.deepcopy(item.to_json()["Attributes"]) for item in table.all_items()]
    if index is None:
        return items
    found = next((i for i in table.all_indexes() if i.name == index), None)
    names = [k["AttributeName"] for k in found.schema] if found is not None else []
    return [item for item in items if all(name in item for name in names)]


def _names(expr: Any) -> set[str]:
    """The top-level attributes an expression names."""
    if isinstance(expr, S.Path):
        return {expr.name}
    if isinstance(expr, tuple | list):
        return set().union(*(_names(e) for e in expr)) if expr else set()
    if dataclasses.is_dataclass(expr) and not isinstance(expr, type | S.Token):
        return set().union(*(_names(getattr(expr, f.name)) for f in dataclasses.fields(expr)))
    return set()


def _sorted(rows: list[dict[str, Any]], attribute: str, descending: bool) -> list[dict[str, Any]]:
    def compare(a: dict[str, Any], b: dict[str, Any]) -> int:
        return V.order(a.get(attribute), b.get(attribute)) or 0

    return sorted(rows, key=functools.cmp_to_key(compare), reverse=descending)


def _offset(token: Any) -> int:
    """Where a page starts: the rows read before it, as the runner's NextToken holds them."""
    if not isinstance(token, str):
        return 0
    try:
        return max(0, int(json.loads(base64.b64decode(token))["o"]))
    except (ValueError, TypeError, KeyError):
        return 0
