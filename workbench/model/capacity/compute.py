"""The capacity of a request, from the request, its response and the table's definition.

Pure: the same inputs give the same figure on every engine. What the client cannot see (items a
filter dropped, the old item a put replaced) makes the figure a floor, with a note saying why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ... import constants as C
from ...errors import WorkbenchError
from . import reads
from .result import Capacity
from .tables import TableKeys, Tables, table_keys
from .writes import Writes, batch_write, transact_write

READS = ("Query", "Scan", "GetItem", "BatchGetItem", "TransactGetItems")
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
OPERATIONS = READS + WRITES


def _resolver(table: Any) -> Tables:
    """``table`` as a function from table name to its TableKeys (None: not known)."""
    if table is None:
        return lambda name: None
    if callable(table) and not isinstance(table, TableKeys):
        return lambda name: None if (found := table(name)) is None else table_keys(found, name)
    if isinstance(table, Mapping) and C.KEY_SCHEMA not in table:
        return lambda name: table_keys(table[name], name) if name in table else None
    return lambda name: table_keys(table, name)


def compute(
    request: Any,
    response: Mapping[str, Any] | None = None,
    table: Any = None,
    old_items: Iterable[Mapping[str, Any]] = (),
    absent_keys: Iterable[Mapping[str, Any]] = (),
) -> Capacity:
    """The capacity ``request`` consumed, by DynamoDB's documented rules.

    :param request: a :class:`~workbench.model.requests.Request` (operation and params).
    :param response: its response (items read, ``Attributes`` returned); None for a dry run.
    :param table: the table's definition: a ``TableSpec``, ``TableKeys``, DescribeTable's
        ``Table``, a mapping of table name to one of those, or a function of the table name.
        Writes need it for their index part; a Query or Scan on an index, to tell an LSI
        from a GSI and to count the items an LSI fetches from the table.
    :param old_items: typed items as they were before the request, when the caller knows
        them (writes are charged on the larger of old and new).
    :param absent_keys: typed keys the caller knows held no item before the request (it read
        them), so a write there is charged exactly, as a new item.
    :raises WorkbenchError: for an operation that consumes no item capacity, naming it.
    """
    op, params, raw, response = request.operation, request.params, response, response or {}
    if op in ("Query", "Scan"):
        return reads.page_read(params, response, op, _resolver(table))
    if op == "GetItem":
        return reads.get(params, response)
    if op == "BatchGetItem":
        return reads.batch_get(params, response)
    if op == "TransactGetItems":
        return reads.transact_get(params, response)
    if op not in WRITES:
        raise WorkbenchError(
            f"operation {op!r} consumes no item capacity; capacity is computed for {OPERATIONS}"
        )
    writes = Writes(_resolver(table), old_items, absent_keys)
    if op == "PutItem":
        writes.put(params, raw, 1)
    elif op == "UpdateItem":
        writes.update(params, raw, 1)
    elif op == "DeleteItem":
        writes.delete(params, raw, 1)
    elif op == "BatchWriteItem":
        batch_write(writes, params, response)
    else:
        transact_write(writes, params)
    return writes.result()
