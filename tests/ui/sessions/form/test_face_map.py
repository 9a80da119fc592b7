"""The face and body map (face_map.py): body sites only, each shape hit at its centre, clicks choose and drop."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.paths import resources_dir
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.face_map import CHOSEN_FILL, MAP_FILE, FaceMap, map_parts
from tests.ui.session_form_helpers import open_form
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


LEGACY_CODES = ("acne_scars", "scars", "stretch_marks")


BODY_SITES = ("abdomen", "thighs", "arms", "back", "buttocks", "hands")


def test_face_map_has_the_body_sites_and_no_indication_regions(qtbot: QtBot, user: UserSession, db: Database,
                                                               clinic: Clinic) -> None:
    parts = map_parts((resources_dir() / MAP_FILE).read_text(encoding="utf-8"))
    assert not set(LEGACY_CODES) & set(parts)
    assert set(BODY_SITES) <= set(parts)
    form = open_form(qtbot, db, user, clinic)
    for code in ("abdomen", "back", "buttocks", "arms"):
        qtbot.mouseClick(form.face_map, Qt.MouseButton.LeftButton, pos=form.face_map.area_center(code).toPoint())
    assert form.area_rows.codes() == ["abdomen", "back", "buttocks", "arms"]


def test_clicking_the_face_map_chooses_and_drops_areas(qtbot: QtBot, user: UserSession, db: Database,
                                                       clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    for code in ("nose", "cheeks", "thighs"):
        qtbot.mouseClick(form.face_map, Qt.MouseButton.LeftButton, pos=form.face_map.area_center(code).toPoint())
    assert form.area_rows.codes() == ["nose", "cheeks", "thighs"]
    assert form.face_map.chosen == {"nose", "cheeks", "thighs"}
    qtbot.mouseClick(form.face_map, Qt.MouseButton.LeftButton, pos=form.face_map.area_center("nose").toPoint())
    assert form.area_rows.codes() == ["cheeks", "thighs"]
    checked_items = [form.picker.list.item(n).text() for n in range(form.picker.list.count())
                     if form.picker.list.item(n).checkState() == Qt.CheckState.Checked]
    assert [t.split("  ")[0] for t in checked_items] == ["Cheeks", "Thighs"]


def test_every_area_code_has_a_shape_on_the_map(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    # every body site but "site not recorded" (only for records made before sites and indications were apart)
    assert sorted(form.face_map.area_codes) == sorted(a.code for a in form.choices.areas
                                                      if a.code != "site_not_recorded")
    for code in form.face_map.area_codes:  # each shape is hit at its own centre, not a neighbour's
        assert form.face_map.area_at(form.face_map.area_center(code)) == code


def test_an_areas_click_targets_are_its_named_shapes_or_else_the_area_itself() -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg">'
           '<g id="cheeks" class="area"><ellipse id="cheeks-right"/><ellipse id="cheeks-left"/><path/></g>'
           '<rect id="neck" class="area"/><g id="legend"><rect id="legend-box"/></g></svg>')
    assert map_parts(svg) == {"cheeks": ["cheeks-right", "cheeks-left"], "neck": ["neck"]}


@pytest.fixture
def face_map(qtbot: QtBot) -> FaceMap:
    widget = FaceMap({"nose": "Nose", "cheeks": "Cheeks"})
    qtbot.addWidget(widget)
    widget.resize(490, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_chosen_area_is_drawn_in_the_highlight_colour_and_an_unknown_code_is_ignored(face_map: FaceMap) -> None:
    nose = face_map.area_center("nose").toPoint()
    assert face_map.grab().toImage().pixelColor(nose).name() != CHOSEN_FILL
    face_map.set_chosen(["nose", "elbows"])
    assert face_map.chosen == {"nose"}
    assert face_map.grab().toImage().pixelColor(nose).name() == CHOSEN_FILL
    assert face_map.grab().toImage().pixelColor(face_map.area_center("cheeks").toPoint()).name() != CHOSEN_FILL


def test_only_the_offered_areas_are_on_the_map_and_a_click_off_them_chooses_nothing(
        qtbot: QtBot, face_map: FaceMap) -> None:
    clicked: list[str] = []
    face_map.area_clicked.connect(clicked.append)
    assert face_map.area_codes == ["nose", "cheeks"]  # only the areas offered, in the map's order
    qtbot.mouseClick(face_map, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))  # the white margin
    qtbot.mouseClick(face_map, Qt.MouseButton.LeftButton, pos=face_map.area_center("cheeks").toPoint())
    assert clicked == ["cheeks"]
