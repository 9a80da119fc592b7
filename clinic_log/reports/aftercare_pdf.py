"""The aftercare sheet a client takes home, built as a PDF with reportlab platypus.

``build_aftercare_pdf(sheet)`` turns an :class:`AftercareSheet` into PDF bytes: a header
with the clinic's logo, name, address and phone; the title; the treatment details; the
areas treated; the products applied (or, when none was recorded, the clinic's post-care
product); the aftercare timeline; the paragraph for darker skin when the client's skin type
asks for it; a boxed "Call us if…" panel with the clinic's phone, its out-of-hours number
and the emergency line; what was noted today (complications, only when there are any, with
a plain "mild / moderate / severe"); the next appointment; and a footer on every page,
"Template v{n} · Session {id} · Page x of y". The last section and the next appointment are
kept together, so a line never sits alone at the top of page 2.

All visible text goes through :func:`clinic_log.reports.fonts.markup`, so client and
practitioner names in any script print with a font that has their glyphs. Fonts and
paragraph styles are set up once per process and reused for every sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    Flowable,
    KeepTogether,
    Spacer,
    Table,
)

from clinic_log.reports import fonts
from clinic_log.reports.sheet_data import (
    AftercareSheet,
    SheetArea,
    SheetComplication,
    TimelineStep,
    severity_word,
)
from clinic_log.reports.sheet_layout import (
    ALERT,
    ALERT_BG,
    MUTED_HEX,
    PANEL_PAD,
    CachedPara,
    SheetStyles,
    build_sheet,
    details_table,
    format_date,
    format_datetime,
    grid_style,
    one_line,
    page_size,
    para,
    section_heading,
    sheet_heading,
    table_cell,
)

__all__ = ["build_aftercare_pdf", "footer_text", "page_size"]

def footer_text(sheet: AftercareSheet, page: int, pages: int) -> str:
    """The footer line printed on every page."""
    return f"Template v{sheet.template_version} · Session {sheet.session_id} · Page {page} of {pages}"


def build_aftercare_pdf(sheet: AftercareSheet) -> bytes:
    """Build the client's aftercare sheet and return the PDF file's bytes."""
    return build_sheet(sheet.clinic.paper, sheet.title, sheet.clinic.name,
                       f"Aftercare sheet, session {sheet.session_id}", partial(_story, sheet),
                       partial(footer_text, sheet))


def _story(sheet: AftercareSheet, st: SheetStyles, width: float) -> list[Flowable]:
    story = sheet_heading(sheet.clinic, sheet.title, st, width)
    story.append(_details(sheet, st, width))
    if sheet.areas:
        story += section_heading("Areas treated", st, width)
        story.append(_areas_table(sheet.areas, st, width))
    story.append(Spacer(1, 6))
    story.append(_products(sheet, st))
    if sheet.timeline:
        story += section_heading("Looking after your skin", st, width)
        story.append(_timeline_table(sheet.timeline, st, width))
    if sheet.skin_type_note:
        story.append(Spacer(1, 6))
        story.append(CachedPara(fonts.markup("Your skin type: ", bold=True) + fonts.markup(sheet.skin_type_note),
                           fonts.style_for(sheet.skin_type_note, st.body)))
    story.append(Spacer(1, 8))
    story.append(_call_us_panel(sheet, st, width))
    # The last section and the next appointment move to the next page together: never one line alone.
    tail: list[Flowable] = []
    if sheet.complications:
        tail += [one_line("About what we noted today", st.section, width),
                 _complications_table(sheet.complications, st, width)]
    if sheet.next_appointment:
        tail.append(Spacer(1, 7))
        tail.append(
            CachedPara(
                fonts.markup("Next appointment: ", bold=True) + fonts.markup(sheet.next_appointment),
                fonts.style_for(sheet.next_appointment, st.body),
            )
        )
    if tail:
        story.append(KeepTogether(tail))
    return story


def _products(sheet: AftercareSheet, st: SheetStyles) -> Flowable:
    """What was applied today; when nothing was recorded, the clinic's post-care product instead of "none"."""
    if sheet.products:
        label, value = "Products applied: ", ", ".join(sheet.products)
    elif sheet.post_care_product:
        label, value = "Post-care product: ", sheet.post_care_product
    else:
        label, value = "Products applied: ", "none"
    return CachedPara(fonts.markup(label, bold=True) + fonts.markup(value), fonts.style_for(value, st.body))


def _details(sheet: AftercareSheet, st: SheetStyles, width: float) -> Flowable:
    practitioner = sheet.practitioner_name
    if sheet.supervisor_name:
        practitioner = f"{practitioner}, supervised by {sheet.supervisor_name}"
    # Two label/value pairs a row: the short dates sit beside the name and the practitioner.
    pairs: list[tuple[tuple[str, str], tuple[str, str] | None]] = [
        (("Client", sheet.client_name),
         ("Date of birth", format_date(sheet.client_date_of_birth)) if sheet.client_date_of_birth else None),
        (("Practitioner", practitioner), ("Date of treatment", format_datetime(sheet.session_started_at))),
        (("Device", sheet.device_name), None),
    ]
    # The labels are fixed ASCII text that DejaVu Sans covers: plain cell strings are much
    # cheaper to lay out than paragraphs. Everything from the sheet goes through markup().
    label_w, label2_w, value2_w = 24 * mm, 30 * mm, 50 * mm
    value_w = width - label_w - label2_w - value2_w
    data: list[list[Any]] = []
    spans: list[tuple[Any, ...]] = []
    for row, ((label, value), second) in enumerate(pairs):
        if second is None:
            data.append([label, table_cell(value, st.cell, width - label_w, bold=label == "Client"), "", ""])
            spans.append(("SPAN", (1, row), (3, row)))
        else:
            data.append([label, table_cell(value, st.cell, value_w, bold=label == "Client"), second[0],
                         table_cell(second[1], st.cell, value2_w)])
    return details_table(data, [label_w, value_w, label2_w, value2_w], spans)


def _areas_table(areas: Sequence[SheetArea], st: SheetStyles, width: float) -> Flowable:
    """Area, depth and passes; from four areas on, two of them side by side (left column first), to keep the sheet
    on one page."""
    halves = 2 if len(areas) >= 4 else 1
    gap = 6 * mm if halves == 2 else 0
    depth_w, passes_w = (19 * mm, 14 * mm) if halves == 2 else (28 * mm, 28 * mm)
    label_w = (width - gap) / halves - depth_w - passes_w
    head = ["Area", "Depth (mm)", "Passes"]
    # Headings and numbers are fixed ASCII text: plain cell strings.
    rows = [[table_cell(a.label, st.cell, label_w), f"{a.depth_mm:.2f}", str(a.passes)] for a in areas]
    if halves == 1:
        data: list[list[Any]] = [head, *rows]
        style = grid_style(len(data))
        style.add("ALIGN", (1, 0), (-1, -1), "RIGHT")
        return Table(data, colWidths=[label_w, depth_w, passes_w], repeatRows=1, style=style)
    left = (len(rows) + 1) // 2
    data = [[*head, "", *head]]
    for i in range(left):
        right = rows[left + i] if left + i < len(rows) else ["", "", ""]
        data.append([*rows[i], "", *right])
    style = grid_style(len(data))
    for commands in (("ALIGN", (1, 0), (2, -1), "RIGHT"), ("ALIGN", (5, 0), (6, -1), "RIGHT"),
                     ("BACKGROUND", (3, 0), (3, -1), colors.white), ("LINEBELOW", (3, 0), (3, -1), 0, colors.white)):
        style.add(*commands)
    return Table(data, colWidths=[label_w, depth_w, passes_w, gap, label_w, depth_w, passes_w], repeatRows=1,
                 style=style)


def _timeline_table(steps: Sequence[TimelineStep], st: SheetStyles, width: float) -> Flowable:
    when_w = 37 * mm
    data: list[list[Any]] = [["When", "What to do"]]
    data += [[table_cell(s.when, st.cell, when_w, bold=True), para(s.text, st.cell)] for s in steps]
    style = grid_style(len(data))
    style.add("FONT", (0, 1), (0, -1), fonts.BOLD, 9, 11)
    return Table(data, colWidths=[when_w, width - when_w], repeatRows=1, style=style)


def _complications_table(items: Sequence[SheetComplication], st: SheetStyles, width: float) -> Flowable:
    label_w = 50 * mm
    # The client reads "mild / moderate / severe", never a grading scale's name or number.
    severity = '<br/><font size="8.5" color="{color}">{word}</font>'
    data: list[list[Any]] = [
        [
            CachedPara(
                fonts.markup(c.label, bold=True)
                + severity.format(color=MUTED_HEX, word=severity_word(c.grade).capitalize()),
                fonts.style_for(c.label, st.cell),
            ),
            para(c.instructions, st.cell),
        ]
        for c in items
    ]
    return Table(data, colWidths=[label_w, width - label_w], style=grid_style(len(data), header=False))


def _call_us_panel(sheet: AftercareSheet, st: SheetStyles, width: float) -> Flowable:
    inner = width - 2 * PANEL_PAD
    clinic = sheet.clinic
    content: list[Flowable] = [one_line("Call us if…", st.alert_head, inner), para(sheet.call_us, st.body)]
    # The phone and the out-of-hours number on one line when they fit; neither number is broken.
    phones = [fonts.markup(f"Call {clinic.phone}".replace(" ", "\u00a0"))] if clinic.phone else []
    if clinic.out_of_hours_phone:
        phones.append('<font size="11">' + fonts.markup(f"Out of hours: {clinic.out_of_hours_phone}"
                                                         .replace(" ", "\u00a0")) + "</font>")
    if phones:
        content.append(CachedPara("&nbsp;&nbsp;&nbsp; ".join(phones), st.alert_phone))
    if sheet.emergency:
        content.append(Spacer(1, 4))
        content.append(para(sheet.emergency, st.alert_emergency, bold=True))
    return Table(
        [[content]],
        colWidths=[width],
        style=[
            ("BOX", (0, 0), (-1, -1), 1.5, ALERT),
            ("BACKGROUND", (0, 0), (-1, -1), ALERT_BG),
            ("LEFTPADDING", (0, 0), (-1, -1), PANEL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PANEL_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 7),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ],
    )


