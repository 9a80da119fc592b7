"""A stored session read back for signing and amendments: the entry it was typed from with the facts the rules
need, and the refusals before any check (missing, already signed, device out of service, read at another
version)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import SessionStatus
from clinic_log.domain.errors import ChangedMeanwhile, InvalidValue, NotFound, RecordLocked
from clinic_log.domain.rules import assess_session
from clinic_log.services.devices import devices
from clinic_log.services.sessions.draft_input import OrmReader, load_draft, load_record
from clinic_log.services.sessions.sessions import assess, log_session, save_draft
from tests.unit.services.helpers import make_clinic, rich_entry, session_entry


def test_a_stored_draft_is_read_back_as_the_entry_it_was_typed_from(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    entry = rich_entry(db, owner, clinic)
    draft_id = save_draft(db, clinic.nurse, entry).id
    draft = db.write_direct(lambda transaction: load_draft(transaction, draft_id))
    assert draft.entry == entry
    # The same problems, in the same order, as the live check of the entry (the path logging takes).
    expected = assess(db, entry).problems
    assert {p.code for p in expected} >= {"depth_area", "depth_cap", "contraindication_eczema",
                                          "contraindication_light_peel"}
    assert assess_session(draft.entry, draft.facts).problems == expected


def test_a_session_that_is_not_there_is_named(db: Database, owner: Actor) -> None:
    make_clinic(db, owner)
    with db.reading() as session, pytest.raises(NotFound, match="session 404 not found"):
        load_record(OrmReader(session), 404)


def test_a_signed_session_reads_back_for_an_amendment_but_not_as_a_draft_to_sign(db: Database,
                                                                                 owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    reason = "eczema quiescent; physician on site"
    signed = log_session(db, clinic.nurse, rich_entry(db, owner, clinic), reason=reason, sign=True)
    with db.reading() as session:
        record = load_record(OrmReader(session), signed.id)
    assert (record.status, record.warnings_reason, record.created_by) == (SessionStatus.SIGNED, reason, "jdoyle")
    assert record.has_stored_warnings and {code for code, _ in record.stored} == {w.code for w in signed.warnings}
    assert len(record.area_ids) == len(record.entry.areas) == 2
    with pytest.raises(RecordLocked, match=f"session {signed.id} is signed: .*only amended"):
        db.write_direct(lambda transaction: load_draft(transaction, signed.id))


def test_a_draft_on_a_device_taken_out_of_service_is_refused_but_a_signed_session_still_reads(
        db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    spare = devices.add_device(db, owner, "Dermapen 4", "DP4-9")
    draft = save_draft(db, clinic.derm, session_entry(clinic, device_id=spare.id))
    signed = log_session(db, clinic.derm, session_entry(
        clinic, device_id=spare.id, started_at=datetime(2026, 7, 2, 9, 30, tzinfo=UTC)), sign=True)
    with db.writing() as session:
        session.execute(text("UPDATE devices SET in_service = :no WHERE id = :d"), {"no": False, "d": spare.id})
    with db.reading() as session:
        with pytest.raises(InvalidValue, match=r"^device: 'DP4-9' is not allowed; a device that is in service"):
            load_record(OrmReader(session), draft.id)
        assert load_record(OrmReader(session), signed.id).entry.device_id == spare.id


def test_a_caller_who_read_another_version_is_told_nothing_was_written(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    first = save_draft(db, clinic.derm, session_entry(clinic))
    again = save_draft(db, clinic.derm, session_entry(clinic, notes="second thoughts"), first.id, first.version)
    with db.reading() as session:
        record = load_record(OrmReader(session), first.id)
    assert record.version == again.version > first.version
    record.expect_version(again.version)
    record.expect_version(None)  # read just now
    with pytest.raises(ChangedMeanwhile, match=f"session {first.id} was changed meanwhile .*nothing was written"):
        record.expect_version(first.version)
