"""Aftercare templates: owners edit them; every edit is a new version, old versions stay for printed sheets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import AftercareTemplate
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import Modality
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.permissions import require
from clinic_log.services import audit
from clinic_log.services.audit import AuditEvent
from clinic_log.services.clock import from_utc_naive, utcnow


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


def validate_body(body: dict[str, Any]) -> None:
    if not str(body.get("title", "")).strip():
        raise InvalidValue("title", body.get("title"), "the heading printed at the top of the sheet")
    modalities = body.get("modalities")
    if not isinstance(modalities, dict) or set(modalities) != {m.value for m in Modality}:
        raise InvalidValue("modalities", sorted(modalities or {}), "a timeline for each of mechanical, rf")
    for modality, steps in modalities.items():
        if not isinstance(steps, list) or not steps:
            raise InvalidValue(f"{modality} timeline", steps, "at least one step")
        for n, step in enumerate(steps, start=1):
            if not str(step.get("when", "")).strip() or not str(step.get("text", "")).strip():
                raise InvalidValue(f"{modality} step {n}", step, "both 'when' and 'text' filled in")
    if not str(body.get("call_us", "")).strip():
        raise InvalidValue("call_us", body.get("call_us"), "the text of the 'Call us if…' box")


def save_template(db: Database, actor: Actor, body: dict[str, Any]) -> TemplateVersion:
    """Store an edited template as the next version; the previous versions are kept unchanged."""
    require(actor, "edit templates and settings")
    validate_body(body)

    def work(session: Session) -> TemplateVersion:
        version = (session.scalar(select(func.max(AftercareTemplate.version))) or 0) + 1
        stored = dict(body, version=version)
        row = AftercareTemplate(version=version, body_json=json.dumps(stored, ensure_ascii=False, indent=1),
                                created_at=utcnow(), created_by=actor.username)
        session.add(row)
        session.flush()
        audit.record(db, session, actor, AuditEvent("created", "aftercare_template", str(version), {}))
        return _view(row)

    return db.write(work)
