"""The chairside session form's controller: no widgets. It holds what the form edits beyond its fields (the stored
draft session and its version, the last checks), runs the checks, saves and signs through the services, and owns
the form's autosave (form_autosave.py's shared one, over the typed `SessionFormState`). The dialog
(session_form.py) shows the fields and the outcomes and forwards what the user does.

Every save made here first waits for an autosave still on its way, so an older autosave never lands over it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.enums import PractitionerRole
from clinic_log.domain.errors import ChangedMeanwhile, DomainError
from clinic_log.domain.permissions import may_override_stops
from clinic_log.domain.signing import CREDENTIAL_STOPS
from clinic_log.domain.values import Assessment, Problem, SessionInput
from clinic_log.services.clients.clients import get_client
from clinic_log.services.sessions.form_drafts import load_form_draft, save_form_draft
from clinic_log.services.sessions.session_form_data import (
    FormChoices,
    LotView,
    PractitionerDefaults,
    find_lot,
    form_choices,
    next_course_position,
    practitioner_defaults,
    session_status,
)
from clinic_log.services.sessions.session_form_state import SessionFormState, UnreadableFormState
from clinic_log.services.sessions.sessions import (
    ChecksChanged,
    SessionRejected,
    StopsNeedOverride,
    WarningsNeedReason,
    assess,
    log_session,
    save_draft,
    sign_session,
)
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.form_autosave import FormAutosave
from clinic_log.ui.common.user_session import NotLoggedIn, UserSession
from clinic_log.ui.sessions.session_launcher import FORM_KEY_PREFIX

DEFAULTS_KEY = "session:defaults"
AUTOSAVE_DELAY_MS = 400


def form_key(client_id: int) -> str:
    return f"{FORM_KEY_PREFIX}{client_id}"


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class FormView(Protocol):
    """What the controller needs of the dialog: its fields as a state, and back."""

    def state(self) -> SessionFormState: ...

    def restore(self, state: SessionFormState) -> None: ...

    def dropped_areas_text(self) -> str: ...


Focus = Literal["practitioner", "override", "reason"]


@dataclass(frozen=True)
class Outcome:
    """What a save or a signing came to: the line for the status bar, the box to go to, whether to check again."""

    done: bool
    message: str
    focus: Focus | None = None
    recheck: bool = False
    session_id: int | None = None


class SessionFormController(QObject):
    """One session being logged for one client (`client_id`), on behalf of the user who opened the form."""

    def __init__(self, db: Database, user: UserSession, client_id: int, choices: FormChoices | None,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._dialog = parent
        self.client = get_client(db, client_id)
        self.choices = choices or form_choices(db)
        self.form_key = form_key(client_id)
        # What is typed is kept as a draft of the user who opened the form, even if another user takes the
        # computer before it is closed (the lock screen, Ctrl+L): the draft comes back to that user.
        self.owner = self._user.actor
        self.session_id: int | None = None
        self.session_version: int | None = None  # of the stored draft, named when saving or signing it again
        self.assessment: Assessment | None = None
        self.finished = False  # signed: nothing left to keep
        self._runner = BackgroundRunner(self)
        self._view: FormView | None = None
        self._autosave: FormAutosave | None = None
        self._unreadable = ""  # why the autosave found at opening could not be read, if it could not

    # --- what the form opens with ------------------------------------------------------------

    def remembered_practitioner(self) -> int | None:
        """The practitioner the form opens with: the user's own, or the one a non-practitioner chose last."""
        actor = self._user.actor
        if actor.practitioner_id is not None:
            return actor.practitioner_id
        remembered = load_form_draft(self._db, actor, DEFAULTS_KEY)
        return _int(remembered.state.get("practitioner_id")) if remembered else None

    def practitioner_defaults(self, practitioner_id: int) -> PractitionerDefaults:
        return practitioner_defaults(self._db, practitioner_id)

    def course_position(self) -> tuple[int | None, int | None]:
        return next_course_position(self._db, self.client.id)

    def find_lot(self, number: str) -> LotView | None:
        return find_lot(self._db, number)

    # --- the autosave ------------------------------------------------------------------------

    def start_autosave(self, view: FormView, edited: Sequence[SignalInstance],
                       failed: Callable[[str], None]) -> str | None:
        """Keep what is typed from now on, after putting back what this user left unsaved; the line saying what
        was put back (or could not be), or None."""
        self._view = view
        autosave = self._autosave = FormAutosave(self._db, self.owner, self.form_key, self._autosave_state,
                                                 self._autosave_restore, self._dialog, AUTOSAVE_DELAY_MS)
        autosave.watch(*edited)
        autosave.failed.connect(failed)
        restored = autosave.restore_saved()
        if self._unreadable:
            return f"What you typed last time could not be read ({self._unreadable}): the form starts empty."
        if restored is None or autosave.restored_at is None:
            return None
        dropped = view.dropped_areas_text()
        if self.session_id is not None and session_status(self._db, self.session_id) != "draft":
            gone, self.session_id = self.session_id, None  # signed or removed meanwhile: never overwritten
            return (f"Restored what you typed; session {gone} was signed meanwhile, so saving makes a new "
                    "session (check it is not the same treatment twice)." + dropped)
        return f"Restored what you typed at {autosave.restored_at.astimezone():%Y-%m-%d %H:%M} (not signed yet)." \
            + dropped

    @property
    def autosave_unreadable(self) -> bool:
        """The autosave found at opening could not be read: the form started empty."""
        return bool(self._unreadable)

    def _autosave_state(self) -> dict[str, Any]:
        assert self._view is not None
        return self._view.state().to_json()

    def _autosave_restore(self, stored: dict[str, Any]) -> None:
        assert self._view is not None
        try:
            state = SessionFormState.from_json(stored)
        except UnreadableFormState as exc:
            self._unreadable = str(exc)
            return
        self._view.restore(state)

    def opened_draft(self) -> None:
        """The form shows a stored draft session: changes count from here."""
        if self._autosave is not None:
            self._autosave.rebase()

    def autosave_now(self) -> None:
        """Keep what is typed now, on the worker (as the pause after typing does)."""
        if self._autosave is not None and not self.finished:
            self._autosave.save_now()

    def keep_typing(self) -> None:
        """On close: keep the last keystrokes too, then let running checks and saves finish."""
        if self._autosave is not None and not self.finished:
            self._autosave.keep_now()
        self._runner.wait()

    def _wait_for_autosave(self) -> None:
        if self._autosave is not None:
            self._autosave.wait()

    # --- checking ----------------------------------------------------------------------------

    def check(self, entry: SessionInput, done: Callable[[Assessment], None],
              failed: Callable[[Exception], None]) -> None:
        """Assess `entry` off the GUI thread; `done(assessment)` or `failed(exc)` on it."""
        db = self._db

        def checked(assessment: Assessment) -> None:
            self.assessment = assessment
            done(assessment)

        def not_checked(exc: Exception) -> None:
            self.assessment = None
            failed(exc)

        self._runner.run("assess", lambda: assess(db, entry), checked, not_checked)

    def drop_pending_check(self) -> None:
        """A check still on its way answers a form that has changed since (e.g. its practitioner cleared): a newer
        job of the same key supersedes it, so its result is never shown."""
        self.assessment = None
        self._runner.run("assess", lambda: None, lambda _: None, lambda _: None)

    def may_override(self, assessment: Assessment, practitioner_id: int | None) -> bool:
        """Whether the user at the form may override these stops (the services decide again at signing)."""
        try:
            actor = self._user.actor
        except NotLoggedIn:  # a check arriving after the user left (locked, switched): nobody may
            return False
        mine = self.choices.practitioner(actor.practitioner_id) if actor.practitioner_id is not None else None
        if not may_override_stops(actor.role, PractitionerRole(mine.role) if mine is not None else None):
            return False
        own = actor.practitioner_id is not None and actor.practitioner_id == practitioner_id
        return not (own and any(s.code in CREDENTIAL_STOPS for s in assessment.stops))

    # --- saving ------------------------------------------------------------------------------

    def _remember_practitioner(self, practitioner_id: int) -> None:
        actor = self._user.actor
        if actor.practitioner_id is None:
            save_form_draft(self._db, actor, DEFAULTS_KEY, {"practitioner_id": practitioner_id})

    def save_draft(self, entry: SessionInput) -> Outcome:
        """Save `entry` as the draft session (a new one, or the one the form edits); the form's draft is kept."""
        self._wait_for_autosave()
        try:
            saved = save_draft(self._db, self._user.actor, entry, self.session_id, self.session_version)
            self.session_id, self.session_version = saved.id, saved.version
            self._remember_practitioner(entry.practitioner_id)
        except DomainError as exc:
            return Outcome(False, f"Not saved: {exc}. Everything you typed is still in the form.")
        # Kept with the session id and version, so the form opened again goes on with this draft session.
        kept = self._autosave is None or self._autosave.keep_now(unchanged_too=True)
        note = "" if kept or self._autosave is None else f" {self._autosave.problem}"
        return Outcome(True, f"Saved as draft session {saved.id} at {datetime.now():%H:%M}; sign it with "
                             f"Ctrl+Enter.{note}", session_id=saved.id)

    def sign(self, entry: SessionInput, reason: str | None, override: str | None,
             shown: Sequence[Problem]) -> Outcome:
        """Sign `entry`: errors refuse it, warnings need the reason, stops the override; `shown` is what the signer
        saw (a stop or warning beyond it is refused, never covered)."""
        self._wait_for_autosave()
        actor = self._user.actor
        try:
            if self.session_id is None:
                saved = log_session(self._db, actor, entry, reason=reason, sign=True, override_reason=override,
                                    shown=shown)
            else:
                draft = save_draft(self._db, actor, entry, self.session_id, self.session_version)
                self.session_version = draft.version  # unchanged when nothing changed: an override still holds
                saved = sign_session(self._db, actor, self.session_id, reason=reason, override_reason=override,
                                     version=draft.version, shown=shown)
        except DomainError as exc:
            return _not_signed(exc)
        self._signed(entry.practitioner_id)
        self.session_id = saved.id
        return Outcome(True, "", session_id=saved.id)

    def _signed(self, practitioner_id: int) -> None:
        """Nothing typed is left to keep: the form's draft goes, and later edits are not kept again."""
        self.finished = True
        if self._autosave is not None:
            self._autosave.stop_watching()
            self._autosave.forget()  # after any autosave on its way, which must not bring the draft back
        with suppress(DomainError):  # the session itself is signed; only the practitioner is not remembered
            self._remember_practitioner(practitioner_id)


def _not_signed(exc: DomainError) -> Outcome:
    """Why signing was refused, said on the status line, and where to go next."""
    if isinstance(exc, ChecksChanged):
        return Outcome(False, "Not signed: the checks changed as you typed — look at them again, then sign.",
                       recheck=True)
    if isinstance(exc, StopsNeedOverride):
        return Outcome(False, f"Not signed: {exc}.", focus="override" if exc.may_override else None)
    if isinstance(exc, ChangedMeanwhile):
        return Outcome(False, f"Not signed: {exc}. What you typed is still here.")
    if isinstance(exc, WarningsNeedReason):
        count = len(exc.warnings)
        return Outcome(False, f"Not signed: type a reason to go ahead with {count} warning{'s' * (count != 1)}.",
                       focus="reason")
    if isinstance(exc, SessionRejected):
        return Outcome(False, "Not signed: fix the errors first — " + "; ".join(p.message for p in exc.errors),
                       recheck=True)
    return Outcome(False, f"Not signed: {exc}. Everything you typed is still in the form.")
