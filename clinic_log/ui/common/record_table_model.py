"""A small read-only table model over a list of frozen records (users, practitioners, credentials).

For short lists only (tens of rows): the whole list is given at once. Big lists page through SQL instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

T = TypeVar("T")
_Index = QModelIndex | QPersistentModelIndex
_MUTED = QColor("#6b6b6b")


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """Columns are (header, text-of-record) pairs; `muted(record)` greys out a row (e.g. deactivated)."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[T], str]]],
                 muted: Callable[[T], bool] | None = None) -> None:
        super().__init__()
        self._columns = list(columns)
        self._muted = muted
        self._records: list[T] = []

    def set_records(self, records: Sequence[T]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def record(self, row: int) -> T:
        return self._records[row]

    def records(self) -> list[T]:
        return list(self._records)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._columns):
            return self._columns[section][0]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._columns[index.column()][1](record)
        if role == Qt.ItemDataRole.ForegroundRole and self._muted is not None and self._muted(record):
            return QBrush(_MUTED)
        return None
