"""Stored timestamps are naive UTC: now in UTC, an aware time converted, a naive one taken as the machine's local
time, a stored value read back as UTC, and a period's conditions on a stored time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, column

from clinic_log.services.common.clock import from_utc_naive, in_period, to_utc_naive, utcnow


def test_now_is_naive_utc() -> None:
    before = datetime.now(UTC).replace(tzinfo=None)
    now = utcnow()
    after = datetime.now(UTC).replace(tzinfo=None)
    assert now.tzinfo is None and before <= now <= after


def test_an_aware_time_is_stored_as_its_utc_wall_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert to_utc_naive(datetime(2026, 1, 15, 18, 45, tzinfo=berlin)) == datetime(2026, 1, 15, 17, 45)
    assert to_utc_naive(datetime(2026, 7, 15, 18, 45, tzinfo=berlin)) == datetime(2026, 7, 15, 16, 45)


def test_a_naive_time_is_taken_as_the_machines_local_time(local_zone_los_angeles: None) -> None:
    assert to_utc_naive(datetime(2026, 1, 15, 10, 45)) == datetime(2026, 1, 15, 18, 45)


def test_a_stored_time_reads_back_as_the_same_moment_in_utc() -> None:
    moment = datetime(2026, 7, 15, 18, 45, tzinfo=ZoneInfo("Europe/London"))
    back = from_utc_naive(to_utc_naive(moment))
    assert back == moment and back.utcoffset() == timedelta(0)


def test_a_period_takes_its_start_and_stops_before_its_end_in_stored_utc() -> None:
    started = column("started_at", DateTime())
    berlin = ZoneInfo("Europe/Berlin")
    start, before = datetime(2026, 1, 1, tzinfo=berlin), datetime(2026, 2, 1, tzinfo=berlin)
    both = in_period(started, start, before)
    assert [str(c) for c in both] == ["started_at >= :started_at_1", "started_at < :started_at_1"]
    assert [c.right.value for c in both] == [datetime(2025, 12, 31, 23, 0), datetime(2026, 1, 31, 23, 0)]
    assert in_period(started, None, None) == []  # both ends open: every time
    assert [str(c) for c in in_period(started, None, before)] == ["started_at < :started_at_1"]
