"""The face and body map (face_map.py): body sites only, each shape hit at its centre, clicks choose and drop."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.paths import resources_dir
from clinic_log.ui.sessions.form.face_map import MAP_FILE, map_parts
from tests.ui.session_form_helpers import open_form
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


LEGACY_CODES = ("acne_scars", "scars", "stretch_marks")


BODY_SITES = ("abdomen", "thighs", "arms", "back", "buttocks", "hands")


def test_face_map_has_the_body_sites_and_no_indication_regions(qtbot: QtBot, db: Database, clinic: Clinic) -> None:
    parts = map_parts((resources_dir() / MAP_FILE).read_text(encoding="utf-8"))
    assert not set(LEGACY_CODES) & set(parts)
    assert set(BODY_SITES) <= set(parts)
    form = open_form(qtbot, db, clinic)
    for code in ("abdomen", "back", "buttocks", "arms"):
        qtbot.mouseClick(form.face_map, Qt.MouseButton.LeftButton, pos=form.face_map.area_center(code).toPoint())
    assert form.area_rows.codes() == ["abdomen", "back", "buttocks", "arms"]


def test_clicking_the_face_map_chooses_and_drops_areas(qtbot: QtBot, db: Database, clinic: Clinic) -> None:
    form = open_form(qtbot, db, clinic)
    for code in ("nose", "cheeks", "thighs"):
        qtbot.mouseClick(form.face_map, Qt.MouseButton.LeftButton, pos=form.face_map.area_center(code).toPoint())
    assert form.area_rows.codes() == ["nose", "cheeks", "thighs"]
    assert form.face_map.chosen == {"nose", "cheeks", "thighs"}
    qtbot.mouseClick(form.face_map, Qt.MouseButton.LeftButton, pos=form.face_map.area_center("nose").toPoint())
    assert form.area_rows.codes() == ["cheeks", "thighs"]
    checked_items = [form.picker.list.item(n).text() for n in range(form.picker.list.count())
                     if form.picker.list.item(n).checkState() == Qt.CheckState.Checked]
    assert [t.split("  ")[0] for t in checked_items] == ["Cheeks", "Thighs"]


def test_every_area_code_has_a_shape_on_the_map(qtbot: QtBot, db: Database, clinic: Clinic) -> None:
    form = open_form(qtbot, db, clinic)
    # every body site but "site not recorded" (only for records made before sites and indications were apart)
    assert sorted(form.face_map.area_codes) == sorted(a.code for a in form.choices.areas
                                                      if a.code != "site_not_recorded")
    for code in form.face_map.area_codes:  # each shape is hit at its own centre, not a neighbour's
        assert form.face_map.area_at(form.face_map.area_center(code)) == code
