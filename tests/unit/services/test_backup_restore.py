"""Restoring a backup: the data comes back, the old file is kept, a bad source leaves the live file alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DatabaseProblem
from clinic_log.services import backup as backup_service
from clinic_log.services.backup import backup, restore_and_upgrade
from clinic_log.services.clients import ClientDetails, create_client, find_clients

pytestmark = pytest.mark.sqlite_only


def _refs(db: Database) -> list[str]:
    return sorted(c.client_ref for c in find_clients(db, "", limit=100))


def test_restore_brings_back_the_data_as_it_was_and_keeps_a_safety_copy(db: Database, owner: Actor,
                                                                         tmp_path: Path) -> None:
    create_client(db, owner, ClientDetails("P-1", "Ada", "First"))
    made = backup(db, owner, tmp_path / "before.sqlite3")
    create_client(db, owner, ClientDetails("P-2", "Bea", "Second"))
    safety = restore_and_upgrade(db, owner, made.path)
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
        restore_and_upgrade(db, owner, made.path)
    assert live.read_bytes() == before
    assert not list(live.parent.glob("*.before-restore-*"))


def test_a_failed_upgrade_after_restoring_names_the_safety_copy(db: Database, owner: Actor, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    made = backup(db, owner, tmp_path / "old.sqlite3")

    def broken_upgrade(_db: Database) -> bool:
        raise RuntimeError("disk full")

    monkeypatch.setattr(backup_service, "upgrade", broken_upgrade)
    with pytest.raises(DatabaseProblem, match=r"could not be upgraded \(disk full\).*before-restore"):
        restore_and_upgrade(db, owner, made.path)
