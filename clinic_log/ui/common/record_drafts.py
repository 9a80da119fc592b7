"""What is typed on a page that shows one record at a time (a client's contact details, the consultation lines
not yet added), kept as the user's draft for that record.

The page shows another client, or another user takes over: what was typed is kept for the previous record and
user, and the fields show the new record, so nothing typed lands in the wrong record or is lost. The page shows
the same record again (after a save elsewhere on it): fields being edited are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QWidget

from clinic_log.db.engine import Database
from clinic_log.ui.common.form_autosave import FormAutosave, State
from clinic_log.ui.common.user_session import UserSession


class RecordDrafts(QObject):
    """The autosaved typing of one part of a record page; `prefix` names the part (e.g. "contact")."""

    def __init__(self, db: Database, user: UserSession, prefix: str, state: Callable[[], State],
                 restore: Callable[[State], None], edited: Sequence[SignalInstance], parent: QWidget) -> None:
        super().__init__(parent)
        self._page = parent
        self._db, self._user, self._prefix = db, user, prefix
        self._state, self._restore, self._edited = state, restore, tuple(edited)
        self._autosave: FormAutosave | None = None
        self._showing: tuple[int, str] | None = None

    def show(self, record_id: int, fill: Callable[[], Any], editable: bool) -> str | None:
        """The page shows `record_id`: `fill` puts the stored values into the fields unless the user is editing
        this record's fields already. Returns the note of restored typing, if any."""
        actor = self._user.actor
        showing = (record_id, actor.username)
        if showing == self._showing:
            if self._autosave is None or not self._autosave.changed:
                fill()
                if self._autosave is not None:
                    self._autosave.rebase()
            return None
        self.put_away()
        self._showing = showing
        fill()
        if not editable:
            return None
        self._autosave = FormAutosave(self._db, actor, f"{self._prefix}:{record_id}", self._state,
                                      self._restore, self._page)
        self._autosave.watch(*self._edited)
        return self._autosave.restore_saved()

    def saved(self) -> None:
        """The fields were saved: nothing left to keep, and later changes count from here."""
        if self._autosave is not None:
            self._autosave.mark_saved()

    def put_away(self) -> None:
        """Keep what was typed as the draft of the record shown until now, and stop watching the fields."""
        if self._autosave is not None:
            self._autosave.put_away()
            self._autosave.deleteLater()
            self._autosave = None
        self._showing = None
