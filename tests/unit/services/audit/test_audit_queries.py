"""The audit trail as the owner reads it: filtered pages newest first, local-day filters, the filter suggestions,
the first broken row, and nobody else reading it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import PermissionDenied
from clinic_log.services.audit.audit_queries import (
    AuditFilter,
    audit_choices,
    broken_seals,
    count_audit_rows,
    first_broken_row,
    list_audit,
)
from clinic_log.services.sessions.sessions import log_session
from tests.tamper import drop_guards
from tests.unit.services.helpers import make_clinic, session_entry


def test_audit_trail_filters_and_finds_the_first_broken_row(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    rows = list_audit(db, owner, AuditFilter(entity="session", entity_id=str(saved.id)))
    assert [(r.actor, r.action) for r in rows] == [("mbrandt", "signed")]
    page = list_audit(db, owner, limit=2)
    assert len(page) == 2 and list_audit(db, owner, limit=2, before_id=page[-1].id)[0].id < page[-1].id
    assert first_broken_row(db, owner) is None
    with db.writing() as session:
        drop_guards(session)
        session.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = :i"), {"i": rows[0].id})
    broken = first_broken_row(db, owner)
    assert broken is not None and broken.row_id == rows[0].id
    with pytest.raises(PermissionDenied):
        list_audit(db, Actor("desk", UserRole.RECEPTION))


def test_audit_date_filters_are_local_days(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    first = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    second = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    signed_rows = {r.entity_id: r.id for r in list_audit(db, owner, AuditFilter(action="signed"))}
    with db.writing() as session:  # 22:30 on 2 July and 09:00 on 3 July in Auckland (UTC+12)
        drop_guards(session)  # the audit log is append-only: only a test moves its times
        for session_id, at in ((first.id, datetime(2026, 7, 2, 10, 30)), (second.id, datetime(2026, 7, 2, 21, 0))):
            session.execute(text("UPDATE audit_log SET at = :at WHERE id = :i"),
                            {"at": at, "i": signed_rows[str(session_id)]})
    auckland = ZoneInfo("Pacific/Auckland")

    def signed_on(day: date, zone: ZoneInfo) -> list[str | None]:
        rows = list_audit(db, owner, AuditFilter(action="signed", date_from=day, date_to=day, zone=zone))
        return [r.entity_id for r in rows]

    assert signed_on(date(2026, 7, 2), auckland) == [str(first.id)]
    assert signed_on(date(2026, 7, 3), auckland) == [str(second.id)]
    assert sorted(signed_on(date(2026, 7, 2), ZoneInfo("UTC"))) == sorted([str(first.id), str(second.id)])


def test_filter_suggestions_hold_every_user_action_and_entity_once_sorted(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    log_session(db, clinic.derm, session_entry(clinic), sign=True)
    choices = audit_choices(db, owner)
    assert choices.actors == ("mbrandt", "owner")
    assert {"created", "signed"} <= set(choices.actions) and list(choices.actions) == sorted(set(choices.actions))
    assert {"client", "practitioner", "session"} <= set(choices.entities)
    assert len(choices.entities) == len(set(choices.entities))
    assert count_audit_rows(db, owner) == len(list_audit(db, owner, limit=10_000))


def test_an_edited_signed_session_is_named_among_the_broken_seals(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    assert broken_seals(db, owner) == []
    with db.writing() as session:
        drop_guards(session)
        session.execute(text("UPDATE sessions SET notes = 'changed later' WHERE id = :i"), {"i": saved.id})
    [problem] = broken_seals(db, owner)
    assert problem.startswith(f"session {saved.id}: its stored content no longer matches its seal")


@pytest.mark.parametrize("role", [UserRole.PRACTITIONER, UserRole.RECEPTION])
def test_only_the_owner_reads_the_audit_trail(db: Database, role: UserRole) -> None:
    someone = Actor("someone", role, 1 if role is UserRole.PRACTITIONER else None)
    for read in (list_audit, audit_choices, first_broken_row, broken_seals, count_audit_rows):
        with pytest.raises(PermissionDenied):
            read(db, someone)
