"""The aftercare steps editor: add (below the selected step, ready to type), remove and move steps with the buttons
or their shortcuts, buttons enabled only where they can act, and the steps read back trimmed, in table order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from clinic_log.ui.clinic.steps_editor import TEXT, WHEN, StepsEditor

STEPS = [{"when": f"Day {n}", "text": f"Step {n}."} for n in range(5)]


def make_editor(qtbot: QtBot, steps: list[dict[str, str]] = STEPS) -> StepsEditor:
    editor = StepsEditor("Mechanical", steps)
    qtbot.addWidget(editor)
    editor.resize(700, 400)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def set_cell(editor: StepsEditor, row: int, column: int, text: str) -> None:
    item = editor.table.item(row, column)
    assert item is not None
    item.setText(text)


def whens(editor: StepsEditor) -> list[str]:
    return [step["when"] for step in editor.steps()]


def test_steps_can_be_added_removed_and_moved(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    editor.table.selectRow(0)
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    editor.table.selectRow(4)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    editor.table.selectRow(0)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)  # below the selected step
    set_cell(editor, 1, WHEN, "Week 2")
    set_cell(editor, 1, TEXT, "Book your next session.")
    assert whens(editor) == ["Day 1", "Week 2", "Day 0", "Day 2", "Day 3"]
    assert editor.steps()[1] == {"when": "Week 2", "text": "Book your next session."}


def test_steps_read_back_trimmed_in_table_order(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, [{"when": "  Day 0 ", "text": " Keep it clean.\n"}, {"text": "No make-up."}])
    assert editor.table.accessibleName() == "Mechanical steps"
    assert editor.steps() == [{"when": "Day 0", "text": "Keep it clean."}, {"when": "", "text": "No make-up."}]


def test_buttons_are_enabled_only_where_they_can_act(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    assert editor.table.currentRow() == 0  # the first step is selected on opening
    assert not editor.up_button.isEnabled() and editor.down_button.isEnabled()
    editor.move_step(-1)  # nothing above the first step: a no-op, not an error
    assert whens(editor)[0] == "Day 0"
    editor.table.selectRow(4)
    assert editor.up_button.isEnabled() and not editor.down_button.isEnabled()
    editor.table.clearSelection()
    assert not editor.remove_button.isEnabled() and not editor.up_button.isEnabled()
    editor.remove_step()  # nothing selected: nothing removed
    assert len(editor.steps()) == 5


def test_removing_the_last_step_selects_the_one_before_and_an_empty_editor_has_nothing_to_remove(
        qtbot: QtBot) -> None:
    editor = make_editor(qtbot, STEPS[:2])
    editor.table.selectRow(1)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert whens(editor) == ["Day 0"] and editor.table.currentRow() == 0
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert editor.steps() == [] and not editor.remove_button.isEnabled()


def test_add_with_nothing_selected_appends_a_step_ready_to_type_its_when(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, STEPS[:2])
    editor.table.clearSelection()
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert whens(editor) == ["Day 0", "Day 1", ""]
    assert (editor.table.currentRow(), editor.table.currentColumn()) == (2, WHEN)
    assert editor.table.state() == QAbstractItemView.State.EditingState


def test_shortcuts_work_while_the_editor_has_the_focus(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.table.setFocus()
    editor.table.selectRow(0)
    qtbot.keyClick(editor.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert whens(editor)[:2] == ["Day 1", "Day 0"]
    qtbot.keyClick(editor.table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert whens(editor) == ["Day 1", "Day 2", "Day 3", "Day 4"]
    assert "(Ctrl+N)" in editor.add_button.toolTip()


def test_select_step_puts_the_cursor_in_the_empty_cell_of_a_step_in_range(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, [{"when": "Day 0", "text": "Keep it clean."}, {"when": "", "text": "No sun."}])
    editor.select_step(2)
    assert (editor.table.currentRow(), editor.table.currentColumn()) == (1, WHEN)  # its When is missing
    editor.select_step(1)
    assert (editor.table.currentRow(), editor.table.currentColumn()) == (0, TEXT)
    editor.select_step(9)  # a step number past the end goes to the last step
    assert editor.table.currentRow() == 1
