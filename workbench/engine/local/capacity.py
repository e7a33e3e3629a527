"""``ConsumedCapacity`` as DynamoDB answers it, in the managed server, for every client.

moto answers ``ReturnConsumedCapacity`` with a constant (1.0, 0.5 for GetItem and
UpdateItem), no index arms, nothing for PartiQL, and a ConsumedCapacity on BatchGetItem,
BatchWriteItem and TransactWriteItems even when none was asked for. Here, in moto's own
process and under the guard's lock, the figure is computed by DynamoDB's documented rules
(:func:`workbench.model.capacity.compute`, the same rules the workbench's clients use) on what
the request really read and wrote: the items before a write are read from moto's tables
before moto runs it, the items after it once it has, a Query or Scan is sized on the items it
read before its filter and projection. Nothing of this is counted or journaled, and none of it
runs unless the request asks for ConsumedCapacity.

The answer's shape is DynamoDB's (API reference, "ConsumedCapacity",
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ConsumedCapacity.html, and
ReturnConsumedCapacity on each operation): ``TOTAL`` gives ``TableName`` and
``CapacityUnits``; ``INDEXES`` adds ``Table`` and the ``GlobalSecondaryIndexes`` /
``LocalSecondaryIndexes`` an index part was charged to (none when nothing was). Batches and
transactions answer a list, one entry per table in the order the request names them; only
transactions split ``ReadCapacityUnits`` / ``WriteCapacityUnits``, as DynamoDB answers.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...model.capacity import READS, WRITES, compute
from ...model.requests import Request
from . import backend, statement_capacity
from .item_capacity import (
    INDEXES,
    Tally,
    batch_get,
    decoded,
    key_of,
    lookup,
    page,
    transact_read,
    writes,
    written,
)

CONSUMED = "ConsumedCapacity"
ASKED = ("TOTAL", INDEXES)
PARTIQL = ("ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction")
OPERATIONS = frozenset(READS + WRITES + PARTIQL)
TRANSACTIONS = frozenset({"TransactGetItems", "TransactWriteItems", "ExecuteTransaction"})
LISTED = frozenset({"BatchGetItem", "BatchWriteItem", "BatchExecuteStatement"}) | TRANSACTIONS
# moto answers these with a ConsumedCapacity whatever the request asked.
ALWAYS_ANSWERED = frozenset({"BatchGetItem", "BatchWriteItem", "TransactWriteItems"})
TOKENED = frozenset({"TransactWriteItems", "ExecuteTransaction"})
# moto puts its ConsumedCapacity first in these answers; its entries hold no list.
_MOTO_FIGURE = re.compile(rb'^\{"ConsumedCapacity": \[[^\]]*\](, )?')
TOKEN_SECONDS = 600  # ClientRequestToken is valid for 10 minutes (API reference)


# -- replays of a ClientRequestToken -----------------------------------------------------


class Tokens:
    """The client tokens of transactions made, for 10 minutes: a second call with one is a
    replay, charged as a read of the items ("Subsequent TransactWriteItems calls with the same
    client token return the number of read capacity units consumed in reading the item", API
    reference, TransactWriteItems, ClientRequestToken; ExecuteTransaction likewise)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def seen(self, operation: str, params: Mapping[str, Any]) -> bool:
        token = params.get("ClientRequestToken")
        with self._lock:
            until = self._seen.get((operation, token)) if isinstance(token, str) else None
            return until is not None and until > self._clock()

    def remember(self, operation: str, params: Mapping[str, Any]) -> None:
        token = params.get("ClientRequestToken")
        if not isinstance(token, str):
            return
        with self._lock:
            now = self._clock()
            self._seen = {k: t for k, t in self._seen.items() if t > now}
            self._seen.setdefault((operation, token), now + TOKEN_SECONDS)


TOKENS = Tokens()


# -- the hook: before moto runs the request, and on its answer ----------------------------


@dataclass
class Measure:
    """What one request asking for ConsumedCapacity needs kept from before moto runs it.

    :param old: per table, each written key (wire JSON) and the item it held (None: none).
    :param replay: a transaction's ClientRequestToken seen already (nothing is written).
    :param statements: PartiQL statements as planned (:mod:`.statement_capacity`).
    """

    operation: str
    params: dict[str, Any]
    mode: str
    old: dict[str, list[tuple[dict[str, Any], dict[str, Any] | None]]] = field(default_factory=dict)
    replay: bool = False
    statements: list[Any] = field(default_factory=list)


def before(environ: Mapping[str, Any], operation: str, params: dict[str, Any]) -> Measure | None:
    """What to keep of a request before moto runs it, or None when it asks no capacity (the
    common request: one dictionary lookup)."""
    mode = params.get("ReturnConsumedCapacity")
    if mode not in ASKED or operation not in OPERATIONS:
        return None
    try:
        measure = Measure(operation, params, str(mode), replay=TOKENS.seen(operation, params))
        if operation in WRITES:
            for name, key in written(operation, params):
                table = backend.table(environ, name)
                if table is not None:
                    key = key_of(table, key)
                    measure.old.setdefault(name, []).append((key, lookup(table, key)))
        elif operation in PARTIQL:
            measure.statements = statement_capacity.before(environ, operation, params)
        return measure
    except Exception:  # a figure never costs the request its answer
        _log(operation, "its capacity could not be measured; moto's figure is answered")
        return None


def reshape(
    app: Callable[..., Iterable[bytes]],
    environ: dict[str, Any],
    operation: str,
    params: dict[str, Any],
    measure: Measure | None,
    status: str,
    body: bytes,
) -> bytes | None:
    """moto's answer with DynamoDB's ConsumedCapacity (or without moto's, when none was
    asked), or None when nothing changes."""
    if not status.startswith("2"):
        return None
    if operation in TOKENED:
        TOKENS.remember(operation, params)
    if measure is None:
        return _unasked(operation, params, body)
    try:
        answer = json.loads(body)
        tally = Tally(environ)
        _measure(app, environ, measure, answer, tally)
        split = operation in TRANSACTIONS
        shaped = [usage.shape(measure.mode, split) for usage in tally.usages.values()]
        if operation in LISTED:
            answer[CONSUMED] = shaped
        elif shaped:
            answer[CONSUMED] = shaped[0]
        return json.dumps(answer).encode()
    except Exception:
        _log(operation, "its capacity could not be computed; moto's figure is answered")
        return None


def _unasked(operation: str, params: Mapping[str, Any], body: bytes) -> bytes | None:
    """moto's answer without the ConsumedCapacity it gives unasked: DynamoDB answers one only
    when ``ReturnConsumedCapacity`` is TOTAL or INDEXES."""
    if operation not in ALWAYS_ANSWERED or params.get("ReturnConsumedCapacity") in ASKED:
        return None
    cut = _MOTO_FIGURE.sub(b"{", body, count=1)
    if cut != body:
        return cut
    if b'"ConsumedCapacity"' not in body:
        return None
    answer = json.loads(body)
    answer.pop(CONSUMED, None)
    return json.dumps(answer).encode()


# -- each operation ----------------------------------------------------------------------


def _measure(
    app: Callable[..., Iterable[bytes]],
    environ: dict[str, Any],
    measure: Measure,
    answer: dict[str, Any],
    tally: Tally,
) -> None:
    op, params = measure.operation, measure.params
    if op in PARTIQL:
        statement_capacity.measure(measure, answer, tally)
    elif op in ("Query", "Scan"):
        page(app, environ, op, params, answer, tally)
    elif op == "GetItem":
        name = params["TableName"]
        item = decoded(tally.lookup(name, params["Key"]))
        read = Request("GetItem", {"ConsistentRead": params.get("ConsistentRead")})
        tally.add(name, compute(read, {"Item": item}))
    elif op == "BatchGetItem":
        batch_get(params, answer, tally)
    elif op == "TransactGetItems":
        gets = [(a["Get"]["TableName"], a["Get"]["Key"]) for a in params["TransactItems"]]
        transact_read(gets, tally)
    elif op == "TransactWriteItems" and measure.replay:
        # A replay wrote nothing: a transactional read of each item it names.
        olds = [(name, key) for name, found in measure.old.items() for key, _ in found]
        transact_read(olds, tally)
    else:
        writes(op, params, measure.old, tally)


def _log(operation: str, what: str) -> None:
    print(f"{operation}: {what}", file=sys.stderr, flush=True)
    traceback.print_exc(file=sys.stderr)
