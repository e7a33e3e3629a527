"""How a SELECT reads a table or one of its indexes, as DynamoDB runs it.

A SELECT with an equality on the partition key reads that item collection in sort-key order (a
Query); any other reads every item (a Scan). ``FROM "table"."index"`` reads the index: its
items only (those holding the index's keys), each as the index projects it (developer guide,
"PartiQL select statements for DynamoDB", and "Improving data access with secondary
indexes": a query on a global secondary index can only name attributes projected into the
index; a local secondary index fetches the others from the table). As DynamoDB answers:

- a global secondary index refuses a SELECT list naming an attribute it does not project
  ("Global secondary index gsi does not project [a]"); a local one reads it from the table;
- a read keyed on the index's partition key (an equality or IN at the top of the WHERE)
  refuses a condition on an attribute the index does not project ("Secondary index ... does
  not project one or more filter attributes: [a]", with neither Global nor Local); unkeyed,
  the condition is evaluated on the index's items, where the attribute is missing;
- ``Limit`` counts the items read, not those the WHERE keeps (API reference,
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteStatement.html).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from . import syntax as S
from . import values as V
from .conditions import Scope, attributes, check
from .keys import conjuncts, key_conditions
from .syntax import refused

if TYPE_CHECKING:  # pragma: no cover
    from ..limits.schema import KeySchema

Value = V.Value
Item = dict[str, Value]

NO_INDEX = "The table does not have the specified index"
GSI_CONSISTENT = "Strongly consistent read is not supported on Global Secondary Indexes"
UNPROJECTED = (
    "One or more parameter values were invalid: Global secondary index {index} does not "
    "project [{names}]"
)
UNPROJECTED_FILTER = (
    "One or more parameter values were invalid: Secondary index {index} does not project one "
    "or more filter attributes: [{names}]"
)


class TableView(Protocol):
    """One table's items, as the statements read and write them."""

    @property
    def schema(self) -> KeySchema: ...

    def get(self, key: Mapping[str, Value]) -> Item | None:
        """The item with this key (a fresh copy), or None."""

    def scan(self, index: str | None) -> list[Item]:
        """Every item of the table, or of the index (projected as the index projects)."""

    def projection(self, index: str) -> frozenset[str] | None:
        """The attributes ``index`` holds (its keys and the table's included), or None when
        it projects them all."""

    def put(self, item: Item) -> None:
        """Store ``item``, replacing the one with its key."""

    def delete(self, key: Mapping[str, Value]) -> None:
        """Remove the item with this key."""


@dataclass
class Walk:
    """A SELECT's read: the rows it walks, in order, and how it answers a run of them.

    :param rows: the table's items, or the index's as it projects them.
    :param reach_back: an LSI read whose SELECT list names an attribute the index does not
        project: each row walked is fetched from the table.
    :param fetched: the table items fetched so far for :attr:`reach_back`.
    """

    select: S.Select
    view: TableView
    scope: Scope
    rows: list[Item]
    reach_back: bool = False
    fetched: list[Item] = field(default_factory=list)

    def answer(self, rows: Sequence[Item]) -> list[Item]:
        """The items ``rows`` answer: those meeting the WHERE, as the SELECT list names them."""
        items: list[Item] = []
        for row in rows:
            source = row
            if self.reach_back:  # fetched whether the WHERE keeps the row or not
                key = {k: row[k] for k in self.view.schema.key_names if k in row}
                source = self.view.get(key) or row
                self.fetched.append(source)
            if self.scope.holds(self.select.where, row):
                items.append(project(source, self.select.projection))
        return items


def checked(
    select: S.Select, view: TableView, scope: Scope, consistent: bool, *, index_rules: bool = True
) -> bool:
    """Refuse what DynamoDB refuses of ``select`` before reading any item.

    :param consistent: the request's ``ConsistentRead``.
    :param index_rules: apply what an index may be asked (off where index reads are refused
        anyway: batches and transactions).
    :returns: whether each row must be fetched from the table (an LSI's reach-back).
    :raises StatementRefused: with DynamoDB's message.
    """
    schema, index = view.schema, select.source.index
    check(select.where, scope)
    if consistent and index and index not in schema.local:
        raise refused(GSI_CONSISTENT)
    hash_key, keys = _keys(select, schema)
    reach_back = _check_index(select, view, hash_key) if index and index_rules else False
    found, _ = key_conditions(select.where, keys, scope)
    _check_order(select, found, keys, hash_key)
    return reach_back


def walk(select: S.Select, view: TableView, scope: Scope, consistent: bool) -> Walk:
    """The rows ``select`` reads, after refusing what DynamoDB refuses before reading.

    :param consistent: the request's ``ConsistentRead``.
    :raises StatementRefused: with DynamoDB's message.
    """
    reach_back = checked(select, view, scope, consistent)
    hash_key, keys = _keys(select, view.schema)
    found, _ = key_conditions(select.where, keys, scope)
    rows = view.scan(select.source.index)
    if len(found.get(hash_key, ())) == 1:
        # An equality on the partition key is a Query: that collection, in sort-key order.
        wanted = found[hash_key][0]
        rows = [i for i in rows if V.equal(i.get(hash_key), wanted)]
        if len(keys) == 2:
            descending = bool(select.order) and select.order[0][1]
            rows = _sorted(rows, keys[1], descending)
    return Walk(select, view, scope, rows, reach_back)


def _keys(select: S.Select, schema: KeySchema) -> tuple[str, tuple[str, ...]]:
    """The partition key of what ``select`` reads, and all its key attributes."""
    index = select.source.index
    hash_key, range_key = schema.indexes[index] if index else (schema.hash_key, schema.range_key)
    return hash_key, tuple(k for k in (hash_key, range_key) if k)


def _check_index(select: S.Select, view: TableView, hash_key: str) -> bool:
    """Refuse what the index cannot serve; True when an LSI must fetch from the table."""
    index = str(select.source.index)
    held = view.projection(index)
    if held is None:
        return False
    missing = [n for n in _names(select.projection or ()) if n not in held]
    if missing and index not in view.schema.local:
        raise refused(UNPROJECTED.format(index=index, names=", ".join(missing)))
    if _keyed(select.where, hash_key):
        unheld = [n for n in attributes(select.where) if n not in held]
        if unheld:
            raise refused(UNPROJECTED_FILTER.format(index=index, names=", ".join(unheld)))
    return bool(missing)


def _keyed(where: S.Expr | None, hash_key: str) -> bool:
    """Whether the WHERE has an equality or an IN on ``hash_key`` at its top."""
    for condition in conjuncts(where):
        if isinstance(condition, S.In) and not condition.negated:
            sides: tuple[Any, ...] = (condition.operand,)
        elif isinstance(condition, S.Binary) and condition.op == "=":
            sides = (condition.left, condition.right)
        else:
            continue
        if any(isinstance(s, S.Path) and s.steps == (hash_key,) for s in sides):
            return True
    return False


def _names(paths: Sequence[S.Path]) -> list[str]:
    names: list[str] = []
    for path in paths:
        if path.name not in names:
            names.append(path.name)
    return names


def _check_order(
    body: S.Select, found: Mapping[str, Any], keys: Sequence[str], hash_key: str
) -> None:
    if not body.order:
        return
    if body.where is None:
        raise refused("Must have WHERE clause in the statement when using ORDER BY clause.")
    if hash_key not in found:
        raise refused(
            "Must have at least one non-optional hash key condition in WHERE clause when using "
            "ORDER BY clause."
        )
    for path, _ in body.order:
        if path.name not in keys:
            raise refused(
                f"Variable reference {path.name} in ORDER BY clause must be part of the primary key"
            )


def _sorted(items: list[Item], attribute: str, descending: bool) -> list[Item]:
    def compare(a: Item, b: Item) -> int:
        return V.order(a.get(attribute), b.get(attribute)) or 0

    return sorted(items, key=functools.cmp_to_key(compare), reverse=descending)


def project(item: Item, projection: tuple[S.Path, ...] | None) -> Item:
    """``item`` as a SELECT list names it (``*``: whole)."""
    if projection is None:
        return item
    out: Item = {}
    for path in projection:
        value = V.get(item, path.steps)
        if value is not None:
            out[path.label()] = value
    return out
