"""The pre-treatment sheet a client gets before a session, built as a PDF with reportlab platypus.

``build_pretreatment_pdf(sheet)`` turns a :class:`PretreatmentSheet` into PDF bytes with the aftercare sheet's look
(the pieces in :mod:`clinic_log.reports.sheet_layout`): the clinic header, the title, the client's details, a
boxed "For you" panel with the lines about the client's own findings (only when there are any), what to stop and
when, what to expect during and after, and a "Call us" panel with the clinic's phone. The footer on every page reads
"Pre-treatment template v{n} · Client {ref} · Page x of y".
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    Flowable,
    Spacer,
    Table,
)

from clinic_log.reports import fonts
from clinic_log.reports.sheet_data import PretreatmentSheet, TimelineStep
from clinic_log.reports.sheet_layout import (
    ALERT,
    ALERT_BG,
    PANEL_PAD,
    SheetStyles,
    build_sheet,
    details_table,
    format_date,
    grid_style,
    one_line,
    para,
    section_heading,
    sheet_heading,
    table_cell,
)

__all__ = ["build_pretreatment_pdf", "footer_text"]


def footer_text(sheet: PretreatmentSheet, page: int, pages: int) -> str:
    """The footer line printed on every page."""
    return f"Pre-treatment template v{sheet.template_version} · Client {sheet.client_ref} · Page {page} of {pages}"


def build_pretreatment_pdf(sheet: PretreatmentSheet) -> bytes:
    """Build the client's pre-treatment sheet and return the PDF file's bytes."""
    return build_sheet(sheet.clinic.paper, sheet.title, sheet.clinic.name,
                       f"Pre-treatment sheet, client {sheet.client_ref}", partial(_story, sheet),
                       partial(footer_text, sheet))


def _story(sheet: PretreatmentSheet, st: SheetStyles, width: float) -> list[Flowable]:
    story = sheet_heading(sheet.clinic, sheet.title, st, width)
    story.append(_details(sheet, st, width))
    if sheet.intro:
        story += [Spacer(1, 6), para(sheet.intro, st.body)]
    if sheet.for_you:
        story += [Spacer(1, 8), _for_you_panel(sheet.for_you, st, width)]
    story += section_heading("Before your treatment", st, width)
    story.append(_steps_table(sheet.before, "What to do", st, width))
    if sheet.expect:
        story += section_heading("What to expect", st, width)
        story.append(_steps_table(sheet.expect, "", st, width))
    story += [Spacer(1, 8), _call_us_panel(sheet, st, width)]
    return story


def _details(sheet: PretreatmentSheet, st: SheetStyles, width: float) -> Flowable:
    label_w, label2_w, value2_w = 24 * mm, 30 * mm, 50 * mm
    value_w = width - label_w - label2_w - value2_w
    born = format_date(sheet.client_date_of_birth) if sheet.client_date_of_birth else "—"
    treatment = "RF microneedling" if sheet.modality == "rf" else "Microneedling"
    data: list[list[Any]] = [
        ["Client", table_cell(sheet.client_name, st.cell, value_w, bold=True), "Date of birth", born],
        ["Treatment", treatment, "Printed on", format_date(sheet.printed_on)],
    ]
    return details_table(data, [label_w, value_w, label2_w, value2_w])


def _steps_table(steps: Sequence[TimelineStep], head: str, st: SheetStyles, width: float) -> Flowable:
    when_w = 37 * mm
    data: list[list[Any]] = [["When", head]] if head else []
    data += [[table_cell(s.when, st.cell, when_w, bold=True), para(s.text, st.cell)] for s in steps]
    style = grid_style(len(data), header=bool(head))
    style.add("FONT", (0, 1 if head else 0), (0, -1), fonts.BOLD, 9, 11)
    return Table(data, colWidths=[when_w, width - when_w], repeatRows=1 if head else 0, style=style)


def _boxed(content: list[Flowable], width: float) -> Flowable:
    return Table(
        [[content]], colWidths=[width],
        style=[
            ("BOX", (0, 0), (-1, -1), 1.5, ALERT),
            ("BACKGROUND", (0, 0), (-1, -1), ALERT_BG),
            ("LEFTPADDING", (0, 0), (-1, -1), PANEL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PANEL_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 7),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ],
    )  # fmt: skip


def _for_you_panel(lines: Sequence[str], st: SheetStyles, width: float) -> Flowable:
    """The lines about the client's own record, in bold in a red box: they matter more than the general advice."""
    inner = width - 2 * PANEL_PAD
    content: list[Flowable] = [one_line("For you", st.alert_head, inner)]
    content += [para(f"• {line}", st.body, bold=True) for line in lines]
    return _boxed(content, width)


def _call_us_panel(sheet: PretreatmentSheet, st: SheetStyles, width: float) -> Flowable:
    inner = width - 2 * PANEL_PAD
    content: list[Flowable] = [one_line("Call us", st.alert_head, inner), para(sheet.call_us, st.body)]
    if sheet.clinic.phone:
        content.append(_phone_line(f"Call {sheet.clinic.phone}", st))
    return _boxed(content, width)


def _phone_line(text: str, st: SheetStyles) -> Flowable:
    """The phone number on one line, never broken (as on the aftercare sheet)."""
    return para(text.replace(" ", "\u00a0"), st.alert_phone)

