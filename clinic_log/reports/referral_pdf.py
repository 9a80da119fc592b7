"""The referral letter a client takes to a specialist, built as a PDF with the aftercare sheet's look.

``build_referral_pdf(letter)`` turns a :class:`ReferralLetter` into PDF bytes from the pieces in
:mod:`clinic_log.reports.sheet_layout`: the clinic header, "To: <referred to>", the client's name and date of birth,
the reason the clinic did not treat and refers, and the clinic's contact for the reply. The footer on every page
reads "Referral letter · Client {ref} · Page x of y".
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any

from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    PageTemplate,
    Spacer,
    Table,
)

from clinic_log.reports import fonts
from clinic_log.reports.sheet_data import ReferralLetter
from clinic_log.reports.sheet_layout import (
    ACCENT,
    CELL_PAD,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    ZEBRA_BG,
    FooterCanvas,
    SheetStyles,
    clinic_header,
    format_date,
    one_line,
    page_size,
    para,
    section_heading,
    sheet_styles,
    table_cell,
)

__all__ = ["build_referral_pdf", "footer_text"]

TITLE = "Referral"


def footer_text(letter: ReferralLetter, page: int, pages: int) -> str:
    return f"Referral letter · Client {letter.client_ref} · Page {page} of {pages}"


def build_referral_pdf(letter: ReferralLetter) -> bytes:
    """Build the referral letter and return the PDF file's bytes."""
    styles = sheet_styles()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=page_size(letter.clinic.paper),
        leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=f"Referral to {letter.referred_to}", author=letter.clinic.name,
        subject=f"Referral letter, client {letter.client_ref}", creator="Clinic Log", invariant=True,
        initialFontName=fonts.REGULAR, initialFontSize=9.5,
    )  # fmt: skip
    width: float = doc.width
    frame = Frame(doc.leftMargin, doc.bottomMargin, width, doc.height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="letter", frames=[frame])])
    doc.build(_story(letter, styles, width), canvasmaker=partial(FooterCanvas, footer=partial(footer_text, letter)))
    return buffer.getvalue()


def _story(letter: ReferralLetter, st: SheetStyles, width: float) -> list[Flowable]:
    story: list[Flowable] = clinic_header(letter.clinic, st, width)
    story.append(HRFlowable(width="100%", thickness=1.2, color=ACCENT, spaceBefore=4, spaceAfter=7))
    story.append(one_line(TITLE, st.title, width))
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
    return Table(
        data, colWidths=[label_w, value_w, label2_w, value2_w], hAlign="LEFT",
        style=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("BACKGROUND", (0, 0), (-1, -1), ZEBRA_BG),
            ("LINEBEFORE", (0, 0), (0, -1), 2.5, ACCENT),
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9, 11),
            ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
            ("TEXTCOLOR", (2, 0), (2, -1), MUTED),
        ],
    )  # fmt: skip
