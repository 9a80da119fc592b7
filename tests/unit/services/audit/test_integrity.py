"""`check`: the file's integrity, foreign keys, the audit chain, the seals and the witnesses, each problem in words;
witnesses taken before the newest restore no longer count."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.audit.integrity import (
    check_database,
    known_witnesses,
    last_restore,
    quick_check,
    record_witness,
)
from clinic_log.services.audit.witness import Witness, write_witness
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.files import backups_dir
from clinic_log.services.sessions.sessions import log_session
from tests.tamper import drop_guards, drop_guards_sqlite
from tests.unit.services.helpers import make_clinic, session_entry


@pytest.fixture
def signed(db: Database, owner: Actor) -> int:
    clinic = make_clinic(db, owner)
    return log_session(db, clinic.derm, session_entry(clinic), sign=True).id


def _tamper(db: Database, sql: str, **params: object) -> None:
    with db.writing() as session:
        drop_guards(session)
        session.execute(text(sql), params)


def test_a_clinic_used_as_the_app_uses_it_checks_clean(db: Database, signed: int) -> None:
    assert quick_check(db) == []
    assert check_database(db) == []
    assert last_restore(db) is None


@pytest.mark.sqlite_only
def test_a_row_pointing_to_a_missing_row_is_named_in_words(db: Database, signed: int) -> None:
    db.dispose()
    with closing(sqlite3.connect(db.sqlite_path or "")) as conn:  # as someone with the file, foreign keys off
        drop_guards_sqlite(conn)
        conn.execute("DELETE FROM devices")
        conn.commit()
    problems = check_database(db)
    assert f"foreign key: sessions row {signed} points to a missing devices row" in problems


def test_without_seals_the_check_reads_the_chain_alone(db: Database, signed: int) -> None:
    _tamper(db, "UPDATE sessions SET notes = 'changed later' WHERE id = :i", i=signed)
    assert check_database(db, seals=False) == []
    assert any(p.startswith(f"session {signed}: ") for p in check_database(db))
    _tamper(db, "UPDATE audit_log SET detail = '{}' WHERE id = 2")
    assert any(p.startswith("audit_log row 2") for p in check_database(db, seals=False))


@pytest.mark.sqlite_only
def test_witnesses_taken_before_the_newest_restore_no_longer_count(db: Database, owner: Actor,
                                                                  signed: int) -> None:
    stale = Witness(1, 1, "0" * 64, "2020-01-01T00:00:00+00:00")  # a chain the restore replaced on purpose
    write_witness(db, stale)
    assert any("differs from its witness" in p for p in check_database(db))
    db.write(lambda session: audit.record(db, session, owner, AuditEvent("restored", "database", None, {})))
    restored = last_restore(db)
    assert restored is not None and restored > stale.taken and restored.tzinfo is UTC
    assert check_database(db) == []
    after = Witness(1, 1, "0" * 64, datetime.now(UTC).isoformat())  # taken since: it counts again
    write_witness(db, after)
    assert any("differs from its witness" in p for p in check_database(db))
    assert record_witness(db).last_id > 1 and check_database(db) == []


@pytest.mark.sqlite_only
def test_the_witness_file_and_every_backups_metadata_are_witnesses(db: Database, signed: int) -> None:
    head = record_witness(db)
    folder = backups_dir(db)
    assert folder is not None
    folder.mkdir()
    (folder / "a.sqlite3.meta.json").write_text(json.dumps({"witness": head.to_json()}), encoding="utf-8")
    (folder / "b.sqlite3.meta.json").write_text("damaged", encoding="utf-8")
    (folder / "c.sqlite3").write_text("not metadata", encoding="utf-8")
    found = known_witnesses(db)
    assert sorted(Path(w.source).name for w in found if w is not None) == [
        "a.sqlite3.meta.json", f"{Path(db.sqlite_path or '').name}.witness.json"]
    assert found.count(None) == 1
