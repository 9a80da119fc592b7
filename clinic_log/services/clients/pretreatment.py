"""The pre-treatment sheet: what a client stops and when before microneedling, printed from the latest template.

Everyone gets the template's steps and what to expect for the treatment (mechanical, or RF with its own lines); a
finding on the client's record that the template has a line for (cold sores, isotretinoin with the date it may be
treated from, blood thinners…) adds that line, in bold, to a "For you" box. An isotretinoin window that has already
ended adds nothing. The client's name prints in the order of its script (`domain.text.name_text`). Each print and
each save is recorded in the audit log against the client (kind "pre-treatment sheet", with the template version),
so the client's subject-access copy lists it; a preview records nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import (
    Client,
    ContraindicationType,
    Device,
    DeviceModel,
    Finding,
    PretreatmentTemplate,
    TreatmentSession,
)
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import Modality
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.permissions import Permission
from clinic_log.domain.text import name_text
from clinic_log.domain.windows import add_window
from clinic_log.reports.sheet_data import PretreatmentSheet, TimelineStep
from clinic_log.services.clients.aftercare import clinic_info
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import utcnow
from clinic_log.services.common.files import check_target, output_target

PERMISSION = Permission.PRINT_AFTERCARE  # the same people print both sheets: practitioners, reception, the owner
KIND = "pre-treatment sheet"
TREAT_FROM = "{treat_from}"


@dataclass(frozen=True)
class PretreatmentTemplateVersion:
    version: int
    body: dict[str, Any]


def latest_pretreatment_template(db: Database) -> PretreatmentTemplateVersion:
    with db.reading() as session:
        row = session.scalars(select(PretreatmentTemplate).order_by(PretreatmentTemplate.version.desc())).first()
        if row is None:
            raise InvalidValue("pre-treatment template", None, "run `clinic-log init` to load the shipped template")
        return PretreatmentTemplateVersion(row.version, json.loads(row.body_json))


def _client(session: Session, client: int | str) -> Client:
    if isinstance(client, str) and not client.strip():
        raise InvalidValue("client reference", client, "the client's reference, e.g. P-1001")
    found = (session.get(Client, client) if isinstance(client, int)
             else session.scalars(select(Client).where(Client.client_ref == client)).first())
    if found is None:
        raise NotFound("client", client)
    return found


def _last_modality(session: Session, client_id: int) -> str:
    """The modality of the device used at the client's latest session; mechanical when there is none."""
    last = session.scalar(
        select(DeviceModel.modality).join(Device, Device.device_model_id == DeviceModel.id)
        .join(TreatmentSession, TreatmentSession.device_id == Device.id)
        .where(TreatmentSession.client_id == client_id)
        .order_by(TreatmentSession.started_at.desc()).limit(1))
    return Modality.RF.value if last == Modality.RF.value else Modality.MECHANICAL.value


def _steps(items: object) -> tuple[TimelineStep, ...]:
    return tuple(TimelineStep(str(s["when"]), str(s["text"])) for s in items) if isinstance(items, list) else ()


def _date_text(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _finding_lines(session: Session, client_id: int, body: dict[str, Any], today: date) -> tuple[str, ...]:
    """One line per code the template has a line for and the client has a finding that still applies today."""
    lines: dict[str, str] = body.get("findings") or {}
    ongoing: dict[str, str] = body.get("findings_ongoing") or {}
    found: dict[str, str] = {}
    rows = session.execute(
        select(Finding.code, Finding.noted_on, Finding.ends_on, ContraindicationType.window)
        .join(ContraindicationType, ContraindicationType.code == Finding.code)
        .where(Finding.client_id == client_id, Finding.code.in_(list(lines)), Finding.noted_on <= today)
        .order_by(Finding.noted_on, Finding.id))
    for code, _noted, ends_on, window in rows:
        if code in found:
            continue
        if window is None:
            if ends_on is None or ends_on >= today:
                found[code] = lines[code]
        elif ends_on is None:
            found[code] = ongoing.get(code) or lines[code].replace(TREAT_FROM, "6 months after your last dose")
        else:
            treat_from = add_window(ends_on, window)
            if treat_from > today:
                found[code] = lines[code].replace(TREAT_FROM, _date_text(treat_from))
    return tuple(found.values())


def pretreatment_sheet(db: Database, client: int | str, modality: str | None = None,
                       today: date | None = None) -> PretreatmentSheet:
    """The sheet for a client (id or reference) and a modality (None: that of their latest session)."""
    if modality is not None and modality not in {m.value for m in Modality}:
        raise InvalidValue("modality", modality, "mechanical or rf")
    today = today or date.today()
    template = latest_pretreatment_template(db)
    body = template.body
    with db.reading() as session:
        row = _client(session, client)
        chosen = modality or _last_modality(session, row.id)
        for_you = _finding_lines(session, row.id, body, today)
        expect = body.get("expect") or {}
        before = _steps(body.get("before")) + (_steps(body.get("rf")) if chosen == Modality.RF.value else ())
        return PretreatmentSheet(
            clinic=clinic_info(session), client_ref=row.client_ref,
            client_name=name_text(row.first_name, row.last_name) or row.client_ref,
            client_date_of_birth=row.date_of_birth, printed_on=today, modality=chosen,
            intro=str(body.get("intro") or ""), before=before, for_you=for_you,
            expect=_steps(expect.get(chosen) or expect.get(Modality.MECHANICAL.value)),
            call_us=str(body["call_us"]), template_version=template.version,
            title=str(body.get("title") or "Before your microneedling treatment"),
        )


def file_name(sheet: PretreatmentSheet) -> str:
    """pretreatment-<client ref>-<day>.pdf, with anything a file system might refuse replaced by _."""
    ref = re.sub(r"[^\w.-]+", "_", sheet.client_ref).strip("._") or "client"
    return f"pretreatment-{ref}-{sheet.printed_on:%Y-%m-%d}.pdf"


def preview_pretreatment(db: Database, actor: Actor, client: int | str,
                         modality: str | None = None) -> tuple[PretreatmentSheet, bytes]:
    """The sheet and its PDF bytes for showing on screen; nothing is recorded until it is printed or saved."""
    authorize(db, actor, PERMISSION)
    from clinic_log.reports.pretreatment_pdf import build_pretreatment_pdf

    sheet = pretreatment_sheet(db, client, modality)
    return sheet, build_pretreatment_pdf(sheet)


def audit_pretreatment_output(db: Database, actor: Actor, sheet: PretreatmentSheet,
                              how: Literal["printed", "saved"]) -> None:
    """Record that a client's pre-treatment sheet was printed or saved, with the template version used."""
    authorize(db, actor, PERMISSION)

    def work(session: Session) -> None:
        client = _client(session, sheet.client_ref)
        audit.record(db, session, actor, AuditEvent(how, "client", str(client.id), {
            "kind": KIND, "template_version": sheet.template_version, "modality": sheet.modality}))

    db.write(work)


def write_pretreatment_pdf(db: Database, actor: Actor, sheet: PretreatmentSheet, pdf: bytes, out: Path) -> None:
    """Write an already rendered sheet to `out` (whole or not at all) and record the save."""
    authorize(db, actor, PERMISSION)
    with output_target(out) as tmp:
        tmp.write_bytes(pdf)
    audit_pretreatment_output(db, actor, sheet, "saved")


def render_pretreatment(db: Database, actor: Actor, client: int | str,
                        modality: str | None = None) -> tuple[str, bytes]:
    """The sheet's file name and PDF bytes, for printing; the print is recorded in the audit log."""
    sheet, pdf = preview_pretreatment(db, actor, client, modality)
    audit_pretreatment_output(db, actor, sheet, "printed")
    return file_name(sheet), pdf


def save_pretreatment(db: Database, actor: Actor, client_ref: str, out: Path,
                      modality: str | None = None) -> PretreatmentSheet:
    """Build a client's sheet and write it to `out` (the CLI's `pretreatment`); recorded as saved."""
    check_target(out)
    sheet, pdf = preview_pretreatment(db, actor, client_ref, modality)
    write_pretreatment_pdf(db, actor, sheet, pdf, out)
    return sheet


# --- the template --------------------------------------------------------------------------------------------------


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_steps(field: str, steps: object) -> None:
    if not isinstance(steps, list) or not steps:
        raise InvalidValue(field, steps, "at least one step")
    for n, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or not _filled(step.get("when")) or not _filled(step.get("text")):
            raise InvalidValue(f"{field} step {n}", step, "both 'when' and 'text' filled in")


def validate_pretreatment_body(body: dict[str, Any]) -> None:
    """Check a pre-treatment template body's shape; the error names the wrong field ("before step 2", …)."""
    if not _filled(body.get("title")):
        raise InvalidValue("title", body.get("title"), "the heading printed at the top of the sheet")
    if "intro" in body and not isinstance(body["intro"], str):
        raise InvalidValue("intro", body["intro"], "the paragraph under the client's details, or no entry")
    _check_steps("before", body.get("before"))
    _check_steps("rf", body.get("rf"))
    expect = body.get("expect")
    if not isinstance(expect, dict) or set(expect) != {m.value for m in Modality}:
        raise InvalidValue("expect", sorted(expect) if isinstance(expect, dict) else expect,
                           "what to expect for each of mechanical, rf")
    for modality, steps in expect.items():
        _check_steps(f"expect {modality}", steps)
    for key in ("findings", "findings_ongoing"):
        lines = body.get(key, {})
        if not isinstance(lines, dict):
            raise InvalidValue(key, lines, "a line for each contraindication code")
        for code, text in lines.items():
            if not _filled(text):
                raise InvalidValue(f"{key} {code}", text, "the line printed for it, or no entry at all")
    if not _filled(body.get("call_us")):
        raise InvalidValue("call_us", body.get("call_us"), "the text of the 'Call us' box")


def save_pretreatment_template(db: Database, actor: Actor, body: dict[str, Any]) -> PretreatmentTemplateVersion:
    """Store an edited pre-treatment template as the next version; the previous versions are kept unchanged."""
    authorize(db, actor, Permission.EDIT_SETTINGS)
    validate_pretreatment_body(body)

    def work(session: Session) -> PretreatmentTemplateVersion:
        known = set(session.scalars(select(ContraindicationType.code)))
        for key in ("findings", "findings_ongoing"):
            for code in body.get(key, {}):
                if code not in known:
                    raise InvalidValue(f"{key} {code}", code,
                                       f"one of the contraindication codes: {', '.join(sorted(known))}")
        version = (session.scalar(select(func.max(PretreatmentTemplate.version))) or 0) + 1
        stored = dict(body, version=version)
        session.add(PretreatmentTemplate(version=version, body_json=json.dumps(stored, ensure_ascii=False, indent=1),
                                         created_at=utcnow(), created_by=actor.username))
        session.flush()
        audit.record(db, session, actor, AuditEvent("created", "pretreatment_template", str(version), {}))
        return PretreatmentTemplateVersion(version, stored)

    return db.write(work)
