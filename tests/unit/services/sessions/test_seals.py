"""Sealed records (issue 15): a signed session changed outside the app, or whose sealing audit rows were cut away,
is named by `check` (a chain cut at its end or rewritten whole is caught by the witness: audit/test_witness.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.values import AreaInput, ComplicationInput
from clinic_log.services.audit.integrity import check_database
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.exchange.importer import import_clients, import_practitioners, import_sessions
from clinic_log.services.sessions.amendments import add_late_complication, amend_session_field, void_session
from clinic_log.services.sessions.sessions import countersign_session, log_session, save_draft, sign_session
from tests.tamper import drop_guards
from tests.unit.services.helpers import Clinic, make_clinic, session_entry


def _tamper(db: Database, sql: str, **params: object) -> None:
    """What someone with the database file (or its server) can do: lift the guards and run SQL."""
    with db.writing() as session:
        drop_guards(session)
        session.execute(text(sql), params)


def _signed(db: Database, owner: Actor) -> tuple[Clinic, int]:
    clinic = make_clinic(db, owner)
    return clinic, log_session(db, clinic.derm, session_entry(clinic), sign=True).id


def test_every_act_on_a_session_leaves_it_matching_its_newest_seal(db: Database, owner: Actor,
                                                                  samples: Path) -> None:
    clinic = make_clinic(db, owner)
    nurse = log_session(db, clinic.nurse, session_entry(clinic, practitioner_id=clinic.nurse_id,
                                                        supervisor_id=clinic.derm_id), sign=True).id
    countersign_session(db, clinic.derm, nurse)
    draft = save_draft(db, clinic.derm, session_entry(clinic))
    sign_session(db, clinic.derm, draft.id)
    amend_session_field(db, clinic.derm, draft.id, "notes", "tolerated well", "added after review")
    add_late_complication(db, clinic.derm, draft.id, ComplicationInput("erythema", 1, date(2026, 7, 2)), "call")
    void_session(db, owner, nurse, "entered for the wrong client")
    assert check_database(db) == []


def test_imported_and_demo_sessions_are_sealed(db: Database, owner: Actor, samples: Path) -> None:
    import_practitioners(db, owner, samples / "practitioners.csv")
    import_clients(db, owner, samples / "clients.csv")
    import_sessions(db, owner, samples / "sessions.csv")
    generate_demo(db, owner, clients=10, sessions=60, seed=5, allow_existing=True)
    assert check_database(db) == []
    _tamper(db, "UPDATE session_areas SET passes = 9 WHERE id = (SELECT max(id) FROM session_areas)")
    assert len([p for p in check_database(db) if "no longer matches its seal" in p]) == 1


@pytest.mark.parametrize(("what", "sql"), [
    ("a depth", "UPDATE session_areas SET depth_mm = 0.25 WHERE session_id = :sid"),
    ("the notes", "UPDATE sessions SET notes = 'nothing happened' WHERE id = :sid"),
    ("the time", "UPDATE sessions SET started_at = '2026-07-02 09:30:00.000000' WHERE id = :sid"),
    ("an area removed", "DELETE FROM session_areas WHERE id = (SELECT max(id) FROM session_areas "
                        "WHERE session_id = :sid)"),
    ("a warning's reason", "UPDATE session_warnings SET reason = 'x' WHERE session_id = :sid"),
    ("a complication's grade", "UPDATE complications SET grade = 1 WHERE session_id = :sid"),
    ("the lot's expiry", "UPDATE cartridge_lots SET expires_on = '2030-01-01'"),
])
def test_a_signed_session_edited_by_hand_is_named_by_check(db: Database, owner: Actor, what: str, sql: str) -> None:
    clinic = make_clinic(db, owner)
    signed = log_session(db, clinic.derm, session_entry(
        clinic, AreaInput("forehead", 1.0, 2), complications=(ComplicationInput("erythema", 2),)),
        reason="scarred forehead", sign=True).id  # a warning with its reason, and a complication
    assert check_database(db) == []
    _tamper(db, sql, sid=signed)
    problems = check_database(db)
    assert any(f"session {signed}: its stored content no longer matches its seal" in p for p in problems), problems


def test_clearing_a_void_by_hand_is_named_by_check(db: Database, owner: Actor) -> None:
    _, signed = _signed(db, owner)
    void_session(db, owner, signed, "entered for the wrong client")
    _tamper(db, "UPDATE sessions SET voided_at = NULL, voided_by = NULL, void_reason = NULL WHERE id = :sid",
            sid=signed)
    assert [p for p in check_database(db) if p.startswith(f"session {signed}:")] == [
        f"session {signed}: its stored content no longer matches its seal in the audit trail "
        "(changed outside the app)"]


def test_an_amendment_removed_by_hand_is_named_by_check(db: Database, owner: Actor) -> None:
    _, signed = _signed(db, owner)
    amend_session_field(db, owner, signed, "notes", "reviewed", "owner's review")
    _tamper(db, "DELETE FROM amendments WHERE session_id = :sid", sid=signed)
    assert any(p.startswith(f"session {signed}: its stored content") for p in check_database(db))


def test_cutting_the_tail_that_sealed_sessions_is_named(db: Database, owner: Actor) -> None:
    clinic, first = _signed(db, owner)
    last = log_session(db, clinic.derm, session_entry(clinic), sign=True).id
    _tamper(db, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")  # the chain itself still holds
    problems = check_database(db)
    assert f"session {last}: signed, but no audit row seals it (audit rows were removed)" in problems
    assert not any(p.startswith(f"session {first}:") for p in problems)


def test_deleting_every_audit_row_is_named(db: Database, owner: Actor) -> None:
    _, signed = _signed(db, owner)
    _tamper(db, "DELETE FROM audit_log")
    assert f"session {signed}: signed, but no audit row seals it (audit rows were removed)" in check_database(db)
