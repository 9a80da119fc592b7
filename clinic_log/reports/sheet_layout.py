"""What the printed client sheets share: page setup, colours, fonts and paragraph styles, the clinic header, table
cells and grids, and the footer canvas that prints "Page x of y".

The aftercare sheet (aftercare_pdf) and the pre-treatment sheet (pretreatment_pdf) are built from these pieces, so
both look the same. All visible text goes through :func:`clinic_log.reports.fonts.markup`, so names in any script
print with a font that has their glyphs. Styles are built once per process and reused.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Sequence
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
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from clinic_log.reports import fonts
from clinic_log.reports.sheet_data import ClinicInfo

_log = logging.getLogger(__name__)

PAGE_SIZES: dict[str, tuple[float, float]] = {"a4": A4, "letter": letter}

MARGIN_X = 18 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 18 * mm
FOOTER_Y = 9 * mm
LOGO_MAX_W = 38 * mm
LOGO_MAX_H = 18 * mm
LOGO_COL = LOGO_MAX_W + 5 * mm
CELL_PAD = 6
PANEL_PAD = 10
SECTION_MIN_ROOM = 30 * mm  # start a section on a new page if less room than this is left

ACCENT = colors.HexColor("#1F5F74")
MUTED_HEX = "#5B6770"
MUTED = colors.HexColor(MUTED_HEX)
RULE = colors.HexColor("#C9D6DC")
HEADER_BG = colors.HexColor("#E6EFF2")
ZEBRA_BG = colors.HexColor("#F5F8F9")
ALERT = colors.HexColor("#B03A2E")
ALERT_BG = colors.HexColor("#FBEFED")

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class SheetStyles:
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
_styles_cache: SheetStyles | None = None


def sheet_styles() -> SheetStyles:
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
            _styles_cache = SheetStyles(
                clinic_name=ParagraphStyle(
                    "clinic_name",
                    parent=body,
                    fontName=fonts.BOLD,
                    fontSize=14,
                    leading=17,
                    textColor=ACCENT,
                ),
                clinic_line=ParagraphStyle(
                    "clinic_line", parent=body, fontSize=9, leading=11.5, textColor=MUTED
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
                    textColor=ACCENT,
                    spaceBefore=7,
                    spaceAfter=4,
                ),
                body=body,
                cell=cell,
                alert_head=ParagraphStyle(
                    "alert_head", parent=body, fontName=fonts.BOLD, fontSize=11, leading=14, textColor=ALERT
                ),
                alert_phone=ParagraphStyle(
                    "alert_phone",
                    parent=body,
                    fontName=fonts.BOLD,
                    fontSize=15,
                    leading=19,
                    spaceBefore=4,
                    textColor=ALERT,
                ),
                alert_ooh=ParagraphStyle(
                    "alert_ooh", parent=body, fontName=fonts.BOLD, fontSize=11, leading=14, textColor=ALERT
                ),
                alert_emergency=ParagraphStyle("alert_emergency", parent=body, textColor=ALERT),
            )
        return _styles_cache


def page_size(paper: str) -> tuple[float, float]:
    """Page size in points for ``"A4"`` or ``"Letter"`` (case-insensitive)."""
    try:
        return PAGE_SIZES[paper.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown paper size {paper!r}; expected 'A4' or 'Letter'") from None



# --- story -------------------------------------------------------------------------------


class CachedPara(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A Paragraph that remembers its last wrap.

    A table lays out each cell once to size its rows and again when it draws them; line
    breaking only depends on the available width, so the second wrap at the same width
    reuses the first one's result instead of breaking the lines again. A paragraph that found
    no room at the foot of a page has thrown its lines away (reportlab's ``split``), so it
    breaks them again on the next page.
    """

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        cached = self._wrapped
        if cached is not None and cached[0] == availWidth and hasattr(self, "blPara"):
            return cached[1]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size


def para(text: str, style: ParagraphStyle, bold: bool = False) -> Paragraph:
    return CachedPara(fonts.markup(text, bold=bold), fonts.style_for(text, style))


class OneLine(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """One line of plain text in a paragraph style, drawn straight onto the canvas.

    It prints like a one-line Paragraph in the same style (same baseline, spacing and
    colour) but skips the markup parser and the line breaker. Only for text that DejaVu
    Sans covers and that fits the width; ``one_line`` decides.
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


def fits_plain(text: str, font: str, size: float, width: float) -> bool:
    return text.isprintable() and fonts.covers(text) and stringWidth(text, font, size) <= width


def one_line(text: str, style: ParagraphStyle, width: float) -> Flowable:
    """A one-line heading or label: a cheap ``OneLine`` when it can be, else a paragraph."""
    plain = " ".join(text.split())
    if plain and fits_plain(plain, style.fontName, style.fontSize, width):
        return OneLine(plain, style)
    return para(text, style)


def table_cell(text: str, style: ParagraphStyle, width: float, bold: bool = False) -> str | Paragraph:
    """A table cell: a plain string if ``text`` is one line that DejaVu Sans covers, else a paragraph.

    A plain cell string is drawn by the table in the cell's FONT (which the caller sets to
    match ``bold``) and prints exactly like the one-line paragraph would, at a fraction of
    the layout cost. Anything else (a fallback-font run, wrapping) gets a paragraph.
    """
    plain = " ".join(text.split())
    font = fonts.BOLD if bold else fonts.REGULAR
    if plain and fits_plain(plain, font, style.fontSize, width - 2 * CELL_PAD):
        return plain
    return para(text, style, bold=bold)


def section_heading(title: str, st: SheetStyles, width: float) -> list[Flowable]:
    # CondPageBreak instead of keepWithNext: it keeps a heading off the foot of a page
    # without laying out the following table twice.
    return [CondPageBreak(SECTION_MIN_ROOM), one_line(title, st.section, width)]



def clinic_header(clinic: ClinicInfo, st: SheetStyles, width: float) -> list[Flowable]:
    logo = clinic_logo(clinic.logo_path)
    text_w = width if logo is None else width - LOGO_COL
    lines: list[Flowable] = [one_line(clinic.name, st.clinic_name, text_w)]
    contact = " · ".join(part for part in (clinic.address, clinic.phone and f"Tel. {clinic.phone}") if part)
    if contact:
        lines.append(one_line(contact, st.clinic_line, text_w))
    if logo is None:
        return lines
    table = Table(
        [[logo, lines]],
        colWidths=[LOGO_COL, text_w],
        style=[*TIGHT, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, 0), "LEFT")],
    )
    return [table]


def sheet_heading(clinic: ClinicInfo, title: str, st: SheetStyles, width: float) -> list[Flowable]:
    """The top of every sheet: the clinic's name, contact and logo, a rule, then the sheet's title."""
    return [*clinic_header(clinic, st, width),
            HRFlowable(width="100%", thickness=1.2, color=ACCENT, spaceBefore=4, spaceAfter=7),
            one_line(title, st.title, width)]


def clinic_logo(path: str | None) -> Image | None:
    """The clinic logo scaled to fit the header, or None (a bad logo must not stop printing)."""
    if not path:
        return None
    try:
        img_w, img_h = ImageReader(path).getSize()
        scale = min(LOGO_MAX_W / img_w, LOGO_MAX_H / img_h)
        logo = Image(path, width=img_w * scale, height=img_h * scale)
    except Exception:  # reportlab/PIL raise assorted errors for unreadable images
        _log.warning("clinic logo %r could not be read; printing without it", path, exc_info=True)
        return None
    logo.hAlign = "LEFT"
    return logo



TIGHT: list[tuple[Any, ...]] = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


def build_sheet(paper: str, title: str, author: str, subject: str,
                story: Callable[[SheetStyles, float], list[Flowable]], footer: Callable[[int, int], str]) -> bytes:
    """A sheet's PDF: the page size the clinic prints on, the sheet's margins and metadata (invariant, so the same
    sheet gives the same bytes), `story(styles, text width)` in one frame, `footer(page, pages)` on every page."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=page_size(paper),
        leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=title, author=author, subject=subject, creator="Clinic Log", invariant=True,
        initialFontName=fonts.REGULAR, initialFontSize=9.5,
    )  # fmt: skip
    width: float = doc.width
    # No frame padding: tables are exactly the text width and line up with the paragraphs.
    frame = Frame(doc.leftMargin, doc.bottomMargin, width, doc.height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="sheet", frames=[frame])])
    doc.build(story(sheet_styles(), width), canvasmaker=partial(FooterCanvas, footer=footer))
    return buffer.getvalue()


def details_table(data: list[list[Any]], widths: list[float], extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    """The shaded block under a sheet's title: label/value pairs, two to a row, the client's name in bold."""
    return Table(data, colWidths=widths, hAlign="LEFT", style=[
        *extra,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("BACKGROUND", (0, 0), (-1, -1), ZEBRA_BG),
        ("LINEBEFORE", (0, 0), (0, -1), 2.5, ACCENT),
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9, 11),
        ("FONT", (1, 0), (1, 0), fonts.BOLD, 9, 11),  # the client's name
        ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
        ("TEXTCOLOR", (2, 0), (2, -1), MUTED),
    ])


def grid_style(rows: int, header: bool = True) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9, 11),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
    ]
    first_body = 1 if header else 0
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("FONT", (0, 0), (-1, 0), fonts.BOLD, 9, 11),
            ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ]
    for row in range(first_body + 1, rows, 2):
        commands.append(("BACKGROUND", (0, row), (-1, row), ZEBRA_BG))
    return TableStyle(commands)


def format_date(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_datetime(value: datetime) -> str:
    return f"{format_date(value)}, {value:%H:%M}"



class FooterCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """Canvas that holds pages back until the end so the footer can say "Page x of y"."""

    def __init__(self, *args: Any, footer: Callable[[int, int], str], **kwargs: Any) -> None:
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
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, FOOTER_Y + 10, page_width - MARGIN_X, FOOTER_Y + 10)
        self.setFillColor(MUTED)
        self.setFont(fonts.REGULAR, 8)
        self.drawCentredString(page_width / 2, FOOTER_Y, self._footer(page, pages))
        self.restoreState()
