"""One timestamp format everywhere, and clocks that can be injected.

Every timestamp the workbench writes is UTC, timezone-aware ISO 8601 with exactly six
fractional digits (``2026-11-22T07:45:00.000000+00:00``). Fixed width and one offset mean
that string order is time order, which is what the table's sort keys rely on. The original
code mixed naive and aware strings and let ``isoformat()`` drop ``.000000``; both sort wrongly.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

from .errors import TimestampError

TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$")
EXAMPLE = "2026-11-22T07:45:00.000000+00:00"


def format_ts(moment: datetime) -> str:
    """Format an aware datetime in the workbench format (converted to UTC).

    :raises TimestampError: if ``moment`` is naive (no timezone), since its instant is unknown.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimestampError(
            f"naive datetime {moment.isoformat()!r} has no timezone; pass an aware datetime, "
            f"e.g. datetime.now(timezone.utc)"
        )
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_ts(text: str) -> datetime:
    """Parse a timestamp in the workbench format into an aware UTC datetime.

    :raises TimestampError: naming the text and the expected form.
    """
    if not isinstance(text, str) or not TIMESTAMP_RE.match(text):
        raise TimestampError(f"timestamp {text!r} is not in the workbench format, e.g. {EXAMPLE}")
    return datetime.fromisoformat(text)


def parse_user_time(text: str) -> datetime:
    """Parse a user-supplied time (``--now``): any ISO 8601 with an offset, or ``Z``.

    :raises TimestampError: if it does not parse or has no offset.
    """
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError) as exc:
        raise TimestampError(
            f"time {text!r} is not ISO 8601; use e.g. {EXAMPLE} or 2026-11-22T07:45:00Z", exc
        ) from exc
    if moment.tzinfo is None:
        raise TimestampError(
            f"time {text!r} has no timezone offset; add one, e.g. {text}+00:00 or {text}Z"
        )
    return moment.astimezone(UTC)


class Clock(Protocol):
    """Anything with ``now()`` returning an aware datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A deterministic clock for tests, notebooks and ``--now``.

    Each call to :meth:`now` returns the current value and then advances it by ``step``, so
    successive writes get distinct, ordered timestamps.

    :param start: the first instant (aware datetime or workbench/ISO string).
    :param step: how far each ``now()`` call advances the clock (default one second).
    """

    def __init__(self, start: datetime | str, step: timedelta = timedelta(seconds=1)) -> None:
        if isinstance(start, str):
            start = parse_user_time(start)
        format_ts(start)  # rejects naive datetimes
        self._next = start.astimezone(UTC)
        self.step = step
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            current = self._next
            self._next = current + self.step
            return current

    def peek(self) -> datetime:
        """The instant the next ``now()`` will return, without advancing."""
        return self._next

    def __repr__(self) -> str:
        return f"FixedClock({format_ts(self._next)!r}, step={self.step!r})"


def as_clock(clock: Clock | datetime | str | None) -> Clock:
    """Turn ``None`` (system time), a datetime or an ISO string into a clock."""
    if clock is None:
        return SystemClock()
    if isinstance(clock, datetime | str):
        return FixedClock(clock)
    return clock
