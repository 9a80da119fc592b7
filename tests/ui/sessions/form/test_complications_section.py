"""Complications noted in the form (complications_section.py): no type until one is chosen, typing chooses it,
the expected box follows, rows removed and restored keep their values."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.values import ComplicationInput
from clinic_log.services.sessions.session_form_data import ComplicationTypeView
from clinic_log.services.sessions.session_form_state import ComplicationRowState
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.complications_section import ComplicationsSection
from tests.ui.session_form_helpers import Keyboard, open_form
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


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


TYPES = (ComplicationTypeView("erythema", "Erythema (redness)", "expected"),
         ComplicationTypeView("pih", "Post-inflammatory hyperpigmentation", "adverse"),
         ComplicationTypeView("infection", "Infection", "adverse"))


@pytest.fixture
def section(qtbot: QtBot) -> ComplicationsSection:
    widget = ComplicationsSection(TYPES)
    qtbot.addWidget(widget)
    return widget


def test_removing_a_complication_keeps_the_others_values_and_numbers_them_again(section: ComplicationsSection) -> None:
    section.restore([ComplicationRowState("erythema", 1, True, None, "cool compress"),
                     ComplicationRowState("pih", 2, False, "device", "hydroquinone"),
                     ComplicationRowState("infection", 3, False, "product", "antibiotics")])
    section.rows[0].remove.click()
    assert [r.value() for r in section.rows] == [
        ComplicationInput("pih", 2, expected=False, relatedness="device", action="hydroquinone"),
        ComplicationInput("infection", 3, expected=False, relatedness="product", action="antibiotics")]
    assert [r.kind.accessibleName() for r in section.rows] == ["Complication 1 type", "Complication 2 type"]


def test_the_grade_shows_its_ctcae_meaning(section: ComplicationsSection) -> None:
    row = section.add()
    assert row.grade_text.text() == "Mild; asymptomatic or mild symptoms; intervention not indicated"
    row.grade.setCurrentIndex(row.grade.findData(4))
    assert row.grade_text.text() == "Life-threatening consequences; urgent intervention indicated"


def test_a_complication_added_by_the_user_is_shown_but_one_restored_is_not_scrolled_to(
        qtbot: QtBot, section: ComplicationsSection) -> None:
    shown: list[object] = []
    section.added.connect(shown.append)
    section.restore([ComplicationRowState("erythema", 1, True, None, "")])
    assert shown == []
    with qtbot.waitSignal(section.added) as added:
        section.add_button.click()
    assert added.args == [section.rows[1].kind]
