"""What every exact input shares (numbers, dates): the text is kept as typed and read by a domain parser.

A subclass says how its text is read (`_read`, raising InvalidValue with the reason); this class gives the value,
the problem, and shows an unreadable text with a red border and the reason as tooltip. Nothing here corrects,
clamps or replaces what was typed.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from clinic_log.domain.errors import InvalidValue

INVALID_STYLE = "QLineEdit { border: 2px solid #b00020; }"
T = TypeVar("T")


def problem_message(problem: InvalidValue) -> str:
    """What the user reads: the field, what is wrong and what is allowed ("Cheeks depth: enter a depth in mm…")."""
    if not str(problem.value).strip():
        return f"{problem.field}: {problem.allowed}"
    return str(problem)


class TypedField(QLineEdit, Generic[T]):
    """Text typed into a field named `field` (in messages), allowed as `what` says; `typable` is what the keyboard
    may put in (the parser, not the keyboard, refuses ill-formed text, visibly). An empty optional field has no
    value and no problem."""

    def __init__(self, field: str, what: str, typable: QRegularExpression, *, required: bool = True, hint: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.what = what
        self.required = required
        self.hint = hint
        self.setValidator(QRegularExpressionValidator(typable, self))  # typed text only; set text is shown as is
        self.textChanged.connect(self._show_problem)

    def _read(self, text: str) -> T:
        raise NotImplementedError

    def problem(self) -> InvalidValue | None:
        """Why the text cannot be read (None when it can, or when it is empty and the field is optional)."""
        if not self.required and not self.text().strip():
            return None
        try:
            self._read(self.text())
        except InvalidValue as exc:
            return exc
        return None

    def value(self) -> T | None:
        """What the text says, exactly; None when it is empty or cannot be read (see `problem`)."""
        try:
            return self._read(self.text())
        except InvalidValue:
            return None

    def _show_problem(self) -> None:
        problem = self.problem()
        style = INVALID_STYLE if problem is not None else ""
        if self.styleSheet() != style:
            self.setStyleSheet(style)
        reason = problem_message(problem) if problem is not None else ""
        self.setToolTip("\n".join(t for t in (reason, self.hint) if t))

    def set_hint(self, hint: str) -> None:
        self.hint = hint
        self._show_problem()
