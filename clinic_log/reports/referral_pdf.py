"""The referral letter a client takes to a specialist, built as a PDF with the aftercare sheet's look.

``build_referral_pdf(letter)`` turns a :class:`ReferralLetter` into PDF bytes from the pieces in
:mod:`clinic_log.reports.sheet_layout`: the clinic header, "To: <referred to>", the client's name and date of birth,
the reason the clinic did not treat and refers, and the clinic's contact for the reply. The footer on every page
reads "Referral letter · Client {ref} · Page x of y".
"""

from __future__ import annotations

from functools import partial
from typing import Any

from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    Flowable,
    Spacer,
)

from clinic_log.reports.sheet_data import ReferralLetter
from clinic_log.reports.sheet_layout import (
    SheetStyles,
    build_sheet,
    details_table,
    format_date,
    para,
    section_heading,
    sheet_heading,
    table_cell,
)

__all__ = ["build_referral_pdf", "footer_text"]

TITLE = "Referral"


def footer_text(letter: ReferralLetter, page: int, pages: int) -> str:
    return f"Referral letter · Client {letter.client_ref} · Page {page} of {pages}"


def build_referral_pdf(letter: ReferralLetter) -> bytes:
    """Build the referral letter and return the PDF file's bytes."""
    return build_sheet(letter.clinic.paper, f"Referral to {letter.referred_to}", letter.clinic.name,
                       f"Referral letter, client {letter.client_ref}", partial(_story, letter),
                       partial(footer_text, letter))


def _story(letter: ReferralLetter, st: SheetStyles, width: float) -> list[Flowable]:
    story = sheet_heading(letter.clinic, TITLE, st, width)
    story.append(_details(letter, st, width))
    story += [Spacer(1, 10), para("Dear colleague,", st.body), Spacer(1, 6),
              para(f"{letter.client_name} came to us for microneedling on {format_date(letter.decided_on)}. We did "
                   "not treat them, and refer them to you for your assessment.", st.body)]
    story += section_heading("Reason for referral", st, width)
    story += [para(line, st.body) for line in letter.reason.splitlines() if line.strip()]
    story += section_heading("Reply to", st, width)
    contact = [letter.clinic.name, letter.clinic.address, letter.clinic.phone and f"Tel. {letter.clinic.phone}"]
    story += [para(line, st.body) for line in contact if line]
    story += [Spacer(1, 14), para("Yours sincerely,", st.body), Spacer(1, 18),
              para(letter.decided_by, st.body, bold=True), para(letter.clinic.name, st.body)]
    return story


def _details(letter: ReferralLetter, st: SheetStyles, width: float) -> Flowable:
    label_w, label2_w, value2_w = 24 * mm, 30 * mm, 50 * mm
    value_w = width - label_w - label2_w - value2_w
    born = format_date(letter.client_date_of_birth) if letter.client_date_of_birth else "—"
    data: list[list[Any]] = [
        ["To", table_cell(letter.referred_to, st.cell, value_w, bold=True), "Date", format_date(letter.printed_on)],
        ["Client", table_cell(letter.client_name, st.cell, value_w, bold=True), "Date of birth", born],
    ]
    return details_table(data, [label_w, value_w, label2_w, value2_w])
