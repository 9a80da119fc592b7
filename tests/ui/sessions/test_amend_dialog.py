"""Amending a signed session (amend_dialog.py): a field or a late complication with a required reason, refusals
with their reason and nothing stored; the reason dialog keeps what is typed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QPushButton
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.values import AreaInput
from clinic_log.services.sessions.form_drafts import load_form_draft
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.amend_dialog import AmendDialog, ReasonDialog, targets
from tests.ui.dialogs import opens
from tests.ui.session_form_helpers import amend_signed_cheeks, open_detail
from tests.unit.services.helpers import Clinic, make_clinic, session_entry


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)


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


def test_an_amendment_refuses_nan_with_its_reason_and_asks_for_a_reason_for_a_new_warning(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, clinic: Clinic) -> None:
    signed_id, view, dialog = amend_signed_cheeks(qtbot, db, user, clinic)
    dialog.choose("Cheeks: depth (mm)")
    qtbot.keyClicks(dialog.reason_edit, "pen display misread")
    for typed in ("nan", "1e309"):
        dialog.value_edit.setText(typed)
        dialog.save()
        assert f"depth_mm: '{typed}' is not allowed" in dialog.error_label.text()
        assert dialog.isVisible()
    dialog.value_edit.setText("1,75")
    dialog.save()
    assert "Cheeks 1.75 mm is outside the usual" in dialog.error_label.text()
    assert dialog.warnings_edit.isVisible() and dialog.isVisible()
    dialog.warnings_edit.setPlainText("deep atrophic scars on both cheeks")
    with qtbot.waitSignal(view.changed):
        dialog.save()
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT depth_mm FROM session_areas WHERE session_id = ?", (signed_id,)).fetchone() \
            == (1.75,)
        assert con.execute("SELECT reason FROM session_warnings WHERE session_id = ? AND code = 'depth_area'",
                           (signed_id,)).fetchone() == ("deep atrophic scars on both cheeks",)


def test_every_amendable_field_is_offered_with_its_current_value_then_a_late_complication(
        db: Database, clinic: Clinic) -> None:
    signed = log_session(db, clinic.derm, session_entry(clinic, AreaInput("cheeks", 0.75, 2), notes="calm",
                                                        course_index=1, course_total=3), sign=True)
    offered = [(label, target.current) for label, target in targets(get_session(db, signed.id))]
    assert offered[:4] == [("Notes", "calm"), ("Skin response", ""), ("Course: session number", "1"),
                           ("Course: sessions planned", "3")]
    assert offered[4:11] == [("Cheeks: depth (mm)", "0.75"), ("Cheeks: passes", "2"), ("Cheeks: technique", ""),
                             ("Cheeks: endpoint", ""), ("Cheeks: site", "cheeks"), ("Cheeks: indication", ""),
                             ("Cheeks: tip", "")]
    assert offered[11:] == [("Add a late complication", "")]


def test_a_late_complication_without_a_type_chosen_is_refused_and_nothing_is_stored(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, raw: sqlite3.Connection) -> None:
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    user.sign_in(clinic.derm)
    detail = open_detail(qtbot, user, db, signed.id)  # held: the dialog is its child
    dialog = detail.amend()
    assert isinstance(dialog, AmendDialog)
    dialog.choose("Add a late complication")
    assert dialog.complication_combo.currentText() == "Choose the type…"  # no type is chosen for the user
    qtbot.keyClicks(dialog.grade_edit, "1")
    qtbot.keyClicks(dialog.reason_edit, "follow-up call day 3")
    dialog.save()
    assert dialog.error_label.text() == "Not saved: complications[1].type: complication 1: choose the complication type"
    assert dialog.isVisible()
    assert raw.execute("SELECT count(*) FROM complications WHERE session_id = ?", (signed.id,)).fetchone() == (0,)


def test_the_reason_dialog_refuses_a_blank_reason_and_keeps_a_given_one_trimmed(qtbot: QtBot) -> None:
    dialog = ReasonDialog("Void session", "Why is this session void?", "Void session")
    qtbot.addWidget(dialog)
    dialog.show()
    void = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Void session")
    dialog.reason_edit.setPlainText("   ")
    qtbot.mouseClick(void, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "Reason: required; say why, it is kept with the record."
    assert dialog.isVisible() and dialog.reason == ""
    dialog.reason_edit.setPlainText("  entered for the wrong client \n")
    qtbot.mouseClick(void, Qt.MouseButton.LeftButton)
    assert dialog.result() == ReasonDialog.DialogCode.Accepted and dialog.reason == "entered for the wrong client"
