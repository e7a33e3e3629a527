"""Scan: every item of the table, following pages (the original read only the first 1 MB)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import constants as C
from ..engine.dynamo import consumed, send
from ..model import CRUDDUR
from ..model.capacity import Capacity
from ..model.items import from_items
from ..model.requests import scan as scan_request


@dataclass
class ScanResult:
    """All items of a table, the pages it took and the capacity they consumed.

    ``consumed_capacity`` is the computed total; ``capacity`` the pages' capacity in full.
    """

    items: list[dict[str, Any]]
    pages: int
    consumed_capacity: float
    capacity: Capacity | None = None


def iter_scan(engine: Any, table_name: str = CRUDDUR.table.name) -> Iterator[tuple[list, Capacity]]:
    """Yield ``(items, capacity)`` per page, following ``LastEvaluatedKey`` to the end."""
    start = None
    while True:
        request = scan_request(table_name, start_key=start)
        response = send(engine, request)
        yield from_items(response.get(C.ITEMS, [])), consumed(engine, request, response)
        start = response.get(C.LAST_EVALUATED_KEY)
        if not start:
            return


def scan(engine: Any, table_name: str = CRUDDUR.table.name) -> ScanResult:
    """Every item of ``table_name`` as plain dicts, sorted by (pk, sk)."""
    items: list[dict[str, Any]] = []
    pages = 0
    capacity: Capacity | None = None
    for page, units in iter_scan(engine, table_name):
        items.extend(page)
        pages += 1
        capacity = units if capacity is None else capacity + units
    items.sort(key=lambda item: (str(item.get("pk")), str(item.get("sk"))))
    return ScanResult(items, pages, capacity.total if capacity else 0.0, capacity)
