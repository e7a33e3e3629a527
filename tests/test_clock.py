"""One timestamp format: UTC, aware, fixed microseconds, so string order is time order."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from workbench.clock import FixedClock, SystemClock, as_clock, format_ts, parse_ts, parse_user_time
from workbench.errors import TimestampError


def test_format_has_fixed_microseconds_and_utc_offset() -> None:
    assert (
        format_ts(datetime(2026, 11, 22, 7, 45, tzinfo=UTC)) == "2026-11-22T07:45:00.000000+00:00"
    )
    eastern = timezone(timedelta(hours=-5))
    assert (
        format_ts(datetime(2026, 11, 22, 2, 45, 0, 5, tzinfo=eastern))
        == "2026-11-22T07:45:00.000005+00:00"
    )


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(TimestampError, match="naive datetime"):
        format_ts(datetime(2026, 1, 1))


def test_string_order_is_time_order() -> None:
    rng = random.Random(5)
    base = datetime(2025, 12, 31, 23, 59, tzinfo=UTC)
    zones = [timezone(timedelta(hours=h)) for h in (-8, 0, 1, 10)]
    moments = [
        (
            base + timedelta(microseconds=rng.randrange(0, 10**9, 1000 * rng.choice([1, 1000])))
        ).astimezone(rng.choice(zones))
        for _ in range(300)
    ]
    strings = [format_ts(m) for m in moments]
    assert sorted(strings) == [format_ts(m) for m in sorted(moments)]


def test_parse_round_trip_and_errors() -> None:
    text = "2026-11-22T07:45:00.000000+00:00"
    assert format_ts(parse_ts(text)) == text
    for bad in ("2026-11-22T07:45:00", "2026-11-22T07:45:00+00:00", "2026-11-22T07:45:00.0Z"):
        with pytest.raises(TimestampError, match=bad.replace("+", "\\+")):
            parse_ts(bad)


def test_user_time_accepts_z_and_offsets_but_not_naive() -> None:
    assert format_ts(parse_user_time("2026-11-22T07:45:00Z")) == "2026-11-22T07:45:00.000000+00:00"
    assert (
        format_ts(parse_user_time("2026-11-22T08:45:00+01:00"))
        == "2026-11-22T07:45:00.000000+00:00"
    )
    with pytest.raises(TimestampError, match="no timezone offset"):
        parse_user_time("2026-11-22T07:45:00")
    with pytest.raises(TimestampError, match="not ISO 8601"):
        parse_user_time("yesterday")


def test_fixed_clock_ticks() -> None:
    clock = FixedClock("2026-11-22T07:45:00Z", step=timedelta(microseconds=1))
    assert [format_ts(clock.now()) for _ in range(2)] == [
        "2026-11-22T07:45:00.000000+00:00",
        "2026-11-22T07:45:00.000001+00:00",
    ]
    assert isinstance(as_clock(None), SystemClock)
    assert as_clock(clock) is clock
    assert as_clock("2026-01-01T00:00:00Z").now().year == 2026
