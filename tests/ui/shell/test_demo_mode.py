"""Explore with demo data (issue 20): the first start can open a demo clinic in a file of its own — never the
clinic's database — with a banner saying so and DEMO DATA in the titles, and "Set up my clinic…" goes back to the
first start on the clinic's own, still empty, database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog
from pytestqt.qtbot import QtBot

from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue
from clinic_log.services.backup.database import prepare_database
from clinic_log.ui.shell.demo_mode import (
    DEMO_SESSIONS,
    DEMO_TITLE,
    MAKING_DEMO,
    demo_database_path,
    open_demo_clinic,
    open_demo_clinic_showing_progress,
)

REPO = Path(__file__).resolve().parents[3]


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


def test_the_demo_clinic_is_made_off_the_gui_thread_behind_a_busy_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    """Making the demo takes a second or two after the wizard closed: a window says what is happening meanwhile,
    and it goes when the demo is ready."""
    clinic = tmp_path / "clinic.sqlite3"
    prepare_database(str(clinic)).dispose()
    seen: list[tuple[str, bool]] = []

    def look() -> None:
        seen.extend((w.labelText(), w.isVisible()) for w in QApplication.topLevelWidgets()
                    if isinstance(w, QProgressDialog))

    QTimer.singleShot(50, look)  # runs while the demo is being made: the GUI thread is free
    db, owner = open_demo_clinic_showing_progress(str(clinic))
    db.dispose()
    assert seen == [(MAKING_DEMO, True)]
    assert owner.role is UserRole.OWNER and count(demo_database_path(), "sessions") == DEMO_SESSIONS
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_a_demo_that_cannot_be_made_is_reported_after_the_busy_dialog(qtbot: QtBot) -> None:
    with pytest.raises(InvalidValue, match="never the clinic's"):
        open_demo_clinic_showing_progress(str(demo_database_path()))
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_the_clinics_own_file_is_never_taken_for_the_demo() -> None:
    with pytest.raises(InvalidValue, match="never the clinic's"):
        open_demo_clinic(str(demo_database_path()))


# The whole way through, in a process of its own (it runs the app's event loop to the end): the first start is
# answered "explore", then the demo's window is read and its "Set up my clinic…" pressed; the second first start,
# on the clinic's own database, is answered "give up".
FLOW = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from clinic_log.ui.shell import gui
from clinic_log.ui.shell.main_window import MainWindow

asked, seen = [], {}

def first_start(db):
    asked.append(db.sqlite_path)
    return gui.EXPLORE if len(asked) == 1 else None

def in_the_demo():
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not windows:
        return
    poll.stop()
    window = windows[0]
    (banner,) = [w for w in window.findChildren(QLabel) if w.accessibleName() == "Demo data banner"]
    seen.update(banner=banner.text(), title=window.windowTitle())
    (button,) = [b for b in window.findChildren(QPushButton) if b.accessibleName() == "Set up my clinic…"]
    button.click()

gui.first_start = first_start
gui.STARTUP_CHECKS_DELAY_MS = 600_000
app = QApplication(sys.argv)  # before the timer: run_gui uses the one that exists
poll = QTimer()
poll.timeout.connect(in_the_demo)
poll.start(50)
code = gui.run_gui(sys.argv[1])
print(json.dumps({"code": code, "asked": asked, "display": QApplication.instance().applicationDisplayName(), **seen}))
"""


def test_explore_then_set_up_my_clinic_comes_back_to_the_first_start_on_the_clinics_database(
        tmp_path: Path) -> None:
    clinic = tmp_path / "clinic.sqlite3"
    data = tmp_path / "data"
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CLINIC_LOG_DATA_DIR": str(data)}
    done = subprocess.run([sys.executable, "-c", FLOW, str(clinic)], cwd=REPO, env=environment, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    told = json.loads(done.stdout.strip().splitlines()[-1])
    assert told["code"] == 0
    assert told["asked"] == [str(clinic), str(clinic)]  # the demo's way out is the clinic's own first start
    demo = data / "demo" / "demo-clinic.sqlite3"
    assert str(demo) in told["banner"] and "not your clinic's records" in told["banner"]
    assert DEMO_TITLE in told["title"]
    assert told["display"] == ""  # the titles stop saying DEMO DATA once the demo is closed
    assert count(clinic, "users") == 0 and count(demo, "sessions") == DEMO_SESSIONS
