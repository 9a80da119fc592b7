"""The session form's controller (session_form_controller.py): autosave at opening and on close, saves that wait
for an autosave on their way, refusals said, the practitioner remembered."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database, translate_operational_error
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import Level
from clinic_log.domain.values import AreaInput, Assessment, Problem
from clinic_log.services.sessions.form_drafts import load_form_draft, save_form_draft
from clinic_log.services.sessions.session_queries import count_sessions, get_session
from clinic_log.services.sessions.sessions import save_draft, sign_session
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.session_form import form_key
from clinic_log.ui.sessions.form.session_form_controller import Outcome, SessionFormController
from tests.ui.session_form_helpers import Keyboard, fill_everything, open_form, second_client
from tests.unit.services.helpers import Clinic, session_entry


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_owner_without_practitioner_gets_the_practitioner_they_used_last(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic) -> None:
    user.sign_in(owner)
    form = open_form(qtbot, db, user, clinic)
    assert form.practitioner.currentData() is None
    form.practitioner.setCurrentIndex(form.practitioner.findData(clinic.nurse_id))
    form.toggle_area("forehead")
    form.supervisor.setCurrentIndex(form.supervisor.findData(clinic.derm_id))
    assert form.save_draft_now()
    form.close()
    again = open_form(qtbot, db, user, Clinic(**{**clinic.__dict__, "client_id": second_client(db, owner)}))
    assert again.practitioner.currentData() == clinic.nurse_id


def test_restored_form_of_a_session_signed_meanwhile_does_not_touch_it(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("nose")
    assert form.save_draft_now()
    draft_id = form.session_id
    assert draft_id is not None
    form.close()
    sign_session(db, clinic.derm, draft_id)  # e.g. from another workstation
    again = open_form(qtbot, db, user, clinic)
    assert again.session_id is None and f"session {draft_id} was signed meanwhile" in again.panel.status.text()
    assert again.area_rows.codes() == ["nose"]


def test_an_autosave_of_a_newer_version_is_said_and_the_form_starts_empty(qtbot: QtBot, user: UserSession, db: Database,
                                                                          clinic: Clinic) -> None:

    save_form_draft(db, clinic.derm, form_key(clinic.client_id),
                    {"state_version": 3, "notes": "typed in a newer Clinic Log"})
    form = open_form(qtbot, db, user, clinic)
    assert form.notes.toPlainText() == "" and form.area_rows.rows == []
    assert form.panel.status.text() == (
        "What you typed last time could not be read (the stored form was written by a newer version of Clinic Log "
        "(form state version 3; this one reads up to 2)): the form starts empty.")


def test_failed_save_shows_why_and_keeps_the_form(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    form = open_form(qtbot, db, user, clinic)
    fill_everything(form, clinic)
    typed = form.state()

    def disk_full(action: object, attempts: int = 5) -> object:
        from sqlalchemy.exc import OperationalError
        raise translate_operational_error(OperationalError("INSERT", {}, sqlite3.OperationalError(
            "database or disk is full")))

    monkeypatch.setattr(db, "write", disk_full)
    assert not form.save_draft_now()
    assert "Not saved: the disk is full: nothing was saved" in form.panel.status.text()
    assert not form.sign()
    assert "Everything you typed is still in the form" in form.panel.status.text()
    assert form.isVisible() and form.state() == typed


def test_saving_right_after_typing_waits_for_the_autosave_on_its_way(qtbot: QtBot, user: UserSession, db: Database,
                                                                     clinic: Clinic,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An autosave of the notes half typed is still on the worker when Ctrl+S is pressed: the save waits for it,
    so the kept form draft and the saved draft session both hold every keystroke (as signing always did)."""
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("neck")
    form.area_rows.rows[0].depth.setText("0.5")
    keys = Keyboard(qtbot)
    form.notes.setFocus()
    keys.type("Calm")
    main = threading.current_thread()
    released = threading.Event()  # the worker's slow disk: its write lands once the save has returned (or 1 s)
    background_writes: list[str] = []
    write = db.write

    def slow_worker_write(action: Callable[..., object], attempts: int = 5) -> object:
        if threading.current_thread() is not main:
            released.wait(timeout=1)  # a save that waits for the worker gets it after this second
            background_writes.append("done")
        return write(action, attempts)

    monkeypatch.setattr(db, "write", slow_worker_write)
    form.autosave_now()  # the 400 ms pause in typing: "Calm" goes to the worker
    keys.type(", no redness")
    assert form.save_draft_now()
    released.set()
    qtbot.waitUntil(lambda: background_writes == ["done"])
    form.check_now()  # and whatever else was queued has run
    draft = load_form_draft(db, clinic.derm, form_key(clinic.client_id))
    assert draft is not None and draft.state == form.state().to_json()
    assert form.state().notes == "Calm, no redness"
    assert form.session_id is not None and get_session(db, form.session_id).notes == "Calm, no redness"
    form.notes.setPlainText("Calm, no redness.")
    assert form.save_draft_now(), form.panel.status.text()  # no "changed elsewhere" from the draft's version


def test_closing_right_after_typing_keeps_the_last_keystrokes_over_an_autosave_on_its_way(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> None:
    form = open_form(qtbot, db, user, clinic)
    keys = Keyboard(qtbot)
    form.notes.setFocus()
    keys.type("Calm")
    main = threading.current_thread()
    released = threading.Event()
    write = db.write

    def slow_worker_write(action: Callable[..., object], attempts: int = 5) -> object:
        if threading.current_thread() is not main:
            released.wait(timeout=1)  # a close that waits for the worker gets it after this second
        return write(action, attempts)

    monkeypatch.setattr(db, "write", slow_worker_write)
    form.autosave_now()  # "Calm" is on its way
    keys.type(", no redness")
    form.close()
    released.set()
    again = open_form(qtbot, db, user, clinic)
    assert again.notes.toPlainText() == "Calm, no redness"


@pytest.fixture
def controller(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> Iterator[SessionFormController]:
    """The controller alone (no form, no autosave) for the chairside client, acting as the dermatologist."""
    parent = QWidget()  # held until the test ends
    qtbot.addWidget(parent)
    yield SessionFormController(db, user, clinic.client_id, None, parent)


def test_a_physician_may_override_a_stop_but_not_one_about_her_own_credential(
        controller: SessionFormController, clinic: Clinic, user: UserSession) -> None:
    credential = Assessment((Problem(Level.STOP, "credential_expired", "practitioner", "licence GMC-1 expired"),))
    finding = Assessment((Problem(Level.STOP, "contraindication", "client", "Isotretinoin"),))
    assert controller.may_override(finding, clinic.derm_id)
    assert controller.may_override(credential, clinic.nurse_id)  # someone else's licence
    assert not controller.may_override(credential, clinic.derm_id)
    user.sign_in(clinic.nurse)
    assert not controller.may_override(finding, clinic.derm_id)


def test_signing_a_draft_changed_elsewhere_is_refused_and_says_what_is_kept(
        db: Database, controller: SessionFormController, clinic: Clinic) -> None:
    entry = session_entry(clinic, AreaInput("neck", 0.75, 2), notes="mine")
    assert controller.save_draft(entry).done
    assert controller.session_id is not None
    save_draft(db, clinic.derm, session_entry(clinic, notes="another workstation"), controller.session_id,
               controller.session_version)
    outcome = controller.sign(entry, None, None, ())
    assert not outcome.done and outcome.message.startswith("Not signed: ")
    assert outcome.message.endswith(". What you typed is still here.")
    assert get_session(db, controller.session_id).status == "draft" and not controller.finished


def test_a_warning_the_signer_was_not_shown_is_refused_and_the_form_checks_again(
        db: Database, controller: SessionFormController, clinic: Clinic) -> None:
    entry = session_entry(clinic, AreaInput("forehead", 1.0, 1))  # beyond the forehead's usual 0.25–0.5 mm
    before = count_sessions(db)
    outcome = controller.sign(entry, "thick skin", None, shown=())
    assert outcome == Outcome(False, "Not signed: the checks changed as you typed — look at them again, then sign.",
                              recheck=True)
    assert count_sessions(db) == before
