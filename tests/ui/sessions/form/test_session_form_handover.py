"""When another user takes the computer (at the lock screen or with Ctrl+L), the previous user's open forms are put
away: what was typed is kept as that user's draft and comes back to them, and the new user starts with no one
else's forms open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.people import auth
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.people.login_dialog import LoginDialog
from clinic_log.ui.sessions.form.session_form import SessionFormDialog, form_key
from clinic_log.ui.shell.main_window import MainWindow
from tests.actors import logged_in_as
from tests.ui.conftest import DiscardQuestions
from tests.ui.dialogs import opens
from tests.ui.login_helpers import log_in as log_in_and_wait
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import make_clinic

CALL_US = "Ring 0161 555 0100 if the redness spreads."


@pytest.fixture
def window(qtbot: QtBot, user: UserSession, db: Database, db_path: Path, owner: Actor) -> MainWindow:
    auth.create_user(db, owner, "owner", "Owner", "owner", "studio-keys-pass-1")
    auth.create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")
    return make_window(qtbot, db, user, db_path)


def log_in(qtbot: QtBot, dialog: LoginDialog | None, username: str, password: str) -> None:
    assert dialog is not None
    qtbot.addWidget(dialog)
    log_in_and_wait(qtbot, dialog, username, password)


def gone(window: QWidget) -> bool:
    """Closed (and deleted, for windows that delete themselves on close)."""
    return not shiboken6.isValid(window) or not window.isVisible()


def drafts(raw: sqlite3.Connection) -> list[tuple[str, str]]:
    return raw.execute("SELECT username, form_key FROM form_drafts ORDER BY username, form_key").fetchall()


def test_another_user_at_the_lock_screen_puts_the_previous_users_forms_away(
        qtbot: QtBot, user: UserSession, window: MainWindow, raw: sqlite3.Connection,
        discard_questions: DiscardQuestions) -> None:
    editor = window.open_template_editor()
    assert editor is not None
    editor.call_us_edit.setPlainText(CALL_US)
    log_in(qtbot, window.guard.lock(), "desk", "reception-pass-1")
    assert user.actor.username == "desk"
    qtbot.waitUntil(lambda: gone(editor))
    assert discard_questions.asked == 0  # put away, not discarded: nothing to ask
    assert drafts(raw) == [("owner", "aftercare_template")]  # kept for the owner, not handed to the desk

    window.guard.switch_user()
    log_in(qtbot, QApplication.activeModalWidget(), "owner", "studio-keys-pass-1")  # type: ignore[arg-type]
    again = window.open_template_editor()
    assert again is not None
    assert again.call_us_edit.toPlainText() == CALL_US
    assert again.message.text().startswith("Restored what you typed at ")


def test_a_session_form_left_open_is_kept_as_its_practitioners_draft_when_another_user_switches_in(
        qtbot: QtBot, user: UserSession, window: MainWindow, db: Database, owner: Actor,
        raw: sqlite3.Connection) -> None:
    clinic = make_clinic(db, owner)
    auth.create_user(db, owner, "mbrandt", "Dr Maria Brandt", "practitioner", "derm-passphrase-1",
                     practitioner_username="mbrandt")
    window.guard.switch_user()
    log_in(qtbot, QApplication.activeModalWidget(), "mbrandt", "derm-passphrase-1")  # type: ignore[arg-type]
    assert logged_in_as(user.actor, Actor("mbrandt", UserRole.PRACTITIONER, clinic.derm_id))
    form = window.session_launcher.new_session(clinic.client_id)
    assert isinstance(form, SessionFormDialog)
    form.notes.setPlainText("tolerated well; cool compress after")
    log_in(qtbot, window.guard.switch_user(), "desk", "reception-pass-1")
    qtbot.waitUntil(lambda: gone(form))
    assert drafts(raw) == [("mbrandt", form_key(clinic.client_id))]

    with opens(qtbot, QMessageBox, window) as offered:  # back to the practitioner
        log_in(qtbot, window.guard.switch_user(), "mbrandt", "derm-passphrase-1")
    box = offered.widget
    assert box.text() == "Resume unsaved session for Zofia Łukasiewicz (P-1)?"
    with opens(qtbot, SessionFormDialog, window) as resumed:
        box.button(QMessageBox.StandardButton.Yes).click()
    again = resumed.widget
    assert again.notes.toPlainText() == "tolerated well; cool compress after"


def test_a_discard_question_left_open_is_answered_for_the_user_who_left(
        qtbot: QtBot, user: UserSession, window: MainWindow, raw: sqlite3.Connection,
        discard_questions: DiscardQuestions) -> None:
    """The owner closed the template editor with changes and walked away from the real "Discard changes?"
    question; the lock came and the desk logged in. Both windows go, the typing is the owner's draft."""
    discard_questions.for_real = True
    editor = window.open_template_editor()
    assert editor is not None
    editor.call_us_edit.setPlainText(CALL_US)
    seen: list[str] = []

    def desk_takes_over() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        log_in(qtbot, window.guard.lock(), "desk", "reception-pass-1")

    QTimer.singleShot(0, desk_takes_over)
    editor.reject()  # asks the real question, in its own event loop, until the desk takes over
    assert seen == ["Close without saving? What you typed here will be discarded."]
    qtbot.waitUntil(lambda: gone(editor))
    assert user.actor.username == "desk"
    assert drafts(raw) == [("owner", "aftercare_template")]
