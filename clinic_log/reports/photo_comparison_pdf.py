"""The before/after page a client takes home: one page with the aftercare sheet's header, the client, the view,
and the two photos side by side, each captioned with the day it was taken and its session number.

``build_photo_comparison_pdf(comparison)`` turns a :class:`PhotoComparison` into PDF bytes from the pieces in
:mod:`clinic_log.reports.sheet_layout`; the footer reads "Photo comparison · Client {ref} · Page x of y".
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any

from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    Flowable,
    Image,
    Spacer,
    Table,
)

from clinic_log.reports.sheet_data import ComparisonSide, PhotoComparison
from clinic_log.reports.sheet_layout import (
    TIGHT,
    SheetStyles,
    build_sheet,
    details_table,
    format_date,
    para,
    sheet_heading,
    table_cell,
)

__all__ = ["build_photo_comparison_pdf", "footer_text"]

TITLE = "Your before and after photos"
GAP = 6 * mm
MAX_PHOTO_H = 150 * mm  # both photos, the header and the captions stay on one page (A4 and Letter)


def footer_text(found: PhotoComparison, page: int, pages: int) -> str:
    return f"Photo comparison · Client {found.client_ref} · Page {page} of {pages}"


def build_photo_comparison_pdf(found: PhotoComparison) -> bytes:
    """Build the comparison page and return the PDF file's bytes."""
    return build_sheet(found.clinic.paper, f"{TITLE}: {found.view.label}", found.clinic.name,
                       f"Photo comparison, client {found.client_ref}", partial(_story, found),
                       partial(footer_text, found))


def _story(found: PhotoComparison, st: SheetStyles, width: float) -> list[Flowable]:
    story = sheet_heading(found.clinic, TITLE, st, width)
    story.append(_details(found, st, width))
    story.append(Spacer(1, 10))
    column = (width - GAP) / 2
    captions = [para(f"Before · {_caption(found.before)}", st.body, bold=True),
                para(f"After · {_caption(found.after)}", st.body, bold=True)]
    photos = [_photo(found.before, column), _photo(found.after, column)]
    story.append(Table([captions, photos], colWidths=[column + GAP / 2, column + GAP / 2], hAlign="LEFT",
                       style=[*TIGHT, ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, 0), 4)]))
    story += [Spacer(1, 10), para("These photos are part of your treatment record at the clinic. They are not shared "
                                  "with anyone without your consent.", st.body)]
    return story


def _caption(side: ComparisonSide) -> str:
    number = f", session {side.session_number}" if side.session_number else ""
    return f"{format_date(side.taken_on)}{number}"


def _photo(side: ComparisonSide, column: float) -> Flowable:
    reader = ImageReader(io.BytesIO(side.image))
    img_w, img_h = reader.getSize()
    scale = min(column / img_w, MAX_PHOTO_H / img_h)
    image = Image(io.BytesIO(side.image), width=img_w * scale, height=img_h * scale)
    image.hAlign = "LEFT"
    return image


def _details(found: PhotoComparison, st: SheetStyles, width: float) -> Flowable:
    label_w, label2_w, value2_w = 24 * mm, 30 * mm, 50 * mm
    value_w = width - label_w - label2_w - value2_w
    data: list[list[Any]] = [
        ["Client", table_cell(found.client_name, st.cell, value_w, bold=True), "Date", format_date(found.printed_on)],
        ["View", table_cell(found.view.label, st.cell, value_w), "Client ref", found.client_ref],
    ]
    return details_table(data, [label_w, value_w, label2_w, value2_w])
