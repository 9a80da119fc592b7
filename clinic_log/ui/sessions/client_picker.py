"""A quick client picker: type part of a name, reference or phone, Enter takes the highlighted client."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import FITZPATRICK_NUMERALS
from clinic_log.services.clients.clients import ClientView, find_clients

SEARCH_DELAY_MS = 120
MAX_SHOWN = 30
_ID_ROLE = Qt.ItemDataRole.UserRole


def client_line(client: ClientView) -> str:
    parts = [f"{client.full_name} ({client.client_ref})"]
    if client.date_of_birth:
        parts.append(f"born {client.date_of_birth.isoformat()}")
    if client.fitzpatrick:
        parts.append(f"Fitzpatrick {FITZPATRICK_NUMERALS[client.fitzpatrick - 1]}")
    return ", ".join(parts)


class ClientPickerDialog(QDialog):
    """Emits `client_chosen(client_id)` and closes when a client is taken."""

    client_chosen = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.setWindowTitle("New session — choose the client")
        self.search = QLineEdit()
        self.search.setAccessibleName("Client")
        self.search.setPlaceholderText("part of the name, reference or phone")
        self.search.setToolTip("Type part of a name, Up/Down to choose, Enter to start the session")
        label = QLabel("&Client")
        label.setBuddy(self.search)
        self.results = QListWidget()
        self.results.setAccessibleName("Matching clients")
        self.hint = QLabel("Type at least 2 letters.")
        self.hint.setAccessibleName("Client search result")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setText("Start session")
        buttons.accepted.connect(self.take)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.search)
        layout.addWidget(self.hint)
        layout.addWidget(self.results, 1)
        layout.addWidget(buttons)
        self._taken = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self._timer.start())
        self.search.returnPressed.connect(self.take)
        self.search.installEventFilter(self)
        self.results.itemActivated.connect(lambda _: self.take())
        self.resize(520, 380)

    def refresh(self) -> None:
        self._timer.stop()
        text = self.search.text().strip()
        self.results.clear()
        if len(text) < 2:
            self.hint.setText("Type at least 2 letters.")
            return
        found = find_clients(self._db, text, limit=MAX_SHOWN)
        for client in found:
            item = QListWidgetItem(client_line(client))
            item.setData(_ID_ROLE, client.id)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
        self.hint.setText(f"{len(found)}{'+' if len(found) == MAX_SHOWN else ''} matching, Enter takes the "
                          "highlighted one" if found else f"No client matches “{text}”.")

    def take(self) -> None:
        if self._taken:  # Enter reaches both the search box and the dialog's OK button
            return
        if self._timer.isActive():  # Enter typed before the search ran: search now
            self.refresh()
        item = self.results.currentItem()
        if item is None:
            return
        self._taken = True
        self.client_chosen.emit(int(item.data(_ID_ROLE)))
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            if step is not None and self.results.count():
                self.results.setCurrentRow(max(0, min(self.results.count() - 1, self.results.currentRow() + step)))
                return True
        return super().eventFilter(watched, event)
