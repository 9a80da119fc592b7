"""Sign consent of a purpose (treatment, clinical-record photos, photos for other uses): the clinic's current text
of that purpose, then a drawn signature or the typed name, and the date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import ConsentPurpose
from clinic_log.domain.errors import DomainError
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.clinic.consent_texts import latest_consent_text
from clinic_log.ui.clients.signature_pad import SignaturePad
from clinic_log.ui.common.date_typing import type_dates_whole
from clinic_log.ui.common.operations import CLIENTS, changes
from clinic_log.ui.common.user_session import UserSession


def qdate_of(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_of(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


class ConsentDialog(QDialog):
    """Emits `signed(consent_id)` once the consent is stored, then closes."""

    signed = Signal(int)

    def __init__(self, db: Database, user: UserSession, client_id: int, client_name: str, today: date,
                 parent: QWidget | None = None, purpose: ConsentPurpose = ConsentPurpose.TREATMENT) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._client_id = client_id
        self.purpose = purpose
        self.text = latest_consent_text(db, purpose)
        what = purpose.label[0].upper() + purpose.label[1:]
        self.setWindowTitle(f"{what} — {client_name}")
        self.purpose_label = QLabel(f"Signing: {purpose.label}")
        self.purpose_label.setAccessibleName("Purpose")
        font = self.purpose_label.font()
        font.setBold(True)
        self.purpose_label.setFont(font)
        self.version_label = QLabel(f"Consent text version {self.text.version}, "
                                    f"saved {self.text.created_at.astimezone():%Y-%m-%d} by {self.text.created_by}")
        self.version_label.setAccessibleName("Consent text version")
        self.text_view = QPlainTextEdit(self.text.body)
        self.text_view.setReadOnly(True)
        self.text_view.setAccessibleName("Consent text")

        self.signer_edit = QLineEdit(client_name)
        self.signer_edit.setAccessibleName("Signer name")
        self.date_edit = type_dates_whole(QDateEdit(qdate_of(today)))
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setAccessibleName("Signed on")

        self.draw_radio = QRadioButton("&Draw signature")
        self.draw_radio.setAccessibleName("Draw signature")
        self.typed_radio = QRadioButton("T&yped name as signature")
        self.typed_radio.setAccessibleName("Typed name as signature")
        self.draw_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.draw_radio)
        group.addButton(self.typed_radio)
        self.pad = SignaturePad()
        self.clear_button = QPushButton("C&lear signature")
        self.clear_button.setAccessibleName("Clear signature")
        self.clear_button.clicked.connect(self.pad.clear)
        self.problem_label = QLabel()
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton("&Sign consent", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setAccessibleName("Sign consent")
        self.sign_button.setDefault(True)
        self.buttons.accepted.connect(self.sign)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Si&gner name", self.signer_edit)
        form.addRow("Signed &on", self.date_edit)
        how = QHBoxLayout()
        how.addWidget(self.draw_radio)
        how.addWidget(self.typed_radio)
        how.addStretch(1)
        how.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.purpose_label)
        layout.addWidget(self.version_label)
        layout.addWidget(self.text_view, 1)
        layout.addLayout(form)
        layout.addLayout(how)
        layout.addWidget(self.pad)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.draw_radio.toggled.connect(self._on_mode)
        self.pad.changed.connect(lambda: self.problem_label.clear())
        self._on_mode(True)
        self.setTabOrder(self.text_view, self.signer_edit)
        self.setTabOrder(self.signer_edit, self.date_edit)
        self.setTabOrder(self.date_edit, self.draw_radio)
        self.setTabOrder(self.draw_radio, self.pad)
        self.setTabOrder(self.pad, self.clear_button)
        self.resize(760, 720)
        screen = self.screen()
        if screen is not None:
            area = screen.availableGeometry()
            self.resize(min(760, area.width() - 40), min(720, area.height() - 60))
        self.signer_edit.setFocus()

    def _on_mode(self, drawing: bool) -> None:
        self.pad.setEnabled(drawing)
        self.clear_button.setEnabled(drawing)
        self.pad.setVisible(True)

    def sign(self) -> None:
        name = self.signer_edit.text().strip()
        png = None
        if self.draw_radio.isChecked():
            png = self.pad.png_bytes()
            if png is None:
                self.problem_label.setText("Signature: nothing drawn yet; sign on the pad, or choose "
                                           "\"Typed name as signature\".")
                return
        try:
            consent_id = record_consent(self._db, self._user.actor, self._client_id, name,
                                        date_of(self.date_edit.date()), self.text.version, png, self.purpose)
        except DomainError as exc:
            self.problem_label.setText(str(exc))
            return
        changes.announce({CLIENTS})  # what depends on the client's consents reads them again
        self.signed.emit(consent_id)
        self.accept()
