"""An exact number input: keeps the text as typed (a decimal comma too), never clamps, rounds or replaces it.

Only digits, points and commas can be typed ("1.2.5" stays as typed and is refused with its reason, never read as
1.25); there is no range. Up/Down step by the field's step (PageUp/PageDown by four steps) to the next value on the
step grid, written without float noise ("0.35"). The text is read with the shared parser (clinic_log.domain.numbers);
text it refuses is marked with a red border and the reason as tooltip, and `problem()` gives the reason to the form,
which shows it in the Checks panel and refuses to save.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from PySide6.QtCore import QRegularExpression, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.numbers import parse_decimal, parse_whole
from clinic_log.ui.common.typed_field import TypedField

PAGE_STEPS = 4  # PageUp/PageDown
_TYPABLE = QRegularExpression(r"[0-9.,]*")  # digits and separators; the parser refuses "1.2.5" with its reason
_STEP_KEYS = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1, Qt.Key.Key_PageUp: PAGE_STEPS,
              Qt.Key.Key_PageDown: -PAGE_STEPS}


def number_text(value: Decimal, comma: bool = False) -> str:
    """`value` written plainly: no exponent, no trailing zeros ("0.35", "2.5", "30"), a comma if asked."""
    text = format(value.normalize(), "f") if value else "0"
    return text.replace(".", ",") if comma else text


def step_value(value: Decimal, step: Decimal, steps: int, floor: Decimal) -> Decimal:
    """`value` moved `steps` points of the grid of multiples of `step` (a value between two points first moves to
    the neighbour in that direction), never below `floor` unless it started there or below."""
    if steps == 0:
        return value
    rounding = ROUND_FLOOR if steps > 0 else ROUND_CEILING
    behind = (value / step).to_integral_value(rounding) * step  # the grid point at `value` or behind it
    moved = behind + steps * step
    if moved < floor:
        return floor if floor < value else value
    return moved




class NumberField(TypedField[float]):
    """A number typed as text. `field` names it in messages (e.g. "Forehead depth"), `what` says what is allowed
    ("a depth in mm such as 0.75"); an empty optional field has no value and no problem.

    Emits `entered` when Return or Enter is pressed, whatever the text (QLineEdit's returnPressed is not emitted
    for text its validator refuses, e.g. restored from an older draft)."""

    entered = Signal()

    def __init__(self, field: str, what: str, step: str, *, floor: str = "0", required: bool = True,
                 hint: str = "", chars: int = 7, parent: QWidget | None = None) -> None:
        super().__init__(field, what, _TYPABLE, required=required, hint=hint, parent=parent)
        self.chars = chars
        self.step = Decimal(step)
        self.floor = Decimal(floor)
        self._show_problem()

    # --- reading ----------------------------------------------------------------------------

    def _read(self, text: str) -> float:
        return parse_decimal(text, self.field, self.what)

    def set_number(self, value: float) -> None:
        """Show `value` (a default, or a number saved earlier) written plainly: 0.4 as "0.4", 30.0 as "30"."""
        self.setText(number_text(Decimal(repr(value))))

    def restore(self, saved: object) -> None:
        """Put back a saved form state's value: the text typed, or a number saved by an older version of the form
        (which held numbers); anything else (missing, None) leaves the field as it is."""
        if isinstance(saved, str):
            self.setText(saved)
        elif isinstance(saved, int | float) and not isinstance(saved, bool) and math.isfinite(saved):
            self.set_number(saved)

    # --- stepping -----------------------------------------------------------------------------

    def step_by(self, steps: int) -> None:
        """Up/Down: the neighbouring value on the step grid. Unreadable text is left as it is (and shown)."""
        text = self.text()
        if not text.strip():
            if steps <= 0:
                return
            start = max(self.floor, self.step)
            self.setText(number_text(step_value(start, self.step, steps - 1, self.floor)))
            return
        number = self.value()
        if number is None:
            return
        moved = step_value(Decimal(repr(number)), self.step, steps, self.floor)
        self.setText(number_text(moved, comma="," in text))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if plain and key in _STEP_KEYS:
            self.step_by(_STEP_KEYS[key])
            event.accept()
            return
        super().keyPressEvent(event)
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # handled here: it must not reach the dialog
            self.entered.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # the wheel scrolls the form; it never changes a clinical value under the pointer

    # --- showing --------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        """Room for `chars` digits, not a line of text."""
        hint = super().sizeHint()
        margins = self.textMargins()
        width = self.fontMetrics().horizontalAdvance("0" * self.chars) + margins.left() + margins.right() + 16
        return QSize(width, hint.height())



class WholeNumberField(NumberField):
    """A whole number (passes, minutes): digits only are read; "2.5" stays visible and is refused with the reason."""

    def _read(self, text: str) -> int:
        return parse_whole(text, self.field, self.what)

    def value(self) -> int | None:
        try:
            return self._read(self.text())
        except InvalidValue:
            return None
