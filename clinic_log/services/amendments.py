"""Amend or void a signed session: each change keeps the original value, who, when and why.

Who may: the owner, the session's own practitioner, or a physician (dermatologist, plastic surgeon).
A voided session stays readable and is never deleted; it can no longer be amended.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Complication, ComplicationType, Practitioner, SessionArea, TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import SessionStatus, Technique, UserRole
from clinic_log.domain.errors import InvalidValue, NotFound, PermissionDenied, RecordLocked
from clinic_log.domain.permissions import require
from clinic_log.domain.rules import is_depth_step
from clinic_log.domain.values import ComplicationInput
from clinic_log.services import audit, facts
from clinic_log.services.audit import AuditEvent
from clinic_log.services.clock import utcnow
from clinic_log.services.sessions import complication_values, record_amendment


def _text(value: str) -> str | None:
    return value.strip() or None


def _positive_int(field: str) -> Callable[[str], int | None]:
    def parse(value: str) -> int | None:
        if not value.strip():
            return None
        if not value.strip().isdigit() or int(value) < 1:
            raise InvalidValue(field, value, "a whole number of 1 or more")
        return int(value)
    return parse


SESSION_FIELDS: dict[str, Callable[[str], object]] = {
    "notes": _text,
    "skin_response": _text,
    "course_index": _positive_int("course_index"),
    "course_total": _positive_int("course_total"),
}


def _signed_session(session: Session, actor: Actor, session_id: int) -> TreatmentSession:
    row = session.get(TreatmentSession, session_id)
    if row is None:
        raise NotFound("session", session_id)
    if row.status != SessionStatus.SIGNED:
        raise RecordLocked(f"session {session_id} is a draft: edit it directly instead of amending")
    if row.voided_at is not None:
        raise RecordLocked(f"session {session_id} was voided by {row.voided_by}: it can no longer be changed")
    if actor.role is UserRole.PRACTITIONER and actor.practitioner_id != row.practitioner_id:
        author = facts.practitioner_facts(session, actor.practitioner_id) if actor.practitioner_id else None
        if author is None or not author.role.is_physician:
            raise PermissionDenied(actor.role.value, "amend another practitioner's session")
    return row


def _need_reason(reason: str, what: str = "amendment") -> str:
    if not reason.strip():
        raise InvalidValue("reason", reason, f"a reason for the {what} is required")
    return reason.strip()


def may_amend(actor: Actor, practitioner_id: int, actor_is_physician: bool) -> bool:
    """Whether the UI should offer Amend…/Void… (the services check again)."""
    if actor.role is UserRole.OWNER:
        return True
    if actor.role is not UserRole.PRACTITIONER:
        return False
    return actor.practitioner_id == practitioner_id or actor_is_physician


def complication_types(db: Database) -> list[tuple[str, str]]:
    """(code, label) of every complication type, for choosing a late complication."""
    with db.reading() as session:
        return [(code, label) for code, label in session.execute(
            select(ComplicationType.code, ComplicationType.label).order_by(ComplicationType.label))]


def is_physician(db: Database, practitioner_id: int | None) -> bool:
    """Whether a practitioner is a dermatologist or plastic surgeon (who may amend others' sessions)."""
    if practitioner_id is None:
        return False
    with db.reading() as session:
        role = session.scalar(select(Practitioner.role).where(Practitioner.id == practitioner_id))
    return role in ("dermatologist", "plastic_surgeon")


def void_session(db: Database, actor: Actor, session_id: int, reason: str) -> None:
    """Mark a signed session void (entered in error, wrong client…): it stays, shown as VOID, with who and why."""
    require(actor, "void sessions")
    why = _need_reason(reason, "void")

    def work(session: Session) -> None:
        row = _signed_session(session, actor, session_id)
        now = utcnow()
        row.voided_by, row.voided_at, row.void_reason = actor.username, now, why
        record_amendment(session, actor, session_id, "sessions", session_id, "status", "signed", "void", why)
        audit.record(db, session, actor, AuditEvent("voided", "session", str(session_id), {"reason": why}))

    db.write(work)


def amend_session_field(db: Database, actor: Actor, session_id: int, field: str, value: str, reason: str) -> None:
    require(actor, "amend sessions")
    if field not in SESSION_FIELDS:
        raise InvalidValue("field", field, "one of " + ", ".join(SESSION_FIELDS))
    why = _need_reason(reason)
    new = SESSION_FIELDS[field](value)

    def work(session: Session) -> None:
        row = _signed_session(session, actor, session_id)
        old = getattr(row, field)
        if old == new:
            raise InvalidValue(field, value, "a value different from the current one")
        record_amendment(session, actor, session_id, "sessions", session_id, field, old, new, why)
        setattr(row, field, new)
        audit.record(db, session, actor, AuditEvent("amended", "session", str(session_id),
                                                    {"field": field, "old": old, "new": new, "reason": why}))

    db.write(work)


def amend_area_field(db: Database, actor: Actor, area_id: int, field: str, value: str, reason: str) -> None:
    require(actor, "amend sessions")
    why = _need_reason(reason)

    def work(session: Session) -> None:
        area = session.get(SessionArea, area_id)
        if area is None:
            raise NotFound("session area", area_id)
        row = _signed_session(session, actor, area.session_id)
        new = _parse_area_value(session, row, field, value)
        old = getattr(area, field)
        record_amendment(session, actor, row.id, "session_areas", area_id, field, old, new, why)
        setattr(area, field, new)
        audit.record(db, session, actor, AuditEvent("amended", "session", str(row.id),
                                                    {"area_id": area_id, "field": field, "old": old, "new": new,
                                                     "reason": why}))

    db.write(work)


def _parse_area_value(session: Session, row: TreatmentSession, field: str, value: str) -> object:
    if field == "depth_mm":
        try:
            depth = float(value)
        except ValueError:
            raise InvalidValue("depth_mm", value, "a depth in mm, e.g. 0.75") from None
        if depth <= 0 or not is_depth_step(depth):
            raise InvalidValue("depth_mm", value, "a positive depth in steps of 0.05 mm")
        if row.device_id is not None:
            _, model = facts.device_for(session, row.device_id)
            if not model.min_depth_mm <= depth <= model.max_depth_mm:
                raise InvalidValue("depth_mm", value, f"{model.min_depth_mm}–{model.max_depth_mm} mm on the "
                                                      f"{model.name}")
        return depth
    if field == "passes":
        parsed = _positive_int("passes")(value)
        if parsed is None:
            raise InvalidValue("passes", value, "a whole number of 1 or more")
        return parsed
    if field == "technique":
        if value not in set(Technique):
            raise InvalidValue("technique", value, "one of stamping, gliding, rolling")
        return value
    if field == "endpoint":
        return _text(value)
    raise InvalidValue("field", field, "one of depth_mm, passes, technique, endpoint")


def add_late_complication(db: Database, actor: Actor, session_id: int, complication: ComplicationInput,
                          reason: str) -> int:
    """A complication found after signing (follow-up call, return visit), added as an amendment."""
    require(actor, "amend sessions")
    why = _need_reason(reason)

    def work(session: Session) -> int:
        _signed_session(session, actor, session_id)
        if complication.code not in facts.complication_codes(session):
            raise InvalidValue("complication", complication.code, "a complication type from the reference list")
        new_id = session.execute(
            insert(Complication).returning(Complication.id),
            [complication_values(session_id, complication, late=True)],
        ).scalar_one()
        record_amendment(session, actor, session_id, "complications", new_id, "complication", None,
                         f"{complication.code} grade {complication.grade}", why)
        audit.record(db, session, actor, AuditEvent("amended", "session", str(session_id),
                                                    {"added_complication": complication.code,
                                                     "grade": complication.grade, "reason": why}))
        return new_id

    if not 1 <= complication.grade <= 5:
        raise InvalidValue("complication_grade", complication.grade, "CTCAE grade 1 to 5")
    return db.write(work)
