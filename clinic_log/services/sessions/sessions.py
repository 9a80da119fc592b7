"""Log, draft, sign, override and countersign treatment sessions. Signed sessions are never edited in place.

Who: a practitioner logs, saves and signs only their own sessions; the owner may act on anyone's draft, which is
audited as a take-over. Every change to a stored session names the version it read in its UPDATE (`version`
parameters: None means "the version read in this same transaction"), so of two workstations one wins and the
other is told (`ChangedMeanwhile`), and signing seals exactly the content that was checked.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from clinic_log.db.driver import DriverTransaction
from clinic_log.db.engine import Database
from clinic_log.db.models import (
    Amendment,
    CartridgeLot,
    Complication,
    SessionArea,
    SessionOverride,
    SessionProduct,
    SessionWarning,
    TreatmentSession,
    table_of,
)
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import Level, SessionStatus, UserRole
from clinic_log.domain.errors import (
    ChangedMeanwhile,
    DomainError,
    InvalidValue,
    NotFound,
    PermissionDenied,
    RecordLocked,
)
from clinic_log.domain.permissions import Permission, may_override_stops, require
from clinic_log.domain.rules import SessionFacts, assess_session, override_reason_problem
from clinic_log.domain.signing import (
    ChecksChanged,
    GoneAhead,
    ProblemKey,
    StopsNeedOverride,
    WarningsNeedReason,
    go_ahead,
    key,
)
from clinic_log.domain.values import Assessment, ComplicationInput, Problem, SessionInput
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize, judge, practitioner_role
from clinic_log.services.common.clock import to_utc_naive, utcnow
from clinic_log.services.sessions import facts
from clinic_log.services.sessions.draft_input import OrmReader, StoredSession, load_draft, load_record
from clinic_log.services.sessions.seals import AMENDMENTS, COMPLICATIONS, PRODUCTS, SEAL_KEY, WARNINGS, seal_of
from clinic_log.services.sessions.session_views import SessionSaved

__all__ = ["ChecksChanged", "SessionRejected", "StopsNeedOverride", "WarningsNeedReason"]  # the refusals callers catch

# Problems that the database itself cannot store, so even a draft must not have them.
_STRUCTURAL = {"unknown_area", "duplicate_area", "unknown_complication", "complication_type_missing", "ctcae_grade",
               "passes", "technique", "lot_expiry_mismatch", "lot_expiry_without_lot"}


class SessionRejected(DomainError):
    """The session has errors; nothing was saved."""

    def __init__(self, errors: Sequence[Problem]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def _check_author(actor: Actor, practitioner_id: int, what: str) -> None:
    """A practitioner acts only on their own sessions; the owner on anyone's (a take-over, audited)."""
    if actor.role is UserRole.PRACTITIONER and actor.practitioner_id != practitioner_id:
        raise PermissionDenied(actor.role.value, f"{what} another practitioner's session")


def _takes_over(actor: Actor, practitioner_id: int) -> bool:
    return actor.role is UserRole.OWNER and actor.practitioner_id != practitioner_id


@dataclass(frozen=True)
class _Prepared:
    facts: SessionFacts
    assessment: Assessment


def _facts_for(session: Session, entry: SessionInput) -> _Prepared:
    session_facts = facts.for_entry(session, entry)
    return _Prepared(session_facts, assess_session(entry, session_facts))


def _lot_id(session: Session, entry: SessionInput) -> int | None:
    """The lot row the session points at: a new lot is recorded with the expiry typed for it; a lot stored without
    an expiry gets the one typed now (a different expiry for a known lot was refused by the rules)."""
    if not entry.cartridge_lot:
        return None
    lot = session.scalar(select(CartridgeLot).where(CartridgeLot.lot_number == entry.cartridge_lot))
    if lot is None:
        lot = CartridgeLot(lot_number=entry.cartridge_lot, expires_on=entry.lot_expires)
        session.add(lot)
        session.flush()
    elif lot.expires_on is None and entry.lot_expires is not None:
        lot.expires_on = entry.lot_expires
    return lot.id


def assess(db: Database, entry: SessionInput) -> Assessment:
    """Errors, stops and warnings for an entry, without saving anything (for the live Checks panel)."""
    with db.reading() as session:
        return _facts_for(session, entry).assessment


def _may_override(session: Session, actor: Actor) -> bool:
    return may_override_stops(actor.role, practitioner_role(session, actor))


def log_session(db: Database, actor: Actor, entry: SessionInput, reason: str | None = None,
                sign: bool = False, override_reason: str | None = None,
                shown: Collection[Problem] | None = None) -> SessionSaved:
    """Save a complete session; errors refuse it, warnings need `reason`, and signing over a stop needs a physician
    or the owner with `override_reason` (both stored with the session). `shown`: the checks the signer saw (the
    form's panel); a stop or warning among none of them is refused (`ChecksChanged`)."""
    authorize(db, actor, Permission.SIGN_SESSIONS if sign else Permission.LOG_SESSIONS)
    _check_author(actor, entry.practitioner_id, "sign" if sign else "log")

    def work(session: Session) -> SessionSaved:
        prepared = _facts_for(session, entry)
        assessment = prepared.assessment
        if assessment.errors:
            raise SessionRejected(assessment.errors)
        now = utcnow()
        if sign:
            gone = go_ahead(assessment.problems, actor=actor.username, may_override=_may_override(session, actor),
                            own_session=actor.practitioner_id == entry.practitioner_id, now=now, reason=reason,
                            override_reason=override_reason, shown=_keys(shown))
        else:  # a complete draft: its warnings are stored with their reason; stops wait for the signature
            gone = go_ahead(assessment.warnings, actor=actor.username, may_override=False, now=now, reason=reason,
                            override_reason=None)
        status = SessionStatus.SIGNED if sign else SessionStatus.DRAFT
        session_id = _insert(session, actor, entry, _lot_id(session, entry), status, gone, reason)
        if _takes_over(actor, entry.practitioner_id):
            _audit_take_over(db, session, actor, session_id, prepared.facts.practitioner.username)
        detail: dict[str, object] = {"client_id": entry.client_id, "areas": len(entry.areas), **_gone_detail(gone)}
        if sign:
            detail[SEAL_KEY] = seal_of(OrmReader(session), session_id)
        audit.record(db, session, actor, AuditEvent("signed" if sign else "created", "session", str(session_id),
                                                    detail))
        return SessionSaved(session_id, status.value, assessment.warnings, 1)

    return db.write(work)


def save_draft(db: Database, actor: Actor, entry: SessionInput, session_id: int | None = None,
               version: int | None = None) -> SessionSaved:
    """Keep whatever was typed as a draft; only values the record cannot hold are refused.

    Saving over a stored draft names the `version` read; an entry equal to what is stored writes nothing (so an
    override given on that version still holds).
    """
    authorize(db, actor, Permission.LOG_SESSIONS)
    _check_author(actor, entry.practitioner_id, "log")

    def work(session: Session) -> SessionSaved:
        # The audit chain's lock first, as signing takes it: a save and a sign of one draft then wait for each
        # other in the same order, never each holding what the other needs (a deadlock on PostgreSQL).
        db.lock_audit_chain(session)
        prepared = _facts_for(session, entry)
        structural = [p for p in prepared.assessment.errors if p.code in _STRUCTURAL]
        if structural:
            raise SessionRejected(structural)
        warnings = prepared.assessment.warnings
        if session_id is None:
            new_id = _insert(session, actor, entry, _lot_id(session, entry), SessionStatus.DRAFT, (), None)
            audit.record(db, session, actor, AuditEvent("created", "session", str(new_id), {"draft": True}))
            return SessionSaved(new_id, SessionStatus.DRAFT.value, warnings, 1)
        stored = _stored_draft(session, actor, session_id, version, "save")
        if _same_content(stored, entry):
            return SessionSaved(session_id, SessionStatus.DRAFT.value, warnings, stored.version)
        _replace_draft(session, stored, entry, _lot_id(session, entry))
        if _takes_over(actor, stored.practitioner_id):
            _audit_take_over(db, session, actor, session_id, stored.facts.practitioner.username)
        audit.record(db, session, actor, AuditEvent("updated", "session", str(session_id), {"draft": True}))
        return SessionSaved(session_id, SessionStatus.DRAFT.value, warnings, stored.version + 1)

    return db.write(work)


def _stored_draft(session: Session, actor: Actor, session_id: int, version: int | None, what: str) -> StoredSession:
    stored = load_record(OrmReader(session), session_id)
    if stored.status is not SessionStatus.DRAFT:
        raise RecordLocked(f"session {session_id} is signed: it cannot be changed, only amended with a reason")
    _check_author(actor, stored.practitioner_id, what)
    stored.expect_version(version)
    return stored


def _same_content(stored: StoredSession, entry: SessionInput) -> bool:
    typed_expiry = entry.lot_expires if entry.lot_expires is not None else stored.entry.lot_expires
    return stored.entry == SessionInput(**{**entry.__dict__, "lot_expires": typed_expiry})


def sign_session(db: Database, actor: Actor, session_id: int, reason: str | None = None,
                 override_reason: str | None = None, version: int | None = None,
                 shown: Collection[Problem] | None = None) -> SessionSaved:
    """Sign a draft after checking it again; from then on it can only be amended.

    `version` is the draft version the signer saw checked: a draft changed since is refused, so the signature seals
    exactly that content; `shown` are the checks the signer saw (as for `log_session`). Stops need an override
    (recorded on the draft by a physician or the owner, or given now as `override_reason` by a signer who may);
    warnings need `reason` (or the one stored with the draft for these same warnings).

    The practitioner waits on this at the chair, so its few statements (the actor's live check among them) run on
    the driver connection (`Database.write_direct`); they are the same Core statements, in one transaction as every
    write.
    """

    def work(transaction: DriverTransaction) -> SessionSaved:
        require(actor, Permission.SIGN_SESSIONS)
        draft = load_draft(transaction, session_id, actor.user_id)
        if actor.user_id is not None:  # the login re-read with the draft: live authority at no extra select
            judge(db, actor, draft.login)
        draft.expect_version(version)
        _check_author(actor, draft.practitioner_id, "sign")
        assessment = assess_session(draft.entry, draft.facts)
        if assessment.errors:
            raise SessionRejected(assessment.errors)
        now = utcnow()
        own_physician = actor.practitioner_id == draft.practitioner_id and draft.facts.practitioner.role.is_physician
        gone = go_ahead(assessment.problems, actor=actor.username, now=now,
                        may_override=actor.role is UserRole.OWNER or own_physician,
                        own_session=actor.practitioner_id == draft.practitioner_id, reason=reason,
                        override_reason=override_reason, overrides=draft.overrides,
                        stored_reason=draft.warnings_reason, stored=draft.stored, shown=_keys(shown))
        given = next((g.reason for g in gone if g.problem.level is Level.WARNING), None)
        if draft.has_stored_warnings:
            transaction.execute(_DELETE_WARNINGS, {"sid": session_id})
        transaction.execute_many(_INSERT_WARNING, _warning_rows(session_id, gone))
        # Only this version of the draft is signed: a concurrent save or signer (PostgreSQL re-evaluates the WHERE
        # after waiting for the row) leaves 0 rows here.
        signed = transaction.execute(_SIGN, {"sid": session_id, "version": draft.version,
                                             "status": SessionStatus.SIGNED.value, "signed_by": actor.username,
                                             "signed_at": now, "updated_at": now, "warnings_reason": given})
        if signed != 1:
            raise ChangedMeanwhile(f"session {session_id} was signed or changed meanwhile by someone else: nothing "
                                   "was written; look at it again")
        # What the draft is known to lack needs no select: a draft has no amendments, and the probes of its first
        # select said whether it has products or complications; its warnings were just written (`gone`).
        empty = {AMENDMENTS, *(() if draft.entry.products else (PRODUCTS,)),
                 *(() if draft.entry.complications else (COMPLICATIONS,)), *(() if gone else (WARNINGS,))}
        sealed = {**_gone_detail(gone), SEAL_KEY: seal_of(transaction, session_id, frozenset(empty))}
        events = [AuditEvent("signed", "session", str(session_id), sealed)]
        if _takes_over(actor, draft.practitioner_id):
            events.insert(0, _take_over_event(session_id, draft.facts.practitioner.username))
        audit.record_direct(db, transaction, actor, events, draft.audit_head)
        return SessionSaved(session_id, SessionStatus.SIGNED.value, assessment.warnings, draft.version + 1)

    return db.write_direct(work)


def override_stops(db: Database, actor: Actor, session_id: int, reason: str, version: int | None = None) -> None:
    """A physician (dermatologist, plastic surgeon) or the owner overrides the stops of someone's draft, with a
    reason of a few words; the override holds for this version of the draft (a changed draft needs a new one)."""
    authorize(db, actor, Permission.OVERRIDE_STOPS)
    if (problem := override_reason_problem(reason)) is not None:
        raise InvalidValue("reason", reason, problem)

    def work(session: Session) -> None:
        if not _may_override(session, actor):
            raise PermissionDenied(actor.role.value, "override a stop (only a dermatologist, a plastic surgeon or "
                                                     "the owner may)")
        stored = load_record(OrmReader(session), session_id)
        if stored.status is not SessionStatus.DRAFT:
            raise RecordLocked(f"session {session_id} is signed: a stop is overridden on a draft, before signing")
        stored.expect_version(version)
        stops = assess_session(stored.entry, stored.facts).stops
        if not stops:
            raise InvalidValue("session", session_id, "a draft with a stop to override; this one has none")
        now, why = utcnow(), reason.strip()
        session.execute(insert(SessionOverride), [
            {"session_id": session_id, "version": stored.version, "code": s.code, "message": s.message,
             "reason": why, "overridden_by": actor.username, "overridden_at": now} for s in stops])
        audit.record(db, session, actor, AuditEvent("overridden", "session", str(session_id), {
            "stops": [s.code for s in stops], "reason": why, "version": stored.version}))

    db.write(work)


def _keys(shown: Collection[Problem] | None) -> frozenset[ProblemKey] | None:
    return None if shown is None else frozenset(key(p) for p in shown)


def _gone_detail(gone: Sequence[GoneAhead]) -> dict[str, object]:
    """The audit detail of what a signature went ahead over (warning codes; stops with who overrode them, why)."""
    detail: dict[str, object] = {"warnings": [g.problem.code for g in gone if g.problem.level is Level.WARNING]}
    reason = next((g.reason for g in gone if g.problem.level is Level.WARNING), None)
    if reason:
        detail["reason"] = reason
    stops = [{"code": g.problem.code, "by": g.overridden_by, "reason": g.reason}
             for g in gone if g.problem.level is Level.STOP]
    if stops:
        detail["stops"] = stops
    return detail


def _take_over_event(session_id: int, author: str) -> AuditEvent:
    return AuditEvent("taken_over", "session", str(session_id), {"practitioner": author})


def _audit_take_over(db: Database, session: Session, actor: Actor, session_id: int, author: str) -> None:
    audit.record(db, session, actor, _take_over_event(session_id, author))


_sessions = table_of(TreatmentSession)
_warnings = table_of(SessionWarning)
_DELETE_WARNINGS = delete(_warnings).where(_warnings.c.session_id == bindparam("sid"))
_WARNING_COLUMNS = ("session_id", "code", "message", "reason", "level", "overridden_by", "overridden_at")
_INSERT_WARNING = insert(_warnings).values({name: bindparam(name) for name in _WARNING_COLUMNS})
_SIGN = (update(_sessions)
         .where(_sessions.c.id == bindparam("sid"), _sessions.c.status == SessionStatus.DRAFT.value,
                _sessions.c.version == bindparam("version"))
         .values(status=bindparam("status"), signed_by=bindparam("signed_by"), signed_at=bindparam("signed_at"),
                 updated_at=bindparam("updated_at"), warnings_reason=bindparam("warnings_reason"),
                 version=_sessions.c.version + 1))
_DRAFT_COLUMNS = ("client_id", "started_at", "practitioner_id", "supervisor_id", "supervisor_presence", "device_id",
                  "cartridge_lot_id", "course_index", "course_total", "skin_response", "notes", "updated_at")
_REPLACE_DRAFT = (update(_sessions)
                  .where(_sessions.c.id == bindparam("sid"), _sessions.c.status == SessionStatus.DRAFT.value,
                         _sessions.c.version == bindparam("version"))
                  .values({**{name: bindparam(name) for name in _DRAFT_COLUMNS},
                           "version": _sessions.c.version + 1}))


def countersign_session(db: Database, actor: Actor, session_id: int, version: int | None = None) -> None:
    """The supervising physician countersigns a signed session of a practitioner who needs supervision."""
    authorize(db, actor, Permission.COUNTERSIGN_SESSIONS)

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
        expect_version(session_id, row.version, version)
        # The ORM's version column puts "AND version = <read>" into the UPDATE and raises it by one.
        row.countersigned_by, row.countersigned_at = actor.username, utcnow()
        audit.record(db, session, actor, AuditEvent("countersigned", "session", str(session_id),
                                                    {SEAL_KEY: seal_of(OrmReader(session), session_id)}))

    db.write(work)


def expect_version(session_id: int, stored: int, expected: int | None) -> None:
    """Refuse when the caller acted on another version of the session than the one stored."""
    if expected is not None and expected != stored:
        raise ChangedMeanwhile(f"session {session_id} was changed meanwhile (another save, signature or amendment): "
                               "nothing was written; look at it again")


def _insert(session: Session, actor: Actor, entry: SessionInput, lot_id: int | None, status: SessionStatus,
            gone: Sequence[GoneAhead], reason: str | None) -> int:
    now = utcnow()
    signed = status is SessionStatus.SIGNED
    given = next((g.reason for g in gone if g.problem.level is Level.WARNING), None) or (reason or "").strip()
    row = TreatmentSession(
        client_id=entry.client_id, started_at=to_utc_naive(entry.started_at),
        practitioner_id=entry.practitioner_id, supervisor_id=entry.supervisor_id,
        supervisor_presence=entry.supervisor_presence, device_id=entry.device_id, cartridge_lot_id=lot_id,
        course_index=entry.course_index, course_total=entry.course_total, skin_response=entry.skin_response,
        notes=entry.notes, warnings_reason=given or None, status=status.value,
        signed_by=actor.username if signed else None, signed_at=now if signed else None,
        created_by=actor.username, created_at=now, updated_at=now,
    )
    session.add(row)
    session.flush()
    _insert_children(session, row.id, entry)
    if gone:
        session.connection().execute(_INSERT_WARNING, _warning_rows(row.id, gone))
    return row.id


def _insert_children(session: Session, session_id: int, entry: SessionInput) -> None:
    if entry.areas:
        session.execute(insert(SessionArea), [
            {"session_id": session_id, "area_code": a.area_code, "depth_mm": a.depth_mm, "passes": a.passes,
             "technique": a.technique, "endpoint": a.endpoint, "rf_energy": a.rf_energy,
             "indication": a.indication, "tip": a.tip}
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


def store_gone_ahead(session: Session, session_id: int, gone: Sequence[GoneAhead]) -> None:
    """Store the stops and warnings a session (or an amendment of it) went ahead over, with their reasons."""
    if gone:
        session.connection().execute(_INSERT_WARNING, _warning_rows(session_id, gone))


def _warning_rows(session_id: int, gone: Sequence[GoneAhead]) -> list[dict[str, object]]:
    return [{"session_id": session_id, "code": g.problem.code, "message": g.problem.message, "reason": g.reason,
             "level": g.problem.level.value, "overridden_by": g.overridden_by, "overridden_at": g.overridden_at}
            for g in gone]


def _replace_draft(session: Session, stored: StoredSession, entry: SessionInput, lot_id: int | None) -> None:
    """The draft's row first, guarded by its status and version (0 rows: someone else won), then its children."""
    values: Mapping[str, object] = {
        "sid": stored.session_id, "version": stored.version, "client_id": entry.client_id,
        "started_at": to_utc_naive(entry.started_at), "practitioner_id": entry.practitioner_id,
        "supervisor_id": entry.supervisor_id, "supervisor_presence": entry.supervisor_presence,
        "device_id": entry.device_id, "cartridge_lot_id": lot_id, "course_index": entry.course_index,
        "course_total": entry.course_total, "skin_response": entry.skin_response, "notes": entry.notes,
        "updated_at": utcnow(),
    }
    if session.execute(_REPLACE_DRAFT, values).rowcount != 1:  # type: ignore[attr-defined]
        raise ChangedMeanwhile(f"session {stored.session_id} was signed or changed meanwhile by someone else: "
                               "nothing was written; look at it again")
    for table in (SessionArea, SessionProduct, Complication, SessionWarning):
        session.execute(delete(table).where(table.session_id == stored.session_id))
    _insert_children(session, stored.session_id, entry)


def record_amendment(session: Session, actor: Actor, session_id: int, table: str, row_id: int, field: str,
                     old: object, new: object, reason: str) -> None:
    session.add(Amendment(
        session_id=session_id, table_name=table, row_id=row_id, field=field,
        old_value=None if old is None else str(old), new_value=None if new is None else str(new),
        amended_by=actor.username, amended_at=utcnow(), reason=reason,
    ))
