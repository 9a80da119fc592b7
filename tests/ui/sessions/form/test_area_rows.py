"""One row per chosen site (area_rows.py): depths kept as typed whatever the device, indication and tip, RF energy,
the range the checks use, Tab and Enter through the rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import Modality
from clinic_log.domain.values import AreaInput, AreaRef
from clinic_log.services.devices import devices
from clinic_log.services.devices.devices import DeviceView
from clinic_log.services.sessions.form_drafts import save_form_draft
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.area_rows import default_depth
from clinic_log.ui.sessions.form.session_form import SessionFormDialog, form_key
from tests.ui.session_form_helpers import SKINPEN_RANGE, Keyboard, checked, error_shown, open_form, type_into
from tests.unit.services.helpers import Clinic


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
    return devices.add_device(db, owner, "Morpheus8", "M8-1").id


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
    second = devices.add_device(db, owner, "Morpheus8", "M8-2").id
    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(first))
    form.toggle_area("cheeks")
    _choose(form, "tip", 0, "prime")
    form.device.setCurrentIndex(form.device.findData(second))
    row = form.area_rows.rows[0]
    assert row.tip.currentData() == "prime" and not row.note.isVisible()


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


def test_device_never_changes_a_typed_depth_and_enables_rf_energy_only_for_rf(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic) -> None:
    rf = devices.add_device(db, owner, "Morpheus8", "M8-1")
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("abdomen")
    row = form.area_rows.rows[0]
    assert row.depth.text() == "1.5" and row.depth.value() == 1.5  # middle of 1.0–2.0
    assert not row.rf_energy.isEnabled()  # SkinPen Precision
    row.depth.setText("3.5")  # beyond the SkinPen's 2.5 mm: kept, and the checks say so
    form.device.setCurrentIndex(form.device.findData(rf.id))
    assert row.depth.text() == "3.5" and row.rf_energy.isEnabled()
    row.rf_energy.setText("12.5")
    assert row.value() == AreaInput("abdomen", 3.5, 1, None, None, 12.5)
    form.device.setCurrentIndex(form.device.findData(clinic.device_id))
    assert row.depth.text() == "3.5"  # never moved into the SkinPen's range
    assert not row.rf_energy.isEnabled() and row.rf_energy.text() == "12.5"  # still shown, but not stored
    assert row.value() == AreaInput("abdomen", 3.5, 1, None, None, None)


@pytest.mark.parametrize(("typed", "mm"), [("2.75", 2.75), ("3", 3.0), ("3.2", 3.2), ("0.35", 0.35)])
def test_typed_depth_is_kept_exactly_as_typed(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, typed: str,
                                              mm: float) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("cheeks")
    row = form.area_rows.rows[0]
    type_into(qtbot, row.depth, typed)
    assert row.depth.text() == typed
    assert row.value().depth_mm == mm


def test_switching_to_a_shorter_device_keeps_the_typed_depth_and_shows_its_range(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic) -> None:
    dermapen = devices.add_device(db, owner, "Dermapen 4", "DP4-1")
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


def _device(low: float, high: float) -> DeviceView:
    return DeviceView(1, "PEN-1", "Some pen", Modality.MECHANICAL, low, high, True)


@pytest.mark.parametrize(("usual", "device", "mm"), [
    ((0.25, 0.5), None, 0.4),                   # the middle, 0.375, on the 0.05 mm grid
    ((1.0, 2.0), None, 1.5),
    ((0.25, 0.5), _device(0.5, 2.5), 0.5),      # a device that starts deeper: its shallowest
    ((1.0, 2.5), _device(0.25, 1.0), 1.0),      # a device that stops shorter: its deepest
])
def test_a_new_rows_depth_is_the_middle_of_the_usual_range_within_the_devices_reach(
        usual: tuple[float, float], device: DeviceView | None, mm: float) -> None:
    area = AreaRef("site", "Site", "face", *usual)
    assert default_depth(area, device) == mm
