"""Lazy table model of the clients matching what is typed in the search box, a page at a time from the service."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from clinic_log.db.engine import Database
from clinic_log.services.clients.client_search import PAGE_SIZE, ClientRow, search_clients

_Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Name", "Client ref", "Date of birth", "Phone")
NO_VALUE = "—"
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_USER = int(Qt.ItemDataRole.UserRole.value)


def cells_of(row: ClientRow) -> tuple[str, str, str, str]:
    born = row.date_of_birth.isoformat() if row.date_of_birth else NO_VALUE
    return (row.full_name, row.client_ref, born, row.phone or NO_VALUE)


class ClientSearchModel(QAbstractTableModel):
    """Clients matching `query`, in name order; the first page is read at once, more as the view scrolls."""

    def __init__(self, db: Database, query: str = "", *, page_size: int = PAGE_SIZE,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._query = query
        self._page_size = page_size
        self._rows: list[ClientRow] = []
        self._cells: list[tuple[str, ...]] = []
        self._exhausted = False
        self._offset = 0  # rows read so far, repeats included
        self._take(self._fetch(0))

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, query: str) -> None:
        """Show the first page of clients matching `query` (a blank query lists everyone)."""
        page = self._fetch_for(query, 0)  # before the reset: a failing query leaves the model as it was
        self.beginResetModel()
        self._query = query
        self._rows, self._cells, self._exhausted, self._offset = [], [], False, 0
        self._take(page)
        self.endResetModel()

    def refresh(self) -> None:
        self.set_query(self._query)

    def _fetch(self, offset: int) -> list[ClientRow]:
        return self._fetch_for(self._query, offset)

    def _fetch_for(self, query: str, offset: int) -> list[ClientRow]:
        return search_clients(self._db, query, limit=self._page_size, offset=offset)

    def _take(self, page: list[ClientRow]) -> None:
        known = {r.id for r in self._rows}
        fresh = [r for r in page if r.id not in known]
        self._exhausted = len(page) < self._page_size
        self._offset += len(page)
        self._rows.extend(fresh)
        self._cells.extend(cells_of(r) for r in fresh)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008 (Qt's signature)
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008 (Qt's signature)
        if parent.isValid() or self._exhausted:
            return
        before = len(self._rows)
        page = self._fetch(self._offset)
        known = {r.id for r in self._rows}
        fresh = [r for r in page if r.id not in known]
        if not fresh:
            self._offset += len(page)
            self._exhausted = len(page) < self._page_size or not page
            return
        self.beginInsertRows(QModelIndex(), before, before + len(fresh) - 1)
        self._take(page)
        self.endInsertRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role in (_DISPLAY, _TOOLTIP):
            return self._cells[index.row()][index.column()]
        if role == _USER:
            return self._rows[index.row()].id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def client_row(self, row: int) -> ClientRow:
        return self._rows[row]

    def client_id(self, row: int) -> int:
        return self._rows[row].id
