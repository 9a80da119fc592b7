"""Who is using the GUI: the actor of the last successful login, which every service call is made as.

The login dialog calls `sign_in`; switching user or auto-locking replaces it. `current_actor()` is read at the
time of each service call, so a switch takes effect at once everywhere. Before anyone has logged in there is no
actor, and asking for one is a programming error (the window is only built after a login).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from clinic_log.domain.actor import Actor


class NotLoggedIn(RuntimeError):
    """A service call was attempted from the GUI before anyone logged in."""


class _Session(QObject):
    """Holds the logged-in actor and announces changes (the window re-checks which tabs and actions to show)."""

    changed = Signal(object)  # the new Actor

    def __init__(self) -> None:
        super().__init__()
        self.actor: Actor | None = None


_session: _Session | None = None


def user_session() -> _Session:
    """The one holder (created on first use, after the QApplication)."""
    global _session
    if _session is None:
        _session = _Session()
    return _session


def sign_in(actor: Actor) -> None:
    holder = user_session()
    holder.actor = actor
    holder.changed.emit(actor)


def sign_out() -> None:
    user_session().actor = None


def current_actor() -> Actor:
    """The actor every service call from the GUI is made as: the logged-in user."""
    actor = user_session().actor
    if actor is None:
        raise NotLoggedIn("nobody is logged in")
    return actor
