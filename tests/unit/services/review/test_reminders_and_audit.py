"""Expiry reminders at 90/60/30 days (the audit trail as the owner reads it is in audit/test_audit_queries.py)."""

from __future__ import annotations

from datetime import timedelta

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.review.reminders import expiring_credentials, expiring_lots
from clinic_log.services.sessions.sessions import log_session
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
