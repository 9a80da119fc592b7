"""The exact number input: the text stays as typed, letters never get in, arrows step on the grid without float
noise, and text that cannot be read is marked with the reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_log.domain.numbers import parse_decimal
from clinic_log.ui.common.number_field import NumberField, WholeNumberField, number_text, step_value


def depth_field(qtbot: QtBot, text: str = "") -> NumberField:
    field = NumberField("Forehead depth", "a depth in mm such as 0.75", "0.05", floor="0.05")
    qtbot.addWidget(field)
    field.setText(text)
    return field


def test_letters_cannot_be_typed_and_a_second_separator_is_kept_and_refused(qtbot: QtBot) -> None:
    field = depth_field(qtbot)
    qtbot.keyClicks(field, "0a,b7-5e")
    assert field.text() == "0,75" and field.value() == 0.75
    field.clear()
    qtbot.keyClicks(field, "1.2.5")  # never read as 1.25: kept as typed, marked, and no value
    assert field.text() == "1.2.5" and field.value() is None
    problem = field.problem()
    assert problem is not None and "one decimal point or comma" in str(problem)


@pytest.mark.parametrize(("typed", "key", "times", "shown"), [
    ("0.3", Qt.Key.Key_Up, 1, "0.35"),
    ("0.05", Qt.Key.Key_Up, 6, "0.35"),  # six float additions of 0.05 would give 0.35000000000000003
    ("0.4", Qt.Key.Key_Down, 1, "0.35"),
    ("0.33", Qt.Key.Key_Up, 1, "0.35"),  # between two steps: to the neighbour in that direction
    ("0.33", Qt.Key.Key_Down, 1, "0.3"),
    ("0,5", Qt.Key.Key_Up, 1, "0,55"),  # the decimal comma typed is kept
    ("1", Qt.Key.Key_PageUp, 1, "1.2"),  # four steps
    ("0.05", Qt.Key.Key_Down, 1, "0.05"),  # never below the field's floor
    ("", Qt.Key.Key_Up, 1, "0.05"),
    ("", Qt.Key.Key_Down, 1, ""),
    ("1,2,3", Qt.Key.Key_Up, 1, "1,2,3"),  # unreadable (restored from a draft): left as it is, and marked
    ("7.5", Qt.Key.Key_Up, 1, "7.55"),  # no upper limit
])
def test_arrow_keys_step_on_the_grid_without_float_noise(qtbot: QtBot, typed: str, key: Qt.Key, times: int,
                                                         shown: str) -> None:
    field = depth_field(qtbot, typed)
    for _ in range(times):
        qtbot.keyClick(field, key)
    assert field.text() == shown


def test_whole_number_steps_and_refuses_a_decimal_with_the_reason(qtbot: QtBot) -> None:
    field = WholeNumberField("Contact time", "whole minutes such as 30", "5", required=False)
    qtbot.addWidget(field)
    field.setText("30")
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert (field.text(), field.value()) == ("35", 35)
    field.setText("4.5")
    problem = field.problem()
    assert field.value() is None and problem is not None
    assert str(problem) == "Contact time: '4.5' is not allowed; whole minutes such as 30, written with digits only"
    field.setText("")
    assert field.value() is None and field.problem() is None  # optional: empty means not recorded


def test_unreadable_text_is_marked_with_the_reason_and_cleared_when_fixed(qtbot: QtBot) -> None:
    field = depth_field(qtbot, "")
    assert "border" in field.styleSheet() and "Forehead depth: enter a depth in mm" in field.toolTip()
    problem = field.problem()
    assert problem is not None and problem.field == "Forehead depth"
    field.setText("2,6")
    assert field.styleSheet() == "" and field.problem() is None and field.value() == 2.6


def test_enter_is_reported_even_for_text_the_validator_would_refuse(qtbot: QtBot) -> None:
    field = depth_field(qtbot, "1,2,3")
    with qtbot.waitSignal(field.entered, timeout=1000):
        qtbot.keyClick(field, Qt.Key.Key_Return)


def test_the_mouse_wheel_never_changes_the_value(qtbot: QtBot) -> None:
    field = depth_field(qtbot, "0.5")
    field.show()
    field.setFocus()
    centre = QPointF(field.rect().center())
    event = QWheelEvent(centre, field.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(field, event)
    assert field.text() == "0.5"


@given(st.integers(min_value=0, max_value=20000), st.sampled_from(["0.05", "0.5", "1", "5"]),
       st.integers(min_value=-8, max_value=8))
def test_stepped_values_stay_on_the_grid_and_read_back_exactly(thousandths: int, step: str, steps: int) -> None:
    grid = Decimal(step)
    value = Decimal(thousandths) / 1000  # typed with up to three decimals: on the grid or between two points
    moved = step_value(value, grid, steps, Decimal(0))
    text = number_text(moved)
    assert "e" not in text.lower() and Decimal(repr(parse_decimal(text, "depth", "a depth"))) == moved
    if moved != value:
        assert moved % grid == 0
        assert (moved > value) == (steps > 0)
