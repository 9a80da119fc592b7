"""Login at start, lockout message, user switch and the idle lock (the first-start wizard has its own test file)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clinic.clinic_settings import read_settings
from clinic_log.services.people import auth
from clinic_log.services.people.auth import LoginFailed
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.people.login_dialog import PASSWORD_ENV, USER_ENV, LoginDialog, login_from_environment
from tests.actors import logged_in_as
from tests.ui.window_helpers import make_window

T0 = datetime(2026, 11, 25, 9, 0)  # naive UTC, as the lockout is stored


def attempt(qtbot: QtBot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.username_edit.setText(username)
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, password)
    with qtbot.waitSignal(dialog.attempt_finished, timeout=20000):
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)


@pytest.fixture
def desk(db: Database, owner: Actor) -> auth.UserView:
    return auth.create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")


def test_the_right_password_logs_in_with_the_users_role(qtbot: QtBot, db: Database, desk: auth.UserView) -> None:
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    attempt(qtbot, dialog, "desk", "reception-pass-1")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert logged_in_as(dialog.actor, Actor("desk", UserRole.RECEPTION))


def test_a_wrong_password_is_refused_and_audited(qtbot: QtBot, db: Database, desk: auth.UserView) -> None:
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    attempt(qtbot, dialog, "desk", "not-the-password")
    assert dialog.isVisible() and dialog.actor is None
    assert dialog.message.startswith("The username or password is wrong.")
    assert dialog.password_edit.text() == ""
    with db.reading() as session:
        assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == "login_failed"


def test_a_locked_account_says_until_when_in_local_time(qtbot: QtBot, db: Database, desk: auth.UserView) -> None:
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(LoginFailed):
            auth.login(db, "desk", "guess", now=T0)
    dialog = LoginDialog(db, clock=lambda: T0 + timedelta(minutes=1))
    qtbot.addWidget(dialog)
    dialog.show()
    attempt(qtbot, dialog, "desk", "reception-pass-1")  # even the right password waits for the lockout
    until = (T0 + auth.LOCKOUT).replace(tzinfo=UTC).astimezone()
    assert f"locked after 5 failed attempts until {until:%H:%M}" in dialog.message
    assert dialog.actor is None
    later = LoginDialog(db, clock=lambda: T0 + auth.LOCKOUT + timedelta(seconds=1))
    qtbot.addWidget(later)
    later.show()
    attempt(qtbot, later, "desk", "reception-pass-1")
    assert later.actor is not None and later.actor.username == "desk"


def test_credentials_from_the_environment_are_checked_like_typed_ones(db: Database, desk: auth.UserView,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert login_from_environment(db) is None
    monkeypatch.setenv(USER_ENV, "desk")
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password")
    with pytest.raises(LoginFailed):
        login_from_environment(db)
    monkeypatch.setenv(PASSWORD_ENV, "reception-pass-1")
    assert logged_in_as(login_from_environment(db), Actor("desk", UserRole.RECEPTION))


def test_the_login_dialog_finds_the_user_whatever_the_case_and_spaces_typed(qtbot: QtBot, db: Database,
                                                                           desk: auth.UserView) -> None:
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    attempt(qtbot, dialog, " DESK ", "reception-pass-1")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert logged_in_as(dialog.actor, Actor("desk", UserRole.RECEPTION))


def visible_tabs(window: object) -> list[str]:
    pages = window.pages  # type: ignore[attr-defined]
    return [pages.tabText(i).replace("&", "") for i in range(pages.count()) if pages.isTabVisible(i)]


def test_switching_user_changes_the_tabs_and_actions_to_the_new_role(qtbot: QtBot, user: UserSession, db: Database,
                                                                     db_path: Path, desk: auth.UserView) -> None:
    window = make_window(qtbot, db, user, db_path)
    assert visible_tabs(window) == ["Sessions", "Clients", "Recall", "Dashboard", "Practitioners", "Users", "Audit"]
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


def test_a_practitioner_is_told_at_login_which_credentials_expire(qtbot: QtBot, db: Database, owner: Actor) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from clinic_log.services.people import people
    from clinic_log.ui.shell import gui
    from tests.unit.services.helpers import make_clinic

    clinic = make_clinic(db, owner)
    soon = date.today() + timedelta(days=20)
    people.add_credential(db, owner, clinic.nurse_id, people.CredentialInput("microneedling certificate", "MN-9",
                                                                            soon))
    assert gui.remind_credentials(db, owner) is None  # the owner sees reminders on the Practitioners tab
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.informativeText())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    assert gui.remind_credentials(db, clinic.nurse) is not None
    assert seen and f"• microneedling certificate MN-9: expires on {soon.isoformat()} (20 days)" in seen[0]


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


def test_login_from_the_environment_unlocks_a_window_opened_at_start(
        qtbot: QtBot, db: Database, db_path: Path, desk: auth.UserView, monkeypatch: pytest.MonkeyPatch) -> None:
    user = UserSession()  # as gui.run_gui makes it: nobody logged in yet
    monkeypatch.setenv(USER_ENV, "desk")
    monkeypatch.setenv(PASSWORD_ENV, "reception-pass-1")
    window = make_window(qtbot, db, user, db_path)
    with qtbot.waitSignal(window.guard.first_login, timeout=20000):
        qtbot.addWidget(window.guard.lock_at_start())
    assert window.pages.isVisible() and user.actor.username == "desk"


def test_the_owner_edits_the_art15_texts_in_clinic_settings_and_an_empty_one_is_refused(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    from clinic_log.ui.clinic.clinic_settings_dialog import ClinicSettingsDialog

    window = make_window(qtbot, db, user, db_path)
    dialog = ClinicSettingsDialog(db, user, window)
    qtbot.addWidget(dialog)
    fields = {w.accessibleName(): w for w in dialog.findChildren(QPlainTextEdit) if w.accessibleName()}
    assert "Right to lodge a complaint" in fields
    fields["Right to lodge a complaint"].setPlainText("Datatilsynet, Carl Jacobsens Vej 35, 2500 Valby")
    fields["Recipients"].setPlainText("   ")
    before = read_settings(db)
    dialog._save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "recipients" in dialog.privacy_error.text() and read_settings(db) == before
    fields["Recipients"].setPlainText("Only the clinic's staff.")
    dialog._save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    stored = read_settings(db)
    assert stored["privacy.complaint"].startswith("Datatilsynet") and stored["privacy.recipients"].startswith("Only")
