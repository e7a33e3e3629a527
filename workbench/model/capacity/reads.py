"""The capacity of reads: Query and Scan pages, GetItem, BatchGetItem, TransactGetItems.

Rules: AWS DynamoDB Developer Guide, "DynamoDB read and write operations"
(read-write-operations.html), "DynamoDB read consistency", and the pages on global and local
secondary indexes; see ``docs/capacity.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import constants as C
from ..update_expression import split_top
from .result import Capacity, make
from .sizes import item_size, read_units
from .tables import IndexKeys, TableKeys, Tables
from .updates import Unknown, read_path

RESPONSES = "Responses"

SELECT = "Select"
ALL_ATTRIBUTES = "ALL_ATTRIBUTES"
COUNT = "COUNT"


def _half(params: Mapping[str, Any], index: IndexKeys | None) -> float:
    """1 for a strongly consistent read, 0.5 for an eventually consistent one.

    Tables and LSIs read strongly consistent when ``ConsistentRead`` asks; GSI reads are always
    eventually consistent (Developer Guide, "DynamoDB read consistency"). An index the table's
    definition does not tell about, read with ``ConsistentRead``, is an LSI: DynamoDB refuses
    ``ConsistentRead`` on a GSI with a ValidationException (API Reference, Query and Scan).
    """
    if not params.get("ConsistentRead"):
        return 0.5
    return 0.5 if params.get(C.INDEX_NAME) and index is not None and not index.local else 1.0


def _asked_names(params: Mapping[str, Any]) -> list[str] | None:
    """The top-level attributes a projection asks for (None: no projection, or unreadable)."""
    if params.get("AttributesToGet"):
        return list(params["AttributesToGet"])
    names = params.get(C.EXPRESSION_ATTRIBUTE_NAMES) or {}
    try:
        return [
            str(read_path(p, names)[0])
            for p in split_top(params.get(C.PROJECTION_EXPRESSION) or "")
        ] or None
    except Unknown:
        return None


def _fetches(
    params: Mapping[str, Any], keys: TableKeys | None, index: IndexKeys | None
) -> bool | None:
    """Whether an index read fetches each item from the table (None: cannot tell).

    Only an LSI fetches: when the request asks for attributes it does not project
    (``Select=ALL_ATTRIBUTES``, or a projection naming one); a GSI refuses such a request.
    Developer Guide, "Local secondary indexes", sections "Querying a local secondary index" and
    "Provisioned throughput considerations for local secondary indexes".
    """
    select = params.get(SELECT)
    asked = _asked_names(params)
    projecting = bool(params.get(C.PROJECTION_EXPRESSION) or params.get("AttributesToGet"))
    if select == COUNT or (select != ALL_ATTRIBUTES and not projecting):
        return False  # the default is ALL_PROJECTED_ATTRIBUTES: nothing to fetch
    if index is None or keys is None or (projecting and asked is None):
        return None
    if not index.local or index.projection == C.ALL:
        return False
    if select == ALL_ATTRIBUTES:
        return True
    return any(not index.projects(name, keys.key_names) for name in asked or ())


def page_read(
    params: Mapping[str, Any], response: Mapping[str, Any], op: str, tables: Tables
) -> Capacity:
    """Query/Scan: the page's item sizes added up, rounded up once; on an LSI that fetches,
    each fetched table item rounded up on its own besides."""
    notes = []
    if params.get("FilterExpression") or params.get("QueryFilter") or params.get("ScanFilter"):
        notes.append(f"{op} has a filter: items it read and dropped are not seen")
    if params.get("ProjectionExpression") or params.get("AttributesToGet"):
        notes.append(f"{op} projects attributes: the items read are larger than those returned")
    if params.get(SELECT) in ("COUNT", "SPECIFIC_ATTRIBUTES"):
        notes.append(f"{op} selects {params[SELECT]}: the items read are not returned")
    items = response.get(C.ITEMS) or []
    if op == "Scan" and not items:
        # Developer Guide, "DynamoDB read and write operations": a Query or Scan that finds
        # nothing is still charged, by consistency and by the partitions it searched.
        notes.append("Scan returned nothing: DynamoDB charges by the partitions it searched")
    name, index_name = params.get(C.TABLE_NAME), params.get(C.INDEX_NAME)
    keys = tables(name) if name else None
    index = keys.index(index_name) if keys and index_name else None
    half = _half(params, index)
    if not index_name:
        size = sum(item_size(item) for item in items)
        return make(read_units(size) * half, {}, read=True, notes=notes)
    # An index read is sized on the index entries it reads (Developer Guide, "Reading from a
    # GSI": "the sum of all projected attribute sizes"). The items a client sees are entries
    # already; the managed server passes whole table items, cut to the entry here.
    if index is not None and keys is not None:
        size = sum(index.entry_size(item, keys.key_names) for item in items)
    else:
        size = sum(item_size(item) for item in items)
    fetches = _fetches(params, keys, index)
    if fetches is None:
        notes.append(
            f"index {index_name!r} is not described: if it is an LSI, the items it fetches "
            "from the table are not counted"
        )
    if not fetches or keys is None or index is None:
        return make(0.0, {index_name: read_units(size) * half}, read=True, notes=notes)
    # The index entries, rounded up together, plus every fetched item, whole and rounded up
    # on its own (the response items are those whole items, unless a projection cut them).
    entries = sum(index.entry_size(item, keys.key_names) for item in items)
    fetched = sum(read_units(item_size(item)) for item in items)
    return make(fetched * half, {index_name: read_units(entries) * half}, read=True, notes=notes)


def get(params: Mapping[str, Any], response: Mapping[str, Any]) -> Capacity:
    """GetItem: the whole item, rounded up (a missing item still costs one unit)."""
    notes = []
    if params.get("ProjectionExpression") or params.get("AttributesToGet"):
        notes.append("GetItem projects attributes: the whole item is charged, and it is not seen")
    return make(
        read_units(item_size(response.get(C.ITEM))) * _half(params, None),
        {},
        read=True,
        notes=notes,
    )


def batch_get(params: Mapping[str, Any], response: Mapping[str, Any]) -> Capacity:
    """BatchGetItem: each item rounded up on its own; keys not found cost one unit each (each
    key is read as a GetItem); keys returned unprocessed were not read and cost nothing."""
    total = 0.0
    notes = []
    unprocessed = response.get("UnprocessedKeys") or {}
    for name, request in (params.get(C.REQUEST_ITEMS) or {}).items():
        found = (response.get(RESPONSES) or {}).get(name, [])
        asked = len(request.get("Keys", [])) - len((unprocessed.get(name) or {}).get("Keys", []))
        units = sum(read_units(item_size(i)) for i in found) + max(0, asked - len(found))
        total += units * _half(request, None)
        if request.get("ProjectionExpression") or request.get("AttributesToGet"):
            notes.append(f"BatchGetItem projects attributes of {name!r}: whole items are charged")
    return make(total, {}, read=True, notes=notes)


def transact_get(params: Mapping[str, Any], response: Mapping[str, Any]) -> Capacity:
    """TransactGetItems: twice a strongly consistent read of each item."""
    answers = response.get(RESPONSES) or []
    total = 0
    for at, _ in enumerate(params.get(C.TRANSACT_ITEMS) or []):
        item = answers[at].get(C.ITEM) if at < len(answers) else None
        total += 2 * read_units(item_size(item))
    return make(total, {}, read=True)
