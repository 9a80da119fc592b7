"""A session with neither device nor cartridge lot is a warning wherever a session is checked: signing asks a
reason for it, and an imported session keeps it with the import's reason (one rule, one path for its facts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.domain.signing import WarningsNeedReason
from clinic_log.services.exchange.importer import import_clients, import_practitioners, import_sessions
from clinic_log.services.sessions import sessions
from clinic_log.services.sessions.session_queries import get_session
from tests.unit.services.helpers import make_clinic, session_entry

MESSAGE = "no device and no cartridge lot recorded: a recall of a lot would miss this session"


def test_signing_without_device_or_lot_needs_a_reason_and_keeps_it(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    bare = session_entry(clinic, device_id=None, cartridge_lot=None, lot_expires=None)
    with pytest.raises(WarningsNeedReason, match="recall of a lot would miss"):
        sessions.log_session(db, clinic.derm, bare, sign=True)
    saved = sessions.log_session(db, clinic.derm, bare, sign=True, reason="pen's label torn off; lot box lost")
    [warning] = get_session(db, saved.id).warnings
    assert (warning.code, warning.message, warning.reason) == ("no_device_no_lot", MESSAGE,
                                                                "pen's label torn off; lot box lost")


def test_a_device_alone_lets_the_session_sign_without_a_reason(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = sessions.log_session(db, clinic.derm, session_entry(clinic, cartridge_lot=None, lot_expires=None),
                                 sign=True)
    assert get_session(db, saved.id).warnings == ()


def test_an_imported_session_without_device_or_lot_keeps_the_warning(db: Database, owner: Actor, samples: Path,
                                                                    tmp_path: Path) -> None:
    import_practitioners(db, owner, samples / "practitioners.csv")
    import_clients(db, owner, samples / "clients.csv")
    path = tmp_path / "bare.csv"
    path.write_text("client_ref,started_at,practitioner,supervisor,device,device_serial,cartridge_lot,lot_expires,"
                    "area,depth_mm,passes,complication,complication_grade,notes\n"
                    "P-1001,2026-07-02T09:30:00,mbrandt,,,,,,forehead,0.5,2,,,no device noted\n", encoding="utf-8")
    import_sessions(db, owner, path)
    with db.reading() as session:
        [session_id] = session.scalars(select(TreatmentSession.id))
    assert ("no_device_no_lot", MESSAGE) in [(w.code, w.message) for w in get_session(db, session_id).warnings]
