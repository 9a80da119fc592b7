"""An editable table of aftercare steps (When / What to do) with buttons to add, remove and move rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_log.ui.common.widgets import paragraph_table, with_keys

WHEN, TEXT = 0, 1
HEADERS = ("When", "What to do")


class StepsEditor(QWidget):
    """The timeline of one modality. `steps()` reads it as the template stores it: [{"when", "text"}, …]."""

    def __init__(self, name: str, steps: Sequence[Mapping[str, str]] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.table = paragraph_table(f"{name} steps", HEADERS, self, "First 24 hours")

        self.add_button = self._command("Add step", "Ctrl+N", "Add a step below the selected one", self.add_step)
        self.remove_button = self._command("Remove step", "Ctrl+Delete", "Remove the selected step",
                                           self.remove_step)
        self.up_button = self._command("Move up", "Ctrl+Up", "Move the selected step up", lambda: self.move_step(-1))
        self.down_button = self._command("Move down", "Ctrl+Down", "Move the selected step down",
                                         lambda: self.move_step(1))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.set_steps(steps)

    def _command(self, text: str, keys: str, tip: str, slot: Callable[[], None]) -> QPushButton:
        """A button and a keyboard shortcut that works while this editor (its tab) has the focus."""
        sequence = QKeySequence(keys)
        action = QAction(text, self)
        action.setShortcut(sequence)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        button = QPushButton(text)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        button.setToolTip(with_keys(tip, sequence))
        button.clicked.connect(action.trigger)
        return button

    def set_steps(self, steps: Sequence[Mapping[str, str]]) -> None:
        self.table.setRowCount(0)
        for step in steps:
            self._insert(self.table.rowCount(), str(step.get("when", "")), str(step.get("text", "")))
        if steps:
            self.table.selectRow(0)
        self._update_buttons()

    def steps(self) -> list[dict[str, str]]:
        return [{"when": self._text(r, WHEN).strip(), "text": self._text(r, TEXT).strip()}
                for r in range(self.table.rowCount())]

    def select_step(self, number: int) -> None:
        """Select step `number` (counted from 1) and put the cursor in it, e.g. to show a problem."""
        row = min(max(number - 1, 0), self.table.rowCount() - 1)
        if row < 0:
            self.table.setFocus()
            return
        column = WHEN if not self._text(row, WHEN).strip() else TEXT
        self.table.setCurrentCell(row, column)
        self.table.scrollToItem(self._item(row, column))
        self.table.setFocus()

    def add_step(self) -> None:
        row = self._selected_row()
        row = self.table.rowCount() if row is None else row + 1
        self._insert(row, "", "")
        self.table.setCurrentCell(row, WHEN)
        self.table.setFocus()
        self.table.editItem(self._item(row, WHEN))

    def remove_step(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        self.table.removeRow(row)
        if self.table.rowCount():
            self.table.selectRow(min(row, self.table.rowCount() - 1))
        self._update_buttons()

    def move_step(self, by: int) -> None:
        row = self._selected_row()
        if row is None or not 0 <= row + by < self.table.rowCount():
            return
        here, there = self._row_texts(row), self._row_texts(row + by)
        for column in range(len(HEADERS)):
            self._item(row, column).setText(there[column])
            self._item(row + by, column).setText(here[column])
        self.table.setCurrentCell(row + by, self.table.currentColumn() if self.table.currentColumn() >= 0 else 0)

    def _insert(self, row: int, when: str, text: str) -> None:
        self.table.insertRow(row)
        for column, value in ((WHEN, when), (TEXT, text)):
            item = QTableWidgetItem(value)
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.table.setItem(row, column, item)

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, column, item)
        return item

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _row_texts(self, row: int) -> list[str]:
        return [self._text(row, column) for column in range(len(HEADERS))]

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_buttons(self) -> None:
        row = self._selected_row()
        self.remove_button.setEnabled(row is not None)
        self.up_button.setEnabled(row is not None and row > 0)
        self.down_button.setEnabled(row is not None and row < self.table.rowCount() - 1)
