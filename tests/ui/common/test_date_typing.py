"""A date typed whole, separators and all, lands each part where it belongs (Qt alone puts 01 of 2025-01-05
into the day, because it moves on after the year by itself and again on the "-"), and Tab leaves a date box."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QHBoxLayout, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.ui.common.date_typing import type_dates_whole
from clinic_log.ui.sessions.history_filter_bar import OptionalDateEdit

E = TypeVar("E", bound=QDateTimeEdit)


def _ready(qtbot: QtBot, edit: E, display: str) -> E:
    edit.setDisplayFormat(display)
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.YearSection)
    return edit


def test_an_iso_date_typed_whole_is_taken_as_typed(qtbot: QtBot) -> None:
    edit = _ready(qtbot, type_dates_whole(QDateEdit(QDate(2026, 12, 3))), "yyyy-MM-dd")
    qtbot.keyClicks(edit, "2025-01-05")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.date() == QDate(2025, 1, 5)


def test_short_parts_still_move_on_at_the_separator(qtbot: QtBot) -> None:
    edit = _ready(qtbot, type_dates_whole(QDateEdit(QDate(2026, 12, 3))), "yyyy-MM-dd")
    qtbot.keyClicks(edit, "2027-3-9")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.date() == QDate(2027, 3, 9)


def test_a_session_start_typed_whole_keeps_its_time(qtbot: QtBot) -> None:
    edit = _ready(qtbot, type_dates_whole(QDateTimeEdit(QDateTime(QDate(2026, 12, 3), QTime(14, 0)))),
                  "yyyy-MM-dd HH:mm")
    qtbot.keyClicks(edit, "2026-11-28 09:30")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.dateTime() == QDateTime(QDate(2026, 11, 28), QTime(9, 30))


def _between(qtbot: QtBot, edit: QDateTimeEdit) -> tuple[QWidget, QLineEdit, QLineEdit]:
    """`edit` between two text fields in a shown, active window, with the focus in `edit`."""
    window = QWidget()
    qtbot.addWidget(window)
    before, after = QLineEdit(), QLineEdit()
    row = QHBoxLayout(window)
    for widget in (before, edit, after):
        row.addWidget(widget)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    edit.setFocus()
    return window, before, after


@pytest.mark.parametrize("make", [
    lambda: type_dates_whole(QDateEdit(QDate(2026, 12, 3))),
    OptionalDateEdit,  # the history's From/To: "any" kept Tab for ever (issue 20: twelve Tabs stayed there)
], ids=["date", "optional date"])
def test_one_tab_leaves_a_date_box_and_shift_tab_comes_back_before_it(qtbot: QtBot,
                                                                       make: Callable[[], QDateEdit]) -> None:
    edit = make()
    _, before, after = _between(qtbot, edit)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert after.hasFocus()
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert before.hasFocus()
