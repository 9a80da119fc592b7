"""Aftercare templates: owners edit them; every edit is a new version, old versions stay for printed sheets.

A template body (``aftercare_templates.body_json``) holds the title, the "Call us if…" text, a timeline per
modality (``modalities``: ``mechanical`` and ``rf``, each a list of ``{"when", "text"}`` steps) and the paragraph
printed for each complication type (``complications``: code → text; optional, a code without one falls back to
``complication_types.instructions``). Since version 3 it may also hold ``emergency`` (the "call emergency
services" line of the "Call us" box) and ``darker_skin`` (the paragraph for Fitzpatrick IV–VI clients); a body
without them prints the app's own wording. ``{post_care_product}`` in any text prints the clinic's post-care
product setting; ``notes`` is for whoever edits the template and is never printed. ``validate_body`` names the
field that is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import AftercareTemplate, ComplicationType
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import Modality
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.permissions import Permission
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive, utcnow


@dataclass(frozen=True)
class TemplateVersion:
    version: int
    body: dict[str, Any]
    created_at: datetime
    created_by: str


def _view(row: AftercareTemplate) -> TemplateVersion:
    return TemplateVersion(row.version, json.loads(row.body_json), from_utc_naive(row.created_at), row.created_by)


def latest_template(db: Database) -> TemplateVersion:
    with db.reading() as session:
        row = session.scalars(select(AftercareTemplate).order_by(AftercareTemplate.version.desc())).first()
        if row is None:
            raise InvalidValue("aftercare template", None, "run `clinic-log init` to load the shipped template")
        return _view(row)


def template_versions(db: Database) -> list[TemplateVersion]:
    with db.reading() as session:
        return [_view(r) for r in session.scalars(select(AftercareTemplate).order_by(AftercareTemplate.version))]


@dataclass(frozen=True)
class ComplicationParagraph:
    """What a sheet prints for one complication type: the template's paragraph, else the type's own text."""

    code: str
    label: str
    text: str
    from_template: bool


def complication_paragraphs(db: Database, version: TemplateVersion | None = None) -> list[ComplicationParagraph]:
    """Every complication type with the paragraph the given (default: latest) template prints for it."""
    body = (version or latest_template(db)).body
    paragraphs: dict[str, str] = body.get("complications") or {}
    with db.reading() as session:
        types = session.execute(select(ComplicationType.code, ComplicationType.label, ComplicationType.instructions)
                                .order_by(ComplicationType.category.desc(), ComplicationType.label)).all()
    return [ComplicationParagraph(code, label, paragraphs.get(code) or fallback, code in paragraphs)
            for code, label, fallback in types]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def validate_body(body: dict[str, Any]) -> None:
    """Check a template body's shape; the error names the wrong field ("rf step 2", "complication pih", …)."""
    if not _text(body.get("title")):
        raise InvalidValue("title", body.get("title"), "the heading printed at the top of the sheet")
    modalities = body.get("modalities")
    if not isinstance(modalities, dict) or set(modalities) != {m.value for m in Modality}:
        raise InvalidValue("modalities", sorted(modalities or {}), "a timeline for each of mechanical, rf")
    for modality, steps in modalities.items():
        if not isinstance(steps, list) or not steps:
            raise InvalidValue(f"{modality} timeline", steps, "at least one step")
        for n, step in enumerate(steps, start=1):
            if not isinstance(step, dict) or not _text(step.get("when")) or not _text(step.get("text")):
                raise InvalidValue(f"{modality} step {n}", step, "both 'when' and 'text' filled in")
    if not _text(body.get("call_us")):
        raise InvalidValue("call_us", body.get("call_us"), "the text of the 'Call us if…' box")
    for key, what in (("emergency", "the 'call emergency services' line of the 'Call us' box"),
                      ("darker_skin", "the paragraph for clients with skin type IV–VI")):
        if key in body and not _text(body[key]):
            raise InvalidValue(key, body[key], f"{what}, or no entry at all (the app's own wording is printed then)")
    complications = body.get("complications", {})
    if not isinstance(complications, dict):
        raise InvalidValue("complications", complications, "a paragraph for each complication code")
    for code, text in complications.items():
        if not _text(text):
            raise InvalidValue(f"complication {code}", text, "the paragraph printed for it, or no entry at all "
                               "(the complication type's own instructions are printed then)")


def _check_complication_codes(session: Session, body: dict[str, Any]) -> None:
    known = set(session.scalars(select(ComplicationType.code)))
    for code in body.get("complications", {}):
        if code not in known:
            raise InvalidValue(f"complication {code}", code,
                               f"one of the complication types: {', '.join(sorted(known))}")


def save_template(db: Database, actor: Actor, body: dict[str, Any]) -> TemplateVersion:
    """Store an edited template as the next version; the previous versions are kept unchanged."""
    authorize(db, actor, Permission.EDIT_SETTINGS)
    validate_body(body)

    def work(session: Session) -> TemplateVersion:
        _check_complication_codes(session, body)
        version = (session.scalar(select(func.max(AftercareTemplate.version))) or 0) + 1
        stored = dict(body, version=version)
        row = AftercareTemplate(version=version, body_json=json.dumps(stored, ensure_ascii=False, indent=1),
                                created_at=utcnow(), created_by=actor.username)
        session.add(row)
        session.flush()
        audit.record(db, session, actor, AuditEvent("created", "aftercare_template", str(version), {}))
        return _view(row)

    return db.write(work)
