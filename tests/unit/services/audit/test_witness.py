"""The witness of the audit chain kept outside its table: a chain cut at its end or rewritten whole no longer holds
what the newest witness saw, and a witness file that is missing, damaged or of another shape is not read as one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.audit.integrity import check_database, record_witness
from clinic_log.services.audit.witness import (
    Witness,
    chain_head,
    compare,
    newest,
    read_witness,
    witness_path,
    write_witness,
)
from clinic_log.services.sessions.sessions import log_session
from tests.tamper import drop_guards
from tests.unit.services.helpers import make_clinic, session_entry


def _tamper(db: Database, sql: str, **params: object) -> None:
    """What someone with the database file (or its server) can do: lift the guards and run SQL."""
    with db.writing() as session:
        drop_guards(session)
        session.execute(text(sql), params)


def _signed(db: Database, owner: Actor) -> int:
    clinic = make_clinic(db, owner)
    return log_session(db, clinic.derm, session_entry(clinic), sign=True).id


def test_a_cut_tail_without_sessions_in_it_is_caught_by_the_witness(db: Database, owner: Actor) -> None:
    if not db.is_sqlite:
        pytest.skip("the witness file sits beside an SQLite database")
    _signed(db, owner)
    witness = record_witness(db)
    assert check_database(db) == []
    _tamper(db, "DELETE FROM audit_log WHERE id > :keep AND entity <> 'session'", keep=witness.last_id - 3)
    problems = check_database(db)
    assert not any(p.startswith("session ") for p in problems)  # no seal was cut: only the witness can tell
    assert any("the audit trail is shorter than its witness" in p for p in problems), problems


def test_a_chain_rewritten_whole_differs_from_its_witness(db: Database, owner: Actor, tmp_path: Path) -> None:
    if not db.is_sqlite:
        pytest.skip("the witness file sits beside an SQLite database")
    _signed(db, owner)
    head = record_witness(db)
    stored = read_witness(witness_path(db))  # type: ignore[arg-type]
    assert stored is not None and (stored.rows, stored.last_id, stored.last_hash) == (
        head.rows, head.last_id, head.last_hash)
    assert witness_path(db).stat().st_mode & 0o777 == 0o600  # type: ignore[union-attr]
    _tamper(db, "UPDATE audit_log SET hash = CASE WHEN substr(hash, 1, 1) = 'f' THEN '0' ELSE 'f' END "
                "|| substr(hash, 2) WHERE id = :id", id=head.last_id)  # always another hash
    problems = check_database(db)
    assert any("differs from its witness" in p and "rewritten" in p for p in problems), problems


def test_the_newest_witness_counts(db: Database, owner: Actor) -> None:
    if not db.is_sqlite:
        pytest.skip("the witness file sits beside an SQLite database")
    _signed(db, owner)
    old = Witness(1, 1, "0" * 64, "2026-01-01T00:00:00+00:00")  # a stale, wrong witness…
    write_witness(db, old)
    assert any("differs from its witness" in p for p in check_database(db))
    record_witness(db)  # …replaced by the current head after the owner looked into it
    assert check_database(db) == []


def test_the_chain_as_it_is_now_holds_what_its_own_head_saw_and_not_a_longer_one(db: Database,
                                                                                 owner: Actor) -> None:
    _signed(db, owner)
    head = chain_head(db)
    assert head.rows > 0 and len(head.last_hash) == 64
    assert compare(db, head) is None
    assert compare(db, Witness(0, 0, "", "2026-01-01T00:00:00+00:00")) is None  # a witness of an empty chain
    longer = Witness(head.rows + 5, head.last_id + 5, "f" * 64, head.at, "clinic.sqlite3.witness.json")
    problem = compare(db, longer)
    assert problem is not None and problem.startswith(
        "the audit trail is shorter than its witness in clinic.sqlite3.witness.json")
    assert f"it now has {head.rows:,}" in problem


def test_the_witness_of_the_longest_chain_is_the_newest_whatever_the_order() -> None:
    old = Witness(10, 10, "a" * 64, "2026-01-01T00:00:00+00:00")
    new = Witness(12, 14, "b" * 64, "2025-01-01T00:00:00+00:00")  # a clock set wrong does not make it older
    assert newest([new, None, old]) == newest([old, new]) == new
    assert newest([None, None]) is None and newest([]) is None


def test_a_witness_is_read_from_its_file_or_from_a_backups_metadata(tmp_path: Path) -> None:
    seen = Witness(3, 7, "c" * 64, "2026-07-01T09:00:00+00:00")
    plain = tmp_path / "clinic.sqlite3.witness.json"
    plain.write_text(json.dumps(seen.to_json()), encoding="utf-8")
    meta = tmp_path / "backup.sqlite3.meta.json"
    meta.write_text(json.dumps({"sha256": "x", "witness": seen.to_json()}), encoding="utf-8")
    assert read_witness(plain) == Witness(3, 7, "c" * 64, seen.at, "clinic.sqlite3.witness.json")
    assert read_witness(meta) == Witness(3, 7, "c" * 64, seen.at, "backup.sqlite3.meta.json")


@pytest.mark.parametrize("content", [None, "not json {", "[1, 2]", '{"rows": 3, "last_id": 7}',
                                     '{"rows": "three", "last_id": 7, "last_hash": "c", "at": "x"}',
                                     '{"sha256": "x", "witness": "none"}'])
def test_a_missing_damaged_or_partial_witness_file_is_no_witness(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "clinic.sqlite3.witness.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert read_witness(path) is None


def test_a_witness_with_an_unreadable_time_counts_as_older_than_any_other() -> None:
    unreadable = Witness(1, 1, "a" * 64, "yesterday")
    naive = Witness(1, 1, "a" * 64, "2026-07-01T09:00:00")
    assert unreadable.taken < naive.taken
    assert naive.taken.utcoffset() is not None and naive.taken.hour == 9  # a time without a zone is UTC
