"""Start-up: today's backup is made in the background; a damaged file is reported, not repaired."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.ui.backup import startup_checks
from clinic_log.ui.common.background import BackgroundRunner


def test_first_start_of_the_day_backs_up_in_the_background(qtbot: QtBot, db: Database, db_path: Path) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    runner = BackgroundRunner(widget)
    startup_checks.start_background_checks(widget, db, runner)
    qtbot.waitUntil(lambda: len(list((db_path.parent / "backups").glob("*.sqlite3"))) == 2, timeout=10000)


def test_damaged_database_is_reported_with_the_backup_to_restore(qtbot: QtBot, db: Database, db_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    widget = QWidget()
    qtbot.addWidget(widget)
    runner = BackgroundRunner(widget)
    startup_checks.start_background_checks(widget, db, runner)  # makes today's good backup
    qtbot.waitUntil(lambda: len(list((db_path.parent / "backups").glob("*.sqlite3"))) == 2, timeout=10000)
    db.dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET rootpage = 999999 WHERE name = 'ix_clients_search_key'")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    startup_checks.start_background_checks(widget, db, runner)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10000)
    assert "failed its integrity check" in shown[0] and "clinic-daily-" in shown[0]
    assert db_path.read_bytes() == before
