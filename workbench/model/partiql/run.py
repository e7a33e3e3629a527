"""Run one PartiQL statement on a table's items, as DynamoDB does.

The items live elsewhere (moto's tables, for the managed server): a :class:`TableView` reads
and writes them. :func:`plan` reads a statement, refuses what DynamoDB refuses, and works out
what it answers and what it would write, without writing; :func:`execute` is
``ExecuteStatement``. Rules, from the developer guide's PartiQL pages
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html):

- SELECT reads a table or an index (``"table"."index"``), as :mod:`.reads` tells.
- INSERT adds an item and never replaces one: ``DuplicateItemException``.
- UPDATE and DELETE name one item by an equality on every key attribute; the rest of the WHERE
  is a condition on the write. UPDATE of an absent item fails its condition; DELETE of one
  does nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..capacity.sizes import item_size
from . import syntax as S
from . import values as V
from .conditions import Scope, check
from .keys import check_key_types, key_conditions, key_types_match, write_key
from .reader import read
from .reads import NO_INDEX, TableView, Walk, checked, project, walk
from .syntax import StatementRefused, refused
from .updates import assign, returned

Value = V.Value
Item = dict[str, Value]

CONDITION_FAILED = "ConditionalCheckFailedException"
DUPLICATE_ITEM = "DuplicateItemException"
NOT_FOUND = "ResourceNotFoundException"
PARAMETER_COUNT = "Number of parameters in request and statement don't match."
ON_INDEX = "This operation is not supported on an index"
MAX_ITEM_BYTES = 400 * 1024  # DynamoDB's item size limit


class Store(Protocol):
    def table(self, name: str) -> TableView | None:
        """The table named so, or None if there is none."""


@dataclass
class Planned:
    """What one statement answers and would write.

    :param key: the key of the one item a keyed statement names (writes, batch reads).
    :param items: the rows it answers (a SELECT's, or a RETURNING clause's).
    :param write: ``("put", item)`` or ``("delete", key)``, or None.
    :param failure: the condition that stops the write (``ConditionalCheckFailedException``
        or ``DuplicateItemException``), kept so a transaction can name it per statement.
    :param walk: for a SELECT of ``ExecuteStatement``, the rows it reads (its answer is made
        a page at a time, so ``items`` stays empty).
    """

    statement: S.Statement
    view: TableView
    key: Item | None = None
    items: list[Item] = field(default_factory=list)
    write: tuple[str, Item] | None = None
    failure: StatementRefused | None = None
    walk: Walk | None = None

    def apply(self) -> None:
        if self.failure is not None:
            raise self.failure
        if self.write is not None:
            action, payload = self.write
            if action == "put":
                self.view.put(payload)
            else:
                self.view.delete(payload)


def prepare(text: Any, parameters: Any) -> tuple[S.Statement, Scope]:
    """The statement read, and its parameters read as DynamoDB reads them.

    :raises StatementRefused: for a statement DynamoDB cannot read, or parameters that do not
        match its ``?`` or cannot be read.
    """
    params = [V.parameter(p) for p in parameters or []]
    statement = read(str(text))
    if statement.params != len(params):
        raise refused(PARAMETER_COUNT)
    return statement, Scope(params)


def view_of(store: Store, source: S.Source) -> TableView:
    view = store.table(source.table)
    if view is None:
        raise StatementRefused(NOT_FOUND, "Requested resource not found", source.table)
    # No index named after the qualifier, as DynamoDB answers (Query's own message for the
    # same thing names the index; this one does not).
    if source.index is not None and source.index not in view.schema.indexes:
        raise refused(NO_INDEX, source.table)
    return view


def plan(
    store: Store,
    statement: S.Statement,
    scope: Scope,
    *,
    keyed_read: str | None = None,
    consistent: bool = False,
) -> Planned:
    """Work out what ``statement`` answers and would write (nothing is written).

    :param keyed_read: for a batch or a transaction, the message refusing a SELECT that does
        not name one item by its whole primary key.
    :param consistent: the request's ``ConsistentRead``.
    :raises StatementRefused: for what DynamoDB refuses before trying the write.
    """
    body = statement.body
    if isinstance(body, S.Exists):
        raise refused("EXISTS can only be used in ExecuteTransaction write requests.")
    # What the WHERE asks is refused before the table is looked up, as DynamoDB answers
    # (an operand of the wrong type, even on a table that does not exist).
    check(getattr(body, "where", None), scope)
    view = view_of(store, body.source)
    if isinstance(body, S.Select):
        return _select(statement, body, view, scope, keyed_read, consistent)
    if body.source.index is not None:  # an INSERT's is refused as it is read
        raise refused(ON_INDEX, body.source.table)
    if isinstance(body, S.Insert):
        return _insert(statement, body, view, scope)
    if isinstance(body, S.Update):
        return _update(statement, body, view, scope)
    return _delete(statement, body, view, scope)


def execute(
    store: Store,
    text: Any,
    parameters: Any = None,
    *,
    limit: int | None = None,
    next_token: str | None = None,
    consistent: bool = False,
) -> dict[str, Any]:
    """``ExecuteStatement``: the answer (``Items``, and ``NextToken`` when a SELECT stopped
    at ``limit`` items read), after making the write.

    :raises StatementRefused: with DynamoDB's error code and message.
    """
    statement, scope = prepare(text, parameters)
    planned = plan(store, statement, scope, consistent=consistent)
    planned.apply()
    if planned.walk is None:
        return {"Items": planned.items}
    rows = planned.walk.rows
    digest = hashlib.sha256(json.dumps([str(text), parameters], default=str).encode()).hexdigest()
    start = _offset(next_token, digest[:16]) if next_token else 0
    end = len(rows) if limit is None else start + limit
    # Limit counts the items read, not those the WHERE keeps (API reference, ExecuteStatement).
    planned.walk.rows = rows[start:end]
    planned.items = planned.walk.answer(planned.walk.rows)
    answer: dict[str, Any] = {"Items": planned.items}
    if end < len(rows):
        token = json.dumps({"o": end, "h": digest[:16]}).encode()
        answer["NextToken"] = base64.b64encode(token).decode()
    return answer


def _offset(token: str, digest: str) -> int:
    try:
        found = json.loads(base64.b64decode(token))
        offset, seen = int(found["o"]), found["h"]
    except (ValueError, TypeError, KeyError):
        raise refused("Invalid NextToken") from None
    if seen != digest:
        raise refused("NextToken does not match request")
    return offset


# -- each kind of statement ----------------------------------------------------------------


def _select(
    statement: S.Statement,
    body: S.Select,
    view: TableView,
    scope: Scope,
    keyed_read: str | None,
    consistent: bool,
) -> Planned:
    if keyed_read is None:
        return Planned(statement, view, walk=walk(body, view, scope, consistent))
    schema, table = view.schema, body.source.table
    checked(body, view, scope, consistent, index_rules=False)
    if body.source.index is not None:
        raise refused(keyed_read)
    whole, _ = key_conditions(body.where, schema.key_names, scope)
    if any(len(whole.get(k, ())) != 1 for k in schema.key_names):
        raise refused(keyed_read, table)
    key = {k: whole[k][0] for k in schema.key_names}
    item = view.get(key) if key_types_match(key, schema) else None
    rows = [item] if item is not None and scope.holds(body.where, item) else []
    return Planned(statement, view, key, [project(r, body.projection) for r in rows])


def _insert(statement: S.Statement, body: S.Insert, view: TableView, scope: Scope) -> Planned:
    schema, table = view.schema, body.source.table
    if isinstance(body.value, S.Struct):
        item = scope.struct(body.value, None, "root", nested=False)
    elif isinstance(body.value, S.Param) and V.kind(scope.params[body.value.index]) == "M":
        item = V.copied(scope.params[body.value.index]["M"])
    else:
        raise refused(
            "Unsupported format in item expression. Please use struct format {...} to express "
            "item values for insert statement.",
            table,
        )
    for name in schema.key_names:
        if name not in item:
            raise refused(f"Key attribute should be present in the item: Key {name}", table)
    key = {name: item[name] for name in schema.key_names}
    check_key_types(key, schema, table)
    if item_size(item) > MAX_ITEM_BYTES:
        raise refused("Item size has exceeded the maximum allowed size", table)
    planned = Planned(statement, view, key, [], ("put", item))
    # INSERT never replaces an item: DuplicateItemException, HTTP 400 (API reference,
    # ExecuteStatement, Errors; the developer guide's "PartiQL insert statements" example).
    if view.get(key) is not None:
        planned.failure = StatementRefused(
            DUPLICATE_ITEM, "Duplicate primary key exists in table", table
        )
    return planned


def _update(statement: S.Statement, body: S.Update, view: TableView, scope: Scope) -> Planned:
    schema, table = view.schema, body.source.table
    key, rest = write_key(body.where, view.schema, scope, table)
    check(body.where, scope)
    for action in body.actions:
        if action.path.name in schema.key_names:
            raise refused(
                f"One or more parameter values were invalid: Cannot update attribute "
                f"{action.path.name}. This attribute is part of the key",
                table,
            )
        check(action.value, scope, in_update=True)
    old = view.get(key)
    planned = Planned(statement, view, key)
    if old is None or not all(scope.holds(c, old) for c in rest):
        planned.failure = StatementRefused(
            CONDITION_FAILED, "The conditional request failed", table
        )
        return planned
    new = V.copied(old)
    for action in body.actions:
        if action.value is None:
            V.remove(new, action.path.steps)
        else:
            assign(new, old, action, scope)
    if item_size(new) > MAX_ITEM_BYTES:
        raise refused("Item size to update has exceeded the maximum allowed size", table)
    planned.write = ("put", new)
    planned.items = returned(body.returning, old, new, {a.path.name for a in body.actions})
    return planned


def _delete(statement: S.Statement, body: S.Delete, view: TableView, scope: Scope) -> Planned:
    table = body.source.table
    if body.returning not in (None, "ALL OLD"):
        raise refused(
            f"Invalid returning clause: RETURNING {body.returning} *. Only RETURNING ALL OLD * "
            "is allowed in DELETE statements.",
            table,
        )
    key, rest = write_key(body.where, view.schema, scope, table)
    check(body.where, scope)
    old = view.get(key)
    planned = Planned(statement, view, key)
    if old is None:
        return planned  # deleting an absent item changes nothing, whatever the condition
    if not all(scope.holds(c, old) for c in rest):
        planned.failure = StatementRefused(
            CONDITION_FAILED, "The conditional request failed", table
        )
        return planned
    planned.write = ("delete", key)
    planned.items = [old] if body.returning else []
    return planned
