"""The session history page: the filter bar over a lazy table of sessions, newest first.

Right-click the column headers to show or hide columns; the choice is remembered per computer (ui.ini in
the data folder).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QModelIndex, QPersistentModelIndex, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QStyle, QTableView, QVBoxLayout, QWidget

from clinic_log.db.engine import Database
from clinic_log.paths import data_dir
from clinic_log.services.sessions.session_filter import SessionFilter
from clinic_log.services.sessions.session_views import SessionRow
from clinic_log.services.sessions.startup_queries import FirstScreen
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.operations import CLIENTS, PEOPLE, REFERENCE, SESSIONS, QueryOp, on_records_changed
from clinic_log.ui.sessions.history_filter_bar import HistoryFilterBar
from clinic_log.ui.sessions.session_table_model import HEADERS, Column, SessionTableModel

if TYPE_CHECKING:
    from clinic_log.services.clients.client_search import ClientRow

EMPTY_DATABASE = "No sessions yet — File → Import… brings in existing records; Session → New session… (Ctrl+N) logs one"
NO_MATCH = "No sessions match these filters"
_WIDEST = 280  # px: one long name must not push the other columns off screen
HIDDEN_COLUMNS_KEY = "history/hidden_columns"
SUGGESTIONS = 8  # clients offered under the filter's client box


def ui_settings() -> QSettings:
    """Per-computer view preferences, kept beside the data (so tests and portable installs stay isolated)."""
    return QSettings(str(data_dir() / "ui.ini"), QSettings.Format.IniFormat)


def summary_text(count: int, flt: SessionFilter) -> str:
    """Status-bar text for `count` sessions shown under the filter `flt`."""
    if count == 0:
        return EMPTY_DATABASE if flt == SessionFilter() else NO_MATCH
    number = QLocale().toString(count)
    return f"{number} session" if count == 1 else f"{number} sessions"


class SessionHistoryPage(QWidget):
    """Filter bar + session table. Emits `session_activated(id)` on double-click or Enter, and
    `selection_changed(bool)` when a row becomes selected (True) or none is (False)."""

    session_activated = Signal(int)
    summary_changed = Signal(str)
    selection_changed = Signal(bool)

    def __init__(self, db: Database, parent: QWidget | None = None, *, first_screen: FirstScreen | None = None
                 ) -> None:
        """`first_screen`: the window's reader holder (plain sqlite3 at start-up); without one, the services."""
        super().__init__(parent)
        self._db = db
        self._first_screen = first_screen or FirstScreen(db, plain=False)
        self._background = BackgroundRunner(self)
        reader = self._first_screen.reader
        self.filter_bar = HistoryFilterBar(choices=reader.filter_choices())
        self.model = SessionTableModel(db, self.filter_bar.current_filter(), first_screen=self._first_screen,
                                       parent=self)
        # names and rows shown here, and the filter lists (a device registered or retired on the Devices page)
        on_records_changed(self, {SESSIONS, CLIENTS, PEOPLE, REFERENCE}, self.refresh)
        self.view = QTableView()
        self.view.setObjectName("sessionTable")
        self.view.setAccessibleName("Sessions")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(False)  # the SQL order (newest first) is the order
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move within it
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._size_columns()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_column_menu)
        self._restore_hidden_columns()
        self.view.activated.connect(self._on_activated)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)  # the window adds the actions
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.modelReset.connect(self._on_selection_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.view, 1)
        self.setTabOrder(self.filter_bar.clear_button, self.view)

        self.filter_bar.filter_changed.connect(self.apply_filter)
        self.filter_bar.client_typed.connect(self._suggest_clients)
        self._summary = ""
        self._select_first_row()

    @property
    def summary(self) -> str:
        return self._summary

    def selected_session(self) -> SessionRow | None:
        """The selected row's session, if a row is selected."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.session_row(rows[0].row()) if rows else None

    def apply_filter(self, flt: SessionFilter) -> None:
        self.model.set_filter(flt)
        self._after_reload()

    def refresh(self) -> None:
        """Re-read practitioners, sessions and the count (after an import or another workstation's change). The
        selected session stays selected while it is still listed: a change elsewhere must not move the cursor."""
        chosen = self.selected_session()
        self.filter_bar.set_choices(self._first_screen.reader.filter_choices())
        self.model.set_filter(self.filter_bar.current_filter())
        self._after_reload()
        if chosen is not None:
            row = next((r for r in range(self.model.rowCount()) if self.model.session_id(r) == chosen.id), None)
            if row:  # row 0 is selected already
                self.view.setCurrentIndex(self.model.index(row, 0))

    def update_summary(self) -> None:
        """Count the matching sessions off the GUI thread (on a million sessions a notes search takes ~0.6 s)."""
        flt = self.model.session_filter
        self._set_summary("Counting sessions…")
        self._background.run("count", lambda: self._first_screen.reader.count_sessions(flt),
                             lambda count: self._set_summary(summary_text(count, flt)),
                             lambda exc: self._set_summary(f"Could not count the sessions: {exc}"))

    def _suggest_clients(self, typed: str) -> None:
        """Look up the clients matching what was typed in the filter's client box, off the GUI thread."""
        from clinic_log.services.clients.client_search import search_clients  # not on the start-up path

        def found(rows: list[ClientRow]) -> None:
            self.filter_bar.client_suggestions.show(
                typed, [(f"{r.full_name} ({r.client_ref})", r.client_ref) for r in rows])

        QueryOp(self._db, self, "Client suggestions", lambda db: search_clients(db, typed, limit=SUGGESTIONS),
                found, key="client suggestions").run_in_background()

    def _set_summary(self, text: str) -> None:
        self._summary = text
        self.summary_changed.emit(text)

    def _after_reload(self) -> None:
        self._select_first_row()
        self.update_summary()

    def _select_first_row(self) -> None:
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, 0))
            self.view.scrollToTop()

    def _size_columns(self) -> None:
        """Fit each column to its header and the first page's text (measured here: asking the view costs a
        data() call per cell and role), at most _WIDEST; the Areas column takes the remaining width."""
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        cell_metrics = self.view.fontMetrics()
        bold = QFont(self.view.font())
        bold.setBold(True)
        header_metrics = QFontMetrics(bold)  # most styles draw headers at most in bold
        padding = 2 * self.view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.view) + 16
        rows = range(min(self.model.rowCount(), 200))
        for column in Column:
            widest = max((cell_metrics.horizontalAdvance(self.model.display_text(r, column)) for r in rows),
                         default=0)
            title = header_metrics.horizontalAdvance(HEADERS[column])
            self.view.setColumnWidth(column, min(max(widest, title) + padding, _WIDEST))
        header.setSectionResizeMode(Column.AREAS, QHeaderView.ResizeMode.Stretch)

    # --- configurable columns ---------------------------------------------------------------------

    def column_menu(self) -> QMenu:
        """A checkable entry per column; at least one column stays visible."""
        menu = QMenu(self)
        menu.setAccessibleName("Columns")
        visible = [c for c in Column if not self.view.isColumnHidden(c)]
        for column in Column:
            action = QAction(HEADERS[column], menu)
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(column))
            action.setEnabled(not (len(visible) == 1 and column in visible))
            action.toggled.connect(lambda shown, c=column: self.set_column_visible(c, shown))
            menu.addAction(action)
        return menu

    def _show_column_menu(self, pos: QPoint) -> None:
        self.column_menu().exec(self.view.horizontalHeader().mapToGlobal(pos))

    def set_column_visible(self, column: Column, visible: bool) -> None:
        self.view.setColumnHidden(column, not visible)
        hidden = [c.name for c in Column if self.view.isColumnHidden(c)]
        settings = ui_settings()
        settings.setValue(HIDDEN_COLUMNS_KEY, ",".join(hidden))
        settings.sync()

    def hidden_columns(self) -> list[Column]:
        return [c for c in Column if self.view.isColumnHidden(c)]

    def _restore_hidden_columns(self) -> None:
        names = str(ui_settings().value(HIDDEN_COLUMNS_KEY, "") or "")
        hidden = {c for c in Column if c.name in names.split(",")}
        if len(hidden) < len(Column):
            for column in hidden:
                self.view.setColumnHidden(column, True)

    def _on_selection_changed(self) -> None:
        self.selection_changed.emit(self.view.selectionModel().hasSelection())

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        session_id = index.data(Qt.ItemDataRole.UserRole)
        if isinstance(session_id, int):
            self.session_activated.emit(session_id)
