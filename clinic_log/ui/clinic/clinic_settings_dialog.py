"""Settings → Clinic settings…: the clinic's details for printed sheets, the idle auto-lock minutes, the URI under
which FHIR exports name the clinic's identifiers, and the GDPR Art. 15(1)(a–h) texts every subject-access copy
prints (owner)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError
from clinic_log.services.clinic.clinic_settings import (
    ClinicDetails,
    read_settings,
    save_clinic,
    save_settings,
    validate_clinic,
    validate_setting,
    validate_settings,
)
from clinic_log.settings import (
    ART15,
    FHIR_IDENTIFIER_SYSTEM,
    IDLE_LOCK,
    IDLE_LOCK_MINUTES,
    OUT_OF_HOURS_PHONE,
    POST_CARE_PRODUCT,
)
from clinic_log.ui.clinic.first_start_wizard import ClinicPage
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import problem_label, save_cancel_buttons


class ClinicSettingsDialog(QDialog):
    """Edit name, address, phone, logo and idle lock; `idle_minutes` holds the saved value once accepted."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.setWindowTitle("Clinic settings")
        self.setMinimumWidth(640)  # a refusal (one line naming the field and what is allowed) fits on two lines
        self.resize(720, 600)  # the Art. 15 texts are paragraphs: room for two or three at a time on a 768 screen
        values = read_settings(db)
        self.clinic = ClinicPage()
        self.clinic.setTitle("")
        self.clinic.name_edit.setText(values["clinic.name"])
        self.clinic.address_edit.setPlainText(values["clinic.address"])
        self.clinic.phone_edit.setText(values["clinic.phone"])
        self._stored_logo = values["clinic.logo_path"]
        self.clinic.logo_edit.setText(self._stored_logo)
        self.idle_minutes = values.read(IDLE_LOCK)
        self.idle_edit = QLineEdit(str(self.idle_minutes))  # typed text, checked on save: never clamped
        self.idle_edit.setAccessibleName("Lock after idle")
        low, high = IDLE_LOCK_MINUTES
        self.idle_edit.setToolTip(f"Minutes ({low} to {high}) without keyboard or mouse use before the app asks "
                                  "for a password again")
        self.fhir_edit = QLineEdit(values[FHIR_IDENTIFIER_SYSTEM])
        self.fhir_edit.setPlaceholderText("https://myclinic.example/fhir")
        self.fhir_edit.setAccessibleName("FHIR identifier system")
        self.fhir_edit.setToolTip("A web address (or urn:oid:) the clinic owns; FHIR exports name client, "
                                  "practitioner, device and lot identifiers under it. Set it once, before the "
                                  "first FHIR export, and keep it: a server matches records on it.")
        self.out_of_hours_edit = QLineEdit(values[OUT_OF_HOURS_PHONE])
        self.out_of_hours_edit.setAccessibleName("Out-of-hours phone")
        self.out_of_hours_edit.setPlaceholderText("blank: none printed")
        self.out_of_hours_edit.setToolTip("Printed in the aftercare sheet's 'Call us' box, under the clinic's phone")
        self.post_care_edit = QLineEdit(values[POST_CARE_PRODUCT])
        self.post_care_edit.setAccessibleName("Post-care product")
        self.post_care_edit.setToolTip("What clients put on at home, as the aftercare sheet says it after 'Apply "
                                       "only'; printed as the post-care product when a session recorded none")
        form = QFormLayout()
        form.addRow("&Out-of-hours phone", self.out_of_hours_edit)
        form.addRow("Post-care &product", self.post_care_edit)
        form.addRow("Lock after &idle (minutes)", self.idle_edit)
        form.addRow("&FHIR identifier system", self.fhir_edit)
        buttons = save_cancel_buttons(self, self._save)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.addWidget(self.clinic)
        general_layout.addLayout(form)
        general_layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, "&Clinic")
        self.tabs.addTab(self._privacy_tab(values), "&Subject access (GDPR Art. 15)")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def _privacy_tab(self, values: Mapping[str, str]) -> QScrollArea:
        """One multi-line field per Art. 15(1)(a–h) item, labelled with the heading the copy prints."""
        self.privacy_edits: dict[str, QPlainTextEdit] = {}
        inner = QWidget()
        form = QFormLayout(inner)
        note = QLabel("Printed in every subject-access copy (File → Export… → one client's data). Write them once "
                      "for your clinic; the defaults suit a small aesthetic clinic in the EU.")
        note.setWordWrap(True)
        form.addRow(note)
        self.privacy_error = problem_label()
        form.addRow(self.privacy_error)
        for key, (heading, description, _) in ART15.items():
            edit = QPlainTextEdit(values[f"privacy.{key}"])
            edit.setAccessibleName(heading)
            edit.setToolTip(description)
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 4)
            edit.setMaximumHeight(edit.fontMetrics().lineSpacing() * 8)  # a paragraph each, not a page
            label = QLabel(heading)
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.privacy_edits[key] = edit
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _save(self) -> None:
        details = self.clinic.details()
        if details.logo_source == self._stored_logo:  # unchanged: no need to copy it onto itself
            details = ClinicDetails(details.name, details.address, details.phone, None)
        privacy = {f"privacy.{key}": edit.toPlainText() for key, edit in self.privacy_edits.items()}
        try:
            validate_settings(privacy)
        except DomainError as exc:  # checked before anything is saved: all or nothing
            self.privacy_error.setText(str(exc))
            self.tabs.setCurrentIndex(1)
            return
        try:  # everything checked before anything is saved, so a refusal leaves all as it was
            validate_clinic(details)
            idle = validate_setting(IDLE_LOCK.key, self.idle_edit.text())  # "500" refused, never clamped
            validate_setting(FHIR_IDENTIFIER_SYSTEM, self.fhir_edit.text())
            validate_setting(OUT_OF_HOURS_PHONE, self.out_of_hours_edit.text())
            validate_setting(POST_CARE_PRODUCT, self.post_care_edit.text())
            save_clinic(self._db, self._user.actor, details)
            save_settings(self._db, self._user.actor, {IDLE_LOCK.key: self.idle_edit.text(),
                                                      FHIR_IDENTIFIER_SYSTEM: self.fhir_edit.text(),
                                                      OUT_OF_HOURS_PHONE: self.out_of_hours_edit.text(),
                                                      POST_CARE_PRODUCT: self.post_care_edit.text(), **privacy})
        except DomainError as exc:
            self.clinic.error_label.setText(str(exc))
            self.tabs.setCurrentIndex(0)
            return
        self.idle_minutes = int(idle)
        self.accept()
