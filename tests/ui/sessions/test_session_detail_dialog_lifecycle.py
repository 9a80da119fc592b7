"""Sign, countersign, amend and void from the session view; the History panel shows each version."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.sessions.form_drafts import load_form_draft
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.services.sessions.sessions import log_session, save_draft
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.amend_dialog import AmendDialog, ReasonDialog
from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog
from clinic_log.ui.sessions.session_table_model import Column, SessionTableModel
from tests.ui.dialogs import opens
from tests.unit.services.helpers import Clinic, make_clinic, session_entry


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)


def open_detail(qtbot: QtBot, user: UserSession, db: Database, session_id: int) -> SessionDetailDialog:
    dialog = SessionDetailDialog(get_session(db, session_id), db=db, user=user)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


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


def test_amend_needs_a_reason_and_the_history_shows_old_and_new(qtbot: QtBot, user: UserSession, db: Database,
                                                                clinic: Clinic, raw: sqlite3.Connection) -> None:
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    user.sign_in(clinic.derm)
    detail = open_detail(qtbot, user, db, signed.id)
    assert detail.amend_button.isVisible() and detail.void_button.isVisible()
    with opens(qtbot, AmendDialog, detail) as opened:
        qtbot.mouseClick(detail.amend_button, Qt.MouseButton.LeftButton)
    dialog = opened.widget
    dialog.choose("Cheeks: depth (mm)")
    assert dialog.current_label.text() == "0.75"
    dialog.value_edit.setText("1.0")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "reason: (empty) is not allowed; a reason for the amendment is required" in dialog.error_label.text()
    assert raw.execute("SELECT count(*) FROM amendments").fetchone() == (0,)
    qtbot.keyClicks(dialog.reason_edit, "depth misread from the pen display")
    with qtbot.waitSignal(detail.changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [row] = [r for r in detail.history_rows() if r[2].endswith("depth mm")]
    assert row[1:] == ["mbrandt", row[2], "0.75 → 1.0", "depth misread from the pen display"]
    assert "1.00 mm" in [detail.areas_table.item(r, 1).text() for r in range(detail.areas_table.rowCount())]


def test_a_late_complication_is_added_as_an_amendment(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic,
                                                      raw: sqlite3.Connection) -> None:
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    user.sign_in(clinic.derm)
    detail = open_detail(qtbot, user, db, signed.id)
    dialog = detail.amend()
    assert isinstance(dialog, AmendDialog)
    dialog.choose("Add a late complication")
    dialog.complication_combo.setCurrentIndex(dialog.complication_combo.findData("infection"))
    qtbot.keyClicks(dialog.grade_edit, "2")
    qtbot.keyClicks(dialog.reason_edit, "follow-up call day 3")
    dialog.save()
    assert raw.execute("SELECT code, grade, added_by_amendment FROM complications WHERE session_id = ?",
                       (signed.id,)).fetchall() == [("infection", 2, 1)]
    assert "added later by amendment" in detail.value_text("Complications")


@pytest.mark.parametrize(("code", "typed", "said"), [
    ("pih", "3", "CTCAE grade 1 to 2 for pih"),   # above the term's highest: refused by the rules, kept as typed
    ("infection", "7", "CTCAE grade 1 to 5"),
    ("infection", "", "enter a CTCAE grade"),    # no default grade: the one signed is the one typed
    ("infection", "2.5", "2.5"),
])
def test_a_late_complications_grade_is_kept_as_typed_and_refused_with_its_reason(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, raw: sqlite3.Connection, code: str, typed: str,
        said: str) -> None:
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    user.sign_in(clinic.derm)
    detail = open_detail(qtbot, user, db, signed.id)
    dialog = detail.amend()
    assert isinstance(dialog, AmendDialog)
    dialog.choose("Add a late complication")
    dialog.complication_combo.setCurrentIndex(dialog.complication_combo.findData(code))
    qtbot.keyClicks(dialog.grade_edit, typed)
    qtbot.keyClicks(dialog.reason_edit, "follow-up call day 3")
    dialog.save()
    assert dialog.grade_edit.text() == typed
    assert "Not saved" in dialog.error_label.text() and said in dialog.error_label.text()
    assert raw.execute("SELECT COUNT(*) FROM complications WHERE session_id = ?", (signed.id,)).fetchone() == (0,)


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


def _when_reason_dialog_opens(qtbot: QtBot, act: Callable[[ReasonDialog], None]) -> None:
    """Run `act` on the modal reason dialog once its own event loop is running."""
    def find_and_act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ReasonDialog):
            QTimer.singleShot(20, find_and_act)
            return
        act(dialog)
    QTimer.singleShot(0, find_and_act)


def test_a_void_reason_being_typed_comes_back_after_a_crash(qtbot: QtBot, user: UserSession, db: Database,
                                                            clinic: Clinic, raw: sqlite3.Connection) -> None:
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    user.sign_in(clinic.derm)
    detail = open_detail(qtbot, user, db, signed.id)
    key = f"reason:Void session:{signed.id}"

    def type_then_die(dialog: ReasonDialog) -> None:
        dialog.reason_edit.setPlainText("Duplicate of the session logged at 09:30 by reception's mistake")
        qtbot.waitUntil(lambda: load_form_draft(db, clinic.derm, key) is not None, timeout=5000)
        QDialog.done(dialog, QDialog.DialogCode.Rejected)  # gone without Cancel: as when the app is killed
    _when_reason_dialog_opens(qtbot, type_then_die)
    qtbot.mouseClick(detail.void_button, Qt.MouseButton.LeftButton)
    assert raw.execute("SELECT status FROM sessions WHERE id = ?", (signed.id,)).fetchone() == ("signed",)

    seen: list[str] = []

    def check_and_void(dialog: ReasonDialog) -> None:
        seen.extend([dialog.reason_edit.toPlainText(), dialog.note_label.text()])
        qtbot.mouseClick(next(b for b in dialog.findChildren(QPushButton) if b.text() == "Void session"),
                         Qt.MouseButton.LeftButton)
    _when_reason_dialog_opens(qtbot, check_and_void)
    qtbot.mouseClick(detail.void_button, Qt.MouseButton.LeftButton)
    assert seen[0] == "Duplicate of the session logged at 09:30 by reception's mistake"
    assert seen[1].startswith("Restored what you typed at ")
    assert raw.execute("SELECT void_reason FROM sessions WHERE id = ?", (signed.id,)).fetchone() == (seen[0],)
    assert load_form_draft(db, clinic.derm, key) is None  # given: nothing left to offer again


def test_an_areas_site_is_amended_in_the_dialog_and_an_unknown_one_is_refused(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, raw: sqlite3.Connection) -> None:
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    user.sign_in(clinic.derm)
    detail = open_detail(qtbot, user, db, signed.id)
    with opens(qtbot, AmendDialog, detail) as opened:
        qtbot.mouseClick(detail.amend_button, Qt.MouseButton.LeftButton)
    dialog = opened.widget
    dialog.choose("Forehead: site")
    assert dialog.current_label.text() == "forehead" and "body site code" in dialog.value_edit.placeholderText()
    qtbot.keyClicks(dialog.reason_edit, "entered on the wrong site: it was the nose")
    dialog.value_edit.setText("elbow")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "'elbow' is not an area" in dialog.error_label.text()
    assert raw.execute("SELECT count(*) FROM amendments").fetchone() == (0,)
    dialog.value_edit.setText("nose")
    with qtbot.waitSignal(detail.changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert raw.execute("SELECT field, old_value, new_value FROM amendments").fetchall() == [
        ("area_code", "forehead", "nose")]
