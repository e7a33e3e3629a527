"""DynamoDB prices: the dated, region-keyed data file shipped in the package (``prices.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from ...errors import WorkbenchError

PRICES_PATH = Path(__file__).with_name("prices.yaml")
HOURS_PER_MONTH = 730
"""A month is 730 hours (8,760 hours a year / 12), as AWS's pricing pages count it."""
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
GB = 1024**3
"""Storage is billed per GB of 2**30 bytes."""
INDEX_OVERHEAD = 100
"""Bytes of storage overhead DynamoDB adds to every item in the table and in each index."""
DEFAULT_REGION = "us-east-1"


class PriceError(WorkbenchError):
    """No prices for the region or date asked for, or a broken price file."""


@dataclass(frozen=True)
class Prices:
    """The prices of one region from one date on (dollars).

    :param region: the AWS region.
    :param since: the date these prices took effect.
    :param write_per_million: on-demand, per million write request units.
    :param read_per_million: on-demand, per million read request units.
    :param wcu_hour: provisioned, per WCU-hour.
    :param rcu_hour: provisioned, per RCU-hour.
    :param gb_month: storage, per GB-month.
    :param free_gb: storage free each month.
    """

    region: str
    since: date
    write_per_million: float
    read_per_million: float
    wcu_hour: float
    rcu_hour: float
    gb_month: float
    free_gb: float

    @property
    def label(self) -> str:
        """``us-east-1 prices of 2024-11-01``: printed beside every figure."""
        return f"{self.region} prices of {self.since.isoformat()}"

    def on_demand(self, units_per_second: float, *, read: bool) -> float:
        """Dollars a month for a steady ``units_per_second`` in on-demand mode."""
        per_million = self.read_per_million if read else self.write_per_million
        return units_per_second * SECONDS_PER_MONTH / 1e6 * per_million

    def provisioned(self, units: float, *, read: bool) -> float:
        """Dollars a month for ``units`` of provisioned capacity held all month."""
        return units * (self.rcu_hour if read else self.wcu_hour) * HOURS_PER_MONTH

    def storage(self, gigabytes: float) -> float:
        """Dollars a month for ``gigabytes`` stored (the free tier taken off)."""
        return max(0.0, gigabytes - self.free_gb) * self.gb_month

    def break_even(self, *, read: bool) -> float:
        """The average utilisation of provisioned capacity below which on-demand is cheaper
        (provisioned hour price / on-demand price of the same units for an hour)."""
        return self.provisioned(1, read=read) / self.on_demand(1, read=read)


def _entry(raw: Any, at: int) -> Prices:
    try:
        return Prices(
            region=str(raw["region"]),
            since=date.fromisoformat(str(raw["since"])),
            write_per_million=float(raw["on_demand"]["write_per_million"]),
            read_per_million=float(raw["on_demand"]["read_per_million"]),
            wcu_hour=float(raw["provisioned"]["wcu_hour"]),
            rcu_hour=float(raw["provisioned"]["rcu_hour"]),
            gb_month=float(raw["storage"]["gb_month"]),
            free_gb=float(raw["storage"].get("free_gb", 0)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PriceError(f"price file entry {at} is broken: {exc!r}", exc) from exc


@cache
def price_table(path: Path = PRICES_PATH) -> tuple[Prices, ...]:
    """Every dated entry of the price file.

    :raises PriceError: if the file cannot be read or an entry is broken.
    """
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PriceError(f"cannot read the price file {path.name!r}: {exc}", exc) from exc
    return tuple(_entry(entry, at) for at, entry in enumerate(raw or []))


def regions() -> list[str]:
    """The regions the price file knows, sorted."""
    return sorted({p.region for p in price_table()})


def prices(region: str = DEFAULT_REGION, on: date | str | None = None) -> Prices:
    """The prices of ``region`` in force on ``on`` (default: the newest entry).

    :param region: an AWS region, e.g. ``us-east-1``.
    :param on: a date (or ISO text); the newest entry not after it applies.
    :raises PriceError: for a region the file does not know (naming those it knows), or a date
        before its first entry.
    """
    known = regions()
    if region not in known:
        raise PriceError(f"no prices for region {region!r}; prices are known for: {known}")
    entries = sorted((p for p in price_table() if p.region == region), key=lambda p: p.since)
    if on is None:
        return entries[-1]
    when = date.fromisoformat(on) if isinstance(on, str) else on
    valid = [p for p in entries if p.since <= when]
    if not valid:
        raise PriceError(
            f"no {region} prices for {when.isoformat()}; the first are of "
            f"{entries[0].since.isoformat()}"
        )
    return valid[-1]
