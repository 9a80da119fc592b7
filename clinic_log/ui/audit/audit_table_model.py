"""The audit trail as a table model that fetches rows in pages, newest first, filtered in SQL."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from clinic_log.db.engine import Database
from clinic_log.services.audit.audit_queries import AuditFilter, AuditRow, list_audit
from clinic_log.ui.common.user_session import UserSession

HEADERS = ("When", "Who", "Action", "Entity", "What happened")
PAGE = 200
_Index = QModelIndex | QPersistentModelIndex


class AuditTableModel(QAbstractTableModel):
    """Rows of `list_audit`, loaded `PAGE` at a time as the view scrolls."""

    def __init__(self, db: Database, user: UserSession, page_size: int = PAGE) -> None:
        super().__init__()
        self._db, self._user = db, user
        self._page = page_size
        self._rows: list[AuditRow] = []
        self._filter = AuditFilter()
        self._more = True
        self._fetching = False

    @property
    def audit_filter(self) -> AuditFilter:
        return self._filter

    def set_filter(self, flt: AuditFilter) -> None:
        """Show the first page of rows matching `flt` (loaded inside the reset, so views see one change)."""
        self.beginResetModel()
        self._filter = flt
        self._rows = list_audit(self._db, self._user.actor, flt, limit=self._page)
        self._more = len(self._rows) == self._page
        self.endResetModel()

    def reload(self) -> None:
        self.set_filter(self._filter)

    def row_at(self, row: int) -> AuditRow:
        return self._rows[row]

    def row_of_id(self, audit_id: int) -> int | None:
        """The model row showing audit row `audit_id`, fetching pages until it is loaded (None if filtered out)."""
        while True:
            for r, entry in enumerate(self._rows):
                if entry.id == audit_id:
                    return r
            if not self._rows or self._rows[-1].id < audit_id or not self.canFetchMore(QModelIndex()):
                return None
            self.fetchMore(QModelIndex())

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid() or not self._more or self._fetching:
            return
        self._fetching = True  # views may ask again from inside the insert signals
        try:
            before = self._rows[-1].id if self._rows else None
            page = list_audit(self._db, self._user.actor, self._filter, limit=self._page, before_id=before)
            self._more = len(page) == self._page
            if page:
                self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
                self._rows.extend(page)
                self.endInsertRows()
        finally:
            self._fetching = False

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == 0:
                return entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            if column == 1:
                return entry.actor
            if column == 2:
                return entry.action
            if column == 3:
                return f"{entry.entity} {entry.entity_id}" if entry.entity_id else entry.entity
            if column == 4:
                return entry.text  # a sentence with names (services/audit/audit_sentences.py)
        if role == Qt.ItemDataRole.UserRole:
            return entry.id
        return None
