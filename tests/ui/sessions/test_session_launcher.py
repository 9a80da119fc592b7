"""Starting session forms (session_launcher.py): the client picker first, one form per client, reception told at
once, the offer to resume or discard an unsaved form, and failures shown, never dropped (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.sessions.form_drafts import load_form_draft
from clinic_log.services.sessions.session_queries import count_sessions, get_session
from clinic_log.services.sessions.sessions import save_draft
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.client_picker import ClientPickerDialog
from clinic_log.ui.sessions.form.session_form import SessionFormDialog, form_key
from clinic_log.ui.sessions.session_launcher import SessionLauncher, client_of_key
from tests.ui.dialogs import opened, opens
from tests.ui.session_form_helpers import fill_everything, open_form
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import Clinic, session_entry


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_new_session_without_a_client_asks_for_one_first(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                                          clinic: Clinic) -> None:
    window = make_window(qtbot, db, user, db_path)
    assert window.new_session_action.shortcut().toString() == "Ctrl+N"
    with opens(qtbot, ClientPickerDialog, window) as new:
        window.new_session_action.trigger()
    picker = new.widget
    qtbot.keyClicks(picker.search, "zof")
    with opens(qtbot, SessionFormDialog, window) as shown:
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    form = shown.widget
    qtbot.addWidget(form)
    assert form.client.client_ref == "P-1" and "Zofia Łukasiewicz" in form.windowTitle()
    assert window.new_session(clinic.client_id) is form  # one form per client


def test_reception_is_told_at_once_that_it_cannot_log_sessions(qtbot: QtBot, user: UserSession, db: Database,
                                                               db_path: Path, clinic: Clinic) -> None:
    user.sign_in(Actor("desk", UserRole.RECEPTION))
    window = make_window(qtbot, db, user, db_path)
    with opens(qtbot, QMessageBox, window) as told:
        assert window.new_session(clinic.client_id) is None
    assert "role 'reception' may not log sessions" in told.widget.text()


def test_unsaved_session_is_offered_again_by_a_new_main_window(qtbot: QtBot, user: UserSession, db: Database,
                                                               db_path: Path, clinic: Clinic) -> None:
    window = make_window(qtbot, db, user, db_path)
    form = window.new_session(clinic.client_id)
    assert isinstance(form, SessionFormDialog)
    fill_everything(form, clinic)
    typed = form.state()
    window.close()  # closes the form with it: the app quits with a session half-typed
    form.close()

    again = make_window(qtbot, db, user, db_path)
    box = opened(qtbot, QMessageBox, again)  # the first window, closed, may ask too
    assert box.text() == "Resume unsaved session for Zofia Łukasiewicz (P-1)?"
    with opens(qtbot, SessionFormDialog, again) as new:
        yes = box.button(QMessageBox.StandardButton.Yes)
        assert yes is not None
        yes.click()
    resumed = new.widget
    qtbot.addWidget(resumed)
    assert resumed.state() == typed


def test_discarding_the_offered_unsaved_session_forgets_it(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                                           clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("nose")
    form.close()
    assert load_form_draft(db, clinic.derm, form_key(clinic.client_id)) is not None
    window = make_window(qtbot, db, user, db_path)
    discard = opened(qtbot, QMessageBox, window).button(QMessageBox.StandardButton.Discard)
    assert discard is not None
    discard.click()
    assert load_form_draft(db, clinic.derm, form_key(clinic.client_id)) is None
    assert count_sessions(db) == 1  # only the session logged before: nothing was saved


def test_unsaved_sessions_that_cannot_be_looked_up_are_said_not_dropped(qtbot: QtBot, user: UserSession, db: Database,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:

    from clinic_log.ui.sessions.session_launcher import SessionLauncher

    def broken(*_args: object) -> None:
        raise RuntimeError("no such table: form_drafts")

    monkeypatch.setattr("clinic_log.services.sessions.form_drafts.list_form_drafts", broken)
    window = QWidget()
    qtbot.addWidget(window)
    launcher = SessionLauncher(db, user, window)
    launcher.offer_unsaved_sessions()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None)
    box = window.findChild(QMessageBox)
    assert isinstance(box, QMessageBox)
    assert box.text() == "Looking for unsaved session forms could not be done: no such table: form_drafts"


@pytest.mark.parametrize(("key", "client_id"), [("session:client=12", 12), ("session:client=", None),
                                                 ("session:client=x7", None), ("amend:12", None)])
def test_only_a_session_forms_autosave_key_names_a_client(key: str, client_id: int | None) -> None:
    assert client_of_key(key) == client_id


def answer_the_next_box(qtbot: QtBot, said: list[str]) -> None:
    """Once a message box runs its own loop (QMessageBox.warning and the like), note its text and close it; after
    5 s without one, stop looking (the test then finds nothing said)."""
    def close_it(tries: int = 250) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if tries:
                QTimer.singleShot(20, lambda: close_it(tries - 1))
            return
        said.append(box.text())
        box.done(QMessageBox.StandardButton.Ok)
    QTimer.singleShot(0, close_it)


@pytest.fixture
def launcher(qtbot: QtBot, user: UserSession, db: Database) -> SessionLauncher:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    return SessionLauncher(db, user, window)


def test_a_form_that_cannot_be_opened_says_why_rather_than_nothing(qtbot: QtBot, launcher: SessionLauncher,
                                                                  clinic: Clinic) -> None:
    said: list[str] = []
    answer_the_next_box(qtbot, said)
    assert launcher.new_session(9999) is None  # e.g. the client was removed on another workstation
    assert said == ["The session form cannot be opened: client 9999 not found"]


def test_a_draft_opened_over_unsaved_work_in_the_clients_form_leaves_that_work_and_says_so(
        qtbot: QtBot, db: Database, launcher: SessionLauncher, clinic: Clinic) -> None:
    draft = save_draft(db, clinic.derm, session_entry(clinic, notes="the saved draft"))
    form = launcher.new_session(clinic.client_id)
    assert isinstance(form, SessionFormDialog)
    form.notes.setPlainText("typed, not saved")
    said: list[str] = []
    answer_the_next_box(qtbot, said)
    assert launcher.edit_draft(get_session(db, draft.id)) is form
    assert said == ["This client's session form already holds unsaved work. Save or close it first, then open the "
                    "draft again."]
    assert form.notes.toPlainText() == "typed, not saved" and form.session_id is None
