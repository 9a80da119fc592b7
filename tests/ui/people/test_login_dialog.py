"""Login at start and the lockout message (the idle lock and the first-start wizard have their own test files)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
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
from tests.ui.login_helpers import attempt
from tests.ui.window_helpers import make_window

T0 = datetime(2026, 11, 25, 9, 0)  # naive UTC, as the lockout is stored




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
