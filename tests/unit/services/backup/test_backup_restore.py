"""Restoring a backup: the data comes back, the old file is kept, an older one is brought up to date first, a bad
source leaves the live file alone."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from clinic_log.db import migrate
from clinic_log.db.engine import Database
from clinic_log.db.schema_version import HEAD_REVISION, current_revision
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DatabaseProblem
from clinic_log.services.audit.integrity import check_database
from clinic_log.services.backup.backup import backup, restore
from clinic_log.services.clients.clients import ClientDetails, create_client, find_clients

pytestmark = pytest.mark.sqlite_only
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


def _refs(db: Database) -> list[str]:
    return sorted(c.client_ref for c in find_clients(db, "", limit=100))


def test_restore_brings_back_the_data_as_it_was_and_keeps_a_safety_copy(db: Database, owner: Actor,
                                                                         tmp_path: Path) -> None:
    create_client(db, owner, ClientDetails("P-1", "Ada", "First"))
    made = backup(db, owner, tmp_path / "before.sqlite3")
    create_client(db, owner, ClientDetails("P-2", "Bea", "Second"))
    safety = restore(db, owner, made.path)
    assert _refs(db) == ["P-1"]
    assert safety.exists() and safety.parent == Path(db.sqlite_path or "").parent


def test_a_damaged_backup_is_refused_and_the_live_file_is_untouched(db: Database, owner: Actor,
                                                                    tmp_path: Path) -> None:
    made = backup(db, owner, tmp_path / "copy.sqlite3")
    made.path.write_bytes(made.path.read_bytes()[:4096] + b"junk" * 1000)
    db.dispose()
    live = Path(db.sqlite_path or "")
    before = live.read_bytes()
    with pytest.raises(DatabaseProblem, match="live database was not touched"):
        restore(db, owner, made.path)
    assert live.read_bytes() == before
    assert not list(live.parent.glob("*.before-restore-*"))


def test_an_older_backup_is_brought_up_to_date_before_it_replaces_the_live_file(db: Database, owner: Actor,
                                                                                tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema-0003_voided_index.sqlite3", old)
    restore(db, owner, old)
    assert current_revision(db) == HEAD_REVISION
    assert len(_refs(db)) > 1
    assert check_database(db, seals=False) == []


def test_a_backup_whose_upgrade_fails_is_refused_and_the_live_file_is_untouched(
        db: Database, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema-0003_voided_index.sqlite3", old)

    def broken_upgrade(_db: Database) -> bool:
        raise OperationalError("ALTER TABLE sessions", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(migrate, "upgrade", broken_upgrade)
    db.dispose()
    live = Path(db.sqlite_path or "")
    before = live.read_bytes()
    with pytest.raises(DatabaseProblem, match=r"not touched: old\.sqlite3 could not be brought up to date "
                                              r"\(database or disk is full\)"):
        restore(db, owner, old)
    db.dispose()
    assert live.read_bytes() == before
    assert not list(live.parent.glob("*.before-restore-*"))
