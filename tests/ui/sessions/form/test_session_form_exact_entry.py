"""What is typed in the session form is what is stored, or it is refused with a visible reason (issue 14).

Depths, passes, RF energy and the numbing cream's contact time are never clamped, rounded or replaced; a value the
services refuse (beyond the device's range, 25 passes) or that cannot be read at all (an empty depth) is shown in the
Checks panel and blocks signing. A new complication has no type until one is chosen, and Alt+C shows it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.people import people
from clinic_log.services.sessions.session_form_state import SessionFormState
from clinic_log.services.sessions.session_queries import count_sessions
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.session_form import SessionFormDialog
from tests.ui.session_form_helpers import Keyboard, checked, open_form, stored
from tests.unit.services.helpers import Clinic

SKINPEN_RANGE = "is outside the SkinPen Precision's range 0.25–2.5 mm"


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside



def type_into(qtbot: QtBot, field: QWidget, text: str) -> None:
    """Replace what `field` holds by typing `text` (ASCII), as a user who selected it all would."""
    field.setFocus()
    field.selectAll()  # type: ignore[attr-defined]
    QTest.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def error_shown(form: SessionFormDialog, text: str) -> bool:
    return f"Error: {text}" in form.panel.messages()


def test_depth_beyond_device_max_is_kept_and_blocks_signing(qtbot: QtBot, user: UserSession, db: Database,
                                                            clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    depth = form.area_rows.rows[0].depth
    type_into(qtbot, depth, "2.6")
    assert depth.text() == "2.6"
    assert form.area_rows.values()[0].depth_mm == 2.6
    checked(qtbot, form, lambda: error_shown(form, f"Forehead 2.6 mm {SKINPEN_RANGE}"))
    assert not form.sign_button.isEnabled()
    before = count_sessions(db)
    assert not form.sign()
    assert count_sessions(db) == before and depth.text() == "2.6"


@pytest.mark.parametrize(("typed", "mm"), [("2.75", 2.75), ("3", 3.0), ("3.2", 3.2), ("0.35", 0.35)])
def test_typed_depth_is_kept_exactly_as_typed(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, typed: str,
                                              mm: float) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("cheeks")
    row = form.area_rows.rows[0]
    type_into(qtbot, row.depth, typed)
    assert row.depth.text() == typed
    assert row.value().depth_mm == mm


def test_depth_with_a_decimal_comma_is_stored_as_that_number(qtbot: QtBot, user: UserSession, db: Database,
                                                             db_path: Path, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    type_into(qtbot, form.area_rows.rows[0].depth, "0,5")
    qtbot.waitUntil(form.isActiveWindow)
    with qtbot.waitSignal(form.draft_saved) as saved:
        qtbot.keyClick(form.area_rows.rows[0].depth, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert stored(db_path, "SELECT area_code, depth_mm FROM session_areas WHERE session_id = ?",
                  saved.args[0]) == [("forehead", 0.5)]
    assert form.area_rows.rows[0].depth.text() == "0,5"


def test_switching_to_a_shorter_device_keeps_the_typed_depth_and_shows_its_range(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic) -> None:
    dermapen = people.add_device(db, owner, "Dermapen 4", "DP4-1")
    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(dermapen.id))
    form.toggle_area("abdomen")
    depth = form.area_rows.rows[0].depth
    type_into(qtbot, depth, "2.8")
    form.device.setCurrentIndex(form.device.findData(clinic.device_id))  # the SkinPen: 0.25–2.5 mm
    assert depth.text() == "2.8"
    assert form.area_rows.values()[0].depth_mm == 2.8
    checked(qtbot, form, lambda: error_shown(form, f"Abdomen 2.8 mm {SKINPEN_RANGE}"))
    assert not form.sign_button.isEnabled()


def test_passes_beyond_twenty_are_kept_and_refused_by_the_checks(qtbot: QtBot, user: UserSession, db: Database,
                                                                 clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    passes = form.area_rows.rows[0].passes
    type_into(qtbot, passes, "25")
    assert passes.text() == "25"
    checked(qtbot, form, lambda: error_shown(form, "Forehead: 25 passes is not allowed; 1 to 20 passes"))
    assert not form.sign_button.isEnabled()


def test_empty_depth_is_named_in_the_checks_and_blocks_signing_and_saving(qtbot: QtBot, user: UserSession, db: Database,
                                                                          clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    form.toggle_area("cheeks")
    type_into(qtbot, form.area_rows.rows[1].depth, "")
    assert form.area_rows.rows[1].depth.text() == ""
    checked(qtbot, form, lambda: any(m.startswith("Error: Cheeks depth: enter a depth")
                                     for m in form.panel.messages()))
    assert not form.sign_button.isEnabled()
    assert [a.area_code for a in form.area_rows.values()] == ["forehead"]  # the form shows the problem instead
    before = count_sessions(db)
    assert not form.sign()
    assert "Not signed" in form.panel.status.text() and "Cheeks depth" in form.panel.status.text()
    assert not form.save_draft_now()
    assert "Not saved" in form.panel.status.text() and "Cheeks depth" in form.panel.status.text()
    assert count_sessions(db) == before


def test_typed_depth_text_survives_closing_and_reopening_the_form(qtbot: QtBot, user: UserSession, db: Database,
                                                                 clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    type_into(qtbot, form.area_rows.rows[0].depth, "2,6")
    form.close()  # no save pressed: the autosave keeps it
    again = open_form(qtbot, db, user, clinic)
    assert again.area_rows.rows[0].depth.text() == "2,6"
    assert again.area_rows.values()[0].depth_mm == 2.6


def test_numbers_autosaved_by_the_previous_version_are_restored(qtbot: QtBot, user: UserSession, db: Database,
                                                                clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.restore(SessionFormState.from_json({"areas": [{"code": "nose", "depth": 0.3, "passes": 2, "rf_energy": 0.0}],
                                             "products": {"numbing": True, "contact": 25}}))
    row = form.area_rows.rows[0]
    assert (row.depth.text(), row.passes.text()) == ("0.3", "2")
    assert form.products.contact.text() == "25"


def test_enter_in_a_depth_goes_to_the_next_depth_and_from_the_last_back_to_the_area_box(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    for code in ("forehead", "cheeks"):
        form.toggle_area(code)
    first, second = (row.depth for row in form.area_rows.rows)
    first.setFocus()
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_Return)
    assert keys.focus() is second and second.selectedText() == second.text()
    keys.press(Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert keys.focus() is form.picker.filter_edit


def test_contact_time_is_kept_as_typed_and_a_bad_one_is_named(qtbot: QtBot, user: UserSession, db: Database,
                                                              db_path: Path, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    form.products.numbing.setChecked(True)
    type_into(qtbot, form.products.contact, "4.5")
    assert form.products.contact.text() == "4.5"
    checked(qtbot, form, lambda: any(m.startswith("Error: Contact time: '4.5' is not allowed")
                                     for m in form.panel.messages()))
    assert not form.sign_button.isEnabled()
    type_into(qtbot, form.products.contact, "150")
    assert form.save_draft_now()
    assert stored(db_path, "SELECT name, contact_minutes FROM session_products WHERE session_id = ?",
                  form.session_id) == [("Numbing cream", 150)]


def test_alt_c_shows_the_new_complication_and_focuses_its_type_which_is_not_chosen(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    for code in ("forehead", "cheeks", "neck"):
        form.toggle_area(code)
    form.area_rows.rows[0].depth.setFocus()
    viewport = form.form_scroll.viewport()
    assert form.complications.add_button.mapTo(viewport, QPoint(0, 0)).y() > viewport.height()  # below the fold
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(form.complications.rows))  # a mnemonic "animates" the button's click
    kind = form.complications.rows[0].kind
    assert keys.focus() is kind
    qtbot.waitUntil(lambda: viewport.rect().contains(QRect(kind.mapTo(viewport, QPoint(0, 0)), kind.size())))
    assert kind.currentData() is None and kind.currentText() == "Choose the type…"
    assert form.complications.rows[0].value().code == ""


def test_typing_the_first_letters_of_a_type_chooses_it_and_sets_expected(qtbot: QtBot, user: UserSession, db: Database,
                                                                        clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    row = form.complications.add()
    assert row.kind.currentData() is None
    QTest.keyClicks(row.kind, "po")
    assert row.kind.currentData() == "pih"
    assert row.expected.currentText() == "unexpected"  # the box follows the type chosen


def test_complication_without_a_type_comes_back_without_one(qtbot: QtBot, user: UserSession, db: Database,
                                                            clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.complications.add().action.setText("cool compress")
    form.close()
    again = open_form(qtbot, db, user, clinic)
    row = again.complications.rows[0]
    assert row.kind.currentData() is None and row.action.text() == "cool compress"


def test_three_areas_with_typed_depths_and_a_complication_take_at_most_30_key_presses(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    keys = Keyboard(qtbot)
    for start in ("fo", "ch", "ne"):
        keys.type(start)
        keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Tab, times=2)  # the area list, then the forehead's depth
    assert keys.focus() is form.area_rows.rows[0].depth
    keys.type("0.4")
    keys.press(Qt.Key.Key_Return)
    assert keys.focus() is form.area_rows.rows[1].depth
    keys.type("1")
    keys.press(Qt.Key.Key_Return)
    keys.type("0,8")
    keys.press(Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Alt+C: add a complication
    qtbot.waitUntil(lambda: bool(form.complications.rows))
    assert keys.focus() is form.complications.rows[0].kind
    keys.type("e")  # Erythema (redness), an expected one
    with qtbot.waitSignal(form.signed) as signed:
        keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert keys.presses <= 30, keys.presses
    assert stored(db_path, "SELECT area_code, depth_mm FROM session_areas WHERE session_id = ? ORDER BY id",
                  signed.args[0]) == [("forehead", 0.4), ("cheeks", 1.0), ("neck", 0.8)]
    assert stored(db_path, "SELECT code, expected FROM complications WHERE session_id = ?",
                  signed.args[0]) == [("erythema", 1)]
