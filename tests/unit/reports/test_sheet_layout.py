"""What every printed sheet shares: the paper sizes, dates as a client reads them, cheap plain cells only where they
print the same as a paragraph, and the page frame with "Page x of y" on every page and the sheet's own metadata."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime

import pypdf
import pytest
from reportlab.lib.pagesizes import A4, letter
from reportlab.platypus import Flowable, Paragraph

from clinic_log.reports.sheet_layout import (
    OneLine,
    SheetStyles,
    build_sheet,
    format_date,
    format_datetime,
    one_line,
    page_size,
    para,
    sheet_styles,
    table_cell,
)


def test_unknown_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="paper"):
        page_size("A5")


def test_paper_is_named_in_any_case_and_with_spaces() -> None:
    assert page_size(" a4 ") == A4 and page_size("LETTER") == letter
    with pytest.raises(ValueError, match="unknown paper size 'A5'; expected 'A4' or 'Letter'"):
        page_size("A5")


def test_dates_read_day_month_year_without_a_leading_zero_and_times_in_24_hours() -> None:
    assert format_date(date(2026, 3, 5)) == "5 March 2026"
    assert format_datetime(datetime(2025, 12, 23, 9, 5)) == "23 December 2025, 09:05"


def test_one_line_of_latin_text_is_a_plain_cell_and_anything_else_a_paragraph() -> None:
    cell = sheet_styles().cell
    assert table_cell("  Zofia   Łukasiewicz ", cell, 200) == "Zofia Łukasiewicz"
    assert isinstance(table_cell("李娜", cell, 200), Paragraph)  # a fallback font: only a paragraph switches fonts
    assert isinstance(table_cell("فاطمة", cell, 200), Paragraph)  # needs shaping
    assert isinstance(table_cell("Cheeks and jawline, both sides " * 3, cell, 200), Paragraph)  # must wrap
    assert isinstance(table_cell("", cell, 200), Paragraph)
    heading = sheet_styles().section
    assert isinstance(one_line("Before   your treatment", heading, 400), OneLine)
    assert isinstance(one_line("術後ケア", heading, 400), Paragraph)


def _story(count: int) -> Callable[[SheetStyles, float], list[Flowable]]:
    def story(st: SheetStyles, width: float) -> list[Flowable]:
        return [para(f"Line {n} of the sheet", st.body) for n in range(count)]
    return story


def test_a_paragraph_with_no_room_left_on_a_page_is_printed_whole_on_the_next() -> None:
    """A paragraph reportlab cannot split at the foot of a page moves on; it used to reach the next page without
    its lines (its cached size was reused) and the whole sheet failed to print."""
    pdf = build_sheet("A4", "t", "a", "s", _story(150), lambda page, pages: f"Page {page} of {pages}")
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    assert all(f"Line {n} of the sheet" in text for n in range(150))


def test_every_page_says_page_x_of_y_and_the_pdf_carries_the_sheets_metadata() -> None:
    pdf = build_sheet("Letter", "Referral to Dr Weiss", "Skin Studio", "Referral letter, client P-7",
                      _story(150), lambda page, pages: f"Client P-7 · Page {page} of {pages}")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        assert f"Client P-7 · Page {number} of 3" in text
    assert float(reader.pages[0].mediabox.width) == pytest.approx(612)
    meta = reader.metadata
    assert meta is not None
    assert (meta.title, meta.author, meta.subject, meta.creator) == (
        "Referral to Dr Weiss", "Skin Studio", "Referral letter, client P-7", "Clinic Log")


def test_the_same_sheet_gives_the_same_bytes() -> None:
    def build() -> bytes:
        return build_sheet("A4", "t", "a", "s", _story(3), lambda page, pages: f"{page}/{pages}")
    assert build() == build()
