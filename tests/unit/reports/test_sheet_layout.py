"""What every printed sheet shares: the paper sizes, dates as a client reads them, cheap plain cells only where they
print the same as a paragraph, and the page frame with "Page x of y" on every page and the sheet's own metadata."""

from __future__ import annotations

import io
from collections.abc import Callable

import pypdf
from reportlab.platypus import Flowable

from clinic_log.reports.sheet_layout import SheetStyles, build_sheet, para


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
