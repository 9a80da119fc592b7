"""Sites, indications and tips in the session form (issue 17): the map shows body sites only, a row records why a
site is treated and which tip was used, a device change never drops a tip unseen, a legacy autosave opens mapped."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.values import AreaInput
from clinic_log.paths import resources_dir
from clinic_log.services.people import people
from clinic_log.services.sessions.form_drafts import save_form_draft
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.face_map import MAP_FILE, map_parts
from clinic_log.ui.sessions.form.session_form import SessionFormDialog, form_key
from tests.ui.session_form_helpers import Keyboard, checked, open_form
from tests.unit.services.helpers import Clinic

LEGACY_CODES = ("acne_scars", "scars", "stretch_marks")
BODY_SITES = ("abdomen", "thighs", "arms", "back", "buttocks", "hands")


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def _choose(form: SessionFormDialog, combo_name: str, row: int, data: object) -> None:
    combo = getattr(form.area_rows.rows[row], combo_name)
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered in {combo.accessibleName()}"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # as a user's choice does


def _morpheus(db: Database, owner: Actor) -> int:
    return people.add_device(db, owner, "Morpheus8", "M8-1").id


def test_face_map_has_the_body_sites_and_no_indication_regions(qtbot: QtBot, user: UserSession, db: Database,
                                                               clinic: Clinic) -> None:
    parts = map_parts((resources_dir() / MAP_FILE).read_text(encoding="utf-8"))
    assert not set(LEGACY_CODES) & set(parts)
    assert set(BODY_SITES) <= set(parts)
    form = open_form(qtbot, db, user, clinic)
    for code in ("abdomen", "back", "buttocks", "arms"):
        qtbot.mouseClick(form.face_map, Qt.MouseButton.LeftButton, pos=form.face_map.area_center(code).toPoint())
    assert form.area_rows.codes() == ["abdomen", "back", "buttocks", "arms"]


def test_indication_and_tip_chosen_end_up_in_the_session_input(qtbot: QtBot, user: UserSession, db: Database,
                                                               owner: Actor, clinic: Clinic) -> None:
    device_id = _morpheus(db, owner)
    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(device_id))
    form.toggle_area("cheeks")
    row = form.area_rows.rows[0]
    assert row.tip.isVisible()
    assert [row.tip.itemText(n) for n in range(row.tip.count())] == [
        "—", "Prime (12 pins) 0.5–3.0 mm", "Facial (24 pins) 0.5–4.0 mm", "Body (40 pins) 1.0–7.0 mm"]
    assert form.area_rows.headers[7].text() == "<b>Energy (level)</b>"
    assert row.rf_energy.accessibleName() == "Cheeks energy (level)"
    _choose(form, "indication", 0, "acne_scars")
    _choose(form, "tip", 0, "facial")
    row.depth.setText("2")
    row.rf_energy.setText("20")
    entry = form.entry()
    assert entry is not None
    assert entry.areas == (AreaInput("cheeks", 2.0, 1, None, None, 20.0, indication="acne_scars", tip="facial"),)
    assert form.state().areas[0].indication == "acne_scars"
    assert form.state().areas[0].tip == "facial"


def test_blank_indication_and_tip_are_none_recorded(qtbot: QtBot, user: UserSession, db: Database, owner: Actor,
                                                    clinic: Clinic) -> None:
    device_id = _morpheus(db, owner)
    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(device_id))
    form.toggle_area("neck")
    value = form.area_rows.rows[0].value()
    assert value is not None and value.indication is None and value.tip is None


def test_a_device_without_the_tip_clears_it_and_the_row_says_so(qtbot: QtBot, user: UserSession, db: Database,
                                                                owner: Actor, clinic: Clinic) -> None:
    device_id = _morpheus(db, owner)
    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(device_id))
    form.toggle_area("abdomen")
    _choose(form, "tip", 0, "body")
    row = form.area_rows.rows[0]
    assert not row.note.isVisible()
    form.device.setCurrentIndex(form.device.findData(clinic.device_id))  # the SkinPen: no tips
    assert row.value() is not None and row.value().tip is None  # type: ignore[union-attr]
    assert not row.tip.isVisible() and not form.area_rows.headers[6].isVisible()
    assert row.note.isVisible()
    assert row.note.text() == "Tip Body (40 pins) 1.0–7.0 mm cleared: the SkinPen Precision has no tips"
    assert form.area_rows.headers[7].text() == "<b>RF energy</b>"
    form.device.setCurrentIndex(form.device.findData(device_id))
    assert row.tip.currentData() is None and row.note.isVisible()  # not chosen again behind the user's back
    _choose(form, "tip", 0, "body")
    assert not row.note.isVisible()  # a tip chosen again settles it


def test_a_tip_the_model_keeps_survives_a_device_change(qtbot: QtBot, user: UserSession, db: Database, owner: Actor,
                                                        clinic: Clinic) -> None:
    first = _morpheus(db, owner)
    second = people.add_device(db, owner, "Morpheus8", "M8-2").id
    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(first))
    form.toggle_area("cheeks")
    _choose(form, "tip", 0, "prime")
    form.device.setCurrentIndex(form.device.findData(second))
    row = form.area_rows.rows[0]
    assert row.tip.currentData() == "prime" and not row.note.isVisible()


def test_legacy_autosave_opens_as_the_indication_on_its_site_with_a_note(qtbot: QtBot, user: UserSession, db: Database,
                                                                          clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    state = {"practitioner_id": clinic.derm_id, "areas": [  # as the form stored it before its state had a version
        {"code": "acne_scars", "depth": "1.5", "passes": "3", "technique": None, "endpoint": "", "rf_energy": ""},
        {"code": "forehead", "depth": "0.4", "passes": "1", "technique": None, "endpoint": "", "rf_energy": ""}]}
    form.close()
    save_form_draft(db, clinic.derm, form_key(clinic.client_id), state)
    again = open_form(qtbot, db, user, clinic)
    assert again.area_rows.codes() == ["cheeks", "forehead"]
    row = again.area_rows.rows[0]
    assert row.indication.currentData() == "acne_scars"
    assert row.depth.text() == "1.5" and row.passes.text() == "3"  # as typed
    assert row.note.isVisible() and row.note.text() == "read as Acne scars (atrophic) on Cheeks: check the site"
    assert not again.area_rows.rows[1].note.isVisible()
    assert again.face_map.chosen == {"cheeks", "forehead"}
    entry = again.entry()
    assert entry is not None and entry.areas[0] == AreaInput("cheeks", 1.5, 3, indication="acne_scars")
    # the note is kept with the form: closing and opening again still shows it
    assert again.state().areas[0].notes == (("legacy", "read as Acne scars (atrophic) on Cheeks: check the site"),)


def test_an_area_code_not_on_record_is_named_not_dropped_unseen(qtbot: QtBot, user: UserSession, db: Database,
                                                                clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    state = {**form.state().to_json(), "areas": [{"area_code": "elbows", "depth_mm": "1", "passes": "1"}]}
    form.close()
    save_form_draft(db, clinic.derm, form_key(clinic.client_id), state)
    again = open_form(qtbot, db, user, clinic)
    assert again.area_rows.codes() == []
    assert "Not restored: area 'elbows'" in again.panel.status.text()


def test_a_body_tip_on_the_face_is_shown_at_the_row(qtbot: QtBot, user: UserSession, db: Database, owner: Actor,
                                                    clinic: Clinic, db_path: Path) -> None:
    device_id = _morpheus(db, owner)
    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(device_id))
    form.toggle_area("forehead")
    form.toggle_area("cheeks")
    form.area_rows.rows[0].depth.setText("1")
    form.area_rows.rows[1].depth.setText("2")
    _choose(form, "tip", 1, "body")
    checked(qtbot, form, lambda: any("made for the body" in m for m in form.panel.messages()))
    marked = form.area_rows.rows[1].tip
    assert "made for the body" in str(marked.property("problem"))
    assert "made for the body" in marked.toolTip()
    assert form.area_rows.rows[0].tip.property("problem") is None
    _choose(form, "tip", 1, "facial")
    checked(qtbot, form, lambda: not any("made for the body" in m for m in form.panel.messages()))
    assert marked.property("problem") is None


def test_tab_goes_through_a_row_left_to_right_with_the_tip_and_energy(qtbot: QtBot, user: UserSession, db: Database,
                                                                      owner: Actor, clinic: Clinic) -> None:
    device_id = _morpheus(db, owner)
    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(device_id))
    form.toggle_area("cheeks")
    form.toggle_area("neck")
    first, second = form.area_rows.rows
    keys = Keyboard(qtbot)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    first.depth.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first.depth)
    seen = []
    for _ in range(9):
        keys.press(Qt.Key.Key_Tab)
        seen.append(keys.focus())
    assert seen == [first.passes, first.technique, first.endpoint, first.indication, first.tip, first.rf_energy,
                    first.remove, second.depth, second.passes]


def test_an_unknown_indication_or_tip_in_an_autosave_is_said_on_the_row(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic) -> None:
    device_id = _morpheus(db, owner)
    form = open_form(qtbot, db, user, clinic)
    state = {**form.state().to_json(), "device_id": device_id, "areas": [
        {"area_code": "cheeks", "depth_mm": "1", "passes": "1", "indication": "freckles", "tip": "mega"}]}
    form.close()
    save_form_draft(db, clinic.derm, form_key(clinic.client_id), state)
    again = open_form(qtbot, db, user, clinic)
    row = again.area_rows.rows[0]
    assert row.indication.currentData() is None and row.tip.currentData() is None
    assert row.note.isVisible()
    assert "Indication 'freckles' is not on record" in row.note.text()
    assert "Tip 'mega' is not a tip of the device chosen" in row.note.text()


def test_the_row_says_the_range_the_checks_use_for_its_device_and_indication(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic) -> None:
    """Cheeks are 0.5–1 mm with a pen, 1–3 mm with RF; acne scars have their own range in both (the caption used to
    say the pen's site range whatever the device or indication, so 1.75 mm on acne scars looked out of range)."""
    morpheus = _morpheus(db, owner)
    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(clinic.device_id))  # the SkinPen
    form.toggle_area("cheeks")
    row = form.area_rows.rows[0]
    assert row.label.text() == "Cheeks\n(usual 0.5–1 mm)"
    _choose(form, "indication", 0, "acne_scars")
    assert row.label.text() == "Cheeks\n(usual 1.5–2 mm, indication)"
    form.device.setCurrentIndex(form.device.findData(morpheus))
    assert row.label.text() == "Cheeks\n(usual RF 1.5–3.5 mm, indication)"
    _choose(form, "indication", 0, None)
    assert row.label.text() == "Cheeks\n(usual RF 1–3 mm)"
