"""The Clients tab: a search box over the client list (results as you type), "New client…", and the client's
page when one is opened (Enter or a double-click)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError
from clinic_log.services.clients.clients import ClientView
from clinic_log.ui.clients.client_dialog import NewClientDialog
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.client_search_model import ClientSearchModel
from clinic_log.ui.common.operations import CLIENTS, SESSIONS, changes, on_records_changed
from clinic_log.ui.common.user_session import UserSession

SEARCH_HINT = "Name (any script, accents optional), client ref, phone or date of birth"


class ClientsPage(QWidget):
    """Emits `new_session_requested(client_id)` from the client page."""

    new_session_requested = Signal(int)

    def __init__(self, db: Database, user: UserSession, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName("Search clients")
        self.search_edit.setPlaceholderText(SEARCH_HINT)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(SEARCH_HINT)
        self.new_button = QPushButton("&New client…")
        self.new_button.setAccessibleName("New client…")
        self.new_button.setToolTip("Add a client (Ctrl+Shift+N)")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_button.clicked.connect(self.open_new_client)
        self.model = ClientSearchModel(db, parent=self)
        self.view = QTableView()
        self.view.setAccessibleName("Clients")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, chars in ((1, 14), (2, 14), (3, 22)):
            header.resizeSection(column, self.view.fontMetrics().horizontalAdvance("0") * chars)
        self.view.activated.connect(self._on_activated)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Clients shown")

        self.client_page = ClientPage(db, user, today)
        self.client_page.new_session_requested.connect(self.new_session_requested)
        self.client_page.client_changed.connect(lambda _id: self.model.refresh())
        on_records_changed(self, {CLIENTS, SESSIONS}, self._records_changed)
        self.back_button = QPushButton("← &All clients")
        self.back_button.setAccessibleName("All clients")
        self.back_button.setToolTip("Back to the client list (Esc)")
        self.back_button.clicked.connect(self.show_list)

        list_page = QWidget()
        search_label = QLabel("Sea&rch")
        search_label.setBuddy(self.search_edit)
        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.new_button)
        list_layout = QVBoxLayout(list_page)
        list_layout.addLayout(top)
        list_layout.addWidget(self.view, 1)
        list_layout.addWidget(self.count_label)
        client_holder = QWidget()
        holder_layout = QVBoxLayout(client_holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        holder_layout.addWidget(self.client_page, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(list_page)
        self.stack.addWidget(client_holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.setTabOrder(self.search_edit, self.new_button)
        self.setTabOrder(self.new_button, self.view)
        QShortcut(QKeySequence("Esc"), client_holder, self.show_list,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.search_edit.installEventFilter(self)
        self.view.installEventFilter(self)
        self.search_edit.textChanged.connect(self.search)
        self.search_edit.returnPressed.connect(self._open_first)
        self._update_count()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the search goes into the matches (on the selected one); Up on the first match comes back."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and not event.modifiers():
            if watched is self.search_edit and event.key() == Qt.Key.Key_Down and self.model.rowCount():
                rows = self.view.selectionModel().selectedRows()
                self.view.setCurrentIndex(self.model.index(rows[0].row() if rows else 0, 0))
                self.view.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            if watched is self.view and event.key() == Qt.Key.Key_Up and self.view.currentIndex().row() <= 0:
                self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        """Coming to the tab (Ctrl+2, a click) puts the cursor in the search, ready to type a name."""
        super().showEvent(event)
        if self.stack.currentIndex() == 0:
            self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _records_changed(self) -> None:
        """Saved here: the client shown is read again (which refreshes the list too), else the list. Saved on
        another workstation: the list only; the open client's banner offers Reload (never under the user's typing).
        """
        if self.client_page.record is not None and not changes.from_elsewhere:
            try:
                self.client_page.reload()
                return
            except DomainError:  # e.g. a restore took the client away: back to the list, which shows what is
                self.show_list()
        self.model.refresh()

    def search(self, text: str) -> None:
        """Show the first page of clients matching `text` (the service answers in < 50 ms on 100k clients)."""
        self.model.set_query(text)
        self._update_count()
        if self.model.rowCount():
            self.view.selectRow(0)

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        more = "+" if self.model.canFetchMore(QModelIndex()) else ""
        if shown == 0:
            text = "No clients match" if self.model.query.strip() else "No clients yet — add one with New client…"
        else:
            text = f"{shown}{more} client{'s' if shown != 1 or more else ''}"
        self.count_label.setText(text)

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.open_client(self.model.client_id(index.row()))

    def _open_first(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        if self.model.rowCount() > row:
            self.open_client(self.model.client_id(row))

    def open_client(self, client_id: int) -> ClientPage:
        self.client_page.show_client(client_id)
        self.stack.setCurrentIndex(1)
        self.client_page.scroll_area.setFocus()
        return self.client_page

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def open_new_client(self) -> NewClientDialog:
        dialog = NewClientDialog(self._db, self._user, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._on_created)
        dialog.open_client_requested.connect(self.open_client)
        dialog.open()
        return dialog

    def _on_created(self, view: ClientView) -> None:
        self.model.refresh()
        self._update_count()
        self.open_client(view.id)
