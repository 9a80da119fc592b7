"""Record what was decided when a client is not suitable today (defer with a review date, an alternative treatment,
a referral with who to), close an open decision with a note, and preview a referral's letter to print or save.
The dialogs only collect and show; the services validate, write and audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
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
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import DecisionKind
from clinic_log.domain.errors import DomainError
from clinic_log.domain.values import DecisionFacts
from clinic_log.services.clients.referral_letter import (
    audit_referral_output,
    file_name,
    preview_referral,
    write_referral_pdf,
)
from clinic_log.services.sessions.decisions import DecisionInput, close_decision, record_decision
from clinic_log.ui.clients.aftercare_preview import RenderedSheet, SheetPreviewDialog
from clinic_log.ui.common.date_field import DateField
from clinic_log.ui.common.user_session import UserSession

KIND_WORDS = {DecisionKind.DEFER: "Defer until a review date",
              DecisionKind.ALTERNATIVE: "Suggest an alternative treatment",
              DecisionKind.REFERRAL: "Refer to a specialist"}


def _problem_label() -> QLabel:
    label = QLabel()
    label.setAccessibleName("Problem")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    return label


class DecisionDialog(QDialog):
    """Emits nothing: `accept()` after the decision is stored; its id is in `decision_id`."""

    def __init__(self, db: Database, user: UserSession, client_id: int, client_name: str,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._client_id, self._today = db, user, client_id, today
        self.decision_id: int | None = None
        self.setWindowTitle(f"Record decision — {client_name}")
        self.kind_combo = QComboBox()
        for kind, words in KIND_WORDS.items():
            self.kind_combo.addItem(words, kind)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setPlaceholderText("e.g. active acne flare on both cheeks")
        self.reason_edit.setFixedHeight(self.fontMetrics().height() * 4)
        self.review_edit = DateField("Review on", "the day to see the client again, such as 2027-01-15")
        self.referred_edit = QLineEdit()
        self.referred_edit.setPlaceholderText("dermatologist, GP or a named doctor")
        self.alternative_edit = QLineEdit()
        self.alternative_edit.setPlaceholderText("e.g. LED therapy, a gentle chemical peel")
        self.form = QFormLayout()
        for label, widget in (("Decision", self.kind_combo), ("Reason", self.reason_edit),
                              ("Review on", self.review_edit), ("Referred to", self.referred_edit),
                              ("Alternative", self.alternative_edit)):
            widget.setAccessibleName(label)
            self.form.addRow(label, widget)
        self.problem_label = _problem_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Record decision")
        self.save_button.setAccessibleName("Record decision")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self.kind_combo.currentIndexChanged.connect(self._show_fields)
        self._show_fields()
        self.resize(520, self.sizeHint().height())

    @property
    def kind(self) -> DecisionKind:
        return DecisionKind(self.kind_combo.currentData())

    def _show_fields(self) -> None:
        kind = self.kind
        for widget, shown in ((self.review_edit, kind is DecisionKind.DEFER),
                              (self.referred_edit, kind is DecisionKind.REFERRAL),
                              (self.alternative_edit, kind is DecisionKind.ALTERNATIVE)):
            self.form.setRowVisible(widget, shown)

    def save(self) -> None:
        kind = self.kind
        if kind is DecisionKind.DEFER and (problem := self.review_edit.problem()) is not None:
            self.problem_label.setText(str(problem))
            self.review_edit.setFocus()
            return
        entry = DecisionInput(
            kind, self.reason_edit.toPlainText(),
            review_on=self.review_edit.value() if kind is DecisionKind.DEFER else None,
            referred_to=self.referred_edit.text() if kind is DecisionKind.REFERRAL else None,
            alternative=self.alternative_edit.text() if kind is DecisionKind.ALTERNATIVE else None)
        try:
            self.decision_id = record_decision(self._db, self._user.actor, self._client_id, entry,
                                               self._today())
        except DomainError as exc:
            self.problem_label.setText(f"Not recorded. {exc}")
            return
        self.accept()


class CloseDecisionDialog(QDialog):
    """Close one open decision with a note; `accept()` after it is stored."""

    def __init__(self, db: Database, user: UserSession, decision: DecisionFacts, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._decision = db, user, decision
        self.setWindowTitle("Close decision")
        what = QLabel(decision.describe(today))
        what.setAccessibleName("Decision")
        what.setWordWrap(True)
        self.note_edit = QLineEdit()
        self.note_edit.setAccessibleName("Close note")
        self.note_edit.setPlaceholderText("e.g. reviewed, skin clear; seen by the dermatologist")
        form = QFormLayout()
        form.addRow("Decision", what)
        form.addRow("Close note", self.note_edit)
        self.problem_label = _problem_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.close_button.setText("Close decision")
        self.close_button.setAccessibleName("Close decision")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def save(self) -> None:
        try:
            close_decision(self._db, self._user.actor, self._decision.id, self.note_edit.text())
        except DomainError as exc:
            self.problem_label.setText(f"Not closed. {exc}")
            return
        self.accept()


def _referral(db: Database, actor: Actor, decision_id: int) -> RenderedSheet:
    letter, pdf = preview_referral(db, actor, decision_id)
    return RenderedSheet(
        pdf, 0, file_name(letter),
        record_print=lambda: audit_referral_output(db, actor, letter, "printed"),
        save=lambda path: write_referral_pdf(db, actor, letter, pdf, path))


class ReferralPreviewDialog(SheetPreviewDialog):
    """The referral letter of one referral decision, shown, printed or saved (each print and save audited)."""

    def __init__(self, db: Database, user: UserSession, decision: DecisionFacts, client_name: str,
                 parent: QWidget | None = None) -> None:
        who = user.actor  # whoever opened it prints and saves it (the audit names them)
        super().__init__(lambda: _referral(db, who, decision.id), what="referral letter",
                         title=f"Referral to {decision.referred_to} — {client_name}", file_name="referral.pdf",
                         parent=parent)
        self.decision_id = decision.id
        self.setObjectName("referralPreviewDialog")
