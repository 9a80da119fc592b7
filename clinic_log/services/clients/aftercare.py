"""Assemble a session's aftercare sheet from the record and the latest template, and print it to PDF.

The timeline is the template's for the modality of the session's device (an RF device gets the RF timeline;
no device, the mechanical one); each complication gets the template's paragraph for its code. The client's name
is printed in the order of its script (`domain.text.name_text`); a client of Fitzpatrick skin type IV-VI gets the
template's paragraph for darker skin; ``{post_care_product}`` in the template's texts is the clinic's post-care
product setting. Templates saved before these existed (shipped v1/v2, or an owner's own) still get the emergency
line and the darker-skin paragraph: they are safety text, so the sheet uses the wording below when a template
has none.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import AftercareTemplate, Client, ComplicationType
from clinic_log.domain.actor import Actor
from clinic_log.domain.permissions import Permission
from clinic_log.domain.text import name_text
from clinic_log.reports.sheet_data import (
    AftercareSheet,
    ClinicInfo,
    SheetArea,
    SheetComplication,
    TimelineStep,
)
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.files import check_target, output_target
from clinic_log.services.sessions.session_queries import session_detail
from clinic_log.settings import (
    CLINIC_ADDRESS,
    CLINIC_NAME,
    CLINIC_PHONE,
    LOGO_PATH,
    OUT_OF_HOURS,
    PAPER,
    POST_CARE,
    read,
    snapshot,
)

PRODUCT_PLACEHOLDER = "{post_care_product}"
DEFAULT_EMERGENCY = "Call emergency services at once if breathing is difficult or your lips, tongue or throat swell."
DEFAULT_DARKER_SKIN = (
    "Skin with more natural colour, like yours, can form darker patches after treatment if it gets sun or is "
    "irritated. Be strict with sun protection: SPF 30+ every day from day 1 for at least 4 weeks, re-applied every "
    "2 hours outdoors, with a hat in strong sun. Tell us early if you see a darker patch.")
DARKER_SKIN_FROM = 4  # Fitzpatrick IV-VI


def clinic_info(session: Session) -> ClinicInfo:
    """The clinic's details for the sheet header, read in one query (defaults for keys never set)."""
    stored = snapshot(session)
    return ClinicInfo(stored.read(CLINIC_NAME), stored.read(CLINIC_ADDRESS), stored.read(CLINIC_PHONE),
                      stored.read(LOGO_PATH), stored.read(PAPER), stored.read(OUT_OF_HOURS))


def post_care_product(session: Session) -> str:
    """What clients put on at home, as the sheet says it ("Apply only …"): the clinic's setting, else its default."""
    return read(session, POST_CARE)


def aftercare_sheet(db: Database, session_id: int) -> AftercareSheet:
    with db.reading() as session:
        detail = session_detail(session, session_id)
        template = session.scalars(select(AftercareTemplate).order_by(AftercareTemplate.version.desc())).first()
        assert template is not None, "reference data is loaded at init"
        body = json.loads(template.body_json)
        modality = detail.modality if detail.modality in body["modalities"] else "mechanical"
        # The template's paragraph for a complication; the type's own instructions only for a code it lacks.
        instructions: dict[str, str] = body.get("complications") or {}
        missing = {c.code for c in detail.complications} - set(instructions)
        if missing:
            instructions = dict(instructions)
            fallback = select(ComplicationType.code, ComplicationType.instructions).where(
                ComplicationType.code.in_(missing))
            instructions.update({code: text for code, text in session.execute(fallback)})
        client = session.get(Client, detail.client_id)
        assert client is not None, "a session's client is never deleted"
        product = post_care_product(session)

        def fill(text: str) -> str:
            return text.replace(PRODUCT_PLACEHOLDER, product)

        darker = client.fitzpatrick is not None and client.fitzpatrick >= DARKER_SKIN_FROM
        next_visit = None
        if detail.course_total and detail.course_index and detail.course_index < detail.course_total:
            start = detail.started_at.astimezone().date()
            next_visit = (f"Session {detail.course_index + 1} of {detail.course_total}: between "
                          f"{(start + timedelta(weeks=4)).strftime('%d %b %Y')} and "
                          f"{(start + timedelta(weeks=6)).strftime('%d %b %Y')}")
        return AftercareSheet(
            session_id=detail.id, clinic=clinic_info(session),
            client_name=name_text(client.first_name, client.last_name) or detail.client_name,
            client_date_of_birth=detail.client_date_of_birth, session_started_at=detail.started_at.astimezone(),
            practitioner_name=detail.practitioner_name, supervisor_name=detail.supervisor_name,
            device_name=f"{detail.device_model} ({detail.device_serial})" if detail.device_model else "—",
            areas=tuple(SheetArea(a.name, a.depth_mm, a.passes)
                        for a in detail.areas),
            products=tuple(p.name + (f" ({p.contact_minutes} min)" if p.contact_minutes else "")
                           for p in detail.products),
            complications=tuple(SheetComplication(c.label, c.grade, fill(instructions.get(c.code, "")))
                                for c in detail.complications),
            timeline=tuple(TimelineStep(step["when"], fill(step["text"])) for step in body["modalities"][modality]),
            call_us=fill(body["call_us"]), next_appointment=next_visit, template_version=template.version,
            title=body.get("title", "Aftercare after your microneedling treatment"),
            emergency=fill(body.get("emergency") or DEFAULT_EMERGENCY),
            skin_type_note=fill(body.get("darker_skin") or DEFAULT_DARKER_SKIN) if darker else None,
            post_care_product=product[:1].upper() + product[1:],
        )


def preview_aftercare(db: Database, actor: Actor, session_id: int) -> tuple[AftercareSheet, bytes]:
    """The sheet and its PDF bytes for showing on screen; nothing is recorded until it is printed or saved."""
    authorize(db, actor, Permission.PRINT_AFTERCARE)
    from clinic_log.reports.aftercare_pdf import build_aftercare_pdf

    sheet = aftercare_sheet(db, session_id)
    return sheet, build_aftercare_pdf(sheet)


def audit_aftercare_output(db: Database, actor: Actor, session_id: int, how: Literal["printed", "saved"],
                           template_version: int) -> None:
    """Record that a session's aftercare sheet was printed or saved to a file, with the template version used."""
    authorize(db, actor, Permission.PRINT_AFTERCARE)
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(
        how, "aftercare", str(session_id), {"template_version": template_version})))


def write_aftercare_pdf(db: Database, actor: Actor, sheet: AftercareSheet, pdf: bytes, out: Path) -> None:
    """Write an already rendered sheet to `out` (whole or not at all) and record the save."""
    authorize(db, actor, Permission.PRINT_AFTERCARE)
    with output_target(out) as tmp:
        tmp.write_bytes(pdf)
    audit_aftercare_output(db, actor, sheet.session_id, "saved", sheet.template_version)


def render_aftercare(db: Database, actor: Actor, session_id: int) -> tuple[AftercareSheet, bytes]:
    """The sheet and its PDF bytes; the print is recorded in the audit log."""
    sheet, pdf = preview_aftercare(db, actor, session_id)
    audit_aftercare_output(db, actor, session_id, "printed", sheet.template_version)
    return sheet, pdf


def save_aftercare(db: Database, actor: Actor, session_id: int, out: Path) -> AftercareSheet:
    """Build and write a session's sheet to `out` (the CLI's `aftercare`); recorded as saved."""
    check_target(out)
    sheet, pdf = preview_aftercare(db, actor, session_id)
    write_aftercare_pdf(db, actor, sheet, pdf, out)
    return sheet
