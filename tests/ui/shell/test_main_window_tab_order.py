"""Tab walks every page of the main window: each input the page shows takes the focus once, in order, and no
field keeps it (issue 20: the Sessions filter bar's From box kept twelve Tabs; a date box takes one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QToolButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text as sql

from clinic_log.db.engine import Database
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.shell.main_window import MainWindow
from tests.ui.window_helpers import make_window

PAGES = ("sessions", "clients", "recall", "dashboard", "practitioners", "devices", "users", "audit")


def tab_stops(page: QWidget) -> list[QWidget]:
    """The page's widgets a user can Tab to (visible, enabled, taking Tab focus), in the page's focus chain."""
    stops: list[QWidget] = []
    widget = page.nextInFocusChain()
    while widget is not page and len(stops) < 500:
        if (page.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.focusProxy() is None):
            stops.append(widget)
        widget = widget.nextInFocusChain()
    return stops


def name_of(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    return widget.accessibleName() or widget.objectName() or type(widget).__name__


@pytest.mark.parametrize("key", PAGES)
def test_tab_visits_each_input_of_the_page_once_and_moves_on(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                             db_path: Path, key: str) -> None:
    window: MainWindow = make_window(qtbot, demo_db, user, db_path)
    window.resize(1366, 768)
    page = window.pages.show_page(key)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    stops = tab_stops(page)
    assert len(stops) >= 2, f"{key}: nothing to Tab to"
    stops[0].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: stops[0].hasFocus())
    visited = [QApplication.focusWidget()]
    for _ in range(len(stops) - 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        assert now is not visited[-1], f"{key}: Tab stays in {name_of(now)} after {[name_of(w) for w in visited]}"
        visited.append(now)
    assert len(set(map(id, visited))) == len(visited), f"{key}: a field came twice: {[name_of(w) for w in visited]}"
    assert {id(w) for w in visited} == {id(w) for w in stops}, (
        f"{key}: never reached {[name_of(w) for w in stops if w not in visited]}")


def alt_key(text: str) -> str | None:
    """The letter after a single '&' (Qt's mnemonic), lower case; None without one."""
    at = text.replace("&&", "").find("&")
    return text.replace("&&", "")[at + 1].lower() if 0 <= at < len(text.replace("&&", "")) - 1 else None


@pytest.mark.parametrize("key", (*PAGES, "client"))
def test_each_alt_key_on_a_page_reaches_one_control(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                    db_path: Path, key: str) -> None:
    """Two controls under one Alt+letter (a menu and a filter's label) make the key jump between them or do
    nothing: each letter shown underlined on a page and in the menu bar belongs to one control ("client": the
    Clients page with a client open)."""
    window: MainWindow = make_window(qtbot, demo_db, user, db_path)
    window.resize(1366, 768)
    page = window.pages.show_page("clients" if key == "client" else key)
    if key == "client":
        with demo_db.reading() as session:
            page.open_client(session.scalar(sql("SELECT min(id) FROM clients")))  # type: ignore[attr-defined]
    owners: dict[str, list[str]] = {}
    for menu in window.menuBar().actions():
        if menu.isVisible() and (letter := alt_key(menu.text())):
            owners.setdefault(letter, []).append(f"menu {menu.text()}")
    for widget in page.findChildren(QWidget):
        if not widget.isVisible():
            continue
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if labelled or (isinstance(widget, QAbstractButton) and not isinstance(widget, QToolButton)):
            text = widget.text()  # type: ignore[attr-defined]
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            text = widget.title()
        else:
            continue
        if letter := alt_key(text):
            owners.setdefault(letter, []).append(text)
    shared = {letter: texts for letter, texts in owners.items() if len(texts) > 1}
    assert not shared, f"{key}: Alt+letter shared by {shared}"
