"""Pages in the main window's tabs are built when first shown, and hidden from roles that may not use them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.domain.enums import UserRole
from clinic_log.domain.permissions import Permission
from clinic_log.ui.shell.page_host import PageHost, PageSpec


def test_a_page_is_built_only_when_its_tab_is_first_shown(qtbot: QtBot) -> None:
    built: list[str] = []

    def factory(name: str) -> QWidget:
        built.append(name)
        return QLabel(name)

    host = PageHost()
    qtbot.addWidget(host)
    host.add_page(PageSpec("a", "A", lambda: factory("a")))
    host.add_page(PageSpec("b", "B", lambda: factory("b")))
    host.show()
    assert built == ["a"]  # the first tab is current, so it is built
    assert not host.is_built("b")
    host.setCurrentIndex(1)
    assert built == ["a", "b"] and host.is_built("b")
    assert host.currentWidget().findChild(QLabel).text() == "b"  # what the tab shows is the page just built
    host.setCurrentIndex(0)
    host.setCurrentIndex(1)
    assert built == ["a", "b"]  # built once, kept


def test_tabs_a_role_may_not_use_are_hidden(qtbot: QtBot) -> None:
    host = PageHost()
    qtbot.addWidget(host)
    host.add_page(PageSpec("history", "History", QWidget))
    host.add_page(PageSpec("audit", "Audit", QWidget, Permission.VIEW_AUDIT_LOG))
    host.show_roles(UserRole.RECEPTION)
    assert [host.isTabVisible(i) for i in range(2)] == [True, False]
    host.show_roles(UserRole.OWNER)
    assert [host.isTabVisible(i) for i in range(2)] == [True, True]


def test_ctrl_and_a_number_shows_that_visible_tab(qtbot: QtBot) -> None:
    host = PageHost()
    qtbot.addWidget(host)
    host.install_shortcuts(host)
    for key in ("history", "audit", "clients"):
        host.add_page(PageSpec(key, key.title(), QWidget, Permission.VIEW_AUDIT_LOG if key == "audit" else None))
    host.show_roles(UserRole.RECEPTION)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    qtbot.keyClick(host, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert host.tabText(host.currentIndex()) == "Clients"  # the 2nd visible tab: Audit is hidden
    assert host.tabToolTip(host.currentIndex()) == "Ctrl+2"
    qtbot.keyClick(host, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert host.tabText(host.currentIndex()) == "History"
