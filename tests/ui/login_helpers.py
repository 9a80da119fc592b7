"""Log in through a LoginDialog as a user does: type the name and password, click Log in, wait for the answer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.ui.people.login_dialog import LoginDialog


def attempt(qtbot: QtBot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.username_edit.setText(username)
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, password)
    with qtbot.waitSignal(dialog.attempt_finished, timeout=20000):
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
