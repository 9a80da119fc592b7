"""File → Change password…: every logged-in user replaces their own password; every mistake is said in the dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry
from clinic_log.domain.actor import Actor
from clinic_log.services.people import auth
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.shell.main_window import MainWindow
from tests.ui.window_helpers import make_window

CURRENT = "reception-pass-1"
NEW = "quiet-harbour-ferns"


@pytest.fixture
def desk(db: Database, owner: Actor, user: UserSession) -> Actor:
    auth.create_user(db, owner, "desk", "Front desk", "reception", CURRENT)
    actor = auth.login(db, "desk", CURRENT)
    user.sign_in(actor)
    return actor


def file_action(window: MainWindow, text: str) -> QAction:
    [file_menu] = [a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File"]
    [action] = [a for a in file_menu.actions() if a.text().replace("&", "") == text]  # type: ignore[union-attr]
    return action


def named(dialog: QWidget, kind: type[QLineEdit] | type[QLabel], name: str) -> QLineEdit | QLabel:
    [widget] = [w for w in dialog.findChildren(kind) if w.accessibleName() == name]
    return widget


def edit(dialog: QWidget, name: str) -> QLineEdit:
    widget = named(dialog, QLineEdit, name)
    assert isinstance(widget, QLineEdit)
    return widget


def problem(dialog: QWidget) -> str:
    return named(dialog, QLabel, "Problem").text()


def open_dialog(qtbot: QtBot, user: UserSession, db: Database, db_path: Path) -> tuple[MainWindow, QDialog]:
    window = make_window(qtbot, db, user, db_path)
    action = file_action(window, "Change password…")
    assert action.isVisible() and action.isEnabled()
    action.trigger()
    dialog = window.findChild(QDialog, "changePasswordDialog")
    assert dialog is not None and dialog.isVisible()
    return window, dialog


def fill_and_press_enter(qtbot: QtBot, dialog: QDialog, current: str, new: str, again: str) -> None:
    for name, text in (("Current password", current), ("New password", new), ("Repeat new password", again)):
        edit(dialog, name).clear()
        qtbot.keyClicks(edit(dialog, name), text)
    qtbot.keyClick(edit(dialog, "Repeat new password"), Qt.Key.Key_Return)


def user_actions(db: Database) -> list[tuple[str, str]]:
    with db.reading() as session:
        return [(e.actor, e.action) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "user").order_by(AuditEntry.id))]


def test_a_user_changes_their_own_password_from_the_file_menu(qtbot: QtBot, user: UserSession, db: Database,
                                                              db_path: Path, desk: Actor) -> None:
    window, dialog = open_dialog(qtbot, user, db, db_path)
    assert "at least 12 characters, not a common password" in named(dialog, QLabel, "Password rule").text()
    assert dialog.focusWidget() is edit(dialog, "Current password")
    for name in ("Current password", "New password", "Repeat new password"):
        assert edit(dialog, name).echoMode() == QLineEdit.EchoMode.Password
    fill_and_press_enter(qtbot, dialog, CURRENT, NEW, NEW)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Your password is changed.", timeout=20000)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "changePasswordDialog") is None)  # closed and deleted
    assert auth.login(db, "desk", NEW).username == "desk"
    assert ("desk", "password_changed") in user_actions(db)


def test_a_wrong_current_password_is_said_in_the_dialog_and_counted(qtbot: QtBot, user: UserSession, db: Database,
                                                                    db_path: Path, desk: Actor) -> None:
    _, dialog = open_dialog(qtbot, user, db, db_path)
    fill_and_press_enter(qtbot, dialog, "not-my-password-1", NEW, NEW)
    qtbot.waitUntil(lambda: "Current password" in problem(dialog), timeout=20000)
    assert "is wrong" in problem(dialog) and "locked" in problem(dialog)
    assert dialog.isVisible() and edit(dialog, "Current password").text() == ""
    assert dialog.focusWidget() is edit(dialog, "Current password")
    assert ("desk", "password_change_failed") in user_actions(db)
    assert auth.login(db, "desk", CURRENT).username == "desk"


def test_new_passwords_that_differ_or_break_the_rule_are_refused_in_the_dialog(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, desk: Actor) -> None:
    _, dialog = open_dialog(qtbot, user, db, db_path)
    fill_and_press_enter(qtbot, dialog, CURRENT, NEW, "quiet-harbour-fern")
    assert problem(dialog).startswith("Repeat new password: the two new passwords differ")
    assert dialog.focusWidget() is edit(dialog, "Repeat new password")
    fill_and_press_enter(qtbot, dialog, CURRENT, "Password1234", "Password1234")
    qtbot.waitUntil(lambda: "most common passwords" in problem(dialog), timeout=20000)
    assert dialog.isVisible() and dialog.focusWidget() is edit(dialog, "New password")
    assert auth.login(db, "desk", CURRENT).username == "desk"
    assert "password_changed" not in [action for _, action in user_actions(db)]
