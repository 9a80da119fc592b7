"""Log in through a LoginDialog as a user does: type the name and password, click Log in, wait for the answer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from clinic_log.ui.people.login_dialog import LoginDialog

CHECKING = "Checking…"  # what the dialog says while the password is checked off the GUI thread


def type_and_click(qtbot: QtBot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.username_edit.setText(username)
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)


def attempt(qtbot: QtBot, dialog: LoginDialog, username: str, password: str) -> None:
    """Log in, then wait until the check is over as the user sees it: Log in is usable again and the dialog no
    longer says it is checking (it has closed, or says why not)."""
    type_and_click(qtbot, dialog, username, password)
    qtbot.waitUntil(lambda: dialog.login_button.isEnabled() and dialog.message != CHECKING, timeout=20000)


def log_in(qtbot: QtBot, dialog: LoginDialog, username: str, password: str) -> None:
    """Log in with the right password and wait for the dialog to close, as the user sees it go.

    Waiting stops the moment it closes, so windows it puts away are deleted by the loop that showed them. Use it
    where a login is typed while another dialog runs its own event loop (an open question): `attempt`'s polling
    would delete that dialog under its own loop."""
    with qtbot.waitSignal(dialog.finished, timeout=20000):
        type_and_click(qtbot, dialog, username, password)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.message
