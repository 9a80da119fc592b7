"""The shared little widgets: the red problem line a screen reader finds by name, a record table that selects one
whole row, Save / Cancel where only Save runs the save, and the two-column table of labels and paragraphs."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from clinic_log.ui.common.widgets import (
    ERROR_STYLE,
    paragraph_table,
    problem_label,
    record_table,
    save_cancel_buttons,
    shortcut_button,
    with_keys,
)


def test_the_problem_line_is_empty_red_wrapped_and_named(qtbot: QtBot) -> None:
    label = problem_label("Consent problem")
    qtbot.addWidget(label)
    assert label.text() == "" and label.styleSheet() == ERROR_STYLE and label.wordWrap()
    assert label.accessibleName() == "Consent problem"
    assert problem_label().accessibleName() == "Problem"


def test_a_record_table_selects_one_whole_row_at_a_time_and_tab_leaves_it(qtbot: QtBot) -> None:
    model = QStringListModel(["owner", "desk", "jdoyle"])
    view = record_table(model, "Users")
    qtbot.addWidget(view)
    assert view.accessibleName() == "Users" and view.model() is model
    assert view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert not view.tabKeyNavigation()  # Tab leaves the table; arrows move within it
    view.selectRow(0)
    view.selectRow(2)
    assert [i.row() for i in view.selectionModel().selectedRows()] == [2]


class Dialog(QDialog):
    def __init__(self) -> None:
        super().__init__()
        self.saves = 0
        self.buttons = save_cancel_buttons(self, self.save)
        QVBoxLayout(self).addWidget(self.buttons)

    def save(self) -> None:
        self.saves += 1  # a refused save leaves the dialog open: closing is the save's to decide


def test_save_runs_the_save_without_closing_and_cancel_or_esc_close_unchanged(qtbot: QtBot) -> None:
    dialog = Dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.saves == 1 and dialog.isVisible()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert dialog.saves == 1 and not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.saves == 1 and not dialog.isVisible()


def test_a_paragraph_table_fits_its_labels_gives_the_rest_to_the_paragraphs_and_tab_leaves_it(qtbot: QtBot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    table = paragraph_table("Complication paragraphs", ("When", "What to do"), owner, "First 24 hours")
    after = QLineEdit()
    layout = QVBoxLayout(owner)
    layout.addWidget(table)
    layout.addWidget(after)
    table.setRowCount(2)
    for row, (label, text) in enumerate([("First 24 hours", "Cool compress. " * 20), ("Day 2", "Rest")]):
        table.setItem(row, 0, QTableWidgetItem(label))
        table.setItem(row, 1, QTableWidgetItem(text))
    owner.resize(700, 400)
    owner.show()
    qtbot.waitExposed(owner)
    assert table.accessibleName() == "Complication paragraphs"
    assert [table.horizontalHeaderItem(c).text() for c in range(2)] == ["When", "What to do"]
    assert table.columnWidth(0) >= owner.fontMetrics().horizontalAdvance("First 24 hours")  # never cut
    assert table.columnWidth(0) + table.columnWidth(1) == table.viewport().width()  # the paragraphs take the rest
    assert table.rowHeight(0) > table.rowHeight(1)  # a long paragraph wraps onto more lines
    table.selectRow(1)
    assert sorted((i.row(), i.column()) for i in table.selectedIndexes()) == [(1, 0), (1, 1)]
    owner.activateWindow()
    qtbot.waitUntil(owner.isActiveWindow)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    qtbot.waitUntil(after.hasFocus)  # Tab moves on to the next field, not to the next cell


def test_a_shortcut_button_is_pressed_by_its_keys_and_says_them_in_its_tooltip(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    keys = QKeySequence("Ctrl+P")
    button = shortcut_button("&Print…", keys, "Print the sheet")
    QVBoxLayout(dialog).addWidget(button)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert button.accessibleName() == "Print…" and button.toolTip() == "Print the sheet (Ctrl+P)"
    with qtbot.waitSignal(button.clicked, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert with_keys("Save", QKeySequence("Ctrl+S")) == "Save (Ctrl+S)"
