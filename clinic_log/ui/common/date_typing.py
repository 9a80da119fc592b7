"""Typing a whole date such as 2025-01-05 into a Qt date box lands each part in its own place.

Qt moves to the next section by itself once a section is typed full (the four digits of a year), and then moves
once more on the "-" the user types next, so "2025-01-05" would put 01 into the day. `type_dates_whole` drops a
separator typed right after such an automatic move; a separator typed after a short section ("2025-1-5") still
moves on as usual.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateTimeEdit, QWidget

SEPARATORS = frozenset("-./: ")
_SHIFT = Qt.KeyboardModifier.ShiftModifier
Edit = TypeVar("Edit", bound=QDateTimeEdit)


class _SeparatorAfterAutoAdvance(QObject):
    def __init__(self, edit: QDateTimeEdit) -> None:
        super().__init__(edit)
        self._edit = edit
        self._section_before_digit: QDateTimeEdit.Section | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self._edit or event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not event.modifiers() & ~_SHIFT:
            # Tab leaves the box, as in every other field: Qt's date box keeps it to walk its sections (and with
            # a special value such as "any" it never leaves). Arrow keys and typing still move between sections.
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & _SHIFT
            QWidget.focusNextPrevChild(self._edit, forward)
            return True
        typed = event.text()
        if typed.isdigit():
            self._section_before_digit = self._edit.currentSection()
            return False
        moved_by_itself = (self._section_before_digit is not None
                           and self._edit.currentSection() != self._section_before_digit)
        self._section_before_digit = None
        return bool(typed) and typed in SEPARATORS and moved_by_itself


def type_dates_whole(edit: Edit) -> Edit:
    """Let `edit` take a date typed whole, separators included, and make Tab leave it (one Tab stop per date
    box, not one per section); returns the edit."""
    edit.installEventFilter(_SeparatorAfterAutoAdvance(edit))
    return edit
