"""Keep what a user types in an editing dialog as their form draft until it is saved, so a crash, a power cut or
a killed app loses nothing; the next time the same form opens, the typing comes back with a note of when.

For dialogs that edit one thing (the consent wording, the aftercare template, an amendment, a reason), for the
lines being typed into a client's consultation, and for the chairside session form.
The form hands over `state()` (JSON-able values, valid or not) and `restore(state)`; edits are saved on a
background worker 600 ms after typing stops, and the draft is forgotten once the form saves, or when the user
closes it and confirms that the changes are to be discarded. A save the form makes itself first waits for an
autosave still on its way (`wait`), so an older autosave never lands over it.
The draft belongs to the user who opened the dialog: when another user takes the computer, `put_away` keeps
it for them and closes the dialog (idle_lock.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from weakref import WeakMethod

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.services.sessions.form_drafts import delete_form_draft, load_form_draft, save_form_draft
from clinic_log.ui.common.background import BackgroundRunner

log = logging.getLogger(__name__)
AUTOSAVE_DELAY_MS = 600
State = dict[str, Any]


def ask_to_discard(parent: QWidget) -> bool:
    """Closing with unsaved changes: True to throw them away, False to keep editing."""
    answer = QMessageBox.question(
        parent, "Discard changes?", "Close without saving? What you typed here will be discarded.",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard


class FormAutosave(QObject):
    """The autosaved draft of one dialog's form (`form_key`, per user). Emits `failed(problem)` when an autosave
    could not be kept."""

    failed = Signal(str)

    def __init__(self, db: Database, owner: Actor, form_key: str, state: Callable[[], State],
                 restore: Callable[[State], None], parent: QWidget, delay_ms: int = AUTOSAVE_DELAY_MS) -> None:
        """`owner`: whose draft it is, the user who opened the form (UserSession.actor at the time)."""
        super().__init__(parent)
        self._db, self._key = db, form_key
        # Drafts stay this user's (the one who opened the form) even if another one takes the computer.
        self._owner = owner
        # `state` and `restore` are the dialog's own methods: held weakly, so the dialog and this helper form no
        # reference cycle and a dialog dropped unshown is freed at once, not by a later garbage collection.
        self._state_method, self._restore_method = WeakMethod(state), WeakMethod(restore)
        self._original = state()  # as the dialog opened: no changes means nothing to keep or to ask about
        self._restoring = False
        self._stored = False  # a draft of this form may be in the database
        self._watched: list[SignalInstance] = []
        self._runner = BackgroundRunner(self)  # one worker: saves land in the order they were asked
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.save_now)
        self.problem = ""  # why the last autosave failed, if it did
        self.restored_at: datetime | None = None  # when the draft put back by restore_saved was kept

    def watch(self, *signals: SignalInstance) -> None:
        """Autosave after each of these edit signals (textChanged, valueChanged…)."""
        for signal in signals:
            signal.connect(self._edited)
            self._watched.append(signal)

    def _state(self) -> State:
        method = self._state_method()
        return method() if method is not None else self._original

    def _restore(self, state: State) -> None:
        method = self._restore_method()
        if method is not None:
            method(state)

    def _edited(self, *_args: object) -> None:
        if not self._restoring:
            self._timer.start()

    @property
    def changed(self) -> bool:
        return self._state() != self._original

    def restore_saved(self) -> str | None:
        """Put back what this user typed last time and did not save; a line saying so, or None."""
        try:
            draft = load_form_draft(self._db, self._owner, self._key)
        except DomainError as exc:
            log.warning("form draft %s could not be read: %s", self._key, exc)
            return None
        if draft is None:
            return None
        self._stored = True
        if draft.state == self._original:
            return None
        self._restoring = True
        try:
            self._restore(draft.state)
        finally:
            self._restoring = False
        self.restored_at = draft.saved_at
        return f"Restored what you typed at {draft.saved_at.astimezone():%Y-%m-%d %H:%M}; it is not saved yet."

    def save_now(self) -> None:
        self._timer.stop()
        db, actor, key = self._db, self._owner, self._key
        if not self.changed:
            if self._stored:  # typed, kept, then undone or entered: nothing left to offer again
                self._stored = False
                self._runner.run("autosave", lambda: delete_form_draft(db, actor, key), self._saved, self._failed)
            return
        state = self._state()
        self._stored = True
        self._runner.run("autosave", lambda: save_form_draft(db, actor, key, state), self._saved, self._failed)

    def _saved(self, _result: object) -> None:
        self.problem = ""

    def _failed(self, exc: Exception) -> None:
        self.problem = (f"What you typed could not be kept in the database ({exc}); it is still here — "
                        "save before closing.")
        log.error("autosave of %s failed: %s", self._key, exc)
        self.failed.emit(self.problem)

    def wait(self) -> None:
        """Before a save of the form's own: the autosave due is not made, and one on its way has landed."""
        self._timer.stop()
        self._runner.wait()

    def keep_now(self, unchanged_too: bool = False) -> bool:
        """Keep what is on screen as the draft now, on this thread (saving, closing, quitting): after any autosave
        on its way, so the last keystrokes are what stays; unchanged since the form opened, only if asked. False
        when it could not be kept (`problem` says why, and `failed` was emitted)."""
        self.wait()
        if not (unchanged_too or self.changed):
            return True
        try:
            save_form_draft(self._db, self._owner, self._key, self._state())
        except DomainError as exc:
            self._failed(exc)
            return False
        self._stored = True
        self.problem = ""
        return True

    def stop_watching(self) -> None:
        """The form's next content is not this draft's (it was signed, or another user takes over)."""
        self._timer.stop()
        for signal in self._watched:
            signal.disconnect(self._edited)
        self._watched = []

    def mark_saved(self) -> None:
        """The dialog saved what is on screen: nothing left to keep, and later changes count from here."""
        self.forget()
        self._original = self._state()

    def rebase(self) -> None:
        """The form shows freshly stored values: changes count from these."""
        self._original = self._state()

    def forget(self) -> None:
        """The changes were saved or discarded: no draft to offer again."""
        self._timer.stop()
        self._runner.wait()  # a save still on its way must not land after the delete
        self._stored = False
        try:
            delete_form_draft(self._db, self._owner, self._key)
        except DomainError as exc:  # nothing typed is at risk: at worst the draft is offered once more
            log.warning("form draft %s could not be removed: %s", self._key, exc)

    def put_away(self) -> None:
        """Another user takes the computer, or the form moves on to another record: keep what was typed as this
        user's draft (it comes back when they open the form again), stop watching the form, and close it if it
        is a dialog, without asking."""
        self.stop_watching()
        self._runner.wait()
        if self.changed:
            try:
                save_form_draft(self._db, self._owner, self._key, self._state())
            except DomainError as exc:
                log.error("form draft %s could not be kept at a user change: %s", self._key, exc)
        dialog = self.parent()
        if isinstance(dialog, QDialog):
            QDialog.done(dialog, QDialog.DialogCode.Rejected)  # past the dialog's own reject(), which would ask

    def may_close(self) -> bool:
        """Whether the dialog may close now: with no changes, or once the user agrees to discard them."""
        if not self.changed:
            self.forget()
            return True
        self.save_now()  # kept meanwhile, in case the question is never answered (a crash, a kill)
        dialog = self.parent()
        assert isinstance(dialog, QWidget)
        if not ask_to_discard(dialog):  # looked up at each close, so tests and tools can answer it
            return False
        self.forget()
        return True
