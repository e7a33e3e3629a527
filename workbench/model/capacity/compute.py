"""The capacity of a request, from the request, its response and the table's definition.

Pure: the same inputs give the same figure on every engine. What the client cannot see (items a
filter dropped, the old item a put replaced) makes the figure a floor, with a note saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ... import constants as C
from ...errors import WorkbenchError
from .result import Capacity, make
from .sizes import item_size, read_units, write_units
from .tables import TableKeys, table_keys
from .updates import updated_item

READS = ("Query", "Scan", "GetItem", "BatchGetItem", "TransactGetItems")
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
OPERATIONS = READS + WRITES
UPDATE = "Update"
CONDITION_CHECK = "ConditionCheck"
ATTRIBUTES = "Attributes"
RESPONSES = "Responses"
RETURN_VALUES = "ReturnValues"
ALL_OLD = "ALL_OLD"
ALL_NEW = "ALL_NEW"
NEW_ITEM_NOTE = "the old item is unknown, so the put is charged as a new item"
Tables = Callable[[str], TableKeys | None]


def _resolver(table: Any) -> Tables:
    """``table`` as a function from table name to its TableKeys (None: not known)."""
    if table is None:
        return lambda name: None
    if callable(table) and not isinstance(table, TableKeys):
        return lambda name: None if (found := table(name)) is None else table_keys(found, name)
    if isinstance(table, Mapping) and C.KEY_SCHEMA not in table:
        return lambda name: table_keys(table[name], name) if name in table else None
    return lambda name: table_keys(table, name)


# -- reads ------------------------------------------------------------------------------


def _half(params: Mapping[str, Any]) -> float:
    # GSI reads are always eventually consistent; otherwise ConsistentRead decides.
    return 1.0 if params.get("ConsistentRead") and not params.get(C.INDEX_NAME) else 0.5


def _page_read(params: Mapping[str, Any], response: Mapping[str, Any], op: str) -> Capacity:
    """Query/Scan: the page's item sizes added up, rounded up once."""
    notes = []
    if params.get("FilterExpression") or params.get("QueryFilter") or params.get("ScanFilter"):
        notes.append(f"{op} has a filter: items it read and dropped are not seen")
    if params.get("ProjectionExpression") or params.get("AttributesToGet"):
        notes.append(f"{op} projects attributes: the items read are larger than those returned")
    if params.get("Select") in ("COUNT", "SPECIFIC_ATTRIBUTES"):
        notes.append(f"{op} selects {params['Select']}: the items read are not returned")
    size = sum(item_size(item) for item in response.get(C.ITEMS) or [])
    units = read_units(size) * _half(params)
    index = params.get(C.INDEX_NAME)
    return (
        make(0.0, {index: units}, read=True, notes=notes)
        if index
        else make(units, {}, read=True, notes=notes)
    )


def _get(params: Mapping[str, Any], response: Mapping[str, Any]) -> Capacity:
    """GetItem: the whole item, rounded up (a missing item still costs one unit)."""
    notes = []
    if params.get("ProjectionExpression") or params.get("AttributesToGet"):
        notes.append("GetItem projects attributes: the whole item is charged, and it is not seen")
    return make(
        read_units(item_size(response.get(C.ITEM))) * _half(params), {}, read=True, notes=notes
    )


def _batch_get(params: Mapping[str, Any], response: Mapping[str, Any]) -> Capacity:
    """BatchGetItem: each item rounded up on its own; keys not found cost one unit each."""
    total = 0.0
    notes = []
    unprocessed = response.get("UnprocessedKeys") or {}
    for name, request in (params.get(C.REQUEST_ITEMS) or {}).items():
        found = (response.get(RESPONSES) or {}).get(name, [])
        asked = len(request.get("Keys", [])) - len((unprocessed.get(name) or {}).get("Keys", []))
        units = sum(read_units(item_size(i)) for i in found) + max(0, asked - len(found))
        total += units * _half(request)
        if request.get("ProjectionExpression") or request.get("AttributesToGet"):
            notes.append(f"BatchGetItem projects attributes of {name!r}: whole items are charged")
    return make(total, {}, read=True, notes=notes)


def _transact_get(params: Mapping[str, Any], response: Mapping[str, Any]) -> Capacity:
    """TransactGetItems: twice a strongly consistent read of each item."""
    answers = response.get(RESPONSES) or []
    total = 0
    for at, _ in enumerate(params.get(C.TRANSACT_ITEMS) or []):
        item = answers[at].get(C.ITEM) if at < len(answers) else None
        total += 2 * read_units(item_size(item))
    return make(total, {}, read=True)


# -- writes -----------------------------------------------------------------------------


class _Writes:
    """Adds up table and index units of a request's item writes."""

    def __init__(self, tables: Tables, old_items: Iterable[Mapping[str, Any]]) -> None:
        self.tables = tables
        self.old_items = list(old_items)
        self.table = 0.0
        self.indexes: dict[str, float] = {}
        self.notes: list[str] = []

    def _old(self, keys: TableKeys | None, key: Mapping[str, Any]) -> Mapping[str, Any] | None:
        names = keys.key_names if keys else tuple(key)
        for item in self.old_items:
            if all(item.get(n) == key.get(n) for n in names):
                return item
        return None

    def one(self, name: str, old: Any, new: Any, *, factor: int = 1, unknown: bool = False) -> None:
        """One item write on table ``name``: ``old``/``new`` are the item before and after
        (None: absent); ``unknown`` says an absent ``old`` is really unknown."""
        keys = self.tables(name)
        self.table += factor * write_units(max(item_size(old), item_size(new)))
        if keys is None:
            self.notes.append(f"table {name!r} is not described: its indexes are not counted")
            return
        for index in keys.indexes:
            units = 0
            before, after = index.holds(old), index.holds(new)
            old_size = index.entry_size(old, keys.key_names) if before else 0
            new_size = index.entry_size(new, keys.key_names) if after else 0
            if before and after and index.key_of(old) != index.key_of(new):
                units = write_units(old_size) + write_units(new_size)  # a delete and a put
            elif before and after:
                if index.entry(old, keys.key_names) != index.entry(new, keys.key_names):
                    units = write_units(max(old_size, new_size))
            elif before or after:
                units = write_units(max(old_size, new_size))
            elif unknown and old is None and new is None:
                self.notes.append(f"the deleted item is unknown: index {index.name!r} not counted")
            if units:
                self.indexes[index.name] = self.indexes.get(index.name, 0.0) + units

    def put(self, body: Mapping[str, Any], response: Mapping[str, Any] | None, factor: int) -> None:
        name, new = body[C.TABLE_NAME], body[C.ITEM]
        keys = self.tables(name)
        old = (response or {}).get(ATTRIBUTES) if body.get(RETURN_VALUES) == ALL_OLD else None
        old = old or self._old(keys, keys.key_of(new) if keys else new)
        condition = body.get(C.CONDITION_EXPRESSION) or ""
        if old is None and "attribute_not_exists" not in condition:
            self.notes.append(f"PutItem on {name!r}: {NEW_ITEM_NOTE}")
        self.one(name, old, new, factor=factor)

    def update(
        self, body: Mapping[str, Any], response: Mapping[str, Any] | None, factor: int
    ) -> None:
        name, key = body[C.TABLE_NAME], body[C.KEY]
        returned = (response or {}).get(ATTRIBUTES)
        wants = body.get(RETURN_VALUES)
        old = returned if wants == ALL_OLD else self._old(self.tables(name), key)
        if wants == ALL_NEW and returned:
            new, notes = dict(returned), []
            if old is None:
                notes = [f"UpdateItem on {name!r}: the old item is unknown"]
        else:
            new, notes = updated_item(body, old)
        self.notes += notes
        self.one(name, old, new, factor=factor)

    def delete(
        self, body: Mapping[str, Any], response: Mapping[str, Any] | None, factor: int
    ) -> None:
        name, key = body[C.TABLE_NAME], body[C.KEY]
        old = (response or {}).get(ATTRIBUTES) if body.get(RETURN_VALUES) == ALL_OLD else None
        old = old or self._old(self.tables(name), key)
        if old is None:
            self.notes.append(f"DeleteItem on {name!r}: the deleted item is unknown (1 unit)")
        self.one(name, old, None, factor=factor, unknown=old is None)

    def result(self) -> Capacity:
        return make(self.table, self.indexes, read=False, notes=self.notes)


def _batch_write(writes: _Writes, params: Mapping[str, Any], response: Mapping[str, Any]) -> None:
    unprocessed = response.get(C.UNPROCESSED_ITEMS) or {}
    for name, requests in (params.get(C.REQUEST_ITEMS) or {}).items():
        for request in requests:
            if request in (unprocessed.get(name) or []):
                continue  # not written, not charged
            if C.PUT_REQUEST in request:
                writes.put({C.TABLE_NAME: name, **request[C.PUT_REQUEST]}, None, 1)
            elif C.DELETE_REQUEST in request:
                writes.delete({C.TABLE_NAME: name, **request[C.DELETE_REQUEST]}, None, 1)


def _transact_write(writes: _Writes, params: Mapping[str, Any]) -> None:
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


def compute(
    request: Any,
    response: Mapping[str, Any] | None = None,
    table: Any = None,
    old_items: Iterable[Mapping[str, Any]] = (),
) -> Capacity:
    """The capacity ``request`` consumed, by DynamoDB's documented rules.

    :param request: a :class:`~workbench.model.requests.Request` (operation and params).
    :param response: its response (items read, ``Attributes`` returned); None for a dry run.
    :param table: the table's definition: a ``TableSpec``, ``TableKeys``, DescribeTable's
        ``Table``, a mapping of table name to one of those, or a function of the table name.
        Needed for the index part of writes; reads do not use it.
    :param old_items: typed items as they were before the request, when the caller knows
        them (writes are charged on the larger of old and new).
    :raises WorkbenchError: for an operation that consumes no item capacity, naming it.
    """
    op, params, response = request.operation, request.params, response or {}
    if op in ("Query", "Scan"):
        return _page_read(params, response, op)
    if op == "GetItem":
        return _get(params, response)
    if op == "BatchGetItem":
        return _batch_get(params, response)
    if op == "TransactGetItems":
        return _transact_get(params, response)
    if op not in WRITES:
        raise WorkbenchError(
            f"operation {op!r} consumes no item capacity; capacity is computed for {OPERATIONS}"
        )
    writes = _Writes(_resolver(table), old_items)
    if op == "PutItem":
        writes.put(params, response, 1)
    elif op == "UpdateItem":
        writes.update(params, response, 1)
    elif op == "DeleteItem":
        writes.delete(params, response, 1)
    elif op == "BatchWriteItem":
        _batch_write(writes, params, response)
    else:
        _transact_write(writes, params)
    return writes.result()
