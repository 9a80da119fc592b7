"""The login dialog: username and password, checked off the GUI thread (argon2 is slow by design).

A wrong password says so without telling which part was wrong; a locked account says until when (local time).
For unattended starts (the start-up benchmark) `login_from_environment` reads CLINIC_LOG_LOGIN_USER and
CLINIC_LOG_LOGIN_PASSWORD and runs the very same password check: there is no way in without a password.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.ui.common.background import BackgroundRunner

if TYPE_CHECKING:  # the auth service (SQLAlchemy, argon2) loads with the first check, not with the dialog
    from clinic_log.services.people import auth

USER_ENV = "CLINIC_LOG_LOGIN_USER"
PASSWORD_ENV = "CLINIC_LOG_LOGIN_PASSWORD"
Clock = Callable[[], datetime]  # naive UTC, like the stored lockout times


def login_from_environment(db: Database, clock: Clock | None = None) -> Actor | None:
    """Log in with the credentials in the environment, if both are set; None when they are not set.

    A wrong password raises the same errors as the dialog shows (the caller then shows the dialog)."""
    username, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if not username or password is None:
        return None
    from clinic_log.services.people import auth

    return auth.login(db, username, password, now=clock() if clock else None)


def locked_message(exc: auth.AccountLocked) -> str:
    from clinic_log.services.people import auth

    until = exc.until.replace(tzinfo=UTC).astimezone()
    return (f"This account is locked after {auth.MAX_FAILURES} failed attempts until {until:%H:%M}. "
            "Try again then, or ask the owner to reset the password.")


class LoginDialog(QDialog):
    """Ask for username and password; `actor` holds the logged-in user once accepted.

    `prompt` is the line above the fields (e.g. "Locked after 10 minutes idle").
    """

    def __init__(self, db: Database, parent: QWidget | None = None, *, clinic_name: str = "",
                 prompt: str = "Log in to continue.", username: str = "", clock: Clock | None = None,
                 cancel_text: str = "Quit") -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock
        self.actor: Actor | None = None
        self._runner = BackgroundRunner(self)
        self.setWindowTitle("Clinic Log — log in")
        self.setObjectName("loginDialog")
        self.setModal(True)

        heading = QLabel(clinic_name or "Clinic Log")
        heading.setObjectName("heading")
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        heading.setFont(font)
        self.prompt_label = QLabel(prompt)
        self.prompt_label.setWordWrap(True)

        self.username_edit = QLineEdit(username)
        self.username_edit.setAccessibleName("Username")
        self.username_edit.setToolTip("Capitals and spaces around the name make no difference")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        form = QFormLayout()
        form.addRow("&Username", self.username_edit)
        form.addRow("&Password", self.password_edit)

        self.message_label = QLabel()
        self.message_label.setObjectName("loginMessage")
        self.message_label.setAccessibleName("Login message")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)

        buttons = QDialogButtonBox()
        self.login_button = QPushButton("&Log in")
        self.login_button.setAccessibleName("Log in")
        self.login_button.setDefault(True)
        self.cancel_button = QPushButton(cancel_text)
        self.cancel_button.setAccessibleName(cancel_text.replace("&", ""))
        buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.clicked.connect(self.try_login)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.prompt_label)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setTabOrder(self.username_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.login_button)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("m") * 34)
        (self.password_edit if username else self.username_edit).setFocus()

    def submit_from_environment(self) -> bool:
        """Fill in and submit CLINIC_LOG_LOGIN_USER / _PASSWORD when both are set (unattended starts); the password
        is checked exactly as if typed. False when they are not set."""
        username, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
        if not username or password is None:
            return False
        self.username_edit.setText(username)
        self.password_edit.setText(password)
        self.try_login()
        return True

    @property
    def message(self) -> str:
        return self.message_label.text()

    def try_login(self) -> None:
        username, password = self.username_edit.text().strip(), self.password_edit.text()
        if not username:
            self._show("Enter your username.")
            self.username_edit.setFocus()
            return
        self._busy(True)
        self.message_label.setText("Checking…")
        now = self._clock() if self._clock else None

        def check() -> Actor:
            from clinic_log.services.people import auth

            return auth.login(self._db, username, password, now=now)

        self._runner.run("login", check, self._logged_in, self._refused)

    def _logged_in(self, actor: Actor) -> None:
        self._busy(False)
        self.actor = actor
        self.message_label.clear()
        self.accept()

    def _refused(self, exc: Exception) -> None:
        from clinic_log.services.people import auth

        self._busy(False)
        self.password_edit.clear()
        self.password_edit.setFocus()
        if isinstance(exc, auth.AccountLocked):
            self._show(locked_message(exc))
        elif isinstance(exc, auth.LoginFailed):
            self._show("The username or password is wrong. After "
                       f"{auth.MAX_FAILURES} wrong passwords the account is locked for "
                       f"{int(auth.LOCKOUT.total_seconds() // 60)} minutes.")
        elif isinstance(exc, DomainError):
            self._show(str(exc))
        else:
            self._show(f"Login failed: {exc}")

    def _show(self, text: str) -> None:
        self.message_label.setText(text)

    def _busy(self, busy: bool) -> None:
        for widget in (self.username_edit, self.password_edit, self.login_button):
            widget.setEnabled(not busy)

    def done(self, result: int) -> None:
        self._runner.wait()  # never leave a password check running behind a closed dialog
        super().done(result)
