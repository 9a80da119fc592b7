"""The Recall tab: enter a cartridge lot → every session and client treated with it, exportable as CSV."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.services.review.recall import RecallRow, lot_suggestions, recall_lot
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.operations import SESSIONS, QueryOp, on_records_changed
from clinic_log.ui.common.rows_table_model import RowsTableModel, fit_columns, make_table_view
from clinic_log.ui.common.suggestions import Suggestions
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.session_table_model import load_area_labels

HEADERS = ("Session", "Date", "Client ref", "Client", "Phone", "E-mail", "Practitioner", "Area")


def recall_summary(rows: list[RecallRow], lot: str) -> str:
    sessions = len({r.session_id for r in rows})
    clients = len({r.client_ref for r in rows})
    if not rows:
        return f"No session used lot {lot}"
    loc = QLocale()
    return (f"Lot {lot}: {loc.toString(sessions)} session{'s' if sessions != 1 else ''} of "
            f"{loc.toString(clients)} client{'s' if clients != 1 else ''}")


class RecallPage(QWidget):
    """Emits `session_activated(id)` when a result row is opened (double-click or Enter)."""

    session_activated = Signal(int)

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._background = BackgroundRunner(self)
        self._rows: list[RecallRow] = []
        self._lot = ""
        on_records_changed(self, {SESSIONS}, self._search_again)
        self.lot_edit = QLineEdit()
        self.lot_edit.setPlaceholderText("e.g. DP16-240117")
        self.lot_edit.setToolTip("The lot number printed on the cartridge box, any case; part of it suggests the "
                                 "lots holding it. Enter searches")
        self.lot_suggestions = Suggestions(self.lot_edit, "Lot suggestions")
        self.lot_suggestions.typed.connect(self._suggest_lots)
        self.find_button = QPushButton("F&ind sessions")
        self.find_button.setAccessibleName("Find sessions")
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setAccessibleName("Export CSV…")
        self.export_button.setToolTip("Save the result as CSV (UTF-8 with BOM: opens in Excel); owner only, audited")
        self.export_button.setEnabled(False)
        self.summary_label = QLabel("Enter a cartridge lot number to list every session and client treated with it.")
        self.summary_label.setAccessibleName("Recall result")
        self.summary_label.setWordWrap(True)
        self.model = RowsTableModel(HEADERS, numeric=(0,), parent=self)
        self._area_labels = load_area_labels(db)
        self.view = make_table_view(self.model, "Recalled sessions")

        label = QLabel("Cartridge &lot")
        label.setBuddy(self.lot_edit)
        self.lot_edit.setAccessibleName("Cartridge lot")
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.lot_edit)
        top.addWidget(self.find_button)
        top.addWidget(self.export_button)
        top.addStretch(1)
        self.lot_edit.setMinimumWidth(self.lot_edit.fontMetrics().horizontalAdvance("LOT-0000000-000") + 40)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.view, 1)
        self.setTabOrder(self.lot_edit, self.find_button)
        self.setTabOrder(self.find_button, self.export_button)
        self.setTabOrder(self.export_button, self.view)

        self.lot_edit.returnPressed.connect(self.search)
        self.find_button.clicked.connect(self.search)
        self.export_button.clicked.connect(self.choose_export_file)
        self.view.activated.connect(self._on_activated)

    def _suggest_lots(self, typed: str) -> None:
        """The lots whose number holds what was typed, any case, offered under the box."""
        QueryOp(self._db, self, "Lot suggestions", lambda db: lot_suggestions(db, self._user.actor, typed),
                lambda lots: self.lot_suggestions.show(typed, [(lot, lot) for lot in lots]),
                key="lot suggestions").run_in_background()

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        key = self.model.key(index.row())
        if isinstance(key, int):
            self.session_activated.emit(key)

    @property
    def rows(self) -> list[RecallRow]:
        return self._rows

    def _search_again(self) -> None:
        """Sessions changed: the lot on show is looked up again (not a lot typed but not yet searched)."""
        if self._lot and self.lot_edit.text().strip() == self._lot:
            self.search()

    def search(self) -> None:
        lot = self.lot_edit.text().strip()
        self.summary_label.setText(f"Searching lot {lot}…")
        self.find_button.setEnabled(False)
        self._background.run("recall", lambda: recall_lot(self._db, self._user.actor, lot),
                             lambda rows: self._show(lot, rows), self._failed)

    def _show(self, lot: str, rows: list[RecallRow]) -> None:
        self.find_button.setEnabled(True)
        self._rows, self._lot = rows, lot
        self.model.set_rows(
            [(str(r.session_id), r.started_at.astimezone().strftime("%Y-%m-%d %H:%M"), r.client_ref, r.client_name,
              r.phone or "—", r.email or "—", r.practitioner, self._area_labels.get(r.area, r.area)) for r in rows],
            keys=[r.session_id for r in rows])
        fit_columns(self.view)
        self.export_button.setEnabled(bool(rows) and self._user.actor.role in ALLOWED[Permission.EXPORT_DATA])
        self._announce(recall_summary(rows, lot))

    def _failed(self, exc: Exception) -> None:
        self.find_button.setEnabled(True)
        self._rows = []
        self.model.set_rows([])
        self.export_button.setEnabled(False)
        self._announce(f"Recall failed: {exc}" if isinstance(exc, DomainError) else f"Recall failed ({exc})")

    def _announce(self, text: str) -> None:
        self.summary_label.setText(text)

    def choose_export_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export recall", f"recall-{self._lot}.csv", "CSV (*.csv)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """Write the shown result (audited as an export of the lot)."""
        from clinic_log.services.review.recall import export_recall

        lot = self._lot
        self._background.run("recall-export", lambda: export_recall(self._db, self._user.actor, lot, path),
                             lambda count: self._announce(f"Exported {count} rows of lot {lot} to {path}"),
                             self._export_failed)

    def _export_failed(self, exc: Exception) -> None:
        self._announce(f"Not exported: {exc}")
        QMessageBox.warning(self, "Export recall", f"The recall was not exported: {exc}")

    def wait(self) -> bool:
        return self._background.wait()

