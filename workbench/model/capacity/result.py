"""The capacity of one request: computed total, table and index parts, the engine's figure."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# Capacity comes in halves and small multiples; anything closer than this is the same figure.
_EPSILON = 1e-9


@dataclass(frozen=True)
class Capacity:
    """Capacity units one request consumes, computed from DynamoDB's documented rules.

    :param total: the computed units (table plus indexes).
    :param table: units on the base table.
    :param indexes: units on each secondary index (global or local), by name.
    :param read: True for read units (RCU), False for write units (WCU).
    :param reported: what the engine reported, or None when it reports no real figure (moto).
    :param at_least: True when the workbench could not see everything the request read or
        replaced (a filter dropped items, an old item is unknown), so ``total`` is a floor.
    :param notes: why the figure is a floor or an assumption, one sentence each.
    """

    total: float
    table: float
    indexes: dict[str, float] = field(default_factory=dict)
    read: bool = True
    reported: float | None = None
    at_least: bool = False
    notes: tuple[str, ...] = ()

    @property
    def unit(self) -> str:
        """``RCU`` or ``WCU``."""
        return "RCU" if self.read else "WCU"

    @property
    def differs(self) -> bool:
        """True when the engine reported a figure and it is not the computed one."""
        return self.reported is not None and abs(self.reported - self.total) > _EPSILON

    def with_reported(self, reported: float | None) -> Capacity:
        """The same capacity with the engine's own figure beside it."""
        return replace(self, reported=reported)

    def label(self) -> str:
        """``8 WCU``, ``at least 0.5 RCU``, or ``8 WCU (engine reported 6)``."""
        text = f"{'at least ' if self.at_least else ''}{self.total:g} {self.unit}"
        if self.differs:
            text += f" (engine reported {self.reported:g})"
        return text

    def __str__(self) -> str:
        return self.label()

    def __add__(self, other: Capacity) -> Capacity:
        """Two requests' capacity together (the pages of a scan, say)."""
        indexes = dict(self.indexes)
        for name, units in other.indexes.items():
            indexes[name] = indexes.get(name, 0.0) + units
        reported = None
        if self.reported is not None and other.reported is not None:
            reported = self.reported + other.reported
        notes = self.notes + tuple(n for n in other.notes if n not in self.notes)
        return Capacity(
            self.total + other.total,
            self.table + other.table,
            indexes,
            self.read and other.read,
            reported,
            self.at_least or other.at_least,
            notes,
        )


def make(
    table: float, indexes: dict[str, float], *, read: bool, notes: list[str] | tuple[str, ...] = ()
) -> Capacity:
    """A Capacity whose total is its parts; any note makes it a floor."""
    notes = tuple(dict.fromkeys(notes))
    return Capacity(
        float(table + sum(indexes.values())),
        float(table),
        {k: float(v) for k, v in indexes.items()},
        read,
        None,
        bool(notes),
        notes,
    )


NOTHING = Capacity(0.0, 0.0, {}, True)
