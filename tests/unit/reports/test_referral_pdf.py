"""The referral letter as built from its plain data: each line of the reason on a line of its own (blank ones add no
gap), a long reason over two pages with "Page x of y", the reply-to block without empty lines, names as typed."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any

import pypdf
import pytest

from clinic_log.reports.referral_pdf import build_referral_pdf
from clinic_log.reports.sheet_data import ClinicInfo, ReferralLetter

CLINIC = ClinicInfo("Skin Studio Berlin", "Torstraße 1, Berlin", "+49 30 1234567")
LETTER = ReferralLetter(
    decision_id=7, clinic=CLINIC, client_ref="P-7", client_name="Zofia Łukasiewicz",
    client_date_of_birth=date(1990, 3, 14), referred_to="Dr Anna Weiss, dermatologist",
    reason="Suspicious pigmented lesion on the left cheek.", decided_by="Dr Amelia Hart",
    decided_on=date(2026, 6, 1), printed_on=date(2026, 6, 2))


def _reader(letter: ReferralLetter) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(build_referral_pdf(letter)))


def _pages(letter: ReferralLetter) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in _reader(letter).pages]


def _baselines(letter: ReferralLetter) -> dict[str, float]:
    """The height on the page at which each drawn piece of text sits."""
    at: dict[str, float] = {}

    def visit(text: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if text.strip():
            at.setdefault(text.strip(), tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    _reader(letter).pages[0].extract_text(visitor_text=visit)
    return at


def test_each_line_of_the_reason_starts_a_line_of_its_own_and_blank_lines_add_no_gap() -> None:
    plain = _baselines(replace(LETTER, reason="Lesion on the left cheek.\nChanged in size since March."))
    gappy = _baselines(replace(LETTER, reason="Lesion on the left cheek.\n\n   \nChanged in size since March."))
    for at in (plain, gappy):
        assert at["Lesion on the left cheek."] - at["Changed in size since March."] == pytest.approx(12)  # leading
    assert gappy["Reply to"] == pytest.approx(plain["Reply to"])


def test_a_long_reason_within_what_a_reason_may_hold_prints_whole_over_two_pages() -> None:
    reason = "\n".join(f"Finding {n}: a line of the reason." for n in range(55))
    assert len(reason) <= 2000  # services.sessions.decisions.REASON_MAX
    pages = _pages(replace(LETTER, reason=reason))
    assert len(pages) == 2
    for number, text in enumerate(pages, start=1):
        assert f"Referral letter · Client P-7 · Page {number} of 2" in text
    assert all(f"Finding {n}: a line of the reason." in " ".join(pages) for n in range(55))
    assert "Yours sincerely, Dr Amelia Hart Skin Studio Berlin" in pages[1]


def test_the_reply_to_block_leaves_out_what_the_clinic_has_not_given() -> None:
    lines = [line.strip() for line in _reader(replace(LETTER, clinic=replace(CLINIC, address="", phone="")))
             .pages[0].extract_text().splitlines()]
    start = lines.index("Reply to")
    assert lines[start + 1:start + 3] == ["Skin Studio Berlin", "Yours sincerely,"]
    assert "Tel. +49 30 1234567" in _pages(LETTER)[0]


def test_the_letter_is_titled_for_the_specialist_and_says_when_the_client_came() -> None:
    reader = _reader(replace(LETTER, client_date_of_birth=None))
    assert reader.metadata is not None and reader.metadata.title == "Referral to Dr Anna Weiss, dermatologist"
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Client Zofia Łukasiewicz Date of birth —" in text
    assert "Zofia Łukasiewicz came to us for microneedling on 1 June 2026." in text
    assert "Date 2 June 2026" in text


def test_markup_characters_in_names_print_as_typed() -> None:
    text = _pages(replace(LETTER, referred_to="Dr <b>Weiss</b> & Partners", decided_by="A&amp;B"))[0]
    assert "To Dr <b>Weiss</b> & Partners" in text and "A&amp;B" in text
