"""Explore with demo data (issue 20): the first start can open a demo clinic in a file of its own — never the
clinic's database — with a banner saying so and DEMO DATA in the titles, and "Set up my clinic…" goes back to the
first start on the clinic's own, still empty, database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue
from clinic_log.services.backup.database import prepare_database
from clinic_log.ui.shell import gui
from clinic_log.ui.shell.demo_mode import (
    DEMO_SESSIONS,
    DEMO_TITLE,
    demo_database_path,
    open_demo_clinic,
)
from clinic_log.ui.shell.main_window import MainWindow


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_the_demo_clinic_is_its_own_file_made_afresh_each_time(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic.sqlite3"
    prepare_database(str(clinic)).dispose()
    db, owner = open_demo_clinic(str(clinic))
    db.dispose()
    demo = demo_database_path()
    assert demo != clinic and owner.role is UserRole.OWNER
    assert count(demo, "sessions") == DEMO_SESSIONS
    assert count(clinic, "users") == 0 and count(clinic, "sessions") == 0  # the clinic's own file is untouched
    db, _ = open_demo_clinic(str(clinic))  # again: as shipped, not the earlier demo's changes piled up
    db.dispose()
    assert count(demo, "sessions") == DEMO_SESSIONS


def test_the_clinics_own_file_is_never_taken_for_the_demo() -> None:
    with pytest.raises(InvalidValue, match="never the clinic's"):
        open_demo_clinic(str(demo_database_path()))


def test_explore_then_set_up_my_clinic_comes_back_to_the_first_start_on_the_clinics_database(
        qapp: QApplication, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clinic = tmp_path / "clinic.sqlite3"
    asked: list[str | None] = []
    seen: dict[str, str] = {}

    def first_start(db: Database) -> str | None:
        asked.append(db.sqlite_path)
        return gui.EXPLORE if len(asked) == 1 else None  # look around first; then give up at the wizard

    def in_the_demo() -> None:
        """Once the demo's window is up, read its banner and title, then ask for the clinic's own set-up."""
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            return  # not yet: the timer comes back
        poll.stop()
        window = windows[0]
        (banner,) = [w for w in window.findChildren(QLabel) if w.accessibleName() == "Demo data banner"]
        seen["banner"], seen["title"] = banner.text(), window.windowTitle()
        (button,) = [b for b in window.findChildren(QPushButton) if b.accessibleName() == "Set up my clinic…"]
        button.click()

    poll = QTimer()
    poll.setInterval(50)
    poll.timeout.connect(in_the_demo)
    monkeypatch.setattr(gui, "first_start", first_start)
    monkeypatch.setattr(gui, "STARTUP_CHECKS_DELAY_MS", 600_000)  # no background backup during the test
    poll.start()
    assert gui.run_gui(str(clinic)) == 0
    assert asked == [str(clinic), str(clinic)]  # the demo's way out is the clinic's own first start
    assert str(demo_database_path()) in seen["banner"] and "not your clinic's records" in seen["banner"]
    assert DEMO_TITLE in seen["title"]
    assert count(clinic, "users") == 0
    assert qapp.applicationDisplayName() != DEMO_TITLE  # the titles stop saying so once the demo is closed
