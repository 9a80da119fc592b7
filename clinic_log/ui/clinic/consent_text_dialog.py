"""The owner edits the clinic's consent wording (each save is a new version) and how long a consent is valid."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.services.clinic.consent_texts import (
    consent_validity,
    latest_consent_text,
    save_consent_text,
    set_consent_validity,
)
from clinic_log.ui.common.form_autosave import FormAutosave
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import save_cancel_buttons

EDIT = Permission.EDIT_SETTINGS


class ConsentTextDialog(QDialog):
    """The consent wording (Save stores a new version) and its validity; read-only for anyone but the owner."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        latest = latest_consent_text(db)
        self._version = latest.version
        self._validity = consent_validity(db)
        self.setWindowTitle("Consent text")
        self.version_label = QLabel(f"Editing version {latest.version} (saved {latest.created_at.astimezone():%Y-%m-%d}"
                                    f" by {latest.created_by}). Saving makes version {latest.version + 1}; consents "
                                    "already signed keep the wording they signed.")
        self.version_label.setWordWrap(True)
        self.body_edit = QPlainTextEdit(latest.body)
        self.body_edit.setAccessibleName("Consent text")
        self.validity_edit = QLineEdit(self._validity)  # as stored ("12m", "26w"), checked on save: never rounded
        self.validity_edit.setAccessibleName("Consent valid for")
        self.validity_edit.setToolTip("A number and d, w or m: 12m is twelve months, 26w twenty-six weeks")
        self.problem_label = QLabel()
        self.autosave: FormAutosave | None = None
        if self._user.actor.role not in ALLOWED[EDIT]:
            self.body_edit.setReadOnly(True)
            self.validity_edit.setReadOnly(True)
            self.version_label.setText(f"Version {latest.version}. Only the owner can change the consent text.")
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")
        buttons = save_cancel_buttons(self, self.save)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save")
        self.save_button.setToolTip("Save as a new version (Ctrl+S)")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.setEnabled(not self.body_edit.isReadOnly())
        form = QFormLayout()
        form.addRow("Consent &valid for (e.g. 12m, 26w)", self.validity_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.version_label)
        layout.addWidget(self.body_edit, 1)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self.resize(780, 640)
        screen = self.screen()
        if screen is not None:
            area = screen.availableGeometry()
            self.resize(min(780, area.width() - 40), min(640, area.height() - 60))
        if not self.body_edit.isReadOnly():
            self.autosave = FormAutosave(db, user.actor, "consent_text", self.typed, self.restore_typed, self)
            self.autosave.watch(self.body_edit.textChanged, self.validity_edit.textChanged)
            restored = self.autosave.restore_saved()
            if restored:
                self.version_label.setText(f"{self.version_label.text()}\n{restored}")

    def typed(self) -> dict[str, object]:
        """What is on screen, for the autosaved draft."""
        return {"body": self.body_edit.toPlainText(), "validity": self.validity_edit.text()}

    def restore_typed(self, state: dict[str, object]) -> None:
        self.body_edit.setPlainText(str(state.get("body", "")))
        validity = state.get("validity")
        months = state.get("validity_months")  # drafts kept before the field took the period as typed
        if isinstance(validity, str):
            self.validity_edit.setText(validity)
        elif isinstance(months, int):
            self.validity_edit.setText(f"{months}m")

    def reject(self) -> None:
        if self.autosave is None or self.autosave.may_close():
            super().reject()

    def save(self) -> None:
        actor = self._user.actor
        body = self.body_edit.toPlainText()
        try:
            if self.validity_edit.text() != self._validity:
                self._validity = set_consent_validity(self._db, actor, self.validity_edit.text())
            if body.strip() != latest_consent_text(self._db).body:
                saved = save_consent_text(self._db, actor, body)
                self._version = saved.version
        except DomainError as exc:
            self.problem_label.setText(str(exc))
            return
        if self.autosave is not None:
            self.autosave.mark_saved()
        self.accept()
