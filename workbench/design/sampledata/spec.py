"""Sample-data counts and seed: a model file's ``sample_data:`` section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import ModelError, WorkbenchError

DEFAULT_TOTAL = 10
"""Items of each top-level entity when neither the call nor the file says."""
DEFAULT_PER_PARENT = (1, 3)
"""Items of a child entity per parent item when neither the call nor the file says."""
DEFAULT_NOW = "2026-11-22T07:45:00+00:00"
"""Generated timestamps fall in the 30 days before this (fixed, so outputs are stable)."""
SOURCES = ("auto", "file", "generate")
ATTEMPTS = 50  # tries for a primary key no other item has, before giving that item up


@dataclass(frozen=True)
class Count:
    """How many items of one entity to generate.

    :param total: for a top-level entity (no ``ref`` parent), how many items.
    :param per_parent: for a child entity, the inclusive range of items per parent item.
    :param skew: 0 for even children per parent; above 0 a Zipf-like exponent over the parents
        (1 to 1.5 gives a few hot partitions holding most of the items).
    :raises ModelError: for a negative or reversed count, or a negative skew.
    """

    total: int | None = None
    per_parent: tuple[int, int] | None = None
    skew: float = 0.0

    def __post_init__(self) -> None:
        if self.total is not None and (not isinstance(self.total, int) or self.total < 0):
            raise ModelError(f"sample count {self.total!r} must be a whole number >= 0")
        if self.per_parent is not None:
            low, high = self.per_parent
            if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
                raise ModelError(
                    f"per_parent {list(self.per_parent)!r} must be [min, max], 0 <= min <= max"
                )
        if not isinstance(self.skew, int | float) or self.skew < 0:
            raise ModelError(f"skew {self.skew!r} must be a number >= 0 (0 is no skew)")


@dataclass(frozen=True)
class SampleSpec:
    """Counts per entity and the seed, as a model file's ``sample_data:`` section gives them."""

    counts: Mapping[str, Count] = field(default_factory=dict)
    seed: int = 0

    @classmethod
    def from_document(cls, section: Mapping[str, Any] | None) -> SampleSpec:
        """The spec in a ``sample_data:`` mapping (None gives the defaults).

        :raises ModelError: naming the path of every bad value.
        """
        if not section:
            return cls()
        problems: list[str] = []
        counts: dict[str, Count] = {}
        for name, value in dict(section.get("counts") or {}).items():
            try:
                if isinstance(value, int) and not isinstance(value, bool):
                    counts[name] = Count(total=value)
                elif isinstance(value, Mapping):
                    per = value.get("per_parent")
                    if isinstance(per, int) and not isinstance(per, bool):
                        per = (per, per)
                    counts[name] = Count(
                        total=value.get("total"),
                        per_parent=tuple(per) if per is not None else None,
                        skew=value.get("skew", 0.0),
                    )
                else:
                    raise ModelError(f"{value!r} is neither a count nor a mapping")
            except (ModelError, TypeError, ValueError) as exc:
                problems.append(f"sample_data.counts.{name}: {exc}")
        seed = section.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            problems.append(f"sample_data.seed: {seed!r} must be a whole number")
        if problems:
            raise ModelError("; ".join(problems))
        return cls(counts, seed)


def read_spec(path: str | Path) -> SampleSpec:
    """The ``sample_data:`` section of a YAML/JSON model file (defaults when it has none)."""
    import yaml

    from ...model import safeload

    try:
        document = safeload.load_yaml(path, f"model file {str(path)!r}")
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise WorkbenchError(f"cannot read model file {str(path)!r}: {exc}", exc) from exc
    section = document.get("sample_data") if isinstance(document, Mapping) else None
    return SampleSpec.from_document(section)
