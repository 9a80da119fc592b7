"""The owner's Users tab: every login with its role and linked practitioner; create, deactivate, reset password."""

from __future__ import annotations

from datetime import UTC

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import DomainError
from clinic_log.services.people import auth, people
from clinic_log.services.people.auth import UserView
from clinic_log.ui.common.operations import PEOPLE, on_records_changed
from clinic_log.ui.common.record_table_model import RecordTableModel
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import problem_label, record_table
from clinic_log.ui.people.change_password_dialog import password_dialog_layout, password_edit

ROLE_LABELS = {UserRole.OWNER: "Owner", UserRole.PRACTITIONER: "Practitioner", UserRole.RECEPTION: "Reception"}


def _status(user: UserView) -> str:
    if not user.active:
        return "Deactivated"
    if user.locked_until is not None:
        until = user.locked_until.replace(tzinfo=UTC).astimezone()
        return f"Locked until {until:%H:%M}" if until > until.now().astimezone() else "Active"
    return "Active"


class NewUserDialog(QDialog):
    """Username, full name, role, linked practitioner (required for practitioners), password twice."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.setWindowTitle("New user")
        self.username_edit = QLineEdit()
        self.username_edit.setAccessibleName("Username")
        self.full_name_edit = QLineEdit()
        self.full_name_edit.setAccessibleName("Full name")
        self.role_combo = QComboBox()
        self.role_combo.setAccessibleName("Role")
        for role in (UserRole.PRACTITIONER, UserRole.RECEPTION, UserRole.OWNER):
            self.role_combo.addItem(ROLE_LABELS[role], role.value)
        self.practitioner_combo = QComboBox()
        self.practitioner_combo.setAccessibleName("Practitioner")
        self.practitioner_combo.addItem("— none —", None)
        for p in people.practitioner_records(db, self._user.actor, include_inactive=False):
            self.practitioner_combo.addItem(f"{p.full_name} ({p.username})", p.username)
        self.password_edit = password_edit("Password")
        self.confirm_edit = password_edit("Repeat password")
        self.error_label = problem_label()
        form = QFormLayout()
        form.addRow("&Username", self.username_edit)
        form.addRow("&Full name", self.full_name_edit)
        form.addRow("&Role", self.role_combo)
        form.addRow("Pr&actitioner", self.practitioner_combo)
        form.addRow("&Password", self.password_edit)
        form.addRow("R&epeat password", self.confirm_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
        self.rule_label = password_dialog_layout(self, form, self.error_label, buttons)
        self.created: UserView | None = None

    def _create(self) -> None:
        if self.password_edit.text() != self.confirm_edit.text():
            self.error_label.setText("Repeat password: the two passwords differ; type the same password twice.")
            return
        try:
            self.created = auth.create_user(
                self._db, self._user.actor, self.username_edit.text().strip(), self.full_name_edit.text().strip(),
                self.role_combo.currentData(), self.password_edit.text(), self.practitioner_combo.currentData())
        except DomainError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


class ResetPasswordDialog(QDialog):
    def __init__(self, db: Database, user: UserSession, target: UserView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._target = db, user, target
        self.setWindowTitle(f"Reset password — {target.username}")
        self.password_edit = password_edit("New password")
        self.confirm_edit = password_edit("Repeat password")
        self.error_label = problem_label()
        form = QFormLayout()
        form.addRow("&New password", self.password_edit)
        form.addRow("&Repeat password", self.confirm_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Reset")
        buttons.accepted.connect(self._reset)
        buttons.rejected.connect(self.reject)
        self.rule_label = password_dialog_layout(
            self, form, self.error_label, buttons,
            f"A new password for {target.full_name} ({target.username}); any lockout is lifted.")

    def _reset(self) -> None:
        if self.password_edit.text() != self.confirm_edit.text():
            self.error_label.setText("Repeat password: the two passwords differ; type the same password twice.")
            return
        try:
            auth.reset_password(self._db, self._user.actor, self._target.id, self.password_edit.text())
        except DomainError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


class UsersPage(QWidget):
    """List of users with the New…, Deactivate and Reset password… buttons."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.model: RecordTableModel[UserView] = RecordTableModel([
            ("Username", lambda u: u.username), ("Full name", lambda u: u.full_name),
            ("Role", lambda u: ROLE_LABELS.get(UserRole(u.role), u.role)),
            ("Practitioner", lambda u: u.practitioner_name or "—"), ("Status", _status),
        ], muted=lambda u: not u.active)
        self.view = record_table(self.model, "Users")
        on_records_changed(self, {PEOPLE}, self.refresh)
        self.new_button = QPushButton("&New user…")
        self.new_button.setAccessibleName("New user…")
        self.deactivate_button = QPushButton("&Deactivate")
        self.deactivate_button.setAccessibleName("Deactivate")
        self.deactivate_button.setToolTip("The user can no longer log in; their name stays on what they recorded")
        self.reset_button = QPushButton("&Reset password…")
        self.reset_button.setAccessibleName("Reset password…")
        self.message_label = QLabel()
        self.message_label.setAccessibleName("Message")
        self.message_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.deactivate_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addWidget(self.message_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self.new_button.clicked.connect(self.new_user)
        self.deactivate_button.clicked.connect(self.deactivate_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.refresh()
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def refresh(self) -> None:
        self.model.set_records(auth.list_users(self._db, self._user.actor))
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._update_buttons()

    def selected_user(self) -> UserView | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_username(self, username: str) -> None:
        for row, user in enumerate(self.model.records()):
            if user.username == username:
                self.view.selectRow(row)
                return

    def _update_buttons(self) -> None:
        user = self.selected_user()
        self.deactivate_button.setEnabled(user is not None and user.active)
        self.reset_button.setEnabled(user is not None and user.active)

    def new_user(self) -> NewUserDialog:
        dialog = NewUserDialog(self._db, self._user, self)
        dialog.accepted.connect(lambda: self._after_create(dialog))
        dialog.open()
        return dialog

    def _after_create(self, dialog: NewUserDialog) -> None:
        self.refresh()
        if dialog.created is not None:
            self.select_username(dialog.created.username)
            self.message_label.setText(f"Created {dialog.created.username}.")

    def deactivate_selected(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        answer = QMessageBox.question(self, "Deactivate user",
                                      f"Deactivate {user.username}? They can no longer log in.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            auth.deactivate_user(self._db, self._user.actor, user.id)
        except DomainError as exc:
            self.message_label.setText(str(exc))
            return
        self.refresh()
        self.message_label.setText(f"{user.username} is deactivated.")

    def _after_reset(self, user: UserView) -> None:
        self.refresh()
        self.message_label.setText(f"New password set for {user.username}.")

    def reset_selected(self) -> ResetPasswordDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = ResetPasswordDialog(self._db, self._user, user, self)
        dialog.accepted.connect(lambda: self._after_reset(user))
        dialog.open()
        return dialog
