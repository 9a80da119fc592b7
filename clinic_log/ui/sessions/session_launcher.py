"""Starting session forms for the main window: the quick client picker, one form per client, and at start the
offer to resume a form left unsaved (resume, later, or discard what was typed).

The form and picker modules, and the services (SQLAlchemy), are imported when first used, so start-up does not
pay for them; the look for unsaved forms runs on the background worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError, PermissionDenied
from clinic_log.domain.permissions import Permission, require
from clinic_log.ui.common.operations import QueryOp
from clinic_log.ui.common.user_session import UserSession

if TYPE_CHECKING:
    from clinic_log.services.clients.clients import ClientView
    from clinic_log.services.sessions.session_views import SessionDetail
    from clinic_log.ui.sessions.client_picker import ClientPickerDialog
    from clinic_log.ui.sessions.form.session_form import SessionFormDialog

FORM_KEY_PREFIX = "session:client="  # the session form's autosave keys: session:client=<id>
TITLE = "Clinic Log"


def client_of_key(key: str) -> int | None:
    rest = key.removeprefix(FORM_KEY_PREFIX)
    return int(rest) if key.startswith(FORM_KEY_PREFIX) and rest.isdigit() else None


class SessionLauncher(QObject):
    """Emits, for any of its forms, `draft_saved(session_id)` and `signed(session_id)`."""

    draft_saved = Signal(int)
    signed = Signal(int)

    def __init__(self, db: Database, user: UserSession, window: QWidget) -> None:
        super().__init__(window)
        self._db, self._user = db, user
        self._window = window
        self._forms: dict[int, SessionFormDialog] = {}

    def new_session(self, client_id: int | None = None) -> SessionFormDialog | ClientPickerDialog | None:
        """Without a client, the quick picker first; then the form (an open form for the client is reused)."""
        try:
            require(self._user.actor, Permission.LOG_SESSIONS)
        except PermissionDenied as exc:  # reception: say so at once rather than after typing a whole session
            box = QMessageBox(QMessageBox.Icon.Information, TITLE, f"Sessions cannot be logged here: {exc}.",
                              QMessageBox.StandardButton.Ok, self._window)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return None
        if client_id is None:
            from clinic_log.ui.sessions.client_picker import ClientPickerDialog

            picker = ClientPickerDialog(self._db, self._window)
            picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            picker.client_chosen.connect(self.new_session)
            picker.open()
            return picker
        from clinic_log.ui.sessions.form.session_form import SessionFormDialog

        if client_id in self._forms:
            form = self._forms[client_id]
            form.activateWindow()
            return form
        try:
            form = SessionFormDialog(self._db, self._user, client_id, self._window)
        except DomainError as exc:
            QMessageBox.warning(self._window, TITLE, f"The session form cannot be opened: {exc}")
            return None
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._forms[client_id] = form
        form.finished.connect(lambda _: self._forms.pop(client_id, None))
        form.draft_saved.connect(self.draft_saved)
        form.signed.connect(self.signed)
        form.show()
        form.activateWindow()
        return form

    def edit_draft(self, detail: SessionDetail) -> SessionFormDialog | None:
        """Open a saved draft session in the form to change or finish it; saving replaces that draft.

        If the client's form already holds other unsaved work, that work is shown instead and the user is told,
        so nothing typed is overwritten.
        """
        from clinic_log.ui.sessions.form.draft_state import form_state
        from clinic_log.ui.sessions.form.session_form import SessionFormDialog

        form = self.new_session(detail.client_id)
        if not isinstance(form, SessionFormDialog):
            return None
        if form.session_id == detail.id:
            return form  # already open, or autosaved edits of this very draft were restored
        if form.session_id is None and not form.area_rows.rows and not form.notes.toPlainText():
            form.open_draft(form_state(detail))
            form.panel.set_status(f"Editing draft session {detail.id}; Ctrl+S saves it, Ctrl+Enter signs it."
                                  + form.dropped_areas_text())
            form.check_now()
            return form
        QMessageBox.information(self._window, TITLE, "This client's session form already holds unsaved work. "
                                "Save or close it first, then open the draft again.")
        return form

    def offer_unsaved_sessions(self) -> None:
        """Look (off the GUI thread) for a session form this user left unsaved, then offer to resume it."""
        actor = self._user.actor
        QueryOp(self._db, self._window, "Looking for unsaved session forms", lambda _db: self._newest_unsaved(actor),
                self._offer, key="unsaved-forms").run_in_background()

    def _newest_unsaved(self, actor: Actor) -> tuple[str, ClientView] | None:
        from clinic_log.services.clients.clients import get_client
        from clinic_log.services.sessions.form_drafts import list_form_drafts

        try:
            drafts = list_form_drafts(self._db, actor, FORM_KEY_PREFIX)
            key, client_id = next(((d.form_key, c) for d in drafts if (c := client_of_key(d.form_key)) is not None),
                                  ("", None))
            return (key, get_client(self._db, client_id)) if client_id is not None else None
        except DomainError:  # e.g. the client was removed meanwhile: nothing to resume
            return None

    def _offer(self, found: tuple[str, ClientView] | None) -> None:
        """Ask whether to resume the form (Yes), keep it for later (No) or discard what was typed."""
        if found is None:
            return
        key, client = found
        buttons = (QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                   | QMessageBox.StandardButton.Discard)
        question = f"Resume unsaved session for {client.full_name} ({client.client_ref})?"
        box = QMessageBox(QMessageBox.Icon.Question, TITLE, question, buttons, self._window)
        box.setInformativeText("Yes opens the form as it was left; No keeps it for later; Discard forgets what was "
                               "typed (a draft already saved with Ctrl+S stays in the history).")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: QAbstractButton) -> None:
            choice = box.standardButton(button)
            if choice == QMessageBox.StandardButton.Yes:
                self.new_session(client.id)
            elif choice == QMessageBox.StandardButton.Discard:
                from clinic_log.services.sessions.form_drafts import delete_form_draft

                try:
                    delete_form_draft(self._db, self._user.actor, key)
                except DomainError as exc:
                    QMessageBox.warning(self._window, TITLE, f"What was typed could not be discarded: {exc}")

        box.buttonClicked.connect(answered)
        box.open()
