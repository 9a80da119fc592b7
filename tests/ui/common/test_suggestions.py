"""Suggestions under a text box: asked for once typing pauses, shown only for the text still in the box, never
popped up over text the user already pressed Enter on, and taking one types its value."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from clinic_log.ui.common.suggestions import Suggestions


def make(qtbot: QtBot) -> tuple[QLineEdit, Suggestions, list[str]]:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.activateWindow()
    qtbot.waitUntil(edit.isActiveWindow)
    edit.setFocus()
    suggestions = Suggestions(edit, "Suggestions", from_chars=2)
    asked: list[str] = []
    suggestions.typed.connect(asked.append)
    return edit, suggestions, asked


def test_asked_once_after_typing_pauses_and_not_for_one_letter(qtbot: QtBot) -> None:
    edit, suggestions, asked = make(qtbot)
    with qtbot.assertNotEmitted(suggestions.typed, wait=300):  # longer than the pause: one letter is not enough
        qtbot.keyClicks(edit, "l")
    qtbot.keyClicks(edit, "ot")
    qtbot.waitUntil(lambda: asked == ["lot"])


def test_matches_for_text_no_longer_in_the_box_are_dropped(qtbot: QtBot) -> None:
    edit, suggestions, _ = make(qtbot)
    qtbot.keyClicks(edit, "fda9aa")
    suggestions.show("fda9", [("LOT-FDA9AB-1", "LOT-FDA9AB-1")])  # an answer to an earlier, shorter text
    assert suggestions.lines() == [] and not suggestions.popup.isVisible()
    suggestions.show("fda9aa", [("LOT-FDA9AA-3", "LOT-FDA9AA-3")])
    assert suggestions.lines() == ["LOT-FDA9AA-3"] and suggestions.popup.isVisible()


def test_nothing_pops_up_over_text_already_entered(qtbot: QtBot) -> None:
    edit, suggestions, asked = make(qtbot)
    with qtbot.assertNotEmitted(suggestions.typed, wait=300):  # searched at once: the pending question is dropped
        qtbot.keyClicks(edit, "DP16-240117")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert asked == []
    suggestions.show("DP16-240117", [("DP16-240117", "DP16-240117")])  # a late answer
    assert not suggestions.popup.isVisible()


def test_taking_a_suggestion_types_its_value_not_its_line(qtbot: QtBot) -> None:
    edit, suggestions, _ = make(qtbot)
    qtbot.keyClicks(edit, "zof")
    suggestions.show("zof", [("Zofia Łukasiewicz (P-1)", "P-1")])
    qtbot.keyClick(suggestions.popup, Qt.Key.Key_Down)
    qtbot.keyClick(suggestions.popup, Qt.Key.Key_Return)
    assert edit.text() == "P-1"
