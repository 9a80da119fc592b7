"""The area list of the session form (area_picker.py): type part of a name, Enter adds the first match; a click asks
the form, which decides and puts the list in step with `set_chosen`."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.domain.values import AreaRef
from clinic_log.ui.sessions.form.area_picker import AreaPicker

AREAS = (AreaRef("forehead", "Forehead", "face", 0.25, 0.5),
         AreaRef("periorbital", "Periorbital (around the eyes)", "face", 0.25, 0.5),
         AreaRef("cheeks", "Cheeks", "face", 0.5, 1.0),
         AreaRef("perioral", "Perioral / upper lip", "face", 0.25, 0.5),
         AreaRef("chin_jaw", "Chin and jawline", "face", 0.5, 1.0),
         AreaRef("decolletage", "Décolletage", "neck", 0.5, 1.0))


@pytest.fixture
def picker(qtbot: QtBot) -> tuple[AreaPicker, list[str]]:
    """The picker and the codes it asked the form to toggle, in order."""
    widget = AreaPicker(AREAS)
    qtbot.addWidget(widget)
    asked: list[str] = []
    widget.area_toggled.connect(asked.append)
    return widget, asked


def shown(widget: AreaPicker) -> list[str]:
    return [item.text().split("  ")[0] for n in range(widget.list.count())
            if (item := widget.list.item(n)) is not None and not item.isHidden()]


def test_enter_adds_the_first_area_whose_name_starts_with_the_text_and_empties_the_box(
        qtbot: QtBot, picker: tuple[AreaPicker, list[str]]) -> None:
    widget, asked = picker
    qtbot.keyClicks(widget.filter_edit, "ch")
    assert widget.hint.text() == "Enter adds: Cheeks"
    assert shown(widget) == ["Cheeks", "Chin and jawline"]
    qtbot.keyClick(widget.filter_edit, Qt.Key.Key_Return)
    assert asked == ["cheeks"]
    assert widget.filter_edit.text() == "" and widget.hint.text() == "Enter adds the first matching area"


def test_a_chosen_area_is_not_offered_again_the_next_match_is(qtbot: QtBot,
                                                               picker: tuple[AreaPicker, list[str]]) -> None:
    widget, asked = picker
    widget.set_chosen(["cheeks"])
    qtbot.keyClicks(widget.filter_edit, "ch")
    assert widget.hint.text() == "Enter adds: Chin and jawline"
    qtbot.keyClick(widget.filter_edit, Qt.Key.Key_Return)
    assert asked == ["chin_jaw"]


def test_a_word_inside_the_name_and_an_unaccented_spelling_find_the_area(
        qtbot: QtBot, picker: tuple[AreaPicker, list[str]]) -> None:
    widget, _ = picker
    qtbot.keyClicks(widget.filter_edit, "eyes")
    assert widget.first_match() == "periorbital"
    widget.filter_edit.clear()
    qtbot.keyClicks(widget.filter_edit, "decol")
    assert widget.first_match() == "decolletage" and shown(widget) == ["Décolletage"]


def test_text_that_matches_no_area_says_so_and_enter_adds_nothing(qtbot: QtBot,
                                                                   picker: tuple[AreaPicker, list[str]]) -> None:
    widget, asked = picker
    qtbot.keyClicks(widget.filter_edit, "elbow")
    assert widget.hint.text() == "No area matches" and shown(widget) == []
    qtbot.keyClick(widget.filter_edit, Qt.Key.Key_Return)
    assert asked == [] and widget.filter_edit.text() == "elbow"  # kept, to be corrected


def test_a_click_on_an_item_asks_the_form_and_the_tick_follows_only_what_the_form_chose(
        picker: tuple[AreaPicker, list[str]]) -> None:
    widget, asked = picker
    item = widget.list.item(2)
    item.setCheckState(Qt.CheckState.Checked)  # what a click or Space does
    assert asked == ["cheeks"]
    assert item.checkState() == Qt.CheckState.Unchecked  # not until the form says so
    widget.set_chosen(["cheeks"])
    assert item.checkState() == Qt.CheckState.Checked
    assert asked == ["cheeks"]  # putting the list in step asks nothing again


def test_down_in_the_box_goes_into_the_list(qtbot: QtBot, picker: tuple[AreaPicker, list[str]]) -> None:
    widget, _ = picker
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.filter_edit.setFocus()
    qtbot.waitUntil(widget.filter_edit.hasFocus)
    qtbot.keyClick(widget.filter_edit, Qt.Key.Key_Down)
    assert widget.list.hasFocus()
