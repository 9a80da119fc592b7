"""The strict CSV reader and its cell parsers: rows with the line they start on, whatever the column order, BOM or
blank lines; dates, times, numbers and yes/no refused in one line saying what is allowed; a naive time read in
the zone the machine is in at that moment."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from clinic_log.domain.errors import ImportRefused
from clinic_log.services.common.csv_input import (
    CellError,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_int,
    read_rows,
)


@pytest.fixture
def set_zone() -> Iterator[Callable[[str], None]]:
    """Change the process's time zone as a travelling laptop would; the zone it had is put back afterwards."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    before = os.environ.get("TZ")

    def set_to(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    try:
        yield set_to
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_a_naive_start_time_is_read_in_the_time_zone_of_the_moment(set_zone: Callable[[str], None]) -> None:
    offsets = []
    for zone in ("UTC", "Asia/Tokyo", "UTC"):  # the clinic's zone may change while the app runs (a laptop travels)
        set_zone(zone)
        offsets.append(parse_datetime("2026-07-01T09:00").utcoffset())
    assert offsets == [timedelta(0), timedelta(hours=9), timedelta(0)]


def test_a_time_with_its_own_offset_keeps_it_in_any_zone(set_zone: Callable[[str], None]) -> None:
    set_zone("Asia/Tokyo")
    moment = parse_datetime("2026-07-01T09:00+02:00")
    assert (moment.hour, moment.utcoffset()) == (9, timedelta(hours=2))


@pytest.mark.parametrize(("text", "words"), [
    ("2026-13-01", "'2026-13-01' is not a date; use YYYY-MM-DD"),
    ("01/07/2026", "'01/07/2026' is not a date; use YYYY-MM-DD"),
    ("٢٠٢٦-٠٧-٠١", "is not a date; use YYYY-MM-DD"),
    ("1899-12-31", "'1899-12-31' is not allowed; a year from 1900 to 2199"),
    ("2200-01-01", "'2200-01-01' is not allowed; a year from 1900 to 2199"),
])
def test_a_date_outside_yyyy_mm_dd_or_the_years_of_a_record_is_refused_saying_what_is_allowed(
        text: str, words: str) -> None:
    with pytest.raises(CellError) as refused:
        parse_date(text)
    assert str(refused.value).endswith(words)
    assert parse_date("1900-01-01") == date(1900, 1, 1) and parse_date("2199-12-31") == date(2199, 12, 31)


def test_yes_and_no_are_read_in_their_usual_spellings_and_anything_else_is_refused() -> None:
    assert [parse_bool(t) for t in ("true", "Yes", "y", "1")] == [True] * 4
    assert [parse_bool(t) for t in ("FALSE", "no", "N", "0", "")] == [False] * 5
    with pytest.raises(CellError, match="'maybe' is not allowed; true or false"):
        parse_bool("maybe")


def test_a_whole_number_is_taken_only_within_its_range() -> None:
    assert (parse_int("1", 1, 20, "1 to 20 passes"), parse_int("20", 1, 20, "1 to 20 passes")) == (1, 20)
    for text in ("0", "21", "2.5", "٣"):
        with pytest.raises(CellError, match=f"'{text}' is not allowed; 1 to 20 passes"):
            parse_int(text, 1, 20, "1 to 20 passes")


def test_rows_come_with_the_line_they_start_on_whatever_the_column_order_bom_or_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes("\ufeffnotes, client_ref ,extra\n"
                     '"first line\nsecond line",  P-1 ,x\n'
                     "\n"
                     "plain,P-2,y\n".encode())
    rows = read_rows(path, ["client_ref", "notes"])
    assert [(r.line, r.get("client_ref"), r.get("notes")) for r in rows] == [
        (2, "P-1", "first line\nsecond line"), (5, "P-2", "plain")]


def test_a_bad_file_is_refused_whole_with_every_problem_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("client_ref,notes\nP-1,fine\nP-2\nP-3,bad\x00byte\nP-4," + "x" * 201 + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        read_rows(path, ["client_ref", "notes"])
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "row"), (4, "notes"), (5, "notes")]
