"""Small widget builders the pages and dialogs share: the red problem line, a one-row-at-a-time record table,
a dialog's Save / Cancel buttons and a button with its keyboard shortcut named in its tooltip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTableWidget,
    QWidget,
)

ERROR_STYLE = "color: #b00020;"


def with_keys(tip: str, keys: QKeySequence) -> str:
    """A tooltip that names its shortcut as this system writes it: "Print the sheet (Ctrl+P)"."""
    return f"{tip} ({keys.toString(QKeySequence.SequenceFormat.NativeText)})"


def shortcut_button(text: str, keys: QKeySequence, tip: str) -> QPushButton:
    """A button `keys` presses, named `text` for screen readers too, its tooltip naming the keys."""
    button = QPushButton(text)
    button.setAccessibleName(text.replace("&", ""))
    button.setShortcut(keys)
    button.setToolTip(with_keys(tip, keys))
    return button


def problem_label(name: str = "Problem") -> QLabel:
    """A word-wrapped red line for what is wrong with the input (empty until there is something to say)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setAccessibleName(name)
    return label


def record_table(model: QAbstractItemModel, name: str) -> QTableView:
    """A read-only table of records where one whole row is selected at a time."""
    view = QTableView()
    view.setAccessibleName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move within it
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def save_cancel_buttons(dialog: QDialog, save: Callable[[], None]) -> QDialogButtonBox:
    """Save runs `save` (which closes the dialog when it succeeds); Cancel and Esc close it unchanged."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    return buttons


def paragraph_table(name: str, headers: tuple[str, str], owner: QWidget, widest: str) -> QTableWidget:
    """An editable two-column table of short labels and wrapped paragraphs (the aftercare template's steps and
    complication paragraphs): rows selected whole, Tab leaves the table (arrows move between cells), the label
    column as wide as `widest` in `owner`'s font and the paragraph column taking the rest."""
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.setColumnWidth(0, owner.fontMetrics().horizontalAdvance(widest) + 24)
    return table
