"""Lazy table model of treatment sessions: rows come from the services in pages, filtered and ordered in SQL.

Only the first page is loaded when the model is built or its filter changes; views ask for more through
``canFetchMore``/``fetchMore`` as the user scrolls, so a database with a million sessions opens as fast as
one with a hundred.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from clinic_log.db.engine import Database
from clinic_log.domain.enums import SessionStatus
from clinic_log.services.sessions.session_filter import PageKey, SessionFilter
from clinic_log.services.sessions.session_views import SessionRow
from clinic_log.services.sessions.startup_queries import FirstScreen, ServicesReader
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.rows_table_model import ReadOnlyTableModel

log = logging.getLogger(__name__)

PAGE_SIZE = 200
FIRST_PAGE = 60  # more than a 1366×768 screen shows, even at 100 %
TEXT_FIRST_PAGE = 30  # a notes search: still more than the 24 rows a maximised 1366×768 window shows

_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    STARTED = 0
    CLIENT_REF = 1
    CLIENT = 2
    PRACTITIONER = 3
    DEVICE = 4
    AREAS = 5
    COMPLICATIONS = 6
    STATUS = 7


HEADERS = {
    Column.STARTED: "Date/time",
    Column.CLIENT_REF: "Client ref",
    Column.CLIENT: "Client",
    Column.PRACTITIONER: "Practitioner",
    Column.DEVICE: "Device",
    Column.AREAS: "Areas",
    Column.COMPLICATIONS: "Complications",
    Column.STATUS: "Status",
}

STATUS_LABELS = {SessionStatus.DRAFT.value: "Draft", SessionStatus.SIGNED.value: "Signed", "void": "VOID"}
NO_VALUE = "—"

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT_INT, _RIGHT_INT = int(_LEFT.value), int(_RIGHT.value)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_USER = int(Qt.ItemDataRole.UserRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)


def load_area_labels(db: Database) -> dict[str, str]:
    """Body-site code → label ("chin_jaw" → "Chin and jawline"), from the reference data."""
    return ServicesReader(db).area_labels()


def local_time_text(row: SessionRow) -> str:
    """The session's start in the computer's local time, as YYYY-MM-DD HH:MM."""
    return row.started_at.astimezone().strftime("%Y-%m-%d %H:%M")


_COLUMNS = len(Column)


class SessionTableModel(ReadOnlyTableModel):
    """Sessions matching a `SessionFilter`, newest first: a screenful first, then ``page_size`` rows at a time.

    A notes search may scan every session before it finds a page (a word in no note: ~0.2 s on 1M sessions),
    so its pages are read on the background worker: the list empties at once, the window stays responsive,
    and `searching` is true until a page's rows are in (scrolling further fetches the next page the same way).
    Other filters read their pages at once.
    """

    def __init__(self, db: Database, flt: SessionFilter | None = None, *, page_size: int = PAGE_SIZE,
                 area_labels: Mapping[str, str] | None = None, first_screen: FirstScreen | None = None,
                 parent: QObject | None = None) -> None:
        """`first_screen`: the window's reader holder (plain sqlite3 at start-up); without one, the services."""
        super().__init__(parent)
        self._db = db
        self._first_screen = first_screen or FirstScreen(db, plain=False)
        self._filter = flt or SessionFilter()
        self._page_size = page_size
        self._last_limit = page_size
        self._area_labels = dict(area_labels) if area_labels is not None else self._first_screen.reader.area_labels()
        self._rows: list[SessionRow] = []
        self._cells: list[tuple[str, ...]] = []  # display text, computed once per row
        self._exhausted = False
        self.searching = False
        self._search = BackgroundRunner(self)
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._take(self._fetch_page(None))
        self.first_page_loaded = True  # the first page is read synchronously, before any view asks

    # --- paging -------------------------------------------------------------------------------

    @property
    def session_filter(self) -> SessionFilter:
        return self._filter

    @property
    def page_size(self) -> int:
        return self._page_size

    def set_filter(self, flt: SessionFilter) -> None:
        """Show the sessions matching `flt`: the model is reset and holds only their first page."""
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Reload from the database (first page only) with the current filter."""
        if self._filter.text:
            self._search_in_background()
            return
        self.searching = False
        page = self._fetch_page(None)  # query before the reset, so a failing query leaves the model as it was
        self._show_page(page)

    def _show_page(self, page: list[SessionRow]) -> None:
        self.beginResetModel()
        self._clear()
        self._take(page)
        self.endResetModel()

    def _search_in_background(self) -> None:
        flt, limit = self._filter, self._limit(None)
        self.beginResetModel()
        self._clear()
        self._exhausted = True  # nothing to fetch until the first page is in
        self.searching = True
        self.endResetModel()

        def done(page: list[SessionRow]) -> None:
            if flt != self._filter:  # a newer filter was set meanwhile
                return
            self.searching = False
            self._last_limit = limit
            self._show_page(page)

        def failed(exc: Exception) -> None:  # e.g. the database went away: the list stays empty, the log says why
            log.error("notes search failed: %s", exc)
            self.searching = False

        self._search.run("notes-search", lambda: self._first_screen.reader.list_sessions(flt, limit), done, failed)

    def _clear(self) -> None:
        self._rows = []
        self._cells = []
        self._exhausted = False

    def _limit(self, after: PageKey | None) -> int:
        """The first page is a screenful, so rows appear sooner after a filter changes: a filter walks the
        sessions newest first until it has found a page (1M sessions, a common complication: 26 → 13 ms). A
        notes search tests each session's notes on the way, so its first page is smaller still (a common word
        with an area: 21 → 14 ms); the view asks for more at once if its screen is taller. Scrolling fetches
        whole pages."""
        if after is None:
            return min(self._page_size, TEXT_FIRST_PAGE if self._filter.text else FIRST_PAGE)
        return self._page_size

    def _fetch_page(self, after: PageKey | None) -> list[SessionRow]:
        """Keyset paging: the next page starts below the last row shown, so a deep page costs what the first
        does and a session added meanwhile never shifts a row into view twice."""
        page = self._first_screen.reader.list_sessions(self._filter, self._limit(after), after)
        self._last_limit = self._limit(after)
        return page

    def _take(self, page: list[SessionRow]) -> None:
        self._exhausted = len(page) < self._last_limit
        self._rows.extend(page)
        self._cells.extend(self._cells_of(row) for row in page)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008 (Qt's signature)
        return not parent.isValid() and not self._exhausted and not self.searching

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008 (Qt's signature)
        if not self.canFetchMore(parent):
            return
        after = PageKey.after(self._rows[-1]) if self._rows else None
        if self._filter.text:  # may scan the older sessions (~0.1 s on 1M): scrolling must not stall for it
            self._more_in_background(after)
            return
        self._append(self._fetch_page(after))

    def _append(self, page: list[SessionRow]) -> None:
        if not page:
            self._exhausted = True
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._take(page)
        self.endInsertRows()

    def _more_in_background(self, after: PageKey | None) -> None:
        """The next page of a notes search, read on the worker; `searching` until its rows are in."""
        flt, limit, shown = self._filter, self._limit(after), len(self._rows)
        self.searching = True

        def done(page: list[SessionRow]) -> None:
            if flt != self._filter or len(self._rows) != shown:  # the list was reset meanwhile
                return
            self.searching = False
            self._last_limit = limit
            self._append(page)

        def failed(exc: Exception) -> None:  # the rows shown stay; scrolling further waits for a new search
            log.error("notes search (next page) failed: %s", exc)
            self.searching = False
            self._exhausted = True

        self._search.run("notes-search", lambda: self._first_screen.reader.list_sessions(flt, limit, after), done,
                         failed)

    # --- access ------------------------------------------------------------------------------

    def session_id(self, row: int) -> int:
        return self._rows[row].id

    def session_row(self, row: int) -> SessionRow:
        return self._rows[row]

    # --- Qt model ----------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(Column):
                return None
            column = Column(section)
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[column]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT_INT if column == Column.COMPLICATIONS else _LEFT_INT
            if role == Qt.ItemDataRole.ToolTipRole and column == Column.STARTED:
                return "Start of the session, in this computer's local time"
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
            return section + 1
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # called for every visible cell and role on each repaint: plain ints, precomputed text
        r, c, role = index.row(), index.column(), int(role)
        if not (index.isValid() and 0 <= r < len(self._rows) and 0 <= c < _COLUMNS):
            return None
        if role == _DISPLAY:
            return self._cells[r][c]
        if role == _USER:
            return self._rows[r].id
        if role == _ALIGN:
            return _RIGHT_INT if c == Column.COMPLICATIONS else _LEFT_INT
        if role == _FONT:
            row = self._rows[r]
            if c == Column.COMPLICATIONS and row.complications:
                return self._bold
            if c == Column.STATUS and row.status == SessionStatus.DRAFT:
                return self._italic
            return None
        if role == _TOOLTIP:
            return self._tooltip(self._rows[r], Column(c))
        return None

    def display_text(self, row: int, column: int) -> str:
        """The text shown in a cell."""
        return self._cells[row][column]

    def _cells_of(self, row: SessionRow) -> tuple[str, ...]:
        return tuple(self._display(row, column) for column in Column)

    def _display(self, row: SessionRow, column: Column) -> str:
        match column:
            case Column.STARTED:
                return local_time_text(row)
            case Column.CLIENT_REF:
                return row.client_ref
            case Column.CLIENT:
                return row.client_name
            case Column.PRACTITIONER:
                return row.practitioner_name
            case Column.DEVICE:
                return row.device_model or NO_VALUE
            case Column.AREAS:
                return self._areas_text(row)
            case Column.COMPLICATIONS:
                return str(row.complications)
            case Column.STATUS:
                return STATUS_LABELS.get(row.status, row.status)

    def _tooltip(self, row: SessionRow, column: Column) -> str | None:
        match column:
            case Column.STARTED:
                return row.started_at.astimezone().strftime("%A %d %B %Y, %H:%M (%Z)")
            case Column.CLIENT | Column.CLIENT_REF:
                return f"{row.client_name} ({row.client_ref})"
            case Column.AREAS:
                return self._areas_text(row) or None
            case Column.COMPLICATIONS:
                if not row.complications:
                    return "No complication recorded"
                return "1 complication recorded" if row.complications == 1 else (
                    f"{row.complications} complications recorded")
            case Column.STATUS:
                return "Signed and locked; changes are amendments" if row.status == SessionStatus.SIGNED else (
                    "Draft: not signed yet")
            case Column.DEVICE:
                return row.device_model or "No device recorded"
            case _:
                return None

    def _areas_text(self, row: SessionRow) -> str:
        codes = [code.strip() for code in row.areas.split(",") if code.strip()]
        return ", ".join(self._area_labels.get(code, code.replace("_", " ")) for code in codes)
