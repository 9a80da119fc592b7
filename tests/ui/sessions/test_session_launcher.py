"""Starting session forms (session_launcher.py): the client picker first, one form per client, reception told at
once, the offer to resume or discard an unsaved form, and failures shown, never dropped (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.sessions.form_drafts import load_form_draft
from clinic_log.services.sessions.session_queries import count_sessions
from clinic_log.ui.sessions.client_picker import ClientPickerDialog
from clinic_log.ui.sessions.form.session_form import SessionFormDialog, form_key
from tests.ui.dialogs import opened, opens
from tests.ui.session_form_helpers import act_as, fill_everything, open_form
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_new_session_without_a_client_asks_for_one_first(qtbot: QtBot, db: Database, db_path: Path,
                                                          clinic: Clinic) -> None:
    window = make_window(qtbot, db, db_path)
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


def test_reception_is_told_at_once_that_it_cannot_log_sessions(qtbot: QtBot, db: Database, db_path: Path,
                                                               clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> None:
    act_as(monkeypatch, Actor("desk", UserRole.RECEPTION))
    window = make_window(qtbot, db, db_path)
    with opens(qtbot, QMessageBox, window) as told:
        assert window.new_session(clinic.client_id) is None
    assert "role 'reception' may not log sessions" in told.widget.text()


def test_unsaved_session_is_offered_again_by_a_new_main_window(qtbot: QtBot, db: Database, db_path: Path,
                                                              clinic: Clinic) -> None:
    window = make_window(qtbot, db, db_path)
    form = window.new_session(clinic.client_id)
    assert isinstance(form, SessionFormDialog)
    fill_everything(form, clinic)
    typed = form.state()
    window.close()  # closes the form with it: the app quits with a session half-typed
    form.close()

    again = make_window(qtbot, db, db_path)
    box = opened(qtbot, QMessageBox, again)  # the first window, closed, may ask too
    assert box.text() == "Resume unsaved session for Zofia Łukasiewicz (P-1)?"
    with opens(qtbot, SessionFormDialog, again) as new:
        yes = box.button(QMessageBox.StandardButton.Yes)
        assert yes is not None
        yes.click()
    resumed = new.widget
    qtbot.addWidget(resumed)
    assert resumed.state() == typed


def test_discarding_the_offered_unsaved_session_forgets_it(qtbot: QtBot, db: Database, db_path: Path,
                                                           clinic: Clinic) -> None:
    form = open_form(qtbot, db, clinic)
    form.toggle_area("nose")
    form.close()
    assert load_form_draft(db, clinic.derm, form_key(clinic.client_id)) is not None
    window = make_window(qtbot, db, db_path)
    discard = opened(qtbot, QMessageBox, window).button(QMessageBox.StandardButton.Discard)
    assert discard is not None
    discard.click()
    assert load_form_draft(db, clinic.derm, form_key(clinic.client_id)) is None
    assert count_sessions(db) == 1  # only the session logged before: nothing was saved


def test_unsaved_sessions_that_cannot_be_looked_up_are_said_not_dropped(qtbot: QtBot, db: Database,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:

    from clinic_log.ui.sessions.session_launcher import SessionLauncher

    def broken(*_args: object) -> None:
        raise RuntimeError("no such table: form_drafts")

    monkeypatch.setattr("clinic_log.services.sessions.form_drafts.list_form_drafts", broken)
    window = QWidget()
    qtbot.addWidget(window)
    launcher = SessionLauncher(db, window)
    launcher.offer_unsaved_sessions()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None)
    box = window.findChild(QMessageBox)
    assert isinstance(box, QMessageBox)
    assert box.text() == "Looking for unsaved session forms could not be done: no such table: form_drafts"
