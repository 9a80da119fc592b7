"""Sign, countersign and void from the session view; the History panel shows each version (amending is in
test_amend_dialog.py)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.sessions.sessions import log_session, save_draft
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.session_table_model import Column, SessionTableModel
from tests.ui.session_form_helpers import open_detail
from tests.unit.services.helpers import Clinic, make_clinic, session_entry


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)


def nurse_entry(clinic: Clinic) -> object:
    return session_entry(clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id,
                         supervisor_presence="on_site")


def test_a_supervised_session_awaits_the_named_physicians_countersignature(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> None:
    draft = save_draft(db, clinic.nurse, nurse_entry(clinic))  # type: ignore[arg-type]
    user.sign_in(clinic.nurse)
    dialog = open_detail(qtbot, user, db, draft.id)
    assert dialog.sign_button.isVisible() and not dialog.amend_button.isVisible()
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert "Awaiting countersignature by Dr Maria Brandt" in dialog.value_text("Status")
    assert not dialog.countersign_button.isVisible()  # the nurse cannot countersign herself

    user.sign_in(clinic.derm)
    dialog = open_detail(qtbot, user, db, draft.id)
    assert dialog.countersign_button.isVisible()
    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.countersign_button, Qt.MouseButton.LeftButton)
    assert "countersigned by mbrandt" in dialog.value_text("Status")
    assert not dialog.countersign_button.isVisible()
    assert [row[2] for row in dialog.history_rows()] == ["created", "signed", "countersigned"]


def test_the_owner_signs_over_an_expired_credential_only_with_a_reason(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, owner: Actor, raw: sqlite3.Connection,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with db.writing() as session:
        session.execute(text("UPDATE credentials SET expires_on = '2026-06-30' WHERE practitioner_id = :p"),
                        {"p": clinic.derm_id})
    draft = save_draft(db, clinic.derm, session_entry(clinic))
    user.sign_in(clinic.derm)
    refused: list[str] = []
    dialog = open_detail(qtbot, user, db, draft.id)
    monkeypatch.setattr(dialog, "tell", refused.append)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert refused and "own credential: the owner may" in refused[0]
    assert dialog.value_text("Status") == "Draft (not signed)"

    user.sign_in(owner)
    asked: list[str] = []
    dialog = open_detail(qtbot, user, db, draft.id)
    monkeypatch.setattr(dialog, "ask_reason", lambda title, text, action: asked.append(title) or None)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert asked == ["Override the stop"] and dialog.value_text("Status") == "Draft (not signed)"  # cancelled
    monkeypatch.setattr(dialog, "ask_reason", lambda title, text, action: "licence renewal confirmed by phone")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.value_text("Status").startswith("Signed by owner")
    assert raw.execute("SELECT reason, level, overridden_by FROM session_warnings WHERE session_id = ? "
                       "AND code = 'credential_expired'", (draft.id,)).fetchone() == (
        "licence renewal confirmed by phone", "stop", "owner")


def test_void_with_a_reason_marks_the_session_void_and_keeps_it(qtbot: QtBot, user: UserSession, db: Database,
                                                                clinic: Clinic, monkeypatch: pytest.MonkeyPatch,
                                                                raw: sqlite3.Connection) -> None:
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    user.sign_in(clinic.nurse)  # not hers, and she is no physician: no Amend or Void
    assert not open_detail(qtbot, user, db, signed.id).void_button.isVisible()
    user.sign_in(clinic.derm)
    detail = open_detail(qtbot, user, db, signed.id)
    monkeypatch.setattr(detail, "ask_reason", lambda title, text, action: "entered for the wrong client")
    qtbot.mouseClick(detail.void_button, Qt.MouseButton.LeftButton)
    assert detail.value_text("Status") == "VOID — voided by mbrandt: entered for the wrong client"
    assert detail.windowTitle().endswith("— VOID")
    assert detail.history_rows()[-1][1:] == ["mbrandt", "VOID", "signed → void", "entered for the wrong client"]
    assert not detail.amend_button.isVisible() and not detail.void_button.isVisible()
    assert raw.execute("SELECT void_reason FROM sessions WHERE id = ?", (signed.id,)).fetchone() == (
        "entered for the wrong client",)
    model = SessionTableModel(db)  # the history list marks it too
    assert [model.data(model.index(r, Column.STATUS)) for r in range(model.rowCount())
            if model.session_id(r) == signed.id] == ["VOID"]
