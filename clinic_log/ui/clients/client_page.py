"""One client's page: contact details (any role), the consultation form (practitioners and owners), the
suitability panel for today, its decisions (defer, alternative, referral: the open ones, then the closed ones
greyed with who closed them and why), consent (status, sign), the Photos box (ui/photos) and "New session…"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.concurrent_edits import after_refusal
from clinic_log.domain.enums import ConsentPurpose, DecisionKind
from clinic_log.domain.errors import ChangedElsewhere, DomainError
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.domain.suitability import NOT_SUITABLE
from clinic_log.domain.values import DecisionFacts
from clinic_log.services.clients.client_record import ClientRecord, audit_viewed, client_record
from clinic_log.services.clients.clients import ClientDetails, ClientView, can_clear_findings, update_details
from clinic_log.services.clients.consents import EXPIRED, NONE, SignedConsent, consents_of
from clinic_log.ui.clients.client_dialog import DATE_HINT, details_from
from clinic_log.ui.clients.consent_dialog import ConsentDialog
from clinic_log.ui.clients.consent_history_dialog import ConsentHistoryDialog
from clinic_log.ui.clients.consultation_form import ConsultationForm
from clinic_log.ui.clients.decision_dialog import CloseDecisionDialog, DecisionDialog, ReferralPreviewDialog
from clinic_log.ui.clients.suitability_panel import SuitabilityPanel
from clinic_log.ui.common.record_drafts import RecordDrafts
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.workstation_changes import ChangedElsewhereBanner
from clinic_log.ui.photos.photos_box import PhotosBox

CLINICAL = Permission.EDIT_CLINICAL_RECORDS
PRINT_SHEETS = Permission.PRINT_AFTERCARE  # the permission for printing the client's sheets (aftercare, pre-treatment)
CLOSED_GREY = QBrush(QColor("#6e6e6e"))  # a closed decision: grey, yet readable on white (contrast 5:1)
READ_ONLY_NOTE = "Only practitioners and owners can change the consultation; reception can edit contact details."


def _contact_texts(client: ClientView) -> dict[str, str]:
    """The contact fields' texts for a client, by field (the keys of ClientPage.contact_edits)."""
    born = client.date_of_birth.isoformat() if client.date_of_birth else ""
    return {"client_ref": client.client_ref, "first_name": client.first_name, "last_name": client.last_name,
            "date_of_birth": born, "phone": client.phone or "", "email": client.email or ""}


def _title(client: ClientView) -> str:
    return f"{client.full_name}   ·   {client.client_ref}"


def _details_of(client: ClientView) -> ClientDetails:
    return ClientDetails(client.client_ref, client.first_name, client.last_name, client.date_of_birth, client.phone,
                         client.email)


class ClientPage(QWidget):
    """Emits `new_session_requested(client_id)` and `client_changed(id)`."""

    new_session_requested = Signal(int)
    client_changed = Signal(int)

    def __init__(self, db: Database, user: UserSession, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._today = today
        self.record: ClientRecord | None = None
        self._viewed: tuple[int, str] | None = None  # the (client, user) whose opening was last audited here
        self._contact_opened: ClientView | None = None
        self._consents: list[SignedConsent] = []

        self.name_label = QLabel()
        self.name_label.setAccessibleName("Client")
        font = QFont(self.name_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label = QLabel()
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")
        self.note_label = QLabel()
        self.note_label.setAccessibleName("Contact details note")
        self.note_label.setWordWrap(True)
        self.note_label.setVisible(False)

        contact = QGroupBox("Contact details")
        self.ref_edit, self.first_edit, self.last_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.born_edit, self.phone_edit, self.email_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.born_edit.setPlaceholderText(DATE_HINT)
        grid = QGridLayout(contact)
        fields = (("Client &ref", self.ref_edit), ("Date of &birth", self.born_edit),
                  ("F&irst name", self.first_edit), ("&Last name", self.last_edit),
                  ("&Phone", self.phone_edit), ("E-&mail", self.email_edit))
        for n, (label, edit) in enumerate(fields):
            edit.setAccessibleName(label.replace("&", ""))
            caption = QLabel(label)
            caption.setBuddy(edit)
            grid.addWidget(caption, n // 2, (n % 2) * 2)
            grid.addWidget(edit, n // 2, (n % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.save_contact_button = QPushButton("Save contact details")
        self.save_contact_button.setAccessibleName("Save contact details")
        self.save_contact_button.setToolTip("Any role may change contact details")
        self.save_contact_button.clicked.connect(self.save_contact)
        grid.addWidget(self.save_contact_button, 3, 3, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.note_label, 4, 0, 1, 4)

        consultation = QGroupBox("Consultation")
        self.read_only_label = QLabel(READ_ONLY_NOTE)
        self.read_only_label.setWordWrap(True)
        self.consultation = ConsultationForm(db, user, today)
        self.consultation.changed.connect(self.reload)
        self.consultation.problem.connect(self.problem_label.setText)
        # another user taking over sees what they may do, and not the previous user's half-typed lines
        user.changed.connect(self._user_changed)
        consultation_layout = QVBoxLayout(consultation)
        consultation_layout.addWidget(self.read_only_label)
        consultation_layout.addWidget(self.consultation)

        self.suitability = SuitabilityPanel()
        decisions = QGroupBox("Decisions")
        self.decisions_list = QListWidget()
        self.decisions_list.setAccessibleName("Decisions")
        self.decisions_list.setWordWrap(True)
        self.decisions_list.setMaximumHeight(self.fontMetrics().height() * 8)  # open and closed ones, wrapped
        self.decisions_list.currentRowChanged.connect(self._decision_selected)
        self.no_decisions_label = QLabel("No open deferral, alternative or referral.")
        self.no_decisions_label.setAccessibleName("Decisions note")
        self.record_decision_button = QPushButton("Record decision…")
        self.record_decision_button.setAccessibleName("Record decision…")
        self.record_decision_button.setToolTip("What was decided when the client is not suitable: defer with a "
                                               "review date, an alternative treatment, or a referral")
        self.record_decision_button.clicked.connect(self.open_decision)
        self.close_decision_button = QPushButton("Close…")
        self.close_decision_button.setAccessibleName("Close…")
        self.close_decision_button.setToolTip("Close the selected decision with a note (reviewed, seen by the "
                                              "specialist…)")
        self.close_decision_button.clicked.connect(self.close_selected_decision)
        self.referral_letter_button = QPushButton("Referral letter…")
        self.referral_letter_button.setAccessibleName("Referral letter…")
        self.referral_letter_button.setToolTip("The selected referral's letter for the client to take to the "
                                               "specialist: preview, print or save as PDF")
        self.referral_letter_button.clicked.connect(self.open_referral_letter)
        decision_buttons = QHBoxLayout()
        decision_buttons.addWidget(self.record_decision_button)
        decision_buttons.addWidget(self.close_decision_button)
        decision_buttons.addWidget(self.referral_letter_button)
        decision_buttons.addStretch(1)
        decisions_layout = QVBoxLayout(decisions)
        decisions_layout.addWidget(self.no_decisions_label)
        decisions_layout.addWidget(self.decisions_list)
        decisions_layout.addLayout(decision_buttons)
        consent = QGroupBox("Consent")
        self.consent_label = QLabel()
        self.consent_label.setAccessibleName("Consent status")
        self.consent_label.setWordWrap(True)
        self.sign_button = QPushButton("Sign consent…")
        self.sign_button.setAccessibleName("Sign consent…")
        self.sign_button.clicked.connect(lambda: self.open_consent())
        self.signature_label = QLabel()
        self.signature_label.setAccessibleName("Signature")
        self.signature_label.setToolTip("The latest consent's drawn signature, as stored")
        self.history_button = QPushButton("All consents…")
        self.history_button.setAccessibleName("All consents…")
        self.history_button.setToolTip("Every consent this client signed, with the wording and signature of each")
        self.history_button.clicked.connect(self.open_consent_history)
        consent_buttons = QHBoxLayout()
        consent_buttons.addWidget(self.sign_button)
        consent_buttons.addWidget(self.history_button)
        consent_buttons.addStretch(1)
        consent_layout = QVBoxLayout(consent)
        consent_layout.addWidget(self.consent_label)
        consent_layout.addWidget(self.signature_label)
        consent_layout.addLayout(consent_buttons)
        self.new_session_button = QPushButton("New session…")
        self.new_session_button.setAccessibleName("New session…")
        self.new_session_button.setToolTip("Log a treatment session for this client")
        self.new_session_button.clicked.connect(self._request_session)
        self.pretreatment_button = QPushButton("Pre-treatment sheet…")
        self.pretreatment_button.setAccessibleName("Pre-treatment sheet…")
        self.pretreatment_button.setToolTip("What the client stops and when before treatment, with their own "
                                            "findings: preview, print or save as PDF")
        self.pretreatment_button.clicked.connect(self.open_pretreatment)
        session_buttons = QHBoxLayout()
        session_buttons.addWidget(self.new_session_button)
        session_buttons.addWidget(self.pretreatment_button)
        session_buttons.addStretch(1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.photos = PhotosBox(db, user, today)
        self.photos.sign_consent_requested.connect(self.open_consent)  # with the photo consent's purpose
        left_layout.addWidget(self.photos)
        left_layout.addWidget(consultation)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(left)
        self.scroll_area = scroll
        right = QVBoxLayout()
        right.addWidget(self.suitability)
        right.addWidget(decisions)
        right.addWidget(consent)
        right.addLayout(session_buttons)
        right.addWidget(contact)
        right.addStretch(1)
        # the right column scrolls too, so open decisions never push the page past a 1366×768 screen
        right_widget = QWidget()
        right_widget.setLayout(right)
        right.setContentsMargins(0, 0, 0, 0)
        right_scroll = QScrollArea()
        right_scroll.setWidgetResizable(True)
        right_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        right_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right_scroll.setWidget(right_widget)
        self.right_scroll_area = right_scroll
        columns = QHBoxLayout()
        columns.addWidget(scroll, 3)
        columns.addWidget(right_scroll, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name_label)
        self.changed_banner = ChangedElsewhereBanner(lambda change: change.client_id == self.client_id,
                                                     self.reload_changed_elsewhere)
        layout.addWidget(self.changed_banner)
        layout.addWidget(self.problem_label)
        layout.addLayout(columns, 1)
        self.contact_edits = {"client_ref": self.ref_edit, "first_name": self.first_edit,
                              "last_name": self.last_edit, "date_of_birth": self.born_edit,
                              "phone": self.phone_edit, "email": self.email_edit}
        self.contact_drafts = RecordDrafts(db, user, "contact", self.typed_contact, self.restore_contact,
                                           [edit.textChanged for edit in self.contact_edits.values()], self)
        # keyboard order: what is checked before a session first, then the consultation
        order = [self.record_decision_button, self.decisions_list, self.close_decision_button,
                 self.referral_letter_button,
                 self.sign_button, self.new_session_button, self.pretreatment_button, *(edit for _, edit in fields),
                 self.save_contact_button, self.scroll_area]
        for before, after in pairwise(order):
            self.setTabOrder(before, after)

    @property
    def client_id(self) -> int | None:
        return self.record.client.id if self.record else None

    def show_client(self, client_id: int) -> None:
        """Open a client's record: audited once per opening (and once more if another user takes over the page),
        not on the reloads after a save or a change elsewhere."""
        self.problem_label.clear()
        self._viewed = None
        self._load(client_id)

    def _take_changes_made_elsewhere(self) -> None:
        """Another workstation saved this client meanwhile: fields this user left alone show the new values,
        fields they typed keep their typing, and the next save starts from what is stored now."""
        assert self.record is not None
        opened = self._contact_opened or self.record.client
        stored = client_record(self._db, self.record.client.id, self._today()).client
        shown = after_refusal({field: edit.text().strip() for field, edit in self.contact_edits.items()},
                              _contact_texts(opened), _contact_texts(stored))
        for field, edit in self.contact_edits.items():
            edit.setText(shown[field])
        self._contact_opened = stored
        self.name_label.setText(_title(stored))

    def typed_contact(self) -> dict[str, object]:
        """The contact fields as typed, for the autosaved draft."""
        return {field: edit.text() for field, edit in self.contact_edits.items()}

    def restore_contact(self, state: dict[str, object]) -> None:
        for field, edit in self.contact_edits.items():
            value = state.get(field)
            if isinstance(value, str):
                edit.setText(value)

    def _user_changed(self, _actor: object) -> None:
        if self.record is not None:
            self.reload()

    def reload(self) -> None:
        if self.record is not None:
            self.problem_label.clear()
            self._load(self.record.client.id)
            self.client_changed.emit(self.record.client.id)

    def reload_changed_elsewhere(self) -> None:
        """Reload after another workstation's change: what is stored now, except the contact fields this user typed
        (their draft would otherwise bring back the old values of the fields they left alone)."""
        self.reload()
        if self.record is not None:
            self._take_changes_made_elsewhere()

    def _load(self, client_id: int) -> None:
        record = client_record(self._db, client_id, self._today())
        self.record = record
        self.changed_banner.setVisible(False)  # what is shown now is what is stored
        actor = self._user.actor
        if self._viewed != (client_id, actor.username):  # who opened which client when (GDPR Art. 15)
            audit_viewed(self._db, actor, client_id, "client page")
            self._viewed = (client_id, actor.username)
        clinical = actor.role in ALLOWED[CLINICAL]
        client = record.client
        self.name_label.setText(_title(client))

        def fill_contact() -> None:
            texts = _contact_texts(client)
            for field, edit in self.contact_edits.items():
                edit.setText(texts[field])
            self._contact_opened = client  # what the user starts from: a save writes only what they change
            self.note_label.setVisible(False)
        restored = self.contact_drafts.show(client.id, fill_contact, editable=True)  # every role edits contacts
        if restored:
            self.note_label.setText(restored)
            self.note_label.setVisible(True)
        self.consultation.set_record(record, clinical, clinical and can_clear_findings(self._db, actor))
        self.read_only_label.setVisible(not clinical)
        self.suitability.show_result(record.suitability)
        self._show_decisions(record, clinical)
        self.consent_label.setText(record.consent.words)
        colour = {EXPIRED: "#b00020", NONE: "#b26a00"}.get(record.consent.state)
        self.consent_label.setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")
        self._show_signature(client_id)
        self.photos.show_client(client.client_ref, client.full_name)
        self.sign_button.setEnabled(clinical)
        self.new_session_button.setVisible(clinical)  # not offered to reception, who may not log one
        self.pretreatment_button.setEnabled(actor.role in ALLOWED[PRINT_SHEETS])  # reception prints it too

    def _show_decisions(self, record: ClientRecord, clinical: bool) -> None:
        """The open decisions, then the closed ones in grey with who closed them and why (the words say it too)."""
        self.decisions_list.clear()
        for decision in record.decisions:
            item = QListWidgetItem(decision.summary(record.on))
            if not decision.open_on(record.on):
                item.setForeground(CLOSED_GREY)
                font = QFont(self.decisions_list.font())
                font.setItalic(True)
                item.setFont(font)
            self.decisions_list.addItem(item)
        open_now = record.open_decisions
        self.decisions_list.setVisible(bool(record.decisions))
        self.no_decisions_label.setVisible(not open_now)
        if record.decisions:
            self.decisions_list.setCurrentRow(0)
        self.record_decision_button.setEnabled(clinical)
        self._decision_selected(self.decisions_list.currentRow())
        # when the panel says "Not suitable today", recording what was decided is the next thing to do
        prominent = clinical and record.suitability.verdict == NOT_SUITABLE and not open_now
        self.record_decision_button.setDefault(prominent)
        self.record_decision_button.setStyleSheet("font-weight: bold;" if prominent else "")

    def _selected_decision(self) -> DecisionFacts | None:
        row = self.decisions_list.currentRow()
        if self.record is None or not 0 <= row < len(self.record.decisions):
            return None
        return self.record.decisions[row]

    def _selected_open_decision(self) -> DecisionFacts | None:
        selected = self._selected_decision()
        return selected if self.record is not None and selected is not None and selected.open_on(self.record.on) \
            else None

    def _decision_selected(self, _row: int) -> None:
        role = self._user.actor.role
        selected = self._selected_decision()
        self.close_decision_button.setEnabled(role in ALLOWED[CLINICAL] and self._selected_open_decision() is not None)
        self.referral_letter_button.setEnabled(role in ALLOWED[PRINT_SHEETS] and selected is not None
                                               and selected.kind is DecisionKind.REFERRAL)

    def open_referral_letter(self) -> ReferralPreviewDialog | None:
        selected = self._selected_decision()
        if self.record is None or selected is None or selected.kind is not DecisionKind.REFERRAL:
            return None
        dialog = ReferralPreviewDialog(self._db, self._user, selected, self.record.client.full_name,
                                       parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_decision(self) -> DecisionDialog | None:
        if self.record is None:
            return None
        dialog = DecisionDialog(self._db, self._user, self.record.client.id, self.record.client.full_name, self._today,
                                parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def close_selected_decision(self) -> CloseDecisionDialog | None:
        selected = self._selected_open_decision()  # a closed one is never offered for closing
        if self.record is None or selected is None:
            return None
        dialog = CloseDecisionDialog(self._db, self._user, selected, self.record.on, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def _show_signature(self, client_id: int) -> None:
        signed = consents_of(self._db, client_id)
        self._consents = signed
        self.history_button.setEnabled(bool(signed))
        png = signed[0].signature_png if signed else None
        pixmap = QPixmap()
        if png is None or not pixmap.loadFromData(png, "PNG"):
            self.signature_label.clear()
            self.signature_label.hide()
            return
        height = self.fontMetrics().height() * 3
        self.signature_label.setPixmap(pixmap.scaledToHeight(round(height * pixmap.devicePixelRatio()),
                                                             Qt.TransformationMode.SmoothTransformation))
        self.signature_label.show()

    def save_contact(self) -> None:
        if self.record is None:
            return
        try:
            details = details_from(self.ref_edit, self.first_edit, self.last_edit, self.born_edit,
                                   self.phone_edit, self.email_edit)
            update_details(self._db, self._user.actor, self.record.client.id, details,
                           opened_with=_details_of(self._contact_opened or self.record.client))
        except ChangedElsewhere as exc:
            self._take_changes_made_elsewhere()
            self.problem_label.setText(f"Not saved. {exc}")
            return
        except DomainError as exc:
            self.problem_label.setText(str(exc))
            return
        self.contact_drafts.saved()
        self.reload()

    def open_consent(self, purpose: ConsentPurpose = ConsentPurpose.TREATMENT) -> ConsentDialog | None:
        if self.record is None:
            return None
        try:
            dialog = ConsentDialog(self._db, self._user, self.record.client.id, self.record.client.full_name,
                                   self._today(), parent=self, purpose=purpose)
        except DomainError as exc:
            self.problem_label.setText(f"Consent cannot be signed: {exc}")
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.signed.connect(lambda _id: self.reload())
        dialog.open()
        return dialog

    def open_consent_history(self) -> ConsentHistoryDialog | None:
        if self.record is None or not self._consents:
            return None
        dialog = ConsentHistoryDialog(self._consents, self.record.client.full_name, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_pretreatment(self) -> QWidget | None:
        """Preview the client's pre-treatment sheet, ready to print or save (each print and save is audited)."""
        if self.record is None:
            return None
        from clinic_log.ui.clients.aftercare_preview import PretreatmentPreviewDialog

        dialog = PretreatmentPreviewDialog(self._db, self._user, self.record.client.id,
                                           self.record.client.full_name, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _request_session(self) -> None:
        if self.record is not None:
            self.new_session_requested.emit(self.record.client.id)
