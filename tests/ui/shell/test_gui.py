"""Start-up: the window-shown signal the benchmark times, light imports, and a clear refusal of a bad database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.exchange.demo import DEMO_PASSWORDS, generate_demo
from clinic_log.services.people.auth import create_user
from clinic_log.services.sessions.startup_queries import FirstScreen, ServicesReader
from clinic_log.ui.shell import gui

# Qt's offscreen platform warns that it cannot pass a window's size limits to a window system it does not have.

REPO = Path(__file__).resolve().parents[3]
HEAVY = ("reportlab", "alembic", "PySide6.QtCharts", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtPrintSupport",
         "clinic_log.ui.clients.aftercare_preview", "clinic_log.reports.aftercare_pdf")

# Runs the app as `clinic-log` would, then lists heavy modules that got imported along the way.
START = f"""
import sys
from clinic_log.ui.shell.gui import run_gui
code = run_gui(sys.argv[1])
heavy = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))
print("heavy", heavy)
from PySide6.QtWidgets import QApplication
print("window icon drawn", not QApplication.windowIcon().pixmap(32, 32).isNull())
raise SystemExit(code)
"""


OWNER_LOGIN = {"CLINIC_LOG_LOGIN_USER": "owner", "CLINIC_LOG_LOGIN_PASSWORD": DEMO_PASSWORDS["owner"]}


def start_app(location: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Start the app logged in as the demo owner (the login dialog checks the password from the environment)."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CLINIC_LOG_DATA_DIR": str(tmp_path / "data"),
                   "CLINIC_LOG_EXIT_AFTER_SHOWN": "1", **OWNER_LOGIN, **env}
    return subprocess.run([sys.executable, "-c", START, location], cwd=REPO, env=environment, capture_output=True,
                          text=True, timeout=120, check=False)


def test_exit_after_shown_prints_the_start_up_time_and_imports_nothing_heavy(
        db: Database, db_path: Path, owner: Actor, tmp_path: Path) -> None:
    generate_demo(db, owner, clients=20, sessions=300, seed=4)
    db.dispose()
    t0 = time.time()
    done = start_app(str(db_path), tmp_path, CLINIC_LOG_T0=repr(t0))
    elapsed = time.time() - t0
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    shown = [line for line in lines if line.startswith("shown ")]
    assert len(shown) == 1, done.stdout
    seconds = float(shown[0].split()[1])
    assert 0 < seconds <= elapsed
    assert "heavy []" in lines


def test_every_window_of_the_app_carries_the_clinic_log_icon(db: Database, db_path: Path, owner: Actor,
                                                            tmp_path: Path) -> None:
    create_user(db, owner, "owner", "Owner", "owner", "studio-keys-pass-1")
    db.dispose()
    done = start_app(str(db_path), tmp_path, CLINIC_LOG_LOGIN_PASSWORD="studio-keys-pass-1")
    assert done.returncode == 0, done.stderr
    assert "window icon drawn True" in done.stdout.splitlines()


def test_without_t0_it_prints_shown_alone(db: Database, db_path: Path, owner: Actor, tmp_path: Path) -> None:
    create_user(db, owner, "owner", "Owner", "owner", "studio-keys-pass-1")
    db.dispose()
    done = start_app(str(db_path), tmp_path, CLINIC_LOG_LOGIN_PASSWORD="studio-keys-pass-1")
    assert done.returncode == 0, done.stderr
    assert "shown" in done.stdout.splitlines()


def test_an_unusable_database_is_refused_with_a_message(qapp: QApplication, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"this is not an SQLite database, just some text" * 100)
    told: list[tuple[str, Exception]] = []
    monkeypatch.setattr(gui, "show_open_error", lambda location, exc: told.append((location, exc)))

    assert gui.run_gui(str(damaged)) == gui.EXIT_CANNOT_OPEN

    assert len(told) == 1
    location, exc = told[0]
    assert location == str(damaged)
    assert "damaged.sqlite3" in str(exc)
    assert damaged.read_bytes().startswith(b"this is not an SQLite database")  # left as it was


def test_the_error_box_names_the_database_and_the_problem(qtbot: QtBot) -> None:
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(f"{box.text()}\n{box.informativeText()}")
        box.accept()

    QTimer.singleShot(0, read_and_close)
    gui.show_open_error("/data/clinic.sqlite3", RuntimeError("the disk is full"))
    assert seen == ["Clinic Log cannot open the database\n/data/clinic.sqlite3\nthe disk is full"]


def test_a_failed_start_up_preload_is_logged_and_said_on_the_status_bar(
        qtbot: QtBot, caplog: pytest.LogCaptureFixture, db: Database) -> None:
    import logging

    from PySide6.QtWidgets import QMainWindow

    def broken() -> None:
        raise ImportError("cannot import name 'sessions'")

    window = QMainWindow()
    qtbot.addWidget(window)
    first_screen = FirstScreen(db)
    before = first_screen.reader
    with caplog.at_level(logging.WARNING, logger="clinic_log.ui.shell.gui"):
        gui.preload_services(window, first_screen, broken)
        qtbot.waitUntil(lambda: bool(window.statusBar().currentMessage()))
    assert window.statusBar().currentMessage().startswith("Could not prepare the app in the background")
    warned = [r for r in caplog.records if r.name == "clinic_log.ui.shell.gui" and r.levelno == logging.WARNING]
    assert warned and warned[0].exc_info is not None
    assert first_screen.reader is before  # the first screen keeps reading as it did


def test_once_the_services_are_preloaded_the_first_screen_reads_through_them(qtbot: QtBot, db: Database) -> None:
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    first_screen = FirstScreen(db)
    gui.preload_services(window, first_screen, lambda: None)
    qtbot.waitUntil(lambda: isinstance(first_screen.reader, ServicesReader))
