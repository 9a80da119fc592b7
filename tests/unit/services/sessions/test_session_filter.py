"""The history's filter as plain values: local days turned into UTC instants (23:30 local belongs to that local day
wherever UTC is), open ends, the complication switch, and the paging key taken from a row."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic_log.services.sessions.session_filter import PageKey, SessionFilter, local_day_bounds
from clinic_log.services.sessions.session_views import SessionRow

AUCKLAND = ZoneInfo("Pacific/Auckland")


def test_a_local_day_runs_from_its_midnight_to_the_next_in_its_own_zone() -> None:
    start, end = local_day_bounds(date(2026, 7, 2), date(2026, 7, 2), AUCKLAND)
    assert start is not None and end is not None
    assert start.astimezone(UTC) == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # UTC+12 in July
    assert end - start == timedelta(days=1)
    evening = datetime(2026, 7, 2, 23, 30, tzinfo=AUCKLAND)
    assert start <= evening < end


def test_a_day_when_the_clocks_change_is_23_or_25_hours_long() -> None:
    london = ZoneInfo("Europe/London")
    start, end = local_day_bounds(date(2026, 3, 29), date(2026, 3, 29), london)  # clocks go forward
    assert start is not None and end is not None
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)
    start, end = local_day_bounds(date(2026, 10, 25), date(2026, 10, 25), london)  # and back
    assert start is not None and end is not None
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=25)


def test_an_open_end_stays_open_and_without_a_zone_the_computers_is_used(local_zone_los_angeles: None) -> None:
    assert local_day_bounds(None, None) == (None, None)
    start, end = local_day_bounds(date(2026, 7, 1), None)
    assert end is None and start is not None
    assert start.astimezone(UTC) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # UTC-7 in summer
    narrowed = SessionFilter(client="P-1").with_days(None, date(2026, 7, 1))
    assert narrowed.client == "P-1" and narrowed.started_from is None
    assert narrowed.started_before == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)


def test_with_days_leaves_the_filter_it_narrows_unchanged() -> None:
    wide = SessionFilter(area_code="cheeks")
    narrow = wide.with_days(date(2026, 7, 1), date(2026, 7, 31), UTC)
    assert (wide.started_from, wide.started_before) == (None, None)
    assert (narrow.started_from, narrow.started_before) == (datetime(2026, 7, 1, tzinfo=UTC),
                                                           datetime(2026, 8, 1, tzinfo=UTC))


@pytest.mark.parametrize(("flt", "expected"), [
    (SessionFilter(), False), (SessionFilter(status="signed", text="prp"), False),
    (SessionFilter(complication_code="erythema"), True), (SessionFilter(min_grade=2), True),
])
def test_a_complication_filter_is_either_a_code_or_a_grade(flt: SessionFilter, expected: bool) -> None:
    assert flt.has_complication_filter is expected


def test_the_next_page_starts_below_the_last_rows_time_and_id() -> None:
    row = SessionRow(41, datetime(2026, 7, 1, 9, 30, tzinfo=UTC), "P-1", "Zofia", "Dr Maria Brandt", None,
                     "Forehead", 0, "signed")
    assert PageKey.after(row) == PageKey(datetime(2026, 7, 1, 9, 30, tzinfo=UTC), 41)
