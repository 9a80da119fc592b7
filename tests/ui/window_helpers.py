"""Helpers shared by the main-window tests: open a shown window, and read every id its model can show."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QModelIndex
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.session_table_model import SessionTableModel
from clinic_log.ui.shell.main_window import MainWindow


def make_window(qtbot: QtBot, db: Database, user: UserSession, db_path: Path) -> MainWindow:
    window = MainWindow(db, user, str(db_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def load_every_row(model: SessionTableModel) -> None:
    """Fetch pages until the model has every matching row; a notes search's pages arrive from the background."""
    deadline = time.monotonic() + 20
    while True:
        while model.searching and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        assert not model.searching, "a notes search page did not arrive within 20 s"
        if not model.canFetchMore(QModelIndex()):
            return
        model.fetchMore(QModelIndex())


def shown_ids(window: MainWindow) -> set[int]:
    model = window.page.model
    load_every_row(model)
    return {model.session_id(r) for r in range(model.rowCount())}
