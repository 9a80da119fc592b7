"""New client form: reference, names (any script), date of birth, phone, e-mail; warns of a possible duplicate
(same name and date of birth) with a link to open that client, and creates anyway once confirmed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError, InvalidValue
from clinic_log.services.clients.client_search import parse_typed_date
from clinic_log.services.clients.clients import ClientDetails, ClientView, PossibleDuplicate, create_client
from clinic_log.ui.common.form_autosave import FormAutosave
from clinic_log.ui.common.user_session import UserSession

DATE_HINT = "YYYY-MM-DD, e.g. 1990-03-01"


def labelled(text: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(text.replace("&", ""))
    return edit


def details_from(ref: QLineEdit, first: QLineEdit, last: QLineEdit, born: QLineEdit, phone: QLineEdit,
                 email: QLineEdit) -> ClientDetails:
    """The typed details; a date of birth that is not a date raises InvalidValue naming the field."""
    typed_date = born.text().strip()
    date_of_birth = parse_typed_date(typed_date) if typed_date else None
    if typed_date and date_of_birth is None:
        raise InvalidValue("date of birth", typed_date, f"a date as {DATE_HINT}")
    return ClientDetails(ref.text().strip(), first.text().strip(), last.text().strip(), date_of_birth,
                         phone.text().strip() or None, email.text().strip() or None)


class NewClientDialog(QDialog):
    """Emits `created(ClientView)` after saving, or `open_client_requested(id)` when the user follows the link
    to an existing client instead."""

    created = Signal(object)
    open_client_requested = Signal(int)

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._confirmed_duplicate = False
        self.setWindowTitle("New client")
        self.ref_edit = labelled("Client ref")
        self.ref_edit.setPlaceholderText("e.g. P-1001")
        self.first_edit = labelled("First name")
        self.last_edit = labelled("Last name")
        self.born_edit = labelled("Date of birth")
        self.born_edit.setPlaceholderText(DATE_HINT)
        self.phone_edit = labelled("Phone")
        self.email_edit = labelled("E-mail")
        form = QFormLayout()
        for label, edit in (("Client &ref", self.ref_edit), ("&First name", self.first_edit),
                            ("&Last name", self.last_edit), ("Date of &birth", self.born_edit),
                            ("&Phone", self.phone_edit), ("&E-mail", self.email_edit)):
            form.addRow(label, edit)
            edit.textEdited.connect(self._on_edited)
        self.duplicate_label = QLabel()
        self.duplicate_label.setAccessibleName("Possible duplicate")
        self.duplicate_label.setWordWrap(True)
        self.duplicate_label.setTextFormat(Qt.TextFormat.RichText)
        self.duplicate_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.duplicate_label.linkActivated.connect(self._open_existing)
        self.duplicate_label.setStyleSheet("background: #fff4d6; color: #1b1b1b; padding: 6px;")
        self.duplicate_label.hide()
        self.problem_label = QLabel()
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("&Create client", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setAccessibleName("Create client")
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.duplicate_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 70)
        self.ref_edit.setFocus()
        self.autosave = FormAutosave(db, user.actor, "client:new", self.typed, self.restore_typed, self)
        self.autosave.watch(*(edit.textChanged for edit in self._edits()))
        restored = self.autosave.restore_saved()
        if restored:
            self.problem_label.setStyleSheet("")
            self.problem_label.setText(restored)

    def _edits(self) -> tuple[QLineEdit, ...]:
        return (self.ref_edit, self.first_edit, self.last_edit, self.born_edit, self.phone_edit, self.email_edit)

    def typed(self) -> dict[str, object]:
        """What is on screen, for the autosaved draft."""
        return {edit.accessibleName(): edit.text() for edit in self._edits()}

    def restore_typed(self, state: dict[str, object]) -> None:
        for edit in self._edits():
            edit.setText(str(state.get(edit.accessibleName(), "")))

    def reject(self) -> None:
        if self.autosave.may_close():
            super().reject()

    def _on_edited(self) -> None:
        if self._confirmed_duplicate or self.duplicate_label.isVisible():
            self._confirmed_duplicate = False
            self.duplicate_label.hide()
            self.create_button.setText("&Create client")
            self.create_button.setAccessibleName("Create client")

    def _open_existing(self, link: str) -> None:
        self.autosave.forget()  # the client is on file already: what was typed for a new one is not wanted
        self.open_client_requested.emit(int(link.removeprefix("client:")))
        super().reject()

    def save(self) -> None:
        self.problem_label.clear()
        self.problem_label.setStyleSheet("color: #b00020;")
        try:
            details = details_from(self.ref_edit, self.first_edit, self.last_edit, self.born_edit,
                                   self.phone_edit, self.email_edit)
            view = create_client(self._db, self._user.actor, details,
                                 allow_duplicate=self._confirmed_duplicate)
        except PossibleDuplicate as dup:
            self._show_duplicates(dup.matches)
            return
        except DomainError as exc:
            self.problem_label.setText(str(exc))
            return
        self.autosave.mark_saved()
        self.created.emit(view)
        self.accept()

    def _show_duplicates(self, matches: tuple[ClientView, ...]) -> None:
        links = ", ".join(
            f'<a href="client:{m.id}">open {m.client_ref} {m.full_name}</a>' for m in matches)
        self.duplicate_label.setText(f"<b>Possible duplicate:</b> a client with the same name and date of birth is "
                                     f"already on file ({links}). Press “Create anyway” if this is a different "
                                     "person.")
        self.duplicate_label.show()
        self._confirmed_duplicate = True
        self.create_button.setText("Create &anyway")
        self.create_button.setAccessibleName("Create anyway")
