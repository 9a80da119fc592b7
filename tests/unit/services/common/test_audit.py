"""The audit log: events appended in order inside the caller's transaction, each row chained to the one before by
its SHA-256, and the check that names the one row that was edited or the row after one that was removed."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, DeviceModel
from clinic_log.domain.actor import Actor
from clinic_log.services.common import audit
from tests.tamper import drop_guards

EVENTS = [audit.AuditEvent("viewed", "client", str(n), {"name": "Zofia Łukasiewicz", "n": n, "a": "first"})
          for n in range(1, 5)]


def _rows(db: Database) -> list[AuditEntry]:
    with db.reading() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _append(db: Database, owner: Actor, events: list[audit.AuditEvent]) -> list[AuditEntry]:
    before = len(_rows(db))
    with db.writing() as session:
        audit.record_many(db, session, owner, events)
    return _rows(db)[before:]


def test_events_are_appended_in_order_each_chained_to_the_row_before(db: Database, owner: Actor) -> None:
    head = (_rows(db) or [None])[-1]
    added = _append(db, owner, EVENTS)
    assert [(r.actor, r.action, r.entity, r.entity_id) for r in added] == [
        ("owner", "viewed", "client", str(n)) for n in range(1, 5)]
    assert added[0].prev_hash == (head.hash if head else audit.GENESIS)
    assert [r.prev_hash for r in added[1:]] == [r.hash for r in added[:-1]]
    assert len({r.at for r in added}) == 1  # one transaction, one time
    assert list(audit.verify_chain(db)) == []


def test_the_detail_is_stored_as_sorted_json_with_names_as_written(db: Database, owner: Actor) -> None:
    row = _append(db, owner, EVENTS[:1])[0]
    assert row.detail == '{"a": "first", "n": 1, "name": "Zofia Łukasiewicz"}'
    assert json.loads(row.detail) == EVENTS[0].detail


def test_an_edited_row_is_named_alone_and_the_rows_after_it_still_link(db: Database, owner: Actor) -> None:
    rows = _append(db, owner, EVENTS)
    with db.writing() as session:
        drop_guards(session)  # the log is append-only: someone with the file drops the guard first
        session.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = :i"), {"i": rows[1].id})
    problems = list(audit.verify_chain(db))
    assert [str(p) for p in problems] == [
        f"audit_log row {rows[1].id}: content does not match its hash (the row was edited)"]


def test_a_removed_row_is_named_at_the_row_after_it(db: Database, owner: Actor) -> None:
    rows = _append(db, owner, EVENTS)
    with db.writing() as session:
        drop_guards(session)
        session.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": rows[2].id})
    assert [(p.row_id, p.problem) for p in audit.verify_chain(db)] == [
        (rows[3].id, "does not link to the previous row (a row was removed or altered)")]


def test_a_created_row_gets_its_id_and_a_created_entry_in_the_same_transaction(db: Database, owner: Actor) -> None:
    with db.writing() as session:
        new_id = audit.add_created(db, session, owner, DeviceModel(
            name="Test Pen", modality="mechanical", min_depth_mm=0.25, max_depth_mm=2.5), "device_model",
            {"name": "Test Pen"})
    with db.reading() as session:
        assert session.get(DeviceModel, new_id) is not None
    last = _rows(db)[-1]
    assert (last.action, last.entity, last.entity_id, json.loads(last.detail)) == (
        "created", "device_model", str(new_id), {"name": "Test Pen"})
