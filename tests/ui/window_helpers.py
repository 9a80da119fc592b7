"""Helpers shared by the main-window tests: open a shown window, and read every id its model can show."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.ui.main_window import MainWindow


def make_window(qtbot: QtBot, db: Database, db_path: Path) -> MainWindow:
    window = MainWindow(db, str(db_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def shown_ids(window: MainWindow) -> set[int]:
    model = window.page.model
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return {model.session_id(r) for r in range(model.rowCount())}
