"""Stored timestamps are naive UTC: now in UTC, an aware time converted, a naive one taken as the machine's local
time, and a stored value read back as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from clinic_log.services.common.clock import from_utc_naive, to_utc_naive, utcnow


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
