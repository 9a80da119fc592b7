"""Reception finds a client by keyboard alone (issue 20): Ctrl+2 puts the cursor in the search, Down moves into the
matches and Enter opens the one chosen — not always the first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.ui.clients.clients_page import ClientsPage
from clinic_log.ui.common.user_session import UserSession
from tests.ui.window_helpers import make_window


def test_ctrl_2_down_and_enter_open_the_chosen_match(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                     db_path: Path) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.pages.page("clients")
    assert isinstance(page, ClientsPage)
    qtbot.waitUntil(page.search_edit.hasFocus)
    qtbot.keyClicks(page.search_edit, "a")  # most demo names hold an "a"
    assert page.model.rowCount() >= 3
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)  # into the matches, on the first
    assert page.view.hasFocus() and page.view.currentIndex().row() == 0
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    chosen = page.model.client_id(1)
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert page.stack.currentIndex() == 1
    record = page.client_page.record
    assert record is not None and record.client.id == chosen


def test_up_from_the_first_match_goes_back_to_the_search(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                         db_path: Path) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    page = window.pages.show_page("clients")
    assert isinstance(page, ClientsPage)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.search_edit.setFocus()
    qtbot.keyClicks(page.search_edit, "a")
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)
    assert page.view.hasFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Up)
    assert page.search_edit.hasFocus()
