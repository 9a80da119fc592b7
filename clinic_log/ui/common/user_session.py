"""Who is using the GUI: the actor of the last successful login, which every service call is made as.

The shell (ui/shell/gui.py) makes the one `UserSession` and hands it to the login, the idle lock and the main
window, which pass it on to the pages, dialogs and models they build. The idle lock calls `sign_in` after each
login; switching user or auto-locking replaces the actor. Widgets read `user.actor` at the time of each service
call, so a switch takes effect at once everywhere. Before anyone has logged in there is no actor, and asking for
one raises `NotLoggedIn` (the window's pages wait behind the first login).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from clinic_log.domain.actor import Actor


class NotLoggedIn(RuntimeError):
    """A service call was attempted from the GUI while nobody was logged in."""


class UserSession(QObject):
    """Holds the logged-in actor and announces changes (the window re-checks which tabs and actions to show)."""

    changed = Signal(object)  # the new Actor

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._actor: Actor | None = None

    @property
    def actor(self) -> Actor:
        """The actor every service call from the GUI is made as: the logged-in user."""
        if self._actor is None:
            raise NotLoggedIn("nobody is logged in")
        return self._actor

    @property
    def signed_in(self) -> bool:
        return self._actor is not None

    def sign_in(self, actor: Actor) -> None:
        self._actor = actor
        self.changed.emit(actor)

    def sign_out(self) -> None:
        self._actor = None
