"""Explore with demo data: a separate demo database (never the clinic's own file) full of made-up clients and
sessions, opened from the first-start wizard, with a banner on the main window and "DEMO DATA" in every window's
title, and a way back to setting up the real clinic."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QWidget,
)

from clinic_log.db.engine import Database, sqlite_file
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue
from clinic_log.paths import data_dir, private_dir

DEMO_FILE = "demo-clinic.sqlite3"
DEMO_TITLE = "DEMO DATA"
DEMO_CLIENTS, DEMO_SESSIONS = 60, 400
MAKING_DEMO = f"Making a demo clinic: {DEMO_CLIENTS} made-up clients and {DEMO_SESSIONS} sessions…"
SET_UP_CLINIC = 3  # the app's exit code asking run_gui to go back to the first start on the clinic's database
BANNER = ("Demo data: made-up clients and sessions in {path}, not your clinic's records. Switch user (Ctrl+L) to "
          "look as reception (reception / reception-demo-1) or a practitioner (mbrandt / practitioner-demo-1).")


def demo_database_path() -> Path:
    """Where the demo clinic lives: its own folder in the data folder."""
    return private_dir(data_dir() / "demo") / DEMO_FILE


def open_demo_clinic(clinic_location: str) -> tuple[Database, Actor]:
    """A fresh demo clinic (made again each time, so it always looks as shipped) and its owner, logged in.

    Refused when the demo file would be the clinic's own database; the demo generator itself also refuses any
    database holding real records."""
    from clinic_log.services.backup.database import prepare_database
    from clinic_log.services.exchange.demo import DEMO_PASSWORDS, generate_demo
    from clinic_log.services.people import auth

    path = demo_database_path()
    clinic_file = sqlite_file(clinic_location) if "://" in clinic_location else clinic_location
    if clinic_file is not None and Path(clinic_file).resolve() == path.resolve():
        raise InvalidValue("database", clinic_location, "the demo clinic lives in its own file, never the clinic's")
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    db = prepare_database(str(path))
    generate_demo(db, Actor("demo", UserRole.OWNER), clients=DEMO_CLIENTS, sessions=DEMO_SESSIONS, seed=11)
    return db, auth.login(db, "owner", DEMO_PASSWORDS["owner"])


def open_demo_clinic_showing_progress(clinic_location: str) -> tuple[Database, Actor]:
    """`open_demo_clinic` on the database worker behind a busy window: it takes a second or two after the wizard
    closed, with nothing else on screen. Its refusal or failure is raised here, after the window went."""
    from clinic_log.ui.common.operations import OpRunner

    busy = QProgressDialog(MAKING_DEMO, "", 0, 0)
    busy.setCancelButton(None)  # nothing to stop: it is quick, and half a demo is no use
    busy.setWindowTitle("Explore with demo data")
    busy.setAccessibleName("Making the demo clinic")
    busy.setMinimumDuration(0)
    loop = QEventLoop()
    outcome: list[tuple[Database, Actor] | Exception] = []

    def finished(result: tuple[Database, Actor] | Exception) -> None:
        outcome.append(result)
        loop.quit()

    OpRunner(busy).run("demo-clinic", lambda: open_demo_clinic(clinic_location), finished, finished)
    busy.show()
    loop.exec()
    busy.close()
    busy.deleteLater()
    result = outcome[0]
    if isinstance(result, Exception):
        raise result
    return result


def show_demo_banner(window: QMainWindow, path: str) -> QToolBar:
    """A fixed bar over the window saying it is demo data, with the way to the clinic's own set-up; every other
    window's title says DEMO DATA too (the application's display name)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setApplicationDisplayName(DEMO_TITLE)
    window.setWindowTitle(f"{window.windowTitle()} — {DEMO_TITLE}")
    bar = QToolBar("Demo data", window)
    bar.setObjectName("demoBanner")
    bar.setMovable(False)
    bar.setFloatable(False)
    bar.setStyleSheet("QToolBar#demoBanner { background: #fff4c2; border-bottom: 1px solid #c9a400; }")
    label = QLabel(BANNER.format(path=path))
    label.setAccessibleName("Demo data banner")
    label.setWordWrap(True)
    button = QPushButton("Set up my clinic…")
    button.setAccessibleName("Set up my clinic…")
    button.setToolTip("Close the demo and set up your clinic's own database (the demo stays in its own file)")
    button.clicked.connect(lambda: _back_to_set_up(window))
    strip = QWidget()
    strip.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    row = QHBoxLayout(strip)
    row.setContentsMargins(6, 2, 6, 2)
    row.addWidget(label, 1)
    row.addWidget(button)
    bar.addWidget(strip)
    window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)  # a row of its own, the window's whole width
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar


def _back_to_set_up(window: QMainWindow) -> None:
    app = QApplication.instance()
    window.close()
    if isinstance(app, QApplication):
        app.exit(SET_UP_CLINIC)
