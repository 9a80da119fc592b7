"""What every exact input shares: the text stays as typed, an unreadable one is marked with its reason beside the
field's hint, an empty optional field is no problem, and a set text is shown even where typing it could not be."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRegularExpression, Qt
from pytestqt.qtbot import QtBot

from clinic_log.domain.errors import InvalidValue
from clinic_log.ui.common.typed_field import INVALID_STYLE, TypedField, problem_message

WHAT = "a needle count such as 12 (1 to 36)"


class NeedleCount(TypedField[int]):
    """A small field of its own: digits only may be typed; 1 to 36 is allowed."""

    def __init__(self, required: bool = True, hint: str = "") -> None:
        super().__init__("Needles", WHAT, QRegularExpression(r"\d*"), required=required, hint=hint)

    def _read(self, text: str) -> int:
        if not text.isdigit() or not 1 <= int(text) <= 36:
            raise InvalidValue(self.field, text, self.what)
        return int(text)


@pytest.fixture
def field(qtbot: QtBot) -> NeedleCount:
    made = NeedleCount(hint="as printed on the cartridge")
    qtbot.addWidget(made)
    return made


def test_an_out_of_range_text_stays_as_typed_marked_with_the_reason_and_the_hint(qtbot: QtBot,
                                                                                  field: NeedleCount) -> None:
    qtbot.keyClicks(field, "40")
    assert field.text() == "40" and field.value() is None  # never clamped to 36
    assert field.styleSheet() == INVALID_STYLE
    assert field.toolTip() == f"Needles: '40' is not allowed; {WHAT}\nas printed on the cartridge"
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert field.value() == 4 and field.problem() is None
    assert field.styleSheet() == "" and field.toolTip() == "as printed on the cartridge"


def test_only_what_the_keyboard_may_put_in_gets_in_but_a_set_text_is_shown_as_is(qtbot: QtBot,
                                                                                  field: NeedleCount) -> None:
    qtbot.keyClicks(field, "1a2")
    assert field.text() == "12" and field.value() == 12
    field.setText("twelve")  # e.g. restored from a draft: shown exactly, and marked
    assert field.text() == "twelve" and field.value() is None and field.styleSheet() == INVALID_STYLE


def test_an_empty_required_field_says_what_to_enter_and_an_optional_one_has_no_problem(qtbot: QtBot) -> None:
    required = NeedleCount()
    qtbot.addWidget(required)
    problem = required.problem()
    assert problem is not None and problem_message(problem) == f"Needles: {WHAT}"  # not "(empty) is not allowed"
    optional = NeedleCount(required=False)
    qtbot.addWidget(optional)
    assert optional.problem() is None and optional.value() is None


def test_a_new_hint_is_shown_with_the_reason_still_there(qtbot: QtBot, field: NeedleCount) -> None:
    field.setText("0")
    field.set_hint("this cartridge has 12")
    assert field.toolTip() == f"Needles: '0' is not allowed; {WHAT}\nthis cartridge has 12"
