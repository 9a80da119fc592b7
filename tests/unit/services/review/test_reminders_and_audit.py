"""Expiry reminders at 90/60/30 days, and the audit trail as the owner reads it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import PermissionDenied
from clinic_log.services.audit.audit_queries import AuditFilter, first_broken_row, list_audit
from clinic_log.services.review.reminders import expiring_credentials, expiring_lots
from clinic_log.services.sessions.sessions import log_session
from tests.tamper import drop_guards
from tests.unit.services.helpers import LICENCE_EXPIRES, LOT_EXPIRES, make_clinic, session_entry


def test_credentials_are_reminded_in_bands(db: Database, owner: Actor) -> None:
    make_clinic(db, owner)  # both licences expire on LICENCE_EXPIRES
    assert expiring_credentials(db, LICENCE_EXPIRES - timedelta(days=92)) == []
    bands = {c.username: c.band for c in expiring_credentials(db, LICENCE_EXPIRES - timedelta(days=57))}
    assert bands == {"mbrandt": 60, "jdoyle": 60}
    [mine] = expiring_credentials(db, LICENCE_EXPIRES - timedelta(days=22), username="jdoyle")
    assert (mine.days_left, mine.band, mine.number) == (22, 30, "NMC-1")
    assert expiring_credentials(db, LICENCE_EXPIRES + timedelta(days=1))[0].band == 0  # expired


def test_lots_expiring_within_90_days(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    log_session(db, clinic.derm, session_entry(clinic), sign=True)  # lot SP14-1 expires on LOT_EXPIRES
    assert [lot.lot_number for lot in expiring_lots(db, LOT_EXPIRES - timedelta(days=90))] == ["SP14-1"]
    assert expiring_lots(db, LOT_EXPIRES - timedelta(days=91)) == []
    assert expiring_lots(db, LOT_EXPIRES + timedelta(days=1)) == []


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
