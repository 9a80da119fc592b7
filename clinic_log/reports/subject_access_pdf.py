"""The subject-access PDF: a readable summary of everything stored about one client (names in any script)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from clinic_log.reports import fonts

TITLE = "Subject access: all data held about you"
# Columns shown per table in the PDF (the JSON has every column); missing tables are skipped.
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("medical_history", "Medical history", ("noted_on", "kind", "text")),
    ("findings", "Contraindication findings", ("noted_on", "code", "ends_on", "note", "cleared_by")),
    ("consents", "Consents", ("signed_on", "text_version", "signer_name")),
    ("sessions", "Treatment sessions", ("started_at", "status", "course_index", "course_total", "notes")),
    ("session_areas", "Treated areas", ("session_id", "area_code", "depth_mm", "passes", "technique")),
    ("session_products", "Products applied", ("session_id", "name", "contact_minutes")),
    ("complications", "Complications", ("session_id", "code", "grade", "onset_on", "outcome", "resolved_on")),
    ("amendments", "Amendments", ("session_id", "field", "old_value", "new_value", "amended_at", "reason")),
    ("audit_log", "Who accessed or changed your record", ("at", "actor", "action", "entity")),
)


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    fonts.ensure_registered()
    body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    title = ParagraphStyle("title", parent=body, fontName=fonts.BOLD, fontSize=15, leading=19, spaceAfter=4)
    head = ParagraphStyle("head", parent=body, fontName=fonts.BOLD, fontSize=11, leading=14, spaceBefore=8,
                          spaceAfter=3)
    return body, small, title, head


def _text(value: object) -> str:
    if value is None:
        return "—"
    text = str(value)
    if len(text) >= 19 and text[4] == "-" and text[10] == "T":  # ISO timestamps: minutes are enough
        text = text[:16].replace("T", " ")
    return text


def _para(text: str, style: ParagraphStyle, bold: bool = False) -> Paragraph:
    return Paragraph(fonts.markup(text, bold=bold), fonts.style_for(text, style))


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], small: ParagraphStyle,
           width: float) -> Table:
    header = [_para(c.replace("_", " "), small, bold=True) for c in columns]
    body = [[_para(_text(row.get(c)), small) for c in columns] for row in rows]
    table = Table([header, *body], colWidths=[width / len(columns)] * len(columns), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def build_subject_access_pdf(client_ref: str, client_name: str, generated_at: datetime,
                             tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> bytes:
    body, small, title, head = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"{TITLE} — {client_name}", author="Clinic Log")
    width = doc.width
    client = (tables.get("clients") or [{}])[0]
    story: list[Any] = [
        _para(TITLE, title, bold=True),
        _para(f"{client_name} ({client_ref})", head, bold=True),
        _para(f"Generated {generated_at:%Y-%m-%d %H:%M} UTC. The accompanying JSON file "
              "holds every stored field; this summary shows the main ones.", body),
        Spacer(1, 4),
        _table([{"field": k.replace("_", " "), "value": client.get(k)} for k in
                ("first_name", "last_name", "date_of_birth", "phone", "email", "fitzpatrick", "created_at")],
               ("field", "value"), small, width * 0.6),
    ]
    for key, heading, columns in SECTIONS:
        rows = tables.get(key, ())
        count = len(rows)
        story.append(_para(f"{heading} ({count})", head))
        story.append(_table(rows, columns, small, width) if rows else _para("None recorded.", body))
    doc.build(story)
    return out.getvalue()
