"""Lock the app after the clinic's set number of idle minutes, and let another user take over (Ctrl+L).

`SessionGuard` watches keyboard and mouse use across the application. When the time is up it hides the
window's pages, covers every other open window (a session form, a client's consent…) with an opaque panel and
a neutral title, so no client's name or record stays on screen, and shows the login dialog; open forms and
dialogs stay as they were, with what was typed, and are uncovered at the next login.
Whoever logs in then (the same user, or another one: a switch) becomes the current actor, and the window
shows the tabs and actions of that user's role.
"""

from __future__ import annotations

import contextlib

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow, QVBoxLayout, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.services.sessions.startup_queries import FirstScreen
from clinic_log.settings import CLINIC_NAME, IDLE_LOCK
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.people.login_dialog import LoginDialog

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
             QEvent.Type.TouchBegin}


LOCKED_TITLE = "Clinic Log — locked"
LOGIN_CHECK_MS = 30_000  # how often a window that only reads looks at the login again


class LockCover(QWidget):
    """An opaque panel over all of one window's contents while the app is locked; the window's title is
    neutral meanwhile (titles name clients). Hiding the window instead would end a dialog running its own event
    loop, and with it what was typed."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        label = QLabel("Locked. Log in to continue.")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        QVBoxLayout(self).addWidget(label)
        self._window, self._title = window, window.windowTitle()
        window.setWindowTitle(LOCKED_TITLE)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._window.rect())
        return False

    def remove(self) -> None:
        self._window.removeEventFilter(self)
        self._window.setWindowTitle(self._title)
        self.deleteLater()


def put_away(window: QWidget) -> None:
    """Close one of the previous user's windows, keeping what was typed in it as their draft."""
    from clinic_log.ui.common.form_autosave import FormAutosave  # loads the ORM: not wanted at start-up, only here

    autosave = window.findChild(FormAutosave)
    if autosave is not None:
        autosave.put_away()
    elif isinstance(window, QDialog):
        window.reject()  # a view, or a form that keeps its own draft when it closes
    else:
        window.close()


class SessionGuard(QObject):
    """Idle auto-lock and quick user switch for one main window."""

    locked_changed = Signal(bool)
    first_login = Signal(object)  # the Actor who unlocked a window opened locked at start
    user_changed = Signal(object)  # the Actor who took over from another user (lock screen or switch)
    revoked = Signal(str)  # a service refused the user's login (deactivated, other role): back to the login

    def __init__(self, window: QMainWindow, db: Database, user: UserSession,
                 first_screen: FirstScreen | None = None) -> None:
        """`user`: the shell's holder of who is logged in, which each login here fills. `first_screen`: the
        window's reader holder (the settings before the ORM loads); without one, the
        services."""
        super().__init__(window)
        self._window = window
        self._db, self._user = db, user
        self._first_screen = first_screen or FirstScreen(db, plain=False)
        self.locked = False
        self.covers: list[LockCover] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_idle_minutes(self._first_screen.reader.setting(IDLE_LOCK))
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        # A service may refuse on the worker thread: the signal carries it to this (the GUI) thread.
        self.revoked.connect(self._on_revoked, Qt.ConnectionType.QueuedConnection)
        db.revocation_listeners.append(self.revoked.emit)
        # Screens that only read call no checking service: every half minute the login is looked at again.
        self.login_check = QTimer(self)
        self.login_check.setInterval(LOGIN_CHECK_MS)
        self.login_check.timeout.connect(self.check_login)
        self.login_check.start()
        self.destroyed.connect(lambda: db.revocation_listeners.remove(self.revoked.emit)
                               if self.revoked.emit in db.revocation_listeners else None)
        self.timer.start()

    def check_login(self) -> None:
        """Lock (through the revocation listener) when the logged-in user no longer stands as they logged in."""
        from clinic_log.services.common.authority import check_login  # SQLAlchemy: not at start-up, only when checking

        if self.locked or not self._user.signed_in:
            return
        actor = self._user.actor
        # AuthorityRevoked: the revocation listener locks; a busy database is asked again next time.
        with contextlib.suppress(DomainError):
            check_login(self._db, actor)

    def _on_revoked(self, message: str) -> None:
        """The user's login no longer stands: lock now, saying why; they or another user log in to go on."""
        self.lock(f"Not done: {message}.")

    def set_idle_minutes(self, minutes: int) -> None:
        self.idle_minutes = minutes
        self.timer.setInterval(minutes * 60_000)
        if self.timer.isActive():
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.locked:
            self.timer.start()  # restart the countdown
        elif event.type() == QEvent.Type.Show and self.locked and self._needs_cover(watched):
            assert isinstance(watched, QWidget)
            self.covers.append(LockCover(watched))  # e.g. a message at the end of an export, while locked
        return False

    def _other_window(self, widget: QObject) -> bool:
        """A dialog or window of the app other than the main window and the login itself."""
        return (isinstance(widget, QDialog | QMainWindow) and widget.isWindow() and widget is not self._window
                and not isinstance(widget, LoginDialog))

    def _needs_cover(self, widget: QObject) -> bool:
        return self._other_window(widget) and not any(
            cover.parent() is widget for cover in self.covers if shiboken6.isValid(cover))

    def _dialog(self, prompt: str, username: str, cancel_text: str) -> LoginDialog:
        dialog = LoginDialog(self._db, self._window, clinic_name=self._first_screen.reader.setting(CLINIC_NAME),
                             prompt=prompt, username=username, cancel_text=cancel_text)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        return dialog

    def lock(self, why: str | None = None) -> LoginDialog | None:
        """Hide the pages and ask for a password; nothing typed in open forms is lost. `why` replaces the idle
        message."""
        if self.locked:
            return None
        self.locked = True
        self.timer.stop()
        central = self._window.centralWidget()
        if central is not None:
            central.setVisible(False)
        self.covers = [LockCover(w) for w in QApplication.topLevelWidgets() if w.isVisible() and self._needs_cover(w)]
        self.locked_changed.emit(True)
        user = self._user.actor.username
        prompt = why or f"Locked after {self.idle_minutes} minutes without use."
        dialog = self._dialog(f"{prompt} Log in to continue (another user may log in instead).", user, "&Quit")
        dialog.finished.connect(lambda result: self._unlocked(dialog, result))
        dialog.open()
        return dialog

    def lock_at_start(self) -> LoginDialog:
        """The window was opened before anyone logged in: keep its pages hidden and ask for the first login.

        The window and its first page are ready behind the dialog, so the user sees them the moment the password
        is accepted. CLINIC_LOG_LOGIN_USER / _PASSWORD, when set, are submitted at once (checked like typed ones).
        """
        self.locked = True
        self.timer.stop()
        central = self._window.centralWidget()
        if central is not None:
            central.setVisible(False)
        self.locked_changed.emit(True)
        dialog = self._dialog("Log in to continue.", "", "&Quit")
        dialog.finished.connect(lambda result: self._unlocked(dialog, result, first=True))
        dialog.open()
        dialog.submit_from_environment()
        return dialog

    def _unlocked(self, dialog: LoginDialog, result: int, first: bool = False) -> None:
        if result != QDialog.DialogCode.Accepted or dialog.actor is None:
            self._window.close()  # quitting from the lock screen: nobody may use the window unlocked
            return
        self._hand_over(dialog.actor)
        if first:
            self.first_login.emit(dialog.actor)
        self.locked = False
        central = self._window.centralWidget()
        if central is not None:
            central.setVisible(True)
        for cover in self.covers:
            if shiboken6.isValid(cover):  # its window may have closed meanwhile, taking the cover with it
                cover.remove()
        self.covers = []
        self.locked_changed.emit(False)
        self.timer.start()

    def switch_user(self) -> LoginDialog:
        """Ask for another user's login; cancelling keeps the current user."""
        dialog = self._dialog(f"Logged in as {self._user.actor.username}. Log in as another user.", "", "Cancel")
        dialog.finished.connect(lambda result: self._switched(dialog, result))
        dialog.open()
        return dialog

    def _switched(self, dialog: LoginDialog, result: int) -> None:
        if result == QDialog.DialogCode.Accepted and dialog.actor is not None:
            self._hand_over(dialog.actor)
        self.timer.start()

    def _hand_over(self, actor: Actor) -> None:
        """`actor` now uses the computer. If that is someone else, the previous user's open windows are put away
        first: what was typed is kept as that user's drafts (it comes back when they open the form again) and
        the windows close, so nobody works in or reads another user's open forms."""
        previous = self._user.actor if self._user.signed_in else None
        changed = previous is not None and (previous.username, previous.role) != (actor.username, actor.role)
        if changed:
            for window in QApplication.topLevelWidgets():
                if shiboken6.isValid(window) and window.isVisible() and self._other_window(window):
                    put_away(window)
        self._user.sign_in(actor)
        if changed:
            self.user_changed.emit(actor)

