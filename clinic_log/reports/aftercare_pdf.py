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

import io
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.pagesizes import A4, letter  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from clinic_log.reports import fonts
from clinic_log.reports.sheet_data import (
    AftercareSheet,
    SheetArea,
    SheetComplication,
    TimelineStep,
    severity_word,
)

__all__ = ["build_aftercare_pdf", "footer_text", "page_size"]

_log = logging.getLogger(__name__)

_PAGE_SIZES: dict[str, tuple[float, float]] = {"a4": A4, "letter": letter}

_MARGIN_X = 18 * mm
_MARGIN_TOP = 15 * mm
_MARGIN_BOTTOM = 18 * mm
_FOOTER_Y = 9 * mm
_LOGO_MAX_W = 38 * mm
_LOGO_MAX_H = 18 * mm
_LOGO_COL = _LOGO_MAX_W + 5 * mm
_CELL_PAD = 6
_PANEL_PAD = 10
_SECTION_MIN_ROOM = 30 * mm  # start a section on a new page if less room than this is left

_ACCENT = colors.HexColor("#1F5F74")
_MUTED_HEX = "#5B6770"
_MUTED = colors.HexColor(_MUTED_HEX)
_RULE = colors.HexColor("#C9D6DC")
_HEADER_BG = colors.HexColor("#E6EFF2")
_ZEBRA_BG = colors.HexColor("#F5F8F9")
_ALERT = colors.HexColor("#B03A2E")
_ALERT_BG = colors.HexColor("#FBEFED")

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class _Styles:
    clinic_name: ParagraphStyle
    clinic_line: ParagraphStyle
    title: ParagraphStyle
    section: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle
    alert_head: ParagraphStyle
    alert_phone: ParagraphStyle
    alert_ooh: ParagraphStyle
    alert_emergency: ParagraphStyle


_styles_lock = threading.Lock()
_styles_cache: _Styles | None = None


def _styles() -> _Styles:
    """Paragraph styles, built once (after the fonts are registered) and then reused."""
    global _styles_cache
    cached = _styles_cache
    if cached is not None:
        return cached
    with _styles_lock:
        if _styles_cache is None:
            fonts.ensure_registered()
            body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9.5, leading=12)
            cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11)
            _styles_cache = _Styles(
                clinic_name=ParagraphStyle(
                    "clinic_name",
                    parent=body,
                    fontName=fonts.BOLD,
                    fontSize=14,
                    leading=17,
                    textColor=_ACCENT,
                ),
                clinic_line=ParagraphStyle(
                    "clinic_line", parent=body, fontSize=9, leading=11.5, textColor=_MUTED
                ),
                title=ParagraphStyle(
                    "title",
                    parent=body,
                    fontName=fonts.BOLD,
                    fontSize=16,
                    leading=20,
                    spaceBefore=2,
                    spaceAfter=6,
                ),
                section=ParagraphStyle(
                    "section",
                    parent=body,
                    fontName=fonts.BOLD,
                    fontSize=11,
                    leading=14,
                    textColor=_ACCENT,
                    spaceBefore=7,
                    spaceAfter=4,
                ),
                body=body,
                cell=cell,
                alert_head=ParagraphStyle(
                    "alert_head", parent=body, fontName=fonts.BOLD, fontSize=11, leading=14, textColor=_ALERT
                ),
                alert_phone=ParagraphStyle(
                    "alert_phone",
                    parent=body,
                    fontName=fonts.BOLD,
                    fontSize=15,
                    leading=19,
                    spaceBefore=4,
                    textColor=_ALERT,
                ),
                alert_ooh=ParagraphStyle(
                    "alert_ooh", parent=body, fontName=fonts.BOLD, fontSize=11, leading=14, textColor=_ALERT
                ),
                alert_emergency=ParagraphStyle("alert_emergency", parent=body, textColor=_ALERT),
            )
        return _styles_cache


def page_size(paper: str) -> tuple[float, float]:
    """Page size in points for ``"A4"`` or ``"Letter"`` (case-insensitive)."""
    try:
        return _PAGE_SIZES[paper.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown paper size {paper!r}; expected 'A4' or 'Letter'") from None


def footer_text(sheet: AftercareSheet, page: int, pages: int) -> str:
    """The footer line printed on every page."""
    return f"Template v{sheet.template_version} · Session {sheet.session_id} · Page {page} of {pages}"


def build_aftercare_pdf(sheet: AftercareSheet) -> bytes:
    """Build the client's aftercare sheet and return the PDF file's bytes."""
    styles = _styles()
    size = page_size(sheet.clinic.paper)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=_MARGIN_X,
        rightMargin=_MARGIN_X,
        topMargin=_MARGIN_TOP,
        bottomMargin=_MARGIN_BOTTOM,
        title=sheet.title,
        author=sheet.clinic.name,
        subject=f"Aftercare sheet, session {sheet.session_id}",
        creator="Clinic Log",
        invariant=True,
        initialFontName=fonts.REGULAR,
        initialFontSize=9.5,
    )
    width: float = doc.width
    # No frame padding: tables are exactly the text width and line up with the paragraphs.
    frame = Frame(
        doc.leftMargin, doc.bottomMargin, width, doc.height,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body",
    )  # fmt: skip
    doc.addPageTemplates([PageTemplate(id="sheet", frames=[frame])])
    story = _story(sheet, styles, width)
    doc.build(story, canvasmaker=partial(_FooterCanvas, footer=partial(footer_text, sheet)))
    return buffer.getvalue()


# --- story -------------------------------------------------------------------------------


class _Para(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A Paragraph that remembers its last wrap.

    A table lays out each cell once to size its rows and again when it draws them; line
    breaking only depends on the available width, so the second wrap at the same width
    reuses the first one's result instead of breaking the lines again.
    """

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        cached = self._wrapped
        if cached is not None and cached[0] == availWidth:
            return cached[1]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size


def _p(text: str, style: ParagraphStyle, bold: bool = False) -> Paragraph:
    return _Para(fonts.markup(text, bold=bold), fonts.style_for(text, style))


class _OneLine(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """One line of plain text in a paragraph style, drawn straight onto the canvas.

    It prints like a one-line Paragraph in the same style (same baseline, spacing and
    colour) but skips the markup parser and the line breaker. Only for text that DejaVu
    Sans covers and that fits the width; ``_line`` decides.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        leading: float = self.style.leading
        return availWidth, leading

    def draw(self) -> None:
        style = self.style
        canvas = self.canv
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize, style.leading)
        canvas.drawString(0, style.leading - style.fontSize, self.text)


def _fits_plain(text: str, font: str, size: float, width: float) -> bool:
    return text.isprintable() and fonts.covers(text) and stringWidth(text, font, size) <= width


def _line(text: str, style: ParagraphStyle, width: float) -> Flowable:
    """A one-line heading or label: a cheap ``_OneLine`` when it can be, else a paragraph."""
    plain = " ".join(text.split())
    if plain and _fits_plain(plain, style.fontName, style.fontSize, width):
        return _OneLine(plain, style)
    return _p(text, style)


def _cell(text: str, style: ParagraphStyle, width: float, bold: bool = False) -> str | Paragraph:
    """A table cell: a plain string if ``text`` is one line that DejaVu Sans covers, else a paragraph.

    A plain cell string is drawn by the table in the cell's FONT (which the caller sets to
    match ``bold``) and prints exactly like the one-line paragraph would, at a fraction of
    the layout cost. Anything else (a fallback-font run, wrapping) gets a paragraph.
    """
    plain = " ".join(text.split())
    font = fonts.BOLD if bold else fonts.REGULAR
    if plain and _fits_plain(plain, font, style.fontSize, width - 2 * _CELL_PAD):
        return plain
    return _p(text, style, bold=bold)


def _section(title: str, st: _Styles, width: float) -> list[Flowable]:
    # CondPageBreak instead of keepWithNext: it keeps a heading off the foot of a page
    # without laying out the following table twice.
    return [CondPageBreak(_SECTION_MIN_ROOM), _line(title, st.section, width)]


def _story(sheet: AftercareSheet, st: _Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = _header(sheet, st, width)
    story.append(HRFlowable(width="100%", thickness=1.2, color=_ACCENT, spaceBefore=4, spaceAfter=7))
    story.append(_line(sheet.title, st.title, width))
    story.append(_details(sheet, st, width))
    if sheet.areas:
        story += _section("Areas treated", st, width)
        story.append(_areas_table(sheet.areas, st, width))
    story.append(Spacer(1, 6))
    story.append(_products(sheet, st))
    if sheet.timeline:
        story += _section("Looking after your skin", st, width)
        story.append(_timeline_table(sheet.timeline, st, width))
    if sheet.skin_type_note:
        story.append(Spacer(1, 6))
        story.append(_Para(fonts.markup("Your skin type: ", bold=True) + fonts.markup(sheet.skin_type_note),
                           fonts.style_for(sheet.skin_type_note, st.body)))
    story.append(Spacer(1, 8))
    story.append(_call_us_panel(sheet, st, width))
    # The last section and the next appointment move to the next page together: never one line alone.
    tail: list[Flowable] = []
    if sheet.complications:
        tail += [_line("About what we noted today", st.section, width),
                 _complications_table(sheet.complications, st, width)]
    if sheet.next_appointment:
        tail.append(Spacer(1, 7))
        tail.append(
            _Para(
                fonts.markup("Next appointment: ", bold=True) + fonts.markup(sheet.next_appointment),
                fonts.style_for(sheet.next_appointment, st.body),
            )
        )
    if tail:
        story.append(KeepTogether(tail))
    return story


def _products(sheet: AftercareSheet, st: _Styles) -> Flowable:
    """What was applied today; when nothing was recorded, the clinic's post-care product instead of "none"."""
    if sheet.products:
        label, value = "Products applied: ", ", ".join(sheet.products)
    elif sheet.post_care_product:
        label, value = "Post-care product: ", sheet.post_care_product
    else:
        label, value = "Products applied: ", "none"
    return _Para(fonts.markup(label, bold=True) + fonts.markup(value), fonts.style_for(value, st.body))


def _header(sheet: AftercareSheet, st: _Styles, width: float) -> list[Flowable]:
    clinic = sheet.clinic
    logo = _logo(clinic.logo_path)
    text_w = width if logo is None else width - _LOGO_COL
    lines: list[Flowable] = [_line(clinic.name, st.clinic_name, text_w)]
    contact = " · ".join(part for part in (clinic.address, clinic.phone and f"Tel. {clinic.phone}") if part)
    if contact:
        lines.append(_line(contact, st.clinic_line, text_w))
    if logo is None:
        return lines
    table = Table(
        [[logo, lines]],
        colWidths=[_LOGO_COL, text_w],
        style=[*_TIGHT, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, 0), "LEFT")],
    )
    return [table]


def _logo(path: str | None) -> Image | None:
    """The clinic logo scaled to fit the header, or None (a bad logo must not stop printing)."""
    if not path:
        return None
    try:
        img_w, img_h = ImageReader(path).getSize()
        scale = min(_LOGO_MAX_W / img_w, _LOGO_MAX_H / img_h)
        logo = Image(path, width=img_w * scale, height=img_h * scale)
    except Exception:  # reportlab/PIL raise assorted errors for unreadable images
        _log.warning("clinic logo %r could not be read; printing without it", path, exc_info=True)
        return None
    logo.hAlign = "LEFT"
    return logo


def _details(sheet: AftercareSheet, st: _Styles, width: float) -> Flowable:
    practitioner = sheet.practitioner_name
    if sheet.supervisor_name:
        practitioner = f"{practitioner}, supervised by {sheet.supervisor_name}"
    # Two label/value pairs a row: the short dates sit beside the name and the practitioner.
    pairs: list[tuple[tuple[str, str], tuple[str, str] | None]] = [
        (("Client", sheet.client_name),
         ("Date of birth", _format_date(sheet.client_date_of_birth)) if sheet.client_date_of_birth else None),
        (("Practitioner", practitioner), ("Date of treatment", _format_datetime(sheet.session_started_at))),
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
            data.append([label, _cell(value, st.cell, width - label_w, bold=label == "Client"), "", ""])
            spans.append(("SPAN", (1, row), (3, row)))
        else:
            data.append([label, _cell(value, st.cell, value_w, bold=label == "Client"), second[0],
                         _cell(second[1], st.cell, value2_w)])
    return Table(
        data,
        colWidths=[label_w, value_w, label2_w, value2_w],
        hAlign="LEFT",
        style=[
            *spans,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("BACKGROUND", (0, 0), (-1, -1), _ZEBRA_BG),
            ("LINEBEFORE", (0, 0), (0, -1), 2.5, _ACCENT),
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9, 11),
            ("FONT", (1, 0), (1, 0), fonts.BOLD, 9, 11),  # the client's name
            ("TEXTCOLOR", (0, 0), (0, -1), _MUTED),
            ("TEXTCOLOR", (2, 0), (2, -1), _MUTED),
        ],
    )


def _areas_table(areas: Sequence[SheetArea], st: _Styles, width: float) -> Flowable:
    """Area, depth and passes; from four areas on, two of them side by side (left column first), to keep the sheet
    on one page."""
    halves = 2 if len(areas) >= 4 else 1
    gap = 6 * mm if halves == 2 else 0
    depth_w, passes_w = (24 * mm, 17 * mm) if halves == 2 else (28 * mm, 28 * mm)
    label_w = (width - gap) / halves - depth_w - passes_w
    head = ["Area", "Depth (mm)", "Passes"]
    # Headings and numbers are fixed ASCII text: plain cell strings.
    rows = [[_cell(a.label, st.cell, label_w), f"{a.depth_mm:.2f}", str(a.passes)] for a in areas]
    if halves == 1:
        data: list[list[Any]] = [head, *rows]
        style = _grid_style(len(data))
        style.add("ALIGN", (1, 0), (-1, -1), "RIGHT")
        return Table(data, colWidths=[label_w, depth_w, passes_w], repeatRows=1, style=style)
    left = (len(rows) + 1) // 2
    data = [[*head, "", *head]]
    for i in range(left):
        right = rows[left + i] if left + i < len(rows) else ["", "", ""]
        data.append([*rows[i], "", *right])
    style = _grid_style(len(data))
    for commands in (("ALIGN", (1, 0), (2, -1), "RIGHT"), ("ALIGN", (5, 0), (6, -1), "RIGHT"),
                     ("BACKGROUND", (3, 0), (3, -1), colors.white), ("LINEBELOW", (3, 0), (3, -1), 0, colors.white)):
        style.add(*commands)
    return Table(data, colWidths=[label_w, depth_w, passes_w, gap, label_w, depth_w, passes_w], repeatRows=1,
                 style=style)


def _timeline_table(steps: Sequence[TimelineStep], st: _Styles, width: float) -> Flowable:
    when_w = 37 * mm
    data: list[list[Any]] = [["When", "What to do"]]
    data += [[_cell(s.when, st.cell, when_w, bold=True), _p(s.text, st.cell)] for s in steps]
    style = _grid_style(len(data))
    style.add("FONT", (0, 1), (0, -1), fonts.BOLD, 9, 11)
    return Table(data, colWidths=[when_w, width - when_w], repeatRows=1, style=style)


def _complications_table(items: Sequence[SheetComplication], st: _Styles, width: float) -> Flowable:
    label_w = 50 * mm
    # The client reads "mild / moderate / severe", never a grading scale's name or number.
    severity = '<br/><font size="8.5" color="{color}">{word}</font>'
    data: list[list[Any]] = [
        [
            _Para(
                fonts.markup(c.label, bold=True)
                + severity.format(color=_MUTED_HEX, word=severity_word(c.grade).capitalize()),
                fonts.style_for(c.label, st.cell),
            ),
            _p(c.instructions, st.cell),
        ]
        for c in items
    ]
    return Table(data, colWidths=[label_w, width - label_w], style=_grid_style(len(data), header=False))


def _call_us_panel(sheet: AftercareSheet, st: _Styles, width: float) -> Flowable:
    inner = width - 2 * _PANEL_PAD
    clinic = sheet.clinic
    content: list[Flowable] = [_line("Call us if…", st.alert_head, inner), _p(sheet.call_us, st.body)]
    # The phone and the out-of-hours number on one line when they fit; neither number is broken.
    phones = [fonts.markup(f"Call {clinic.phone}".replace(" ", "\u00a0"))] if clinic.phone else []
    if clinic.out_of_hours_phone:
        phones.append('<font size="11">' + fonts.markup(f"Out of hours: {clinic.out_of_hours_phone}"
                                                         .replace(" ", "\u00a0")) + "</font>")
    if phones:
        content.append(_Para("&nbsp;&nbsp;&nbsp; ".join(phones), st.alert_phone))
    if sheet.emergency:
        content.append(Spacer(1, 4))
        content.append(_p(sheet.emergency, st.alert_emergency, bold=True))
    return Table(
        [[content]],
        colWidths=[width],
        style=[
            ("BOX", (0, 0), (-1, -1), 1.5, _ALERT),
            ("BACKGROUND", (0, 0), (-1, -1), _ALERT_BG),
            ("LEFTPADDING", (0, 0), (-1, -1), _PANEL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _PANEL_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 7),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ],
    )


_TIGHT: list[tuple[Any, ...]] = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


def _grid_style(rows: int, header: bool = True) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9, 11),
        ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, _RULE),
    ]
    first_body = 1 if header else 0
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG),
            ("FONT", (0, 0), (-1, 0), fonts.BOLD, 9, 11),
            ("TEXTCOLOR", (0, 0), (-1, 0), _ACCENT),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, _ACCENT),
        ]
    for row in range(first_body + 1, rows, 2):
        commands.append(("BACKGROUND", (0, row), (-1, row), _ZEBRA_BG))
    return TableStyle(commands)


def _format_date(value: date) -> str:
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _format_datetime(value: datetime) -> str:
    return f"{_format_date(value)}, {value:%H:%M}"


# --- footer ------------------------------------------------------------------------------


class _FooterCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """Canvas that holds pages back until the end so the footer can say "Page x of y"."""

    def __init__(self, *args: Any, footer: partial[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for number, state in enumerate(self._saved_pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, page: int, pages: int) -> None:
        page_width: float = self._pagesize[0]
        self.saveState()
        self.setStrokeColor(_RULE)
        self.setLineWidth(0.5)
        self.line(_MARGIN_X, _FOOTER_Y + 10, page_width - _MARGIN_X, _FOOTER_Y + 10)
        self.setFillColor(_MUTED)
        self.setFont(fonts.REGULAR, 8)
        self.drawCentredString(page_width / 2, _FOOTER_Y, self._footer(page, pages))
        self.restoreState()
