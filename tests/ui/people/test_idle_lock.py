"""The idle lock and user switch: the pages and every open window are hidden behind the login until a password is
right, what was typed stays, and whoever logs in gets their role's tabs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.people import auth
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.people.idle_lock import SessionGuard
from clinic_log.ui.people.login_dialog import PASSWORD_ENV, USER_ENV, LoginDialog
from tests.actors import logged_in_as
from tests.ui.dialogs import opened
from tests.ui.login_helpers import attempt
from tests.ui.window_helpers import make_window


@pytest.fixture
def desk(db: Database, owner: Actor) -> auth.UserView:
    return auth.create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")


def visible_tabs(window: object) -> list[str]:
    pages = window.pages  # type: ignore[attr-defined]
    return [pages.tabText(i).replace("&", "") for i in range(pages.count()) if pages.isTabVisible(i)]


def test_switching_user_changes_the_tabs_and_actions_to_the_new_role(qtbot: QtBot, user: UserSession, db: Database,
                                                                     db_path: Path, desk: auth.UserView) -> None:
    window = make_window(qtbot, db, user, db_path)
    assert visible_tabs(window) == ["Sessions", "Clients", "Recall", "Dashboard", "Practitioners", "Devices and lots",
                                    "Users", "Audit"]
    assert window.backups_action.isVisible()
    dialog = window.guard.switch_user()
    qtbot.addWidget(dialog)
    attempt(qtbot, dialog, "desk", "reception-pass-1")
    assert logged_in_as(user.actor, Actor("desk", UserRole.RECEPTION))
    assert visible_tabs(window) == ["Sessions", "Clients", "Practitioners"]
    assert not window.backups_action.isVisible() and not window.template_action.isVisible()
    assert window.user_label.text() == "desk (reception)"


def test_the_idle_lock_hides_the_pages_and_keeps_what_was_typed(qtbot: QtBot, user: UserSession, db: Database,
                                                                db_path: Path, owner: Actor) -> None:
    auth.create_user(db, owner, "owner", "Owner", "owner", "studio-keys-pass-1")
    window = make_window(qtbot, db, user, db_path)
    assert window.guard.timer.interval() == 10 * 60_000  # the clinic's default setting
    audit = window.pages.show_page("audit")
    qtbot.keyClicks(audit.actor_edit, "half-typed")  # type: ignore[attr-defined]
    dialog = window.guard.lock()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert not window.pages.isVisible()
    assert dialog.username_edit.text() == "owner" and "Locked after 10 minutes" in dialog.prompt_label.text()
    attempt(qtbot, dialog, "owner", "wrong-password")
    assert not window.pages.isVisible()
    attempt(qtbot, dialog, "owner", "studio-keys-pass-1")
    assert window.pages.isVisible() and not window.guard.locked
    assert audit.actor_edit.text() == "half-typed"  # type: ignore[attr-defined]


def test_the_idle_lock_covers_open_dialogs_so_no_client_stays_on_screen(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, owner: Actor) -> None:
    from clinic_log.services.sessions.sessions import log_session
    from clinic_log.ui.people.idle_lock import LOCKED_TITLE, LockCover
    from tests.unit.services.helpers import make_clinic, session_entry

    auth.create_user(db, owner, "owner", "Owner", "owner", "studio-keys-pass-1")
    clinic = make_clinic(db, owner)
    signed = log_session(db, clinic.derm, session_entry(clinic, notes="keloid on left ear lobe"), sign=True)
    window = make_window(qtbot, db, user, db_path)
    detail = window.open_session(signed.id)
    assert detail is not None and "Łukasiewicz" in detail.windowTitle()
    qtbot.waitExposed(detail)
    dialog = window.guard.lock()
    assert dialog is not None
    qtbot.addWidget(dialog)
    [cover] = detail.findChildren(LockCover)
    assert cover.isVisible() and cover.geometry() == detail.rect() and detail.windowTitle() == LOCKED_TITLE
    assert dialog.findChildren(LockCover) == [] and dialog.isVisible()  # the login itself stays usable
    detail.resize(detail.width() + 40, detail.height() + 30)
    assert cover.geometry() == detail.rect()  # still all of it
    attempt(qtbot, dialog, "owner", "studio-keys-pass-1")
    qtbot.waitUntil(lambda: not detail.findChildren(LockCover))
    assert "Łukasiewicz" in detail.windowTitle() and detail.isVisible()  # as it was, nothing closed


def test_the_owner_sets_the_idle_lock_minutes_in_clinic_settings(qtbot: QtBot, user: UserSession, db: Database,
                                                                 db_path: Path) -> None:
    from clinic_log.services.clinic.clinic_settings import read_idle_lock_minutes
    from clinic_log.ui.clinic.clinic_settings_dialog import ClinicSettingsDialog

    window = make_window(qtbot, db, user, db_path)
    dialog = ClinicSettingsDialog(db, user, window)
    qtbot.addWidget(dialog)
    dialog.idle_edit.setText("3")
    dialog._save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert read_idle_lock_minutes(db) == 3
    window.guard.set_idle_minutes(dialog.idle_minutes)
    assert window.guard.timer.interval() == 3 * 60_000


def test_a_window_opened_before_any_login_shows_nothing_until_the_password_is_right(
        qtbot: QtBot, db: Database, db_path: Path, desk: auth.UserView) -> None:
    user = UserSession()  # as gui.run_gui makes it: nobody logged in yet
    window = make_window(qtbot, db, user, db_path)
    assert not window.pages.isVisible() and not window.menuBar().isEnabled()
    dialog = window.guard.lock_at_start()
    assert not window.summary_label.isVisible()  # not even the number of sessions before a login
    qtbot.addWidget(dialog)
    attempt(qtbot, dialog, "desk", "wrong-password")
    assert not window.pages.isVisible() and dialog.isVisible()
    with qtbot.waitSignal(window.guard.first_login):
        attempt(qtbot, dialog, "desk", "reception-pass-1")
    assert window.pages.isVisible() and window.menuBar().isEnabled() and window.summary_label.isVisible()
    assert logged_in_as(user.actor, Actor("desk", UserRole.RECEPTION))
    assert visible_tabs(window) == ["Sessions", "Clients", "Practitioners"]


def test_login_from_the_environment_unlocks_a_window_opened_at_start(qtbot: QtBot, db: Database, db_path: Path,
                                                                     desk: auth.UserView,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    user = UserSession()  # as gui.run_gui makes it: nobody logged in yet
    monkeypatch.setenv(USER_ENV, "desk")
    monkeypatch.setenv(PASSWORD_ENV, "reception-pass-1")
    window = make_window(qtbot, db, user, db_path)
    with qtbot.waitSignal(window.guard.first_login, timeout=20000):
        qtbot.addWidget(window.guard.lock_at_start())
    assert window.pages.isVisible() and user.actor.username == "desk"


@pytest.fixture
def guarded(qtbot: QtBot, user: UserSession, db: Database) -> tuple[QMainWindow, SessionGuard]:
    """A plain window with a client list as its page, under a guard (lighter than the whole main window)."""
    window = QMainWindow()
    window.setCentralWidget(QLabel("Zofia Łukasiewicz, P-1"))
    qtbot.addWidget(window)
    guard = SessionGuard(window, db, user)
    window.show()
    qtbot.waitExposed(window)
    return window, guard


def test_keyboard_use_restarts_the_countdown_but_not_while_locked(qtbot: QtBot,
                                                                 guarded: tuple[QMainWindow, SessionGuard]) -> None:
    window, guard = guarded
    guard.timer.stop()
    qtbot.keyClick(window, Qt.Key.Key_Shift)
    assert guard.timer.isActive()
    dialog = guard.lock()
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.keyClick(window, Qt.Key.Key_Shift)
    assert not guard.timer.isActive()  # locked: nothing counts down to another lock


def test_quitting_at_the_lock_screen_closes_the_window(qtbot: QtBot,
                                                       guarded: tuple[QMainWindow, SessionGuard]) -> None:
    window, guard = guarded
    dialog = guard.lock()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert not window.centralWidget().isVisible()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible() and guard.locked  # nobody may use the window unlocked


def test_a_login_that_no_longer_stands_locks_at_once_and_says_why(qtbot: QtBot,
                                                                   guarded: tuple[QMainWindow, SessionGuard]) -> None:
    window, guard = guarded
    guard.revoked.emit("user 'owner' is deactivated")  # as a service refusing on the worker thread does
    dialog = opened(qtbot, LoginDialog, window)
    qtbot.addWidget(dialog)
    assert guard.locked and not window.centralWidget().isVisible()
    assert dialog.prompt_label.text().startswith("Not done: user 'owner' is deactivated. Log in to continue")


def test_cancelling_a_switch_keeps_the_user_at_work(qtbot: QtBot, user: UserSession, owner: Actor,
                                                    guarded: tuple[QMainWindow, SessionGuard]) -> None:
    window, guard = guarded
    dialog = guard.switch_user()
    qtbot.addWidget(dialog)
    assert dialog.prompt_label.text() == "Logged in as owner. Log in as another user."
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert user.actor == owner and window.centralWidget().isVisible() and guard.timer.isActive()
