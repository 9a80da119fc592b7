"""A read-only table model over a short list of already-computed rows (dashboard tables, recall, timeline).

For lists that fit in memory (a recall, a client's sessions, a dozen practitioners); the session history
uses the lazy `SessionTableModel` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

_Index = QModelIndex | QPersistentModelIndex
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)


class ReadOnlyTableModel(QAbstractTableModel):
    """A flat table the user selects rows of but never edits."""

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class RowsTableModel(ReadOnlyTableModel):
    """`headers` and rows of display text; columns listed in `numeric` are right-aligned. Each row may carry
    a key (UserRole of every cell), e.g. the session id."""

    def __init__(self, headers: Sequence[str], numeric: Sequence[int] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._numeric = frozenset(numeric)
        self._rows: list[tuple[str, ...]] = []
        self._keys: list[object] = []
        self._tooltips: list[tuple[str | None, ...] | None] = []

    def set_rows(self, rows: Sequence[Sequence[str]], keys: Sequence[object] | None = None,
                 tooltips: Sequence[Sequence[str | None] | None] | None = None) -> None:
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self._keys = list(keys) if keys is not None else [None] * len(self._rows)
        self._tooltips = [tuple(t) if t is not None else None for t in tooltips] if tooltips is not None else (
            [None] * len(self._rows))
        self.endResetModel()

    def key(self, row: int) -> object:
        return self._keys[row]

    def text(self, row: int, column: int) -> str:
        return self._rows[row][column]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section in self._numeric else _LEFT
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r, c = index.row(), index.column()
        if not (index.isValid() and 0 <= r < len(self._rows) and 0 <= c < len(self._headers)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[r][c]
        if role == Qt.ItemDataRole.UserRole:
            return self._keys[r]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if c in self._numeric else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = self._tooltips[r]
            return tips[c] if tips is not None and c < len(tips) else None
        return None


def make_table_view(model: RowsTableModel, name: str) -> QTableView:
    """A read-only, row-selecting table view named `name` for screen readers and tests; columns start at
    their contents' width (`fit_columns` after new rows) and stay resizable."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view


def fit_columns(view: QTableView, widest: int = 320) -> None:
    """Size each column to its header and first rows (measuring every row of a long recall would stall)."""
    view.horizontalHeader().setResizeContentsPrecision(200)
    for column in range(view.model().columnCount()):
        view.resizeColumnToContents(column)
        view.setColumnWidth(column, min(view.columnWidth(column), widest))
