"""The filter bar turns its inputs into one SessionFilter per change: typed notes are debounced, dates optional."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.services.people.people import PractitionerView
from clinic_log.services.sessions.session_queries import SessionFilter
from clinic_log.ui.sessions.history_filter_bar import ALL_PRACTITIONERS, HistoryFilterBar

PEOPLE = [PractitionerView(7, "jdoyle", "Jane Doyle", "nurse", True, 1.5),
          PractitionerView(9, "rkhan", "Dr Raza Khan", "plastic_surgeon", False, 3.0)]


def make_bar(qtbot: QtBot) -> tuple[HistoryFilterBar, list[SessionFilter]]:
    bar = HistoryFilterBar(PEOPLE)
    qtbot.addWidget(bar)
    bar.show()
    qtbot.waitExposed(bar)
    emitted: list[SessionFilter] = []
    bar.filter_changed.connect(emitted.append)
    return bar, emitted


def test_typed_notes_apply_once_after_typing_pauses(qtbot: QtBot) -> None:
    bar, emitted = make_bar(qtbot)
    qtbot.keyClicks(bar.notes_edit, "rolling scars")
    assert emitted == []  # nothing while typing
    qtbot.waitUntil(lambda: len(emitted) == 1)
    assert emitted == [SessionFilter(text="rolling scars")]


def test_practitioner_list_starts_with_all(qtbot: QtBot) -> None:
    bar, emitted = make_bar(qtbot)
    combo = bar.practitioner_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [ALL_PRACTITIONERS, "Jane Doyle", "Dr Raza Khan"]
    combo.setCurrentIndex(2)
    assert emitted == [SessionFilter(practitioner_id=9)]


def test_a_date_typed_over_any_applies_on_enter_and_delete_clears_it(qtbot: QtBot) -> None:
    bar, emitted = make_bar(qtbot)
    edit = bar.from_edit
    assert edit.text() == "any" and edit.value() is None
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "2019-01-05")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert emitted == [SessionFilter().with_days(date(2019, 1, 5), None)]

    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.text() == "any"
    assert emitted[-1] == SessionFilter()


def test_clear_resets_every_input_in_one_change(qtbot: QtBot) -> None:
    bar, emitted = make_bar(qtbot)
    bar.status_combo.setCurrentIndex(bar.status_combo.findText("Draft"))
    bar.to_edit.set_value(date(2026, 3, 1))
    bar.notes_edit.setText("PRP")
    qtbot.waitUntil(lambda: len(emitted) == 3)
    bar.clear()
    assert len(emitted) == 4
    assert emitted[-1] == SessionFilter()
    assert bar.to_edit.text() == "any" and bar.notes_edit.text() == ""


def test_today_sets_both_dates_to_today_in_one_change_and_clear_undoes_it(qtbot: QtBot) -> None:
    bar, emitted = make_bar(qtbot)
    assert bar.today_button.accessibleName() == "Today" and "Alt+D" in bar.today_button.toolTip()
    qtbot.mouseClick(bar.today_button, Qt.MouseButton.LeftButton)
    today = date.today()
    assert emitted == [SessionFilter().with_days(today, today)]
    assert bar.today_button.isChecked()

    bar.clear()
    assert emitted[-1] == SessionFilter()
    assert not bar.today_button.isChecked()


def test_today_is_checked_exactly_when_the_dates_say_today(qtbot: QtBot) -> None:
    bar, emitted = make_bar(qtbot)
    bar.from_edit.set_value(date.today())
    assert not bar.today_button.isChecked()
    bar.to_edit.set_value(date.today())
    assert bar.today_button.isChecked()
    bar.from_edit.set_value(date(2026, 1, 5))
    assert not bar.today_button.isChecked()
    assert emitted[-1] == SessionFilter().with_days(date(2026, 1, 5), date.today())
