"""Opening a database: where a path or URL leads, the SQLite settings every connection gets, writes that take the
write lock at BEGIN, a busy database retried, and what a refused write tells the user."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from clinic_log.db.engine import (
    BUSY_TIMEOUT_MS,
    Database,
    database_problem,
    guard_refusal,
    open_database,
    sqlite_file,
    url_for,
)
from clinic_log.db.models import Setting
from clinic_log.domain.errors import DatabaseProblem, RecordLocked


def test_a_path_opens_an_sqlite_file_and_a_url_is_used_as_given(tmp_path: Path) -> None:
    path = str(tmp_path / "clinic.sqlite3")
    db = open_database(path)
    assert (db.url, db.is_sqlite, db.sqlite_path) == (f"sqlite:///{path}", True, path)
    server = "postgresql+psycopg://clinic@db.local/clinic"
    assert url_for(server) == server
    assert (Database(server).is_sqlite, Database(server).sqlite_path) == (False, None)


@pytest.mark.parametrize(("url", "file"), [
    ("sqlite:///clinic.sqlite3", "clinic.sqlite3"),
    ("sqlite:////data/clinic.sqlite3?timeout=5", "/data/clinic.sqlite3"),
    ("sqlite:///", None), ("sqlite://", None), ("postgresql+psycopg://clinic@db/clinic", None),
])
def test_the_file_behind_an_sqlite_url(url: str, file: str | None) -> None:
    assert sqlite_file(url) == file


def test_every_sqlite_connection_checks_foreign_keys_waits_when_busy_and_syncs_fully(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "clinic.sqlite3"))
    with db.engine.connect() as conn:
        pragmas = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                   for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")}
    db.dispose()
    assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2, "busy_timeout": BUSY_TIMEOUT_MS}


@pytest.mark.sqlite_only
def test_a_write_holds_the_write_lock_from_its_start_and_a_read_does_not(db: Database, db_path: Path) -> None:
    """BEGIN IMMEDIATE: two workstations never both read and then deadlock upgrading to write."""
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        with db.reading() as session:
            session.execute(select(Setting.key).limit(1))
            other.execute("BEGIN IMMEDIATE")  # a reader leaves the write lock free
            other.execute("ROLLBACK")
        with db.writing() as session:
            session.execute(select(Setting.key).limit(1))  # nothing written yet, and the lock is already ours
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def busy_error(db: Database) -> OperationalError:
    """What the driver raises when the database is busy: SQLite's lock, or PostgreSQL choosing this transaction
    as a deadlock's victim (a serialization failure and a lock timeout are alike: run the whole of it again)."""
    if db.is_sqlite:
        return OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    from psycopg.errors import DeadlockDetected

    return OperationalError("INSERT", {}, DeadlockDetected("deadlock detected"))


def test_a_failing_write_leaves_nothing_and_a_busy_one_is_tried_again(db: Database) -> None:
    tries: list[int] = []

    def busy_once(session: Session) -> str:
        session.add(Setting(key="clinic.test", value=str(len(tries))))
        tries.append(1)
        if len(tries) == 1:
            session.flush()
            raise busy_error(db)
        return "saved"

    assert db.write(busy_once) == "saved"
    with db.reading() as session:
        assert session.scalar(select(Setting.value).where(Setting.key == "clinic.test")) == "1"  # the retry's row only


def test_a_database_still_busy_after_the_last_try_says_nothing_was_saved(db: Database) -> None:
    def always_busy(session: Session) -> None:
        session.add(Setting(key="clinic.test", value="x"))
        session.flush()
        raise busy_error(db)

    with pytest.raises(DatabaseProblem) as refused:
        db.write(always_busy, attempts=2)
    assert str(refused.value) == ("the database stayed busy (another workstation is saving): nothing was saved; "
                                  "try again")
    with db.reading() as session:
        assert session.scalar(select(Setting.value).where(Setting.key == "clinic.test")) is None


def test_a_guard_triggers_refusal_becomes_record_locked_in_its_own_first_line() -> None:
    refusal = guard_refusal("(sqlite3.IntegrityError) refused by the database: a signed session is not edited\n"
                            "[SQL: UPDATE sessions SET notes=?]")
    assert isinstance(refusal, RecordLocked)
    assert str(refusal) == "refused by the database: a signed session is not edited"
    assert guard_refusal("UNIQUE constraint failed: clients.client_ref") is None


def test_an_unknown_database_failure_is_named_with_the_drivers_words() -> None:
    assert str(database_problem("file is not a database")) == "the database could not be used: file is not a database"


def test_nothing_is_connected_when_a_database_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "later.sqlite3"
    db = open_database(str(path))
    assert not path.exists()
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert path.exists()
    db.dispose()
