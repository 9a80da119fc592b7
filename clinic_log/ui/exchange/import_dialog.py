"""File → Import…: practitioners, clients or sessions from a CSV file, all or nothing (owner only).

The same strict reader as `clinic-log import` (services/exchange/importer.py).
The import runs in the background behind a
progress dialog with Cancel; a cancelled import rolls back, so nothing of the file is stored. A refused file shows
its problems as `line N: column: problem` in a scrollable list (the first 50, then how many more).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError, ImportRefused
from clinic_log.services.common.progress import Progress
from clinic_log.services.exchange.importer import ImportResult
from clinic_log.ui.common.operations import EVERYTHING, changes
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.exchange.file_job_dialog import FileJobDialog

log = logging.getLogger(__name__)
KINDS = (("sessions", "Sessions"), ("clients", "Clients"), ("practitioners", "Practitioners"))
PROBLEMS_SIZE = (900, 520)  # room for the problem list: a dozen lines of about 100 characters
STEPS = 1000  # the progress bar's scale (a file's size in bytes may not fit a Qt int)


def result_text(result: ImportResult, path: Path) -> str:
    """The line shown once a file is stored (the CLI says the same)."""
    text = f"Imported {result.records} {result.kind} from {result.rows} rows of {path.name}."
    if result.skipped:
        lines = ", ".join(map(str, result.skipped_lines))
        more = ", …" if result.skipped > len(result.skipped_lines) else ""
        text += f" Skipped {result.skipped} sessions already in the database (lines {lines}{more})."
    return text


class ImportDialog(FileJobDialog):
    """Practitioners, clients or sessions from a CSV file, the result on its result line."""

    cancelled_text = "Import cancelled; nothing of the file was stored."

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__("Import", "Import result", parent)
        self._db, self._user = db, user
        self.kind_combo = QComboBox()
        for key, label in KINDS:
            self.kind_combo.addItem(label, key)
        self.file_edit.setPlaceholderText("a CSV file (UTF-8), header row first")
        self.skip_check = QCheckBox("&Skip sessions already in the database (same client, start time and "
                                    "practitioner)")
        self.skip_check.setAccessibleName("Skip sessions already in the database")
        self.result_label.setText("Each file is stored whole or not at all. Import practitioners and clients "
                                  "before their sessions.")
        self.problems_view = QPlainTextEdit()
        self.problems_view.setReadOnly(True)
        self.problems_view.setAccessibleName("Problems")
        self.problems_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.problems_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.problems_view.setMinimumHeight(12 * self.problems_view.fontMetrics().lineSpacing())
        self.problems_view.hide()

        form = QFormLayout()
        kind_label = QLabel("&Import")
        kind_label.setBuddy(self.kind_combo)
        self.kind_combo.setAccessibleName("Import")
        form.addRow(kind_label, self.kind_combo)
        form.addRow(self.file_label, self.file_row)
        form.addRow("", self.skip_check)
        self.add_buttons("I&mport", "Import file", QDialogButtonBox.StandardButton.Close, self.start_import)
        self.import_button = self.action_button
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.problems_view, 100)  # the list takes the room when shown, the stretch otherwise
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self._on_kind_changed()
        self.resize(max(640, self.sizeHint().width()), self.sizeHint().height())

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _on_kind_changed(self) -> None:
        self.skip_check.setVisible(self.kind() == "sessions")

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import from", "", "CSV files (*.csv);;All files (*)")
        if name:
            self.file_edit.setText(name)

    def start_import(self) -> None:
        """Check the inputs, then import in the background; the dialog stays open to show the result."""
        path = self.chosen_path("choose the CSV file to import")
        if path is None:
            return
        kind, skip = self.kind(), self.skip_check.isChecked()
        from clinic_log.services.exchange import importer

        def work(progress: Progress) -> ImportResult:
            actor = self._user.actor
            if kind == "practitioners":
                return importer.import_practitioners(self._db, actor, path)
            if kind == "clients":
                return importer.import_clients(self._db, actor, path)

            def scaled(done: int, total: int) -> None:
                progress(done * STEPS // total if total else 0, STEPS if total else 0)

            return importer.import_sessions(self._db, actor, path, skip_existing=skip, progress=scaled)

        self.problems_view.hide()
        self.run_job(f"Importing {path.name}…", work, lambda result: self._done(result, path), self._failed)

    def _done(self, result: ImportResult, path: Path) -> None:
        text = result_text(result, path)
        self.result_label.setText(text)
        changes.announce(EVERYTHING)  # every page shows the file's records

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, ImportRefused):
            shown = [str(p) for p in exc.problems]
            self.result_label.setText("Not imported: the file has problems (below); nothing was written. Fix "
                                      "them and import the whole file again.")
            self.problems_view.setPlainText("\n".join(shown))
            self.problems_view.show()
            self.resize(max(self.width(), PROBLEMS_SIZE[0]), max(self.height(), PROBLEMS_SIZE[1]))
        elif isinstance(exc, DomainError):
            self.result_label.setText(f"Not imported: {exc}")
        else:  # a defect, not bad input: the log file keeps the traceback
            log.error("import failed", exc_info=exc)
            self.result_label.setText(f"Not imported: an unexpected problem ({type(exc).__name__}); nothing was "
                                      "written. The log file has the details.")
