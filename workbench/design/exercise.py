"""One pattern's request built, sent and counted: the one path ``model run``, the report, drift
and the cost study share, so each shows the same figure for the same request.

A write's capacity depends on the item it replaces (a bigger old item costs more, an index
entry that moves costs a delete and a put), which the response does not show. So a write reads
the items it is about to replace first (strongly consistent reads, not counted), and its figure
is exact wherever it is shown, rather than "at least" in one place and exact in another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import constants as C
from ..engine.dynamo import consumed, send
from ..model.capacity import Capacity
from ..model.capacity.compute import WRITES, compute
from ..model.items import from_items
from ..model.requests import Request, encode_cursor


@dataclass
class Exercised:
    """A request sent, with what came back and what it consumed.

    :param request: the request sent.
    :param response: the engine's response.
    :param capacity: the computed capacity (exact for writes: their old items were read).
    :param old: the typed items a write replaced, read before it ([] for reads).
    :param absent: the typed keys a write wrote that held no item, read before it.
    """

    request: Request
    response: dict[str, Any]
    capacity: Capacity
    old: list[dict[str, Any]] = field(default_factory=list)
    absent: list[dict[str, Any]] = field(default_factory=list)

    @property
    def found(self) -> list[dict[str, Any]]:
        """The typed items the response holds (Query/Scan, GetItem, batch and transaction
        reads), in the order it holds them."""
        return found_items(self.response)

    @property
    def items(self) -> list[dict[str, Any]]:
        """:attr:`found` as plain items."""
        return from_items(self.found)

    @property
    def next_cursor(self) -> str | None:
        """The cursor of the next page, or None on the last."""
        return encode_cursor(self.response.get(C.LAST_EVALUATED_KEY))


def found_items(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The typed items a read's response holds: ``Items``, ``Item``, BatchGetItem's
    ``Responses`` (by table) or TransactGetItems' (a list of ``{"Item": ...}``)."""
    if C.ITEMS in response:
        return list(response[C.ITEMS])
    if response.get(C.ITEM):
        return [response[C.ITEM]]
    responses = response.get("Responses")
    if isinstance(responses, Mapping):
        return [item for found in responses.values() for item in found]
    if isinstance(responses, list):
        return [r[C.ITEM] for r in responses if isinstance(r, Mapping) and r.get(C.ITEM)]
    return []


def written_items(request: Request) -> list[dict[str, Any]]:
    """The typed items a write request puts (PutItem's item, a transaction's puts)."""
    if request.operation == "PutItem":
        return [request.params[C.ITEM]]
    if request.operation == "TransactWriteItems":
        return [a[C.PUT][C.ITEM] for a in request.params[C.TRANSACT_ITEMS] if C.PUT in a]
    return []


def write_keys(model: Any, request: Request) -> list[tuple[str, dict[str, Any]]]:
    """(table, typed key) of every item a write request writes."""
    params = request.params
    bodies: list[Mapping[str, Any]] = []
    if request.operation == "TransactWriteItems":
        for action in params.get(C.TRANSACT_ITEMS) or []:
            bodies += [body for kind, body in action.items() if kind != "ConditionCheck"]
    elif request.operation == "BatchWriteItem":
        for table, writes in (params.get(C.REQUEST_ITEMS) or {}).items():
            for write in writes:
                for body in write.values():
                    bodies.append({**body, C.TABLE_NAME: table})
    else:
        bodies = [params]
    keys = []
    for body in bodies:
        key = body.get(C.KEY) or {n: body[C.ITEM][n] for n in model.table.key_names}
        keys.append((body[C.TABLE_NAME], dict(key)))
    return keys


def read_before(
    engine: Any, model: Any, request: Request
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(items, absent)``: the typed items a write is about to replace, and the typed keys
    it writes that hold no item yet (strongly consistent reads, not counted).

    :raises WorkbenchError: if a read fails (one line, as for the write itself).
    """
    found, absent = [], []
    for table, key in write_keys(model, request):
        read = Request("GetItem", {C.TABLE_NAME: table, C.KEY: key, "ConsistentRead": True})
        item = send(engine, read).get(C.ITEM)
        if item:
            found.append(item)
        else:
            absent.append(key)
    return found, absent


def old_items(engine: Any, model: Any, request: Request) -> list[dict[str, Any]]:
    """The typed items a write is about to replace (strongly consistent reads, not counted).

    :raises WorkbenchError: if a read fails (one line, as for the write itself).
    """
    return read_before(engine, model, request)[0]


def send_counted(engine: Any, model: Any, request: Request, *, read_old: bool = True) -> Exercised:
    """Send ``request`` and compute its capacity; a write reads its old items first.

    :param read_old: False to skip that read (the figure of a write is then "at least").
    :raises WorkbenchError: if the request (or a read of an old item) fails.
    """
    old: list[dict[str, Any]] = []
    absent: list[dict[str, Any]] = []
    if read_old and request.operation in WRITES:
        old, absent = read_before(engine, model, request)
    response = send(engine, request)
    capacity = consumed(engine, request, response, table=model.table, old_items=old)
    if absent:
        # A key read just before and found empty is a new item, whatever the write's
        # condition says (a move's put is ``attribute_not_exists(pk) OR ...``): exact.
        capacity = compute(request, response, model.table, old, absent_keys=absent).with_reported(
            capacity.reported
        )
    return Exercised(request, response, capacity, old, absent)


def exercise(
    engine: Any,
    model: Any,
    pattern: Any,
    params: Mapping[str, Any],
    table_name: str | None = None,
    *,
    read_old: bool = True,
) -> Exercised:
    """Build ``pattern``'s request for ``params``, send it on ``engine``, count it.

    :param pattern: a pattern of ``model``, or its name or letter.
    :param table_name: the table (default: the model's).
    :raises WorkbenchError: a ``ModelError`` for bad parameters, a ``DynamoError`` for a
        failed call.
    """
    request = model.builder.build(pattern, table_name or model.table.name, **params)
    return send_counted(engine, model, request, read_old=read_old)
