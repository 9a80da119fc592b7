"""Log, draft, sign and amend treatment sessions. Signed sessions are never edited in place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from clinic_log.db.driver import DriverTransaction
from clinic_log.db.engine import Database
from clinic_log.db.models import (
    Amendment,
    CartridgeLot,
    Complication,
    SessionArea,
    SessionProduct,
    SessionWarning,
    TreatmentSession,
    table_of,
)
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import SessionStatus, UserRole
from clinic_log.domain.errors import DomainError, InvalidValue, NotFound, PermissionDenied, RecordLocked
from clinic_log.domain.permissions import require
from clinic_log.domain.rules import SessionFacts, assess_session
from clinic_log.domain.values import Assessment, ComplicationInput, Problem, SessionInput
from clinic_log.services import audit, facts
from clinic_log.services.audit import AuditEvent
from clinic_log.services.clock import to_utc_naive, utcnow
from clinic_log.services.draft_input import load_draft
from clinic_log.services.session_views import SessionSaved
from clinic_log.settings import get_setting

# Problems that the database itself cannot store, so even a draft must not have them.
_STRUCTURAL = {"unknown_area", "duplicate_area", "unknown_complication", "ctcae_grade", "passes", "technique"}


class SessionRejected(DomainError):
    """The session has errors; nothing was saved."""

    def __init__(self, errors: Sequence[Problem]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


class CredentialBlocksSigning(DomainError):
    """An expired required credential: only the owner may sign, with a reason (which is recorded)."""


def _check_signer(actor: Actor, practitioner_id: int, warnings: Sequence[Problem], reason: str | None) -> None:
    if actor.role is UserRole.PRACTITIONER and actor.practitioner_id != practitioner_id:
        raise PermissionDenied(actor.role.value, "sign another practitioner's session")
    expired = [w for w in warnings if w.code == "credential_expired"]
    if expired and actor.role is not UserRole.OWNER:
        raise CredentialBlocksSigning(
            f"{expired[0].message}: the session can be saved as a draft; only the owner can sign it, with a reason"
        )
    if expired and not (reason and reason.strip()):  # the owner's override is given at signing, never inherited
        raise CredentialBlocksSigning(f"{expired[0].message}: the owner may sign anyway, with a reason for the "
                                      "override (recorded)")


class WarningsNeedReason(DomainError):
    """The session has warnings and no reason was given to save anyway; nothing was saved."""

    def __init__(self, warnings: Sequence[Problem]) -> None:
        self.warnings = tuple(warnings)
        super().__init__(
            "a reason is required to save with these warnings: " + "; ".join(str(w) for w in self.warnings)
        )


@dataclass(frozen=True)
class _Prepared:
    assessment: Assessment
    lot_id: int | None


def _facts_for(session: Session, entry: SessionInput) -> tuple[SessionFacts, _Prepared]:
    client = facts.client_facts(session, entry.client_id)
    practitioner = facts.practitioner_facts(session, entry.practitioner_id)
    supervisor = facts.practitioner_facts(session, entry.supervisor_id) if entry.supervisor_id else None
    device_model = None
    if entry.device_id is not None:
        device, device_model = facts.device_for(session, entry.device_id)
        if not device.in_service:
            raise InvalidValue("device", device.serial, "a device that is in service")
    lot_id = None
    lot_expires = entry.lot_expires
    if entry.cartridge_lot:
        lot = session.scalar(select(CartridgeLot).where(CartridgeLot.lot_number == entry.cartridge_lot))
        if lot is None:
            lot = CartridgeLot(lot_number=entry.cartridge_lot, expires_on=entry.lot_expires)
            session.add(lot)
            session.flush()
        elif entry.lot_expires is not None and lot.expires_on not in (None, entry.lot_expires):
            raise InvalidValue("lot_expires", entry.lot_expires.isoformat(),
                               f"lot {lot.lot_number} is recorded with expiry {lot.expires_on}")
        lot_id, lot_expires = lot.id, lot.expires_on or entry.lot_expires
    session_facts = SessionFacts(
        client=client, practitioner=practitioner, supervisor=supervisor, device_model=device_model,
        areas=facts.area_refs(session), complication_codes=facts.complication_codes(session),
        consent_validity=get_setting(session, "consent.validity"),
    )
    checked = entry if lot_expires == entry.lot_expires else replace(entry, lot_expires=lot_expires)
    return session_facts, _Prepared(assess_session(checked, session_facts), lot_id)


def assess(db: Database, entry: SessionInput) -> Assessment:
    """Errors and warnings for an entry, without saving anything (for a live warnings panel)."""
    with db.reading() as session:
        _, prepared = _facts_for(session, entry)
        session.rollback()  # a lot created for the check is not kept
        return prepared.assessment


def log_session(db: Database, actor: Actor, entry: SessionInput, reason: str | None = None,
                sign: bool = False) -> SessionSaved:
    """Save a complete session; errors refuse it, warnings need `reason` (stored on the session)."""
    require(actor, "log sessions")

    def work(session: Session) -> SessionSaved:
        _, prepared = _facts_for(session, entry)
        if prepared.assessment.errors:
            raise SessionRejected(prepared.assessment.errors)
        warnings = prepared.assessment.warnings
        if warnings and not (reason and reason.strip()):
            raise WarningsNeedReason(warnings)
        if sign:
            _check_signer(actor, entry.practitioner_id, warnings, reason)
        status = SessionStatus.SIGNED if sign else SessionStatus.DRAFT
        session_id = _insert(session, actor, entry, prepared.lot_id, status, warnings, reason)
        audit.record(db, session, actor, AuditEvent(
            "signed" if sign else "created", "session", str(session_id),
            {"client_id": entry.client_id, "areas": len(entry.areas), "warnings": [w.code for w in warnings]},
        ))
        return SessionSaved(session_id, status.value, warnings)

    return db.write(work)


def save_draft(db: Database, actor: Actor, entry: SessionInput, session_id: int | None = None) -> SessionSaved:
    """Keep whatever was typed as a draft; only values the record cannot hold are refused."""
    require(actor, "log sessions")

    def work(session: Session) -> SessionSaved:
        _, prepared = _facts_for(session, entry)
        structural = [p for p in prepared.assessment.errors if p.code in _STRUCTURAL]
        if structural:
            raise SessionRejected(structural)
        if session_id is None:
            new_id = _insert(session, actor, entry, prepared.lot_id, SessionStatus.DRAFT, (), None)
            audit.record(db, session, actor, AuditEvent("created", "session", str(new_id), {"draft": True}))
            return SessionSaved(new_id, SessionStatus.DRAFT.value, prepared.assessment.warnings)
        row = _draft_row(session, session_id)
        _replace_draft(session, row, entry, prepared.lot_id)
        audit.record(db, session, actor, AuditEvent("updated", "session", str(session_id), {"draft": True}))
        return SessionSaved(session_id, SessionStatus.DRAFT.value, prepared.assessment.warnings)

    return db.write(work)


def sign_session(db: Database, actor: Actor, session_id: int, reason: str | None = None) -> SessionSaved:
    """Sign a draft after checking it again; from then on it can only be amended.

    The practitioner waits on this at the chair, so its few statements run on the driver connection
    (`Database.write_direct`); they are the same Core statements, in one transaction as every write.
    """
    require(actor, "sign sessions")

    def work(transaction: DriverTransaction) -> SessionSaved:
        draft = load_draft(transaction, session_id)
        assessment = assess_session(draft.entry, draft.facts)
        if assessment.errors:
            raise SessionRejected(assessment.errors)
        given = (reason or draft.warnings_reason or "").strip()
        warnings = assessment.warnings
        if warnings and not given:
            raise WarningsNeedReason(warnings)
        _check_signer(actor, draft.practitioner_id, warnings, reason)
        if draft.has_stored_warnings:
            transaction.execute(_DELETE_WARNINGS, {"sid": session_id})
        transaction.execute_many(_INSERT_WARNING, _warning_rows(session_id, warnings, given))
        now = utcnow()
        # Only a draft is signed: a concurrent signer (PostgreSQL re-evaluates the WHERE after waiting) gets 0.
        signed = transaction.execute(_SIGN, {"sid": session_id, "status": SessionStatus.SIGNED.value,
                                             "signed_by": actor.username, "signed_at": now, "updated_at": now,
                                             "warnings_reason": given or None})
        if signed != 1:
            raise RecordLocked(f"session {session_id} is signed: it cannot be changed, only amended with a reason")
        detail: dict[str, object] = {"warnings": [w.code for w in warnings]}
        if given:
            detail["reason"] = given
        audit.record_direct(transaction, actor, AuditEvent("signed", "session", str(session_id), detail),
                            draft.audit_head)
        return SessionSaved(session_id, SessionStatus.SIGNED.value, warnings)

    return db.write_direct(work)


_sessions = table_of(TreatmentSession)
_warnings = table_of(SessionWarning)
_DELETE_WARNINGS = delete(_warnings).where(_warnings.c.session_id == bindparam("sid"))
_INSERT_WARNING = insert(_warnings).values(
    {name: bindparam(name) for name in ("session_id", "code", "message", "reason")})
_SIGN = (update(_sessions)
         .where(_sessions.c.id == bindparam("sid"), _sessions.c.status == SessionStatus.DRAFT.value)
         .values(status=bindparam("status"), signed_by=bindparam("signed_by"), signed_at=bindparam("signed_at"),
                 updated_at=bindparam("updated_at"), warnings_reason=bindparam("warnings_reason")))


def countersign_session(db: Database, actor: Actor, session_id: int) -> None:
    """The supervising physician countersigns a signed session of a practitioner who needs supervision."""
    require(actor, "countersign sessions")

    def work(session: Session) -> None:
        row = session.get(TreatmentSession, session_id)
        if row is None:
            raise NotFound("session", session_id)
        if row.status != SessionStatus.SIGNED:
            raise RecordLocked(f"session {session_id} is a draft: its practitioner signs it first")
        if row.voided_at is not None:
            raise RecordLocked(f"session {session_id} was voided by {row.voided_by}: a void session is not "
                               "countersigned")
        if row.supervisor_id is None:
            raise InvalidValue("supervisor", None, "a session with a supervising physician to countersign")
        if row.countersigned_by is not None:
            raise RecordLocked(f"session {session_id} was already countersigned by {row.countersigned_by}")
        if actor.practitioner_id != row.supervisor_id:
            raise PermissionDenied(actor.role.value, "countersign: only the supervising physician named on "
                                                     "the session can")
        row.countersigned_by, row.countersigned_at = actor.username, utcnow()
        audit.record(db, session, actor, AuditEvent("countersigned", "session", str(session_id), {}))

    db.write(work)


def _draft_row(session: Session, session_id: int) -> TreatmentSession:
    row = session.get(TreatmentSession, session_id)
    if row is None:
        raise NotFound("session", session_id)
    if row.status != SessionStatus.DRAFT:
        raise RecordLocked(f"session {session_id} is signed: it cannot be changed, only amended with a reason")
    return row


def _insert(session: Session, actor: Actor, entry: SessionInput, lot_id: int | None, status: SessionStatus,
            warnings: Sequence[Problem], reason: str | None) -> int:
    now = utcnow()
    signed = status is SessionStatus.SIGNED
    row = TreatmentSession(
        client_id=entry.client_id, started_at=to_utc_naive(entry.started_at),
        practitioner_id=entry.practitioner_id, supervisor_id=entry.supervisor_id,
        supervisor_presence=entry.supervisor_presence, device_id=entry.device_id, cartridge_lot_id=lot_id,
        course_index=entry.course_index, course_total=entry.course_total, skin_response=entry.skin_response,
        notes=entry.notes, warnings_reason=(reason or "").strip() or None, status=status.value,
        signed_by=actor.username if signed else None, signed_at=now if signed else None,
        created_by=actor.username, created_at=now, updated_at=now,
    )
    session.add(row)
    session.flush()
    _insert_children(session, row.id, entry)
    _store_warnings(session, row.id, warnings, reason or "")
    return row.id


def _insert_children(session: Session, session_id: int, entry: SessionInput) -> None:
    if entry.areas:
        session.execute(insert(SessionArea), [
            {"session_id": session_id, "area_code": a.area_code, "depth_mm": a.depth_mm, "passes": a.passes,
             "technique": a.technique, "endpoint": a.endpoint, "rf_energy": a.rf_energy}
            for a in entry.areas
        ])
    if entry.products:
        session.execute(insert(SessionProduct), [
            {"session_id": session_id, "name": p.name, "contact_minutes": p.contact_minutes, "note": p.note}
            for p in entry.products
        ])
    if entry.complications:
        session.execute(insert(Complication), [complication_values(session_id, c) for c in entry.complications])


def complication_values(session_id: int, c: ComplicationInput, late: bool = False) -> dict[str, object]:
    return {"session_id": session_id, "code": c.code, "grade": c.grade, "onset_on": c.onset_on,
            "expected": c.expected, "relatedness": c.relatedness, "action": c.action, "outcome": c.outcome,
            "resolved_on": c.resolved_on, "reported": c.reported, "added_by_amendment": late}


def _store_warnings(session: Session, session_id: int, warnings: Sequence[Problem], reason: str) -> None:
    if warnings:
        session.connection().execute(_INSERT_WARNING, _warning_rows(session_id, warnings, reason))


def _warning_rows(session_id: int, warnings: Sequence[Problem], reason: str) -> list[dict[str, object]]:
    return [{"session_id": session_id, "code": w.code, "message": w.message, "reason": reason.strip()}
            for w in warnings]


def _replace_draft(session: Session, row: TreatmentSession, entry: SessionInput, lot_id: int | None) -> None:
    for table in (SessionArea, SessionProduct, Complication, SessionWarning):
        session.execute(delete(table).where(table.session_id == row.id))
    row.client_id, row.started_at = entry.client_id, to_utc_naive(entry.started_at)
    row.practitioner_id, row.supervisor_id = entry.practitioner_id, entry.supervisor_id
    row.supervisor_presence, row.device_id, row.cartridge_lot_id = entry.supervisor_presence, entry.device_id, lot_id
    row.course_index, row.course_total = entry.course_index, entry.course_total
    row.skin_response, row.notes, row.updated_at = entry.skin_response, entry.notes, utcnow()
    _insert_children(session, row.id, entry)


def record_amendment(session: Session, actor: Actor, session_id: int, table: str, row_id: int, field: str,
                     old: object, new: object, reason: str) -> None:
    session.add(Amendment(
        session_id=session_id, table_name=table, row_id=row_id, field=field,
        old_value=None if old is None else str(old), new_value=None if new is None else str(new),
        amended_by=actor.username, amended_at=utcnow(), reason=reason,
    ))
