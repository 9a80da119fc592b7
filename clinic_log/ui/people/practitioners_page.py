"""The Practitioners tab: role, supervision, depth cap and credentials with their expiry.

Every role may look; only the owner edits (the services refuse others anyway). The owner also sees the
credentials due within 90/60/30 days, or expired, at the top.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.concurrent_edits import after_refusal
from clinic_log.domain.enums import PractitionerRole
from clinic_log.domain.errors import ChangedElsewhere, DomainError
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.services.people import people
from clinic_log.services.people.people import CredentialInput, CredentialView, PractitionerDetails, PractitionerRecord
from clinic_log.services.review.reminders import REMINDER_DAYS, expiring_credentials
from clinic_log.ui.common.date_typing import type_dates_whole
from clinic_log.ui.common.number_field import NumberField, number_text
from clinic_log.ui.common.operations import PEOPLE, on_records_changed
from clinic_log.ui.common.record_drafts import RecordDrafts
from clinic_log.ui.common.record_table_model import RecordTableModel
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import problem_label, record_table, save_cancel_buttons
from clinic_log.ui.common.workstation_changes import ChangedElsewhereBanner

if TYPE_CHECKING:
    from clinic_log.services.common.change_feed import Change

ROLE_LABELS = {PractitionerRole.ESTHETICIAN: "Esthetician", PractitionerRole.NURSE: "Nurse",
               PractitionerRole.DERMATOLOGIST: "Dermatologist", PractitionerRole.PLASTIC_SURGEON: "Plastic surgeon"}
NO_CAP = "device maximum"


def role_label(role: str) -> str:
    return ROLE_LABELS.get(PractitionerRole(role), role) if role in set(PractitionerRole) else role


def expiry_text(expires: date | None, today: date) -> str:
    if expires is None:
        return "no expiry"
    days = (expires - today).days
    if days < 0:
        return f"{expires.isoformat()} — EXPIRED"
    if days <= max(REMINDER_DAYS):
        return f"{expires.isoformat()} — in {days} days"
    return expires.isoformat()


def _role_combo() -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName("Role")
    for role, label in ROLE_LABELS.items():
        combo.addItem(label, role.value)
    return combo


def _cap_field() -> NumberField:
    """The depth cap as typed (never clamped): empty means no cap of their own, the device's maximum applies; a cap
    the services refuse (0, over 7.0 mm) stays on screen with the reason."""
    field = NumberField("Depth cap", "a depth in mm such as 1.5 (empty: the device maximum)", "0.05", floor="0.05",
                        required=False, hint="mm; empty: the device maximum")
    field.setAccessibleName("Depth cap")
    field.setPlaceholderText(NO_CAP)
    field.setToolTip("The deepest this practitioner may treat, in mm; empty means the device maximum")
    return field


def _add_cap_row(form: QFormLayout, text: str, field: NumberField) -> None:
    """The cap field as wide as its digits, with its unit beside it; the label's shortcut focuses it."""
    label = QLabel(text)
    label.setBuddy(field)
    row = QHBoxLayout()
    row.addWidget(field)
    row.addWidget(QLabel("mm (empty: the device maximum)"))
    row.addStretch(1)
    form.addRow(label, row)


def _cap_text(cap: float | None) -> str:
    return "" if not cap else number_text(Decimal(repr(cap)))


def _typed_cap(field: NumberField) -> float | None:
    """The cap typed, None for none; text that is no number is refused (InvalidValue) and stays as typed."""
    problem = field.problem()
    if problem is not None:
        field.setFocus()
        raise problem
    return field.value()


def _date_edit(name: str) -> tuple[QCheckBox, QDateEdit]:
    check = QCheckBox()
    check.setAccessibleName(f"Has {name.lower()}")
    edit = type_dates_whole(QDateEdit(QDate.currentDate()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setAccessibleName(name)
    edit.setEnabled(False)
    check.toggled.connect(edit.setEnabled)
    return check, edit



class CredentialDialog(QDialog):
    """Add or edit one credential: kind, number, issuing body, issue and expiry dates, required for signing."""

    def __init__(self, db: Database, user: UserSession, practitioner: PractitionerRecord,
                 credential: CredentialView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._user = user
        self._db, self._practitioner, self._credential = db, practitioner, credential
        self.setWindowTitle(f"{'Edit' if credential else 'Add'} credential — {practitioner.full_name}")
        self.kind_combo = QComboBox()
        self.kind_combo.setEditable(True)
        self.kind_combo.setAccessibleName("Kind")
        self.kind_combo.addItems(["licence", "microneedling certificate", "device training"])
        self.number_edit = QLineEdit()
        self.number_edit.setAccessibleName("Number")
        self.body_edit = QLineEdit()
        self.body_edit.setAccessibleName("Issuing body")
        self.issued_check, self.issued_edit = _date_edit("Issued on")
        self.expires_check, self.expires_edit = _date_edit("Expires on")
        self.required_check = QCheckBox("Required for signing sessions")
        self.required_check.setAccessibleName("Required for signing sessions")
        self.required_check.setChecked(True)
        # what the owner starts from, as on screen: a save writes only what they change (concurrent_edits.py)
        self._opened: CredentialInput | None = None
        if credential is not None:
            self._show(people.credential_input(credential))
            self._opened = self._input()
        else:
            self.expires_check.setChecked(True)
        self.error_label = problem_label()
        form = QFormLayout()
        form.addRow("&Kind", self.kind_combo)
        form.addRow("&Number", self.number_edit)
        form.addRow("Issuing &body", self.body_edit)
        for text, check, edit in (("&Issued on", self.issued_check, self.issued_edit),
                                  ("&Expires on", self.expires_check, self.expires_edit)):
            row = QHBoxLayout()
            row.addWidget(check)
            row.addWidget(edit, 1)
            label = QLabel(text)
            label.setBuddy(check)
            form.addRow(label, row)
        form.addRow("", self.required_check)
        buttons = save_cancel_buttons(self, self._save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _show(self, values: CredentialInput) -> None:
        self.kind_combo.setCurrentText(values.kind)
        self.number_edit.setText(values.number)
        self.body_edit.setText(values.issuing_body or "")
        for check, edit, value in ((self.issued_check, self.issued_edit, values.issued_on),
                                   (self.expires_check, self.expires_edit, values.expires_on)):
            check.setChecked(value is not None)
            if value is not None:
                edit.setDate(QDate(value.year, value.month, value.day))
        self.required_check.setChecked(values.required)

    def _take_changes_made_elsewhere(self, credential_id: int) -> None:
        """Saved meanwhile elsewhere: fields the owner left alone show the stored values, their typing stays,
        and the next save starts from what is stored now."""
        opened, typed = self._opened, self._input()
        assert opened is not None
        self._show(people.credential_input(people.get_credential(self._db, self._user.actor, credential_id)))
        stored = self._input()
        self._show(CredentialInput(**after_refusal(asdict(typed), asdict(opened), asdict(stored))))
        self._opened = stored

    def _input(self) -> CredentialInput:
        def day(check: QCheckBox, edit: QDateEdit) -> date | None:
            return edit.date().toPython() if check.isChecked() else None  # type: ignore[return-value]

        return CredentialInput(self.kind_combo.currentText(), self.number_edit.text(),
                               day(self.expires_check, self.expires_edit), self.body_edit.text(),
                               day(self.issued_check, self.issued_edit), self.required_check.isChecked())

    def _save(self) -> None:
        try:
            if self._credential is None:
                people.add_credential(self._db, self._user.actor, self._practitioner.id, self._input())
            else:
                people.update_credential(self._db, self._user.actor, self._credential.id, self._input(),
                                         opened_with=self._opened)
        except ChangedElsewhere as exc:
            assert self._credential is not None
            self._take_changes_made_elsewhere(self._credential.id)
            self.error_label.setText(f"Not saved. {exc}")
            return
        except DomainError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


class NewPractitionerDialog(QDialog):
    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.setWindowTitle("New practitioner")
        self.username_edit = QLineEdit()
        self.username_edit.setAccessibleName("Username")
        self.full_name_edit = QLineEdit()
        self.full_name_edit.setAccessibleName("Full name")
        self.role_combo = _role_combo()
        self.supervision_check = QCheckBox("Needs supervision")
        self.supervision_check.setAccessibleName("Needs supervision")
        self.cap_edit = _cap_field()
        self.error_label = problem_label()
        form = QFormLayout()
        form.addRow("&Username", self.username_edit)
        form.addRow("&Full name", self.full_name_edit)
        form.addRow("&Role", self.role_combo)
        form.addRow("", self.supervision_check)
        _add_cap_row(form, "&Depth cap", self.cap_edit)
        buttons = save_cancel_buttons(self, self._save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.created_id: int | None = None

    def _save(self) -> None:
        try:
            created = people.create_practitioner(self._db, self._user.actor, PractitionerDetails(
                self.username_edit.text().strip(), self.full_name_edit.text().strip(), self.role_combo.currentData(),
                self.supervision_check.isChecked(), _typed_cap(self.cap_edit)))
        except DomainError as exc:
            self.error_label.setText(str(exc))
            return
        self.created_id = created.id
        self.accept()


def _details_state(record: PractitionerRecord) -> dict[str, object]:
    """A practitioner's editable details in the form of PractitionersPage.typed()."""
    return {"full_name": record.full_name, "role": record.role, "needs_supervision": record.needs_supervision,
            "depth_cap_mm": _cap_text(record.depth_cap_mm)}


def _details_of(record: PractitionerRecord) -> PractitionerDetails:
    return PractitionerDetails(record.username, record.full_name, record.role, record.needs_supervision,
                               record.depth_cap_mm)


class PractitionersPage(QWidget):
    """List on the left, the selected practitioner's details and credentials on the right; the message line says
    what each change did."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._today = today or date.today()
        self._opened: PractitionerRecord | None = None  # the selected practitioner as shown when editing began
        self.editable = self._user.actor.role in ALLOWED[Permission.MANAGE_PEOPLE]

        self.reminders_label = QLabel()
        self.reminders_label.setObjectName("credentialReminders")
        self.reminders_label.setAccessibleName("Credential reminders")
        self.reminders_label.setWordWrap(True)
        self.reminders_label.setTextFormat(Qt.TextFormat.PlainText)

        self.model: RecordTableModel[PractitionerRecord] = RecordTableModel([
            ("Name", lambda p: p.full_name), ("Role", lambda p: role_label(p.role)),
            ("Supervision", lambda p: "needed" if p.needs_supervision else "—"),
            ("Depth cap", lambda p: f"{p.depth_cap_mm:.2f} mm" if p.depth_cap_mm else NO_CAP),
            ("Status", lambda p: "active" if p.active else "deactivated"),
        ], muted=lambda p: not p.active)
        self.view = record_table(self.model, "Practitioners")
        on_records_changed(self, {PEOPLE}, self._records_changed)

        self.full_name_edit = QLineEdit()
        self.full_name_edit.setAccessibleName("Full name")
        self.role_combo = _role_combo()
        self.supervision_check = QCheckBox("Needs supervision (a physician is named on each session)")
        self.supervision_check.setAccessibleName("Needs supervision")
        self.cap_edit = _cap_field()
        self.save_button = QPushButton("Save chan&ges")
        self.save_button.setAccessibleName("Save changes")
        self.active_button = QPushButton("&Deactivate")
        self.active_button.setAccessibleName("Deactivate")
        self.new_button = QPushButton("Ne&w practitioner…")
        self.new_button.setAccessibleName("New practitioner…")
        self.message_label = QLabel()
        self.message_label.setAccessibleName("Message")
        self.message_label.setWordWrap(True)
        # the practitioner shown, changed on another workstation: said at once; the fields follow only on Reload
        self.changed_banner = ChangedElsewhereBanner(self._shown_changed_elsewhere, self._reload_changed_elsewhere)

        self.credentials_model: RecordTableModel[CredentialView] = RecordTableModel([
            ("Kind", lambda c: c.kind), ("Number", lambda c: c.number), ("Issued by", lambda c: c.issuing_body or "—"),
            ("Expires", lambda c: expiry_text(c.expires_on, self._today)),
            ("Required", lambda c: "yes" if c.required else "no"),
        ])
        self.credentials_view = record_table(self.credentials_model, "Credentials")
        self.add_credential_button = QPushButton("&Add credential…")
        self.add_credential_button.setAccessibleName("Add credential…")
        self.edit_credential_button = QPushButton("&Edit credential…")
        self.edit_credential_button.setAccessibleName("Edit credential…")

        details = QGroupBox("Details")
        form = QFormLayout(details)
        form.addRow("Full &name", self.full_name_edit)
        form.addRow("&Role", self.role_combo)
        form.addRow("", self.supervision_check)
        _add_cap_row(form, "Depth &cap", self.cap_edit)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.active_button)
        actions.addStretch(1)
        form.addRow(actions)
        credentials = QGroupBox("Licence and certifications")
        cred_layout = QVBoxLayout(credentials)
        cred_layout.addWidget(self.credentials_view)
        cred_buttons = QHBoxLayout()
        cred_buttons.addWidget(self.add_credential_button)
        cred_buttons.addWidget(self.edit_credential_button)
        cred_buttons.addStretch(1)
        cred_layout.addLayout(cred_buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(details)
        right_layout.addWidget(credentials, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignLeft)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reminders_label)
        layout.addWidget(self.changed_banner)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

        for widget in (self.full_name_edit, self.role_combo, self.supervision_check, self.cap_edit):
            widget.setEnabled(self.editable)
        for button in (self.save_button, self.active_button, self.new_button, self.add_credential_button,
                       self.edit_credential_button):
            button.setVisible(self.editable)
        self.save_button.clicked.connect(self.save_selected)
        self.active_button.clicked.connect(self.toggle_active)
        self.new_button.clicked.connect(self.new_practitioner)
        self.add_credential_button.clicked.connect(lambda: self.edit_credential(None))
        self.edit_credential_button.clicked.connect(self._edit_selected_credential)
        self.credentials_view.doubleClicked.connect(self._edit_selected_credential)
        # details being edited stay with their practitioner: kept on selecting another, not overwritten when a
        # credential is saved, and back after a crash
        self.drafts = RecordDrafts(db, user, "practitioner", self.typed, self.restore_typed,
                                   [self.full_name_edit.textChanged, self.role_combo.currentIndexChanged,
                                    self.supervision_check.toggled, self.cap_edit.textChanged], self)
        self.refresh()
        self.view.selectionModel().selectionChanged.connect(self._show_selected)
        if self.model.rowCount():
            self.view.selectRow(0)

    # --- loading ---------------------------------------------------------------------------------

    def refresh(self, keep_id: int | None = None) -> None:
        self.model.set_records(people.practitioner_records(self._db, self._user.actor))
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._show_reminders()
        if keep_id is not None:
            self.select_practitioner(keep_id)

    def _records_changed(self) -> None:
        chosen = self.selected()
        self.refresh(chosen.id if chosen else None)

    def _show_reminders(self) -> None:
        if not self.editable:
            self.reminders_label.setVisible(False)
            return
        due = expiring_credentials(self._db, self._today)
        if not due:
            self.reminders_label.setText("No credential expires within 90 days.")
            self.reminders_label.setStyleSheet("")
            return
        lines = [f"{c.practitioner}: {c.kind} {c.number} — " + (
            f"EXPIRED on {c.expires_on.isoformat()}" if c.days_left < 0 else
            f"expires {c.expires_on.isoformat()} (within {c.band} days: {c.days_left} left)") for c in due]
        self.reminders_label.setText("Credentials to renew:\n" + "\n".join(lines))
        self.reminders_label.setStyleSheet("color: #8a4b00;")

    def _shown_changed_elsewhere(self, change: Change) -> bool:
        shown = self.selected()
        return shown is not None and change.entity == "practitioner" and change.entity_id == str(shown.id)

    def _reload_changed_elsewhere(self) -> None:
        shown = self.selected()
        if shown is not None and self._opened is not None:
            self._take_changes_made_elsewhere(shown.id)

    def _take_changes_made_elsewhere(self, practitioner_id: int) -> None:
        """Saved meanwhile elsewhere: details the owner left alone show the stored values, their typing stays,
        and the next save starts from what is stored now."""
        opened = self._opened
        assert opened is not None
        stored = next(r for r in people.practitioner_records(self._db, self._user.actor) if r.id == practitioner_id)
        self.restore_typed(after_refusal(self.typed(), _details_state(opened), _details_state(stored)))
        self._opened = stored
        self.refresh(practitioner_id)  # the list shows what is stored now; the typing stays (record_drafts.py)

    def typed(self) -> dict[str, object]:
        """The selected practitioner's details as on screen, for the autosaved draft."""
        return {"full_name": self.full_name_edit.text(), "role": self.role_combo.currentData(),
                "needs_supervision": self.supervision_check.isChecked(), "depth_cap_mm": self.cap_edit.text()}

    def restore_typed(self, state: dict[str, object]) -> None:
        self.full_name_edit.setText(str(state.get("full_name", "")))
        index = self.role_combo.findData(state.get("role"))
        if index >= 0:
            self.role_combo.setCurrentIndex(index)
        self.supervision_check.setChecked(bool(state.get("needs_supervision")))
        cap = state.get("depth_cap_mm")
        self.cap_edit.restore("" if cap == 0 else cap)  # older drafts held the spin box's 0.0 for "no cap"

    def select_practitioner(self, practitioner_id: int) -> None:
        for row, record in enumerate(self.model.records()):
            if record.id == practitioner_id:
                self.view.selectRow(row)
                return

    def selected(self) -> PractitionerRecord | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _show_selected(self) -> None:
        record = self.selected()
        if record is None or self._opened is None or record.id != self._opened.id:
            self.changed_banner.setVisible(False)  # the banner was about the practitioner shown before
        if record is None:
            self.credentials_model.set_records([])
            return
        def fill() -> None:
            self.restore_typed(_details_state(record))
            self._opened = record  # what the owner starts from: a save writes only what they change
        restored = self.drafts.show(record.id, fill, self.editable)
        if restored:
            self.message_label.setStyleSheet("")
            self.message_label.setText(f"{record.full_name}: {restored}")
        self.active_button.setText("&Deactivate" if record.active else "React&ivate")
        self.active_button.setAccessibleName("Deactivate" if record.active else "Reactivate")
        self.credentials_model.set_records(record.credentials)
        self.credentials_view.resizeColumnsToContents()
        self.credentials_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    # --- changes ---------------------------------------------------------------------------------

    def _done(self, text: str, keep_id: int | None) -> None:
        self.refresh(keep_id)
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)

    def _refused(self, exc: DomainError) -> None:
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setText(str(exc))

    def save_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        try:
            opened = self._opened or record  # set by fill() whenever another practitioner is shown
            people.update_practitioner(self._db, self._user.actor, record.id, self.full_name_edit.text(),
                                       self.role_combo.currentData(), self.supervision_check.isChecked(),
                                       _typed_cap(self.cap_edit), opened_with=_details_of(opened))
        except ChangedElsewhere as exc:
            self._take_changes_made_elsewhere(record.id)
            self._refused(exc)
            return
        except DomainError as exc:
            self._refused(exc)
            return
        self.drafts.saved()
        self.changed_banner.setVisible(False)  # saved over what was stored: nothing left to reload
        self._done(f"Saved {self.full_name_edit.text().strip()}.", record.id)

    def toggle_active(self) -> None:
        record = self.selected()
        if record is None:
            return
        try:
            people.set_practitioner_active(self._db, self._user.actor, record.id, not record.active)
        except DomainError as exc:
            self._refused(exc)
            return
        self._done(f"{record.full_name} is {'deactivated' if record.active else 'active again'}.", record.id)

    def new_practitioner(self) -> NewPractitionerDialog:
        dialog = NewPractitionerDialog(self._db, self._user, self)
        dialog.accepted.connect(lambda: self._done("Practitioner added.", dialog.created_id))
        dialog.open()
        return dialog

    def _edit_selected_credential(self) -> None:
        rows = self.credentials_view.selectionModel().selectedRows()
        if rows:
            self.edit_credential(self.credentials_model.record(rows[0].row()))

    def edit_credential(self, credential: CredentialView | None) -> CredentialDialog | None:
        record = self.selected()
        if record is None or not self.editable:
            return None
        dialog = CredentialDialog(self._db, self._user, record, credential, self)
        dialog.accepted.connect(lambda: self._done("Credential saved.", record.id))
        dialog.open()
        return dialog
