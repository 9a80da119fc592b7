"""File → Change password…: the logged-in user gives their current password and a new one twice.

Every mistake is said in the dialog, next to what to do; the check (two argon2 runs) goes off the GUI thread. A wrong
current password counts towards the lockout, as a wrong password at login does.
"""

from __future__ import annotations

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
from clinic_log.domain.errors import DomainError
from clinic_log.services.people import auth
from clinic_log.services.people.passwords import PasswordRefused
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import problem_label
from clinic_log.ui.people.login_dialog import locked_message

DIFFERENT_REPEAT = "the two new passwords differ; type the same new password twice."


def password_rule_label() -> QLabel:
    """The rule every new password meets, shown wherever one is set."""
    label = QLabel(f"Passwords need {auth.PASSWORD_RULE}, and may not contain the username.")
    label.setWordWrap(True)
    label.setAccessibleName("Password rule")
    return label


def password_dialog_layout(dialog: QDialog, form: QFormLayout, error_label: QLabel, buttons: QDialogButtonBox,
                           intro: str | None = None) -> QLabel:
    """Lay out a dialog that sets a password — `intro`, its fields, the password rule, the problem line, the
    buttons — and return the rule's label."""
    rule_label = password_rule_label()
    layout = QVBoxLayout(dialog)
    if intro is not None:
        layout.addWidget(QLabel(intro))
    for part in (form, rule_label, error_label, buttons):
        if isinstance(part, QFormLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    return rule_label


def password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


class ChangePasswordDialog(QDialog):
    """Current password, new password, new password again; Enter changes it. Accepted once it is changed."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = user.actor  # whoever opened it, even if someone else logs in meanwhile
        self._runner = BackgroundRunner(self)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle("Change password")
        self.current_edit = password_edit("Current password")
        self.new_edit = password_edit("New password")
        self.confirm_edit = password_edit("Repeat new password")
        self.error_label = problem_label()
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow("&Current password", self.current_edit)
        form.addRow("&New password", self.new_edit)
        form.addRow("&Repeat new password", self.confirm_edit)
        self.change_button = QPushButton("C&hange password")
        self.change_button.setAccessibleName("Change password")
        self.change_button.setDefault(True)  # Enter in any field changes it
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        buttons = QDialogButtonBox()
        buttons.addButton(self.change_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.change_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.rule_label = password_dialog_layout(self, form, self.error_label, buttons,
                                                 f"A new password for your login, {self._actor.username}.")
        self.setTabOrder(self.current_edit, self.new_edit)
        self.setTabOrder(self.new_edit, self.confirm_edit)
        self.setTabOrder(self.confirm_edit, self.change_button)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("m") * 34)
        self.current_edit.setFocus()

    def submit(self) -> None:
        current, new = self.current_edit.text(), self.new_edit.text()
        if not current:
            self._refuse("Current password: enter the password you log in with.", self.current_edit)
            return
        if new != self.confirm_edit.text():
            self._refuse(f"Repeat new password: {DIFFERENT_REPEAT}", self.confirm_edit)
            return
        self.error_label.clear()
        self._busy(True)
        actor, db = self._actor, self._db
        self._runner.run("change password", lambda: auth.change_own_password(db, actor, current, new),
                         lambda _: self._changed(), self._refused)

    def _changed(self) -> None:
        self._busy(False)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self._busy(False)
        if isinstance(exc, auth.AccountLocked):
            self._refuse(locked_message(exc), self.current_edit)
        elif isinstance(exc, auth.LoginFailed):
            self.current_edit.clear()
            minutes = int(auth.LOCKOUT.total_seconds() // 60)
            self._refuse(f"Current password: it is wrong; nothing was changed. After {auth.MAX_FAILURES} wrong "
                         f"passwords in a row the account is locked for {minutes} minutes.", self.current_edit)
        elif isinstance(exc, PasswordRefused):
            self._refuse(str(exc)[:1].upper() + str(exc)[1:], self.new_edit)
        elif isinstance(exc, DomainError):
            self._refuse(str(exc), self.new_edit)
        else:
            self._refuse(f"The password was not changed: {exc}", self.new_edit)

    def _refuse(self, text: str, field: QLineEdit) -> None:
        self.error_label.setText(text)
        field.setFocus()
        field.selectAll()

    def _busy(self, busy: bool) -> None:
        for widget in (self.current_edit, self.new_edit, self.confirm_edit, self.change_button):
            widget.setEnabled(not busy)

    def done(self, result: int) -> None:
        self._runner.wait()  # never leave a password check running behind a closed dialog
        super().done(result)
