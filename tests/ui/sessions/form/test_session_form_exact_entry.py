"""What is typed in the session form is what is stored, or it is refused with a visible reason (issue 14).

Depths, passes, RF energy and the numbing cream's contact time are never clamped, rounded or replaced; a value the
services refuse (beyond the device's range, 25 passes) or that cannot be read at all (an empty depth) is shown in the
Checks panel and blocks signing. (The rows' own promises are in test_area_rows.py, the contact time in
test_products_section.py, complications in test_complications_section.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.services.sessions.session_form_state import SessionFormState
from clinic_log.services.sessions.session_queries import count_sessions
from clinic_log.ui.common.user_session import UserSession
from tests.ui.session_form_helpers import SKINPEN_RANGE, Keyboard, checked, error_shown, open_form, stored, type_into
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside



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
