"""The subject-access PDF: a readable summary of everything stored about one client (names in any script), drawn
from the same document as the JSON copy. Free text (notes, reasons, history lines) is set as paragraphs outside
tables, so a text of any length wraps and runs on over pages; tables hold only short values. The client's photos
follow as a page of thumbnails per view, each with the day and time it was taken (voided ones marked)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from clinic_log.reports import fonts

TITLE = "Subject access: all data held about you"
CELL_CHARS = 300  # longer values leave tables and are set as paragraphs
THUMBS_PER_ROW = 4
THUMB_MM = 40  # the long side of a thumbnail on the page
_Row = Mapping[str, Any]


class _Styles:
    def __init__(self) -> None:
        fonts.ensure_registered()
        self.body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9, leading=11.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9.5)
        self.title = ParagraphStyle("title", parent=self.body, fontName=fonts.BOLD, fontSize=15, leading=19,
                                    spaceAfter=4)
        self.head = ParagraphStyle("head", parent=self.body, fontName=fonts.BOLD, fontSize=11, leading=14,
                                   spaceBefore=8, spaceAfter=3)
        self.sub = ParagraphStyle("sub", parent=self.body, fontName=fonts.BOLD, spaceBefore=6, spaceAfter=2)
        self.indent = ParagraphStyle("indent", parent=self.body, leftIndent=8)


def _shown(value: object) -> str:
    """A stored value as the client reads it: timestamps in local time to the minute, booleans as yes/no."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if len(text) >= 19 and text[4] == "-" and text[10] == "T":
        try:
            return f"{datetime.fromisoformat(text).astimezone():%Y-%m-%d %H:%M}"
        except ValueError:
            return text
    return text


def _para(text: str, style: ParagraphStyle, bold: bool = False) -> Paragraph:
    return Paragraph(fonts.markup(text, bold=bold), fonts.style_for(text, style))


def _paras(text: str, style: ParagraphStyle, label: str | None = None) -> list[Paragraph]:
    """Free text as one paragraph per line (a paragraph outside a table splits across pages)."""
    lines = [line for line in text.splitlines() if line.strip()] or ["—"]
    if label:
        lines[0] = f"{label}: {lines[0]}"
    return [_para(line, style) for line in lines]


def _table(rows: Sequence[Sequence[str]], header: Sequence[str] | None, st: _Styles, widths: Sequence[float]
           ) -> Table:
    """A grid; with a `header`, its row is shaded and repeated on each page the table runs onto."""
    body = [[_para(cell, st.small) for cell in row] for row in rows]
    heads = [] if header is None else [[_para(h, st.small, bold=True) for h in header]]
    table = Table([*heads, *body], colWidths=list(widths), repeatRows=len(heads), hAlign="LEFT", splitInRow=1)
    style = [("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if heads:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")))
    table.setStyle(TableStyle(style))
    return table


def _facts(pairs: Iterable[tuple[str, object]], st: _Styles, width: float) -> list[Any]:
    """Label/value pairs: short values in a two-column table, long ones as paragraphs below it."""
    short: list[tuple[str, str]] = []
    long: list[tuple[str, str]] = []
    for label, value in pairs:
        text = _shown(value)
        (long if len(text) > CELL_CHARS or "\n" in text else short).append((label, text))
    story: list[Any] = []
    if short:
        story.append(_table(short, None, st, (width * 0.3, width * 0.7)))  # label/value: no header row
    for label, text in long:
        story += _paras(text, st.body, label)
    return story


def _by_session(rows: Iterable[_Row]) -> dict[int, list[_Row]]:
    grouped: dict[int, list[_Row]] = {}
    for row in rows:
        grouped.setdefault(int(row["session_id"]), []).append(row)
    return grouped


def _session_story(s: _Row, children: Mapping[str, Sequence[_Row]], st: _Styles, width: float) -> list[Any]:
    when = _shown(s["started_at"])
    status = "voided" if s.get("voided_at") else s["status"]
    story: list[Any] = [_para(f"Session on {when} ({status})", st.sub, bold=True)]
    course = f"{s['course_index']} of {s['course_total']}" if s.get("course_index") else None
    story += _facts((("Practitioner", s.get("practitioner")), ("Supervising physician", s.get("supervisor")),
                     ("Supervisor presence", s.get("supervisor_presence")), ("Device", s.get("device")),
                     ("Cartridge lot", s.get("cartridge_lot")), ("Lot expires", s.get("cartridge_lot_expires")),
                     ("Course", course), ("Signed by", s.get("signed_by_name")), ("Signed at", s.get("signed_at")),
                     ("Countersigned by", s.get("countersigned_by_name")),
                     ("Voided by", s.get("voided_by_name")), ("Void reason", s.get("void_reason")),
                     ("Skin response", s.get("skin_response"))), st, width)
    areas = children.get("session_areas", ())
    if areas:
        story.append(_table([[a["area"], _shown(a["depth_mm"]) + " mm", _shown(a["passes"]), _shown(a["technique"]),
                              _shown(a["endpoint"]), _shown(a.get("tip_used")),
                              _shown(a.get("rf_energy_shown", a["rf_energy"]))] for a in areas],
                            ("Area", "Depth", "Passes", "Technique", "Endpoint", "Tip", "RF energy"), st,
                            [width * 0.22, *[width * 0.13] * 6]))
    for p in children.get("session_products", ()):
        minutes = f", {p['contact_minutes']} min contact" if p.get("contact_minutes") else ""
        story += _paras(f"{p['name']}{minutes}" + (f" — {p['note']}" if p.get("note") else ""), st.indent,
                        "Product")
    for c in children.get("complications", ()):
        text = (f"{c['complication']}, grade {c['grade']}, onset {_shown(c['onset_on'])}, related to "
                f"{_shown(c['relatedness'])}, action {_shown(c['action'])}, outcome {_shown(c['outcome'])}, "
                f"resolved {_shown(c['resolved_on'])}" + (" (added later by amendment)" if c.get(
                    "added_by_amendment") else ""))
        story += _paras(text, st.indent, "Complication")
    for w in children.get("session_warnings", ()):
        who = f"; overridden by {w['overridden_by_name']} at {_shown(w['overridden_at'])}" if w.get(
            "overridden_by") else ""
        label = "Stop signed over" if w.get("level") == "stop" else "Warning"
        story += _paras(f"{w['message']} — reason given: {w['reason']}{who}", st.indent, label)
    for o in children.get("session_overrides", ()):
        story += _paras(f"{o['message']} — overridden by {o['overridden_by_name']} at {_shown(o['overridden_at'])}: "
                        f"{o['reason']}", st.indent, "Stop override on the draft")
    if s.get("warnings_reason"):
        story += _paras(str(s["warnings_reason"]), st.indent, "Reason given for the warnings")
    for m in children.get("amendments", ()):
        story += _paras(f"{m['table_name']} {m['field']}: {_shown(m['old_value'])} → {_shown(m['new_value'])}, by "
                        f"{m['amended_by_name']} at {_shown(m['amended_at'])}, because: {m['reason']}", st.indent,
                        "Amendment")
    if s.get("notes"):
        story += _paras(str(s["notes"]), st.body, "Notes")
    return story


def _thumbnail_cell(photo: _Row, data: bytes | None, st: _Styles) -> list[Any]:
    """One photo: its thumbnail scaled into a THUMB_MM box, then when it was taken (and whether it was voided)."""
    cell: list[Any] = []
    if data:
        image = Image(io.BytesIO(data))
        scale = THUMB_MM * mm / max(image.imageWidth, image.imageHeight)
        image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
        cell.append(image)
    caption = f"{_shown(photo['taken_at'])} (photo {photo['id']})"
    if photo.get("area_code"):
        caption += f", {photo.get('area') or photo['area_code']}"
    cell.append(_para(caption, st.small))
    if photo.get("voided_at"):
        cell.append(_para(f"voided: {_shown(photo.get('void_reason'))}", st.small))
    return cell


def _photo_pages(photos: Sequence[_Row], thumbnails: Mapping[int, bytes], st: _Styles, width: float) -> list[Any]:
    """A page per view (in the order of the views), its photos oldest first in a grid of thumbnails."""
    story: list[Any] = []
    views: dict[str, list[_Row]] = {}
    for photo in sorted(photos, key=lambda row: (str(row["taken_at"]), int(row["id"]))):
        views.setdefault(str(photo.get("view_label") or photo["view"]), []).append(photo)
    for label, shown in views.items():
        story += [PageBreak(), _para(f"Photos: {label} ({len(shown)}), oldest first", st.head, bold=True)]
        cells = [_thumbnail_cell(photo, thumbnails.get(int(photo["id"])), st) for photo in shown]
        rows = [cells[i:i + THUMBS_PER_ROW] for i in range(0, len(cells), THUMBS_PER_ROW)]
        rows[-1] += [[]] * (THUMBS_PER_ROW - len(rows[-1]))
        grid = Table(rows, colWidths=[width / THUMBS_PER_ROW] * THUMBS_PER_ROW, hAlign="LEFT")
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
        story.append(grid)
    return story


def build_subject_access_pdf(document: Mapping[str, Any], thumbnails: Mapping[int, bytes] | None = None) -> bytes:
    """The PDF of a subject-access document (services.exchange.subject_access.SubjectAccessData.document());
    `thumbnails` are the photos' thumbnails by photo id (JPEG bytes)."""
    st = _Styles()
    out = io.BytesIO()
    name, ref = str(document["client_name"]), str(document["client_ref"])
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"{TITLE} — {name}", author="Clinic Log")
    width = doc.width
    tables: Mapping[str, Sequence[_Row]] = document["tables"]
    controller: Mapping[str, str] = document.get("controller", {})
    client = (tables.get("clients") or [{}])[0]
    story: list[Any] = [
        _para(TITLE, st.title, bold=True),
        _para(f"{name} ({ref})", st.head, bold=True),
        _para(f"Generated {_shown(document['generated_at'])}. The accompanying JSON file holds every stored field; "
              "this summary shows them in readable form.", st.body),
    ]
    if controller:
        who = ", ".join(v.replace("\n", ", ") for v in controller.values() if v.strip())
        story.append(_para(f"Data controller: {who}", st.body))
    story.append(_para("Your personal details", st.head))
    story += _facts([(k.replace("_", " ").capitalize(), client.get(k)) for k in
                     ("first_name", "last_name", "date_of_birth", "phone", "email", "fitzpatrick", "created_at")],
                    st, width * 0.7)
    story.append(_para("About the processing of your data (GDPR Art. 15)", st.head))
    headings: Mapping[str, str] = document.get("art15_headings", {})
    for key, text in document.get("art15", {}).items():
        story.append(_para(headings.get(key, key), st.sub, bold=True))
        story += _paras(text, st.body)

    history = tables.get("medical_history", ())
    story.append(_para(f"Medical history ({len(history)})", st.head))
    for h in history:
        story += _paras(str(h["text"]), st.indent, f"{_shown(h['noted_on'])}, {h['kind']}")
    findings = tables.get("findings", ())
    story.append(_para(f"Contraindication findings ({len(findings)})", st.head))
    for f in findings:
        until = f" until {f['ends_on']}" if f.get("ends_on") else ""
        story += _paras(f"{f['contraindication']}{until}" + (f"; note: {f['note']}" if f.get("note") else ""),
                        st.indent, f"noted {_shown(f['noted_on'])}")
        if f.get("cleared_by"):
            story += _paras(f"{f['cleared_by_name']} at {_shown(f['cleared_at'])}: {_shown(f['clearance_note'])}",
                            st.indent, "Cleared by")
    consents = tables.get("consents", ())
    story.append(_para(f"Consents ({len(consents)})", st.head))
    for c in consents:
        story.append(_para(f"Signed on {_shown(c['signed_on'])} by {c['signer_name']} (consent text version "
                           f"{c['text_version']}); the wording signed:", st.indent))
        story += _paras(str(c["text_snapshot"]), st.small)

    sessions = tables.get("sessions", ())
    story.append(_para(f"Treatment sessions ({len(sessions)}), oldest first", st.head))
    children = {key: _by_session(tables.get(key, ())) for key in
                ("session_areas", "session_products", "complications", "session_warnings", "session_overrides",
                 "amendments")}
    for s in sorted(sessions, key=lambda row: (str(row["started_at"]), int(row["id"]))):
        story += _session_story(s, {k: v.get(int(s["id"]), []) for k, v in children.items()}, st, width)
    if not sessions:
        story.append(_para("None recorded.", st.body))

    drafts = tables.get("form_drafts", ())
    story.append(_para(f"Forms being typed, not saved yet ({len(drafts)})", st.head))
    for d in drafts:
        typed = "; ".join(f"{k}: {v}" for k, v in d["state"].items() if v not in (None, "", [], {}))
        story += _paras(typed or "(nothing typed)", st.indent,
                        f"{d['form']}, by {d['username_name']}, kept {_shown(d['saved_at'])}")

    audit = tables.get("audit_log", ())
    story.append(_para(f"Who opened, changed, printed or exported your record ({len(audit)})", st.head))
    if audit:
        story.append(_table([[_shown(a["at"]), f"{a['actor_name']} ({a['actor']})", str(a["about_you"])[:CELL_CHARS]]
                             for a in audit], ("When", "Who", "What"), st, (width * 0.2, width * 0.25, width * 0.55)))
    photos = tables.get("photos", ())
    story.append(_para(f"Photos ({len(photos)})", st.head))
    if photos:
        story.append(_para("Each view has its own page below. The JSON copy comes with every image as it is "
                           "stored.", st.body))
        story += _photo_pages(photos, thumbnails or {}, st, width)
    else:
        story.append(_para("None recorded.", st.body))
    doc.build(story)
    return out.getvalue()
