"""Amend or void a signed session: each change keeps the original value, who, when and why.

Who may: the owner, the session's own practitioner, or a physician (dermatologist, plastic surgeon).
An amended session is checked as a session: the change is applied to the stored record and the same rules run on
it. An error it brings is refused; a new warning needs a reason (`warnings_reason`) and a new stop a physician's or
the owner's override (`override_reason`), both stored with the session as at signing. A countersigned session
amended in a clinical field goes back to awaiting countersignature. Every change names the session `version` the
user saw (None: the one read in the same transaction) and raises it, in one guarded UPDATE.
A voided session stays readable and is never deleted; it can no longer be amended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Complication, ComplicationType, Practitioner, SessionArea, TreatmentSession, table_of
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import CTCAE_GRADES, SessionStatus, Technique, UserRole
from clinic_log.domain.errors import ChangedMeanwhile, InvalidValue, PermissionDenied, RecordLocked
from clinic_log.domain.numbers import parse_decimal, parse_whole
from clinic_log.domain.permissions import Permission, may_override_stops
from clinic_log.domain.rules import assess_session
from clinic_log.domain.signing import GoneAhead, go_ahead
from clinic_log.domain.values import ComplicationInput, SessionInput
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize, practitioner_role
from clinic_log.services.common.clock import utcnow
from clinic_log.services.sessions import facts
from clinic_log.services.sessions.draft_input import OrmReader, StoredSession, load_record
from clinic_log.services.sessions.seals import SEAL_KEY, seal_of
from clinic_log.services.sessions.sessions import (
    SessionRejected,
    complication_values,
    record_amendment,
    store_gone_ahead,
)


def _text(value: str) -> str | None:
    return value.strip() or None


def _positive_int(field: str) -> Callable[[str], int | None]:
    def parse(value: str) -> int | None:
        if not value.strip():
            return None
        parsed = parse_whole(value, field, "a whole number of 1 or more")
        if parsed < 1:
            raise InvalidValue(field, value, "a whole number of 1 or more")
        return parsed
    return parse


SESSION_FIELDS: dict[str, Callable[[str], object]] = {
    "notes": _text,
    "skin_response": _text,
    "course_index": _positive_int("course_index"),
    "course_total": _positive_int("course_total"),
}
# Amending one of these does not touch the treatment itself, so a countersignature stays.
NOT_CLINICAL = frozenset({"course_index", "course_total"})
AREA_FIELDS = ("depth_mm", "passes", "technique", "endpoint", "area_code", "indication", "tip")

_s = table_of(TreatmentSession)
_a = table_of(SessionArea)
# The session row's change and its new version in one statement, guarded by status, void and the version read.
_GUARD = (_s.c.id == bindparam("sid"), _s.c.status == SessionStatus.SIGNED.value, _s.c.voided_at.is_(None),
          _s.c.version == bindparam("version"))


@dataclass(frozen=True)
class _Change:
    """One amended value: where it lives, old and new."""

    table: str
    row_id: int  # 0 for a row the amendment adds (its id is known once written)
    field: str
    old: object
    new: object


Write = Callable[[Session], int | None]  # a write besides the session row's; returns the id of a row it adds
Change = Callable[[Session, StoredSession], tuple[SessionInput, _Change, dict[str, object], Write | None]]


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


def _signed_record(session: Session, actor: Actor, session_id: int, version: int | None) -> StoredSession:
    record = load_record(OrmReader(session), session_id)
    if record.status is not SessionStatus.SIGNED:
        raise RecordLocked(f"session {session_id} is a draft: edit it directly instead of amending")
    if record.voided_by is not None:
        raise RecordLocked(f"session {session_id} was voided by {record.voided_by}: it can no longer be changed")
    if actor.role is UserRole.PRACTITIONER and actor.practitioner_id != record.practitioner_id:
        role = practitioner_role(session, actor)
        if role is None or not role.is_physician:
            raise PermissionDenied(actor.role.value, "amend another practitioner's session")
    record.expect_version(version)
    return record


def _need_reason(reason: str, what: str = "amendment") -> str:
    if not reason.strip():
        raise InvalidValue("reason", reason, f"a reason for the {what} is required")
    return reason.strip()


def _guarded_update(session: Session, record: StoredSession, values: dict[str, object]) -> None:
    """Change the session row (or only raise its version) if it is still the signed, unvoided version read."""
    statement = update(_s).where(*_GUARD).values({**values, "version": _s.c.version + 1})
    changed = session.execute(statement, {"sid": record.session_id, "version": record.version})
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise ChangedMeanwhile(f"session {record.session_id} was amended, voided or countersigned meanwhile by "
                               "someone else: nothing was written; look at it again")


def _amend(db: Database, actor: Actor, session_id: int, reason: str, version: int | None,
           warnings_reason: str | None, override_reason: str | None, change: Change) -> None:
    """One amendment: check the changed session as a session, then write the change, its history and audit row.

    `change` returns the changed entry, what changed, the session row's new values and any other write to make.
    """
    why = _need_reason(reason)

    def work(session: Session) -> None:
        record = _signed_record(session, actor, session_id, version)
        entry, what, row_values, other_write = change(session, record)
        gone = _check_as_session(session, actor, record, entry, warnings_reason, override_reason)
        clinical = what.field not in NOT_CLINICAL
        values = dict(row_values)
        if clinical and record.countersigned_by is not None:
            values.update(countersigned_by=None, countersigned_at=None)
        _guarded_update(session, record, values)
        added = other_write(session) if other_write is not None else None
        row_id = added or what.row_id
        record_amendment(session, actor, session_id, what.table, row_id, what.field, what.old, what.new, why)
        if clinical and record.countersigned_by is not None:
            record_amendment(session, actor, session_id, "sessions", session_id, "countersigned_by",
                             record.countersigned_by, None, f"clinical change ({what.field}): needs countersigning "
                                                            "again")
        store_gone_ahead(session, session_id, gone)
        detail: dict[str, object] = {"field": what.field, "old": what.old, "new": what.new, "reason": why}
        if what.table == "session_areas":
            detail["area_id"] = what.row_id
        if gone:
            detail["went_ahead_over"] = [g.problem.code for g in gone]
        detail[SEAL_KEY] = seal_of(OrmReader(session), session_id)
        audit.record(db, session, actor, AuditEvent("amended", "session", str(session_id), detail))

    db.write(work)


def _check_as_session(session: Session, actor: Actor, record: StoredSession, entry: SessionInput,
                      warnings_reason: str | None, override_reason: str | None) -> list[GoneAhead]:
    """The problems the change brings (not those the signed session already had): errors refuse it, stops and
    warnings need their reasons, as at signing."""
    # Every complication type, site, indication and the device's tips, not only those stored: a late
    # complication's type, or a site, indication or tip amended in, must be known too (small reference tables).
    model = record.facts.device_model
    session_facts = replace(record.facts, complication_codes=facts.complication_codes(session),
                            areas=facts.area_refs(session), indications=facts.indication_refs(session),
                            device_model=None if model is None else facts.device_model_refs(session).get(model.name,
                                                                                                          model))
    before = set(assess_session(record.entry, session_facts).problems)
    after = assess_session(entry, session_facts)
    new = [p for p in after.problems if p not in before]
    errors = [p for p in new if p in after.errors]
    if errors:
        raise SessionRejected(errors)
    return go_ahead(new, actor=actor.username, now=utcnow(), reason=warnings_reason, override_reason=override_reason,
                    may_override=may_override_stops(actor.role, practitioner_role(session, actor)),
                    own_session=actor.practitioner_id == record.practitioner_id)


def void_session(db: Database, actor: Actor, session_id: int, reason: str, version: int | None = None) -> None:
    """Mark a signed session void (entered in error, wrong client…): it stays, shown as VOID, with who and why."""
    authorize(db, actor, Permission.VOID_SESSIONS)
    why = _need_reason(reason, "void")

    def work(session: Session) -> None:
        record = _signed_record(session, actor, session_id, version)
        _guarded_update(session, record, {"voided_by": actor.username, "voided_at": utcnow(), "void_reason": why})
        record_amendment(session, actor, session_id, "sessions", session_id, "status", "signed", "void", why)
        audit.record(db, session, actor, AuditEvent("voided", "session", str(session_id), {
            "reason": why, SEAL_KEY: seal_of(OrmReader(session), session_id)}))

    db.write(work)


def amend_session_field(db: Database, actor: Actor, session_id: int, field: str, value: str, reason: str,
                        version: int | None = None, warnings_reason: str | None = None,
                        override_reason: str | None = None) -> None:
    authorize(db, actor, Permission.AMEND_SESSIONS)
    if field not in SESSION_FIELDS:
        raise InvalidValue("field", field, "one of " + ", ".join(SESSION_FIELDS))
    new = SESSION_FIELDS[field](value)

    def change(session: Session, record: StoredSession) -> tuple[SessionInput, _Change, dict[str, object], None]:
        old = getattr(record.entry, field)
        if old == new:
            raise InvalidValue(field, value, "a value different from the current one")
        changed: dict[str, Any] = {field: new}
        return replace(record.entry, **changed), _Change("sessions", session_id, field, old, new), \
            {field: new}, None

    _amend(db, actor, session_id, reason, version, warnings_reason, override_reason, change)


def amend_area_field(db: Database, actor: Actor, area_id: int, field: str, value: str, reason: str,
                     version: int | None = None, warnings_reason: str | None = None,
                     override_reason: str | None = None) -> None:
    authorize(db, actor, Permission.AMEND_SESSIONS)
    new = _parse_area_value(field, value)
    with db.reading() as session:
        session_id = session.scalar(select(SessionArea.session_id).where(SessionArea.id == area_id))
    if session_id is None:
        raise InvalidValue("area", area_id, "an area of a signed session")

    def change(session: Session, record: StoredSession) -> tuple[SessionInput, _Change, dict[str, object], Write]:
        index = record.area_ids.index(area_id)
        area = record.entry.areas[index]
        old = getattr(area, field)
        if old == new:
            raise InvalidValue(field, value, "a value different from the current one")
        areas = list(record.entry.areas)
        changed: dict[str, Any] = {field: new}
        areas[index] = replace(area, **changed)

        def write_area(session: Session) -> None:
            session.execute(update(_a).where(_a.c.id == area_id).values({field: new}))
            return None

        return (replace(record.entry, areas=tuple(areas)), _Change("session_areas", area_id, field, old, new), {},
                write_area)

    _amend(db, actor, session_id, reason, version, warnings_reason, override_reason, change)


def _parse_area_value(field: str, value: str) -> object:
    """The typed value of an area field, exactly (the rules then check ranges, steps, caps)."""
    if field == "depth_mm":
        return parse_decimal(value, "depth_mm", "a depth in mm such as 0.75")
    if field == "passes":
        return parse_whole(value, "passes", "a whole number of passes, 1 to 20")
    if field == "technique":
        if value not in set(Technique):
            raise InvalidValue("technique", value, "one of stamping, gliding, rolling")
        return value
    if field == "endpoint":
        return _text(value)
    if field == "area_code":  # the rules then refuse a site the reference data does not have
        if not value.strip():
            raise InvalidValue("area_code", value, "a body site code such as cheeks or back")
        return value.strip()
    if field in ("indication", "tip"):  # empty: none recorded
        return value.strip() or None
    raise InvalidValue("field", field, "one of " + ", ".join(AREA_FIELDS))


def add_late_complication(db: Database, actor: Actor, session_id: int, complication: ComplicationInput,
                          reason: str, version: int | None = None, warnings_reason: str | None = None,
                          override_reason: str | None = None) -> int:
    """A complication found after signing (follow-up call, return visit), added as an amendment."""
    authorize(db, actor, Permission.AMEND_SESSIONS)
    if complication.grade not in CTCAE_GRADES:
        raise InvalidValue("complication_grade", complication.grade, "CTCAE grade 1 to 5")
    added: list[int] = []

    def change(session: Session, record: StoredSession) -> tuple[SessionInput, _Change, dict[str, object], Write]:
        def write_complication(session: Session) -> int:
            new_id = session.execute(insert(Complication).returning(Complication.id),
                                     [complication_values(session_id, complication, late=True)]).scalar_one()
            added.append(new_id)
            return new_id

        what = _Change("complications", 0, "complication", None, f"{complication.code} grade {complication.grade}")
        entry = replace(record.entry, complications=(*record.entry.complications, complication))
        return entry, what, {}, write_complication

    _amend(db, actor, session_id, reason, version, warnings_reason, override_reason, change)
    return added[0]

