"""A Scan priced at the table size the traffic profile declares, not at the sample's.

Measured on the sample data, a Scan reads a hundred items and looks free; on the real table
it reads every item, every time. So a Scan pattern's units per request are worked out from
the profile's item counts (``entities:``; an entity it does not count keeps its sample count)
times the mean size of those items measured on the sample (of their index entries, for a
Scan of an index), by DynamoDB's rules:

- a Scan is charged on the items it reads (evaluates), not on what a filter keeps, their
  sizes added up and rounded up to 4 KB, halved when eventually consistent (a GSI always is)
  (Developer Guide, "DynamoDB read and write operations", read-write-operations.html);
- one Scan call reads at most 1 MB (API Reference, Scan): a request of a Scan pattern reads
  the whole table or index, page after page, unless the pattern has a ``limit``, when it
  reads one page of at most that many items. Pages of 1 MB are 256 units of 4 KB each, so
  the total is the whole size rounded up to 4 KB once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from math import ceil
from typing import Any

from ...model.capacity import Capacity, item_size
from ...model.capacity.tables import table_keys
from ...model.items import to_item
from .measure import Measured
from .traffic import Traffic

READ_UNIT = 4096


@dataclass(frozen=True)
class ScanSize:
    """What a Scan pattern reads at the profile's table size.

    :param items: items (or index entries) one request reads.
    :param item_bytes: their mean size, measured on the sample.
    :param sample_items: how many sample items that mean is over.
    :param units: read units per request.
    :param limit: the pattern's page size, when a request reads one page.
    """

    items: float
    item_bytes: float
    sample_items: int
    units: float
    limit: int | None = None

    def note(self) -> str:
        """How the figure was made, for the output (one line)."""
        total = self.items * self.item_bytes
        size = f"{total / 2**20:,.1f} MB" if total >= 2**20 else f"{total / 1024:,.1f} KB"
        page = f", one page of at most {self.limit}" if self.limit else ""
        return (
            f"a Scan priced at the profile's table size{page}: {self.items:,.0f} items x "
            f"{self.item_bytes:,.0f} B (the mean of {self.sample_items} sample items) = "
            f"{size} per request"
        )


def scan_size(
    model: Any, pattern: Any, items: Sequence[Mapping[str, Any]], traffic: Traffic, strong: bool
) -> ScanSize:
    """What one request of the Scan ``pattern`` reads on the table the profile declares.

    :param items: the plain sample items.
    :param strong: a strongly consistent read (ignored on a GSI, always eventually consistent).
    """
    keys = table_keys(model.table)
    index = keys.index(pattern.index) if pattern.index else None
    counts: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for item in items:
        typed = to_item(item)
        if index is not None and not index.holds(typed):
            continue  # a sparse index holds only the items with its keys
        entity = getattr(model.entity_for(item), "name", "")
        counts[entity] = counts.get(entity, 0) + 1
        size = index.entry_size(typed, keys.key_names) if index is not None else item_size(typed)
        sizes[entity] = sizes.get(entity, 0) + size
    scaled = {
        name: (traffic.entities[name].items if name in traffic.entities else float(n))
        for name, n in counts.items()
    }
    total_items = sum(scaled.values())
    total_bytes = sum(scaled[name] * sizes[name] / counts[name] for name in counts)
    mean = total_bytes / total_items if total_items else 0.0
    read = min(float(pattern.limit), total_items) if pattern.limit else total_items
    # A GSI is always read eventually consistent; the table and an LSI as asked.
    gsi = pattern.index in {i.name for i in model.table.indexes}
    half = 1.0 if strong and not gsi else 0.5
    units = max(1, ceil(read * mean / READ_UNIT)) * half
    return ScanSize(read, mean, sum(counts.values()), units, pattern.limit)


def at_profile_size(
    model: Any,
    measured: Mapping[str, Measured],
    items: Sequence[Mapping[str, Any]],
    traffic: Traffic,
) -> tuple[dict[str, Measured], dict[str, str]]:
    """``measured`` with every Scan pattern's samples charged at the profile's table size,
    and a note per such pattern saying so.

    :returns: ``(measured, notes by pattern name)``.
    """
    out = dict(measured)
    notes: dict[str, str] = {}
    for name, m in measured.items():
        if m.pattern.operation != "Scan" or not m.samples:
            continue
        strong = bool(m.samples[0].request.params.get("ConsistentRead"))
        size = scan_size(model, m.pattern, items, traffic, strong)
        where = m.pattern.index
        capacity = Capacity(
            size.units, 0.0 if where else size.units, {where: size.units} if where else {}
        )
        out[name] = replace(m, samples=[replace(s, capacity=capacity) for s in m.samples])
        notes[name] = size.note()
    return out, notes
