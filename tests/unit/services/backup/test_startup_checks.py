"""The start-up checks: a sound file gets today's backup; a damaged one is reported with the backup to restore and
is never backed up over the good copies."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.services.backup.startup_checks import run_startup_checks


@pytest.fixture(autouse=True)
def _sqlite_only(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("the daily backup and the file check are an SQLite file's (PostgreSQL: pg_dump on the server)")


def _backups(db_path: Path) -> list[Path]:
    return sorted((db_path.parent / "backups").glob("*.sqlite3"))


def test_a_sound_file_is_backed_up_once_a_day_and_nothing_is_to_be_said(db: Database, db_path: Path) -> None:
    report = run_startup_checks(db)
    assert report.problems == () and report.warning() is None
    assert [Path(p) for p in report.backups_made] and _backups(db_path)
    assert run_startup_checks(db).backups_made == ()  # today's backup is already there


def test_a_damaged_file_is_reported_with_the_backup_to_restore_and_not_backed_up(db: Database,
                                                                                 db_path: Path) -> None:
    run_startup_checks(db)
    good = _backups(db_path)
    db.dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET rootpage = 999999 WHERE name = 'ix_clients_search_key'")
    conn.commit()
    conn.close()
    report = run_startup_checks(db)
    assert report.problems and report.backups_made == ()
    assert report.restore_hint is not None and Path(report.restore_hint) in good
    warning = report.warning()
    assert warning is not None and f"clinic-log restore {report.restore_hint}" in warning
    assert _backups(db_path) == good
