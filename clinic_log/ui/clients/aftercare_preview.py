"""Preview a client sheet (QtPdf), then print it or save it as a PDF file: a session's aftercare sheet, or a
client's pre-treatment sheet.

``SheetPreviewDialog`` takes any rendered sheet (:class:`RenderedSheet`: the PDF bytes, the template version and
how to record a print and write a save); ``AftercarePreviewDialog`` and ``PretreatmentPreviewDialog`` only say
what to render. Imported only when the first preview opens: QtPdf, QtPrintSupport and reportlab stay out of the
app's start. Each print and each save is recorded in the audit log by the services; opening the preview records
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMargins, QStandardPaths, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.services.clients.aftercare import audit_aftercare_output, preview_aftercare, write_aftercare_pdf
from clinic_log.services.clients.pretreatment import (
    audit_pretreatment_output,
    file_name,
    preview_pretreatment,
    write_pretreatment_pdf,
)
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.printing import ask_and_print, printer_for, printer_name
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import shortcut_button

PREPARING = "Preparing the sheet…"


class SessionSummary(Protocol):
    """What the preview needs to know about the session before its sheet is rendered."""

    @property
    def id(self) -> int: ...
    @property
    def client_name(self) -> str: ...
    @property
    def client_ref(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...


def default_file_name(client_ref: str, started_at: datetime) -> str:
    """aftercare-<client ref>-<session day>.pdf, with anything a file system might refuse replaced by _."""
    ref = re.sub(r"[^\w.-]+", "_", client_ref).strip("._") or "client"
    return f"aftercare-{ref}-{started_at.astimezone():%Y-%m-%d}.pdf"


@dataclass(frozen=True)
class RenderedSheet:
    """A sheet ready to show: its PDF, the template version it was printed from, and how to record its outputs."""

    pdf: bytes
    template_version: int  # 0 for a document without a template
    file_name: str  # offered in the save dialog
    record_print: Callable[[], None]  # audit one print
    save: Callable[[Path], None]  # write the PDF whole (or not at all) and audit the save


class SheetPreviewDialog(QDialog):
    """A sheet rendered in the background by `render`, shown, printed or saved; Print and Save PDF are enabled
    once it is shown."""

    def __init__(self, render: Callable[[], RenderedSheet], *, what: str, title: str, file_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = what  # "aftercare sheet", "pre-treatment sheet"
        self.file_name = file_name
        self.sheet: RenderedSheet | None = None
        self.printer: QPrinter | None = None  # made at the first print; keeps the user's choices afterwards
        self._buffer: QBuffer | None = None
        self.setWindowTitle(title)

        self.document = QPdfDocument(self)
        self.document.statusChanged.connect(self._on_document_status)
        self.view = QPdfView()
        self.view.setAccessibleName(what[:1].upper() + what[1:])
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setDocumentMargins(QMargins(12, 12, 12, 12))
        self.message = QLabel(PREPARING)
        self.message.setAccessibleName("Sheet status")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.view)

        self.print_button = self._button("Print…", QKeySequence(QKeySequence.StandardKey.Print),
                                         "Print the sheet for the client")
        self.print_button.clicked.connect(self.print_sheet)
        self.save_button = self._button("Save PDF…", QKeySequence(QKeySequence.StandardKey.Save),
                                        "Save the sheet as a PDF file")
        self.save_button.clicked.connect(self.save_pdf)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        close.setToolTip("Close the preview (Esc)")
        buttons.rejected.connect(self.reject)
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Status")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)

        row = QHBoxLayout()
        row.addWidget(self.status_label, 1)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(row)
        self.print_button.setDefault(True)
        self._fit_to_screen()

        self._runner = BackgroundRunner(self)
        self._runner.run(what, render, self._on_rendered, self._on_failed)

    def _button(self, text: str, keys: QKeySequence, tip: str) -> QPushButton:
        button = shortcut_button(text, keys, tip)
        button.setEnabled(False)  # until the sheet is shown
        return button

    def _fit_to_screen(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 860, 1000
        if screen is not None:
            width, height = min(width, int(screen.width() * 0.9)), int(screen.height() * 0.9)
        self.resize(width, height)

    # --- loading ---------------------------------------------------------------------------------

    @property
    def is_ready(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready and self.sheet is not None

    def _on_rendered(self, result: RenderedSheet) -> None:
        self.sheet = result
        self.file_name = result.file_name
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(result.pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)

    def _on_failed(self, exc: Exception) -> None:
        self.message.setText(f"The {self.what} could not be prepared:\n{exc}")

    def _on_document_status(self, status: QPdfDocument.Status) -> None:
        if status == QPdfDocument.Status.Error:
            self.message.setText(f"The {self.what} could not be shown ({self.document.error().name}).")
            self.stack.setCurrentWidget(self.message)
        elif status == QPdfDocument.Status.Ready and self.sheet is not None:
            self.stack.setCurrentWidget(self.view)
            self.print_button.setEnabled(True)
            self.save_button.setEnabled(True)
            pages = self.document.pageCount()
            version = self.sheet.template_version  # 0: a document without a template (a referral letter)
            self.status_label.setText(f"{pages} page{'s' if pages != 1 else ''}"
                                      + (f" · template version {version}" if version else ""))

    # --- output ----------------------------------------------------------------------------------

    def print_sheet(self) -> bool:
        """Ask where to print, print every page, and record the print. True once the sheet is printed."""
        if not self.is_ready or self.sheet is None:
            return False
        self.printer = printer_for(self.printer, self.document, self.windowTitle())
        if not ask_and_print(self, self.printer, self.document, self.what):
            return False
        self._record_print(f"Sent to {printer_name(self.printer)}")
        return True

    def save_pdf(self) -> Path | None:
        """Ask for a file name (e.g. aftercare-<client ref>-<date>.pdf), write the sheet, record the save."""
        if not self.is_ready or self.sheet is None:
            return None
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
        chosen, _ = QFileDialog.getSaveFileName(self, f"Save {self.what}", str(folder / self.file_name),
                                                "PDF files (*.pdf)")
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            self.sheet.save(path)
        except (OSError, DomainError) as exc:
            QMessageBox.warning(self, "Save PDF", f"The sheet could not be saved as\n{path}\n\n{exc}")
            return None
        self.status_label.setText(f"Saved as {path}")
        return path

    def _record_print(self, done: str) -> None:
        assert self.sheet is not None
        try:
            self.sheet.record_print()
        except DomainError as exc:
            QMessageBox.warning(self, "Audit log", f"The sheet was printed; the print could not be recorded:\n{exc}")
        self.status_label.setText(done)


def _aftercare(db: Database, actor: Actor, session: SessionSummary) -> RenderedSheet:
    sheet, pdf = preview_aftercare(db, actor, session.id)
    return RenderedSheet(
        pdf, sheet.template_version, default_file_name(session.client_ref, session.started_at),
        record_print=lambda: audit_aftercare_output(db, actor, session.id, "printed", sheet.template_version),
        save=lambda path: write_aftercare_pdf(db, actor, sheet, pdf, path))


class AftercarePreviewDialog(SheetPreviewDialog):
    """The aftercare sheet of one session."""

    def __init__(self, db: Database, user: UserSession, session: SessionSummary,
                 parent: QWidget | None = None) -> None:
        who = user.actor  # whoever opened it prints and saves it (the audit names them)
        super().__init__(lambda: _aftercare(db, who, session), what="aftercare sheet",
                         title=f"Aftercare — {session.client_name}",
                         file_name=default_file_name(session.client_ref, session.started_at), parent=parent)
        self.session_id = session.id
        self.setObjectName("aftercarePreviewDialog")


def _pretreatment(db: Database, actor: Actor, client_id: int, modality: str | None) -> RenderedSheet:
    sheet, pdf = preview_pretreatment(db, actor, client_id, modality)
    return RenderedSheet(
        pdf, sheet.template_version, file_name(sheet),
        record_print=lambda: audit_pretreatment_output(db, actor, sheet, "printed"),
        save=lambda path: write_pretreatment_pdf(db, actor, sheet, pdf, path))


class PretreatmentPreviewDialog(SheetPreviewDialog):
    """A client's pre-treatment sheet: what to stop and when, with their own findings (None: the treatment of
    their latest session; "rf" or "mechanical" to choose)."""

    def __init__(self, db: Database, user: UserSession, client_id: int, client_name: str,
                 modality: str | None = None, parent: QWidget | None = None) -> None:
        who = user.actor  # whoever opened it prints and saves it (the audit names them)
        super().__init__(lambda: _pretreatment(db, who, client_id, modality), what="pre-treatment sheet",
                         title=f"Before treatment — {client_name}", file_name="pretreatment.pdf", parent=parent)
        self.client_id = client_id
        self.setObjectName("pretreatmentPreviewDialog")
