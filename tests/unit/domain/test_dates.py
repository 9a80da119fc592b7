"""Dates as typed: read exactly or refused with the reason and what is allowed, never moved to a date that exists."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_log.domain.dates import moment_text, parse_day, parse_moment
from clinic_log.domain.errors import InvalidValue

WHAT = "a date such as 2027-03-31"
WHEN = "a date and time such as 2027-03-31 09:30"


@pytest.mark.parametrize(("typed", "expected"), [
    ("2027-03-31", date(2027, 3, 31)),
    ("2027-2-8", date(2027, 2, 8)),
    ("2027-02-8", date(2027, 2, 8)),
    ("  2027-12-01 ", date(2027, 12, 1)),
    ("31.3.2027", date(2027, 3, 31)),
    ("08.02.2027", date(2027, 2, 8)),
    ("29.2.2028", date(2028, 2, 29)),
    ("1999-05-05", date(1999, 5, 5)),  # long past, yet a real date: kept (the rules say what is wrong with it)
])
def test_a_real_date_in_either_shape_is_read_exactly(typed: str, expected: date) -> None:
    assert parse_day(typed, "Lot expiry", WHAT) == expected


@pytest.mark.parametrize(("typed", "reason"), [
    ("2027-02-30", "2027-02-30 is not a date (February 2027 has 28 days)"),
    ("2027-2-31", "2027-2-31 is not a date (February 2027 has 28 days)"),
    ("30.2.2027", "30.2.2027 is not a date (February 2027 has 28 days)"),
    ("2027-04-31", "2027-04-31 is not a date (April 2027 has 30 days)"),
    ("2026-02-29", "2026-02-29 is not a date (February 2026 has 28 days)"),
    ("2027-03-00", "2027-03-00 is not a date (March 2027 has 31 days)"),
    ("2027-13-01", "month 13 does not exist (months run 1–12)"),
    ("1.0.2027", "month 0 does not exist"),
    ("0000-01-01", "year 0 does not exist"),
    ("27-03-31", "write the year with all four digits"),
    ("31.3.27", "write the year with all four digits"),
    ("2027/03/31", "2027/03/31 is not a date"),
    ("2027-03-31 09:30", "2027-03-31 09:30 is not a date"),
    ("tomorrow", "tomorrow is not a date"),
    ("٢٠٢٧-٠٣-٣١", "is not a date"),  # digits of another script are not read as these
])
def test_an_impossible_or_unreadable_date_is_refused_saying_what_is_wrong_and_what_is_allowed(
        typed: str, reason: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_day(typed, "Lot expiry", WHAT)
    assert refused.value.field == "Lot expiry" and refused.value.value == typed
    assert reason in refused.value.allowed
    assert WHAT in refused.value.allowed
    assert str(refused.value).startswith(f"Lot expiry: {typed!r} is not allowed; ")


@pytest.mark.parametrize("typed", ["", "   "])
def test_an_empty_date_asks_for_one(typed: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_day(typed, "Onset", WHAT)
    assert refused.value.allowed == f"enter {WHAT}"


@pytest.mark.parametrize(("typed", "expected"), [
    ("2026-03-31 09:30", datetime(2026, 3, 31, 9, 30)),
    ("2026-3-1 9:05", datetime(2026, 3, 1, 9, 5)),
    ("31.3.2026 23:59", datetime(2026, 3, 31, 23, 59)),
    ("2026-03-31  0:00", datetime(2026, 3, 31, 0, 0)),
    ("2026-12-03 18:58:37", datetime(2026, 12, 3, 18, 58, 37)),  # a time stored with seconds reads back whole
])
def test_a_date_and_time_is_read_as_local_wall_clock_time(typed: str, expected: datetime) -> None:
    moment = parse_moment(typed, "Date/time", WHEN)
    assert moment == expected and moment.tzinfo is None


@pytest.mark.parametrize(("typed", "reason"), [
    ("2026-02-30 09:30", "2026-02-30 is not a date (February 2026 has 28 days)"),
    ("2026-03-31 24:00", "hour 24 does not exist (hours run 0–23)"),
    ("2026-03-31 9:60", "minute 60 does not exist (minutes run 00–59)"),
    ("2026-03-31 09:30:75", "second 75 does not exist"),
    ("2026-03-31", "the time is missing (such as 2026-03-31 09:30)"),
    ("09:30", "the date is missing"),
    ("2026-03-31 9:5", "9:5 is not a time"),
    ("2026-03-31 09.30", "09.30 is not a time"),
    ("2026-03-31 09:30 10:00", "write one date and one time"),
])
def test_an_impossible_date_or_time_is_refused_with_the_reason(typed: str, reason: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_moment(typed, "Date/time", WHEN)
    assert refused.value.field == "Date/time" and refused.value.value == typed
    assert reason in refused.value.allowed and WHEN in refused.value.allowed


def test_a_moment_is_written_to_the_minute_and_with_seconds_only_when_it_has_some() -> None:
    assert moment_text(datetime(2026, 3, 1, 9, 5)) == "2026-03-01 09:05"
    assert moment_text(datetime(2026, 3, 1, 9, 5, 7)) == "2026-03-01 09:05:07"
    assert moment_text(datetime(999, 3, 1, 9, 5)) == "0999-03-01 09:05"


@given(st.dates())
def test_every_real_date_written_iso_or_with_dots_reads_back_as_itself(day: date) -> None:
    assert parse_day(day.isoformat(), "Date", WHAT) == day
    assert parse_day(f"{day.year:04d}-{day.month}-{day.day}", "Date", WHAT) == day
    assert parse_day(f"{day.day}.{day.month}.{day.year:04d}", "Date", WHAT) == day
    assert parse_day(f"{day.day:02d}.{day.month:02d}.{day.year:04d}", "Date", WHAT) == day


@given(st.datetimes())
def test_every_moment_written_by_the_app_reads_back_as_itself_to_the_second(moment: datetime) -> None:
    assert parse_moment(moment_text(moment), "Date/time", WHEN) == moment.replace(microsecond=0)


@given(st.text(max_size=60))
def test_any_text_is_either_a_date_or_refused_with_invalid_value(text: str) -> None:
    for parse in (parse_day, parse_moment):
        with contextlib.suppress(InvalidValue):  # anything else raised fails the test
            parse(text, "Date", WHAT)


@given(st.text(alphabet="0123456789-.: ", max_size=25))
def test_any_typable_text_is_either_a_date_or_refused_with_invalid_value(text: str) -> None:
    for parse in (parse_day, parse_moment):
        try:
            value = parse(text, "Date", WHAT)
        except InvalidValue as refused:
            assert refused.field == "Date" and refused.allowed
        else:
            assert isinstance(value, date)
