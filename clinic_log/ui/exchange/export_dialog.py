"""File → Export…: sessions as CSV, JSON or FHIR R4 (with the photos as Media when asked), or one client's data
(subject access) as JSON, its photos in a folder beside it, or PDF.

Owner only (the services refuse anyone else, and audit each export). The export runs in the background
behind a progress dialog with Cancel; a cancelled export leaves no file behind.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.services.common.progress import Progress
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.exchange.file_job_dialog import FileJobDialog
from clinic_log.ui.sessions.history_filter_bar import OptionalDateEdit

SESSION_FORMATS = (("csv", "CSV for Excel (one row per treated area)", ".csv"),
                   ("json", "JSON (one object per treated area)", ".json"),
                   ("fhir", "FHIR R4 Bundle (Patient, Practitioner, Device, Procedure, AdverseEvent)", ".json"))
CLIENT_FORMATS = (("json", "JSON: every stored row", ".json"), ("pdf", "PDF summary", ".pdf"))


def time_choices() -> tuple[tuple[str, str], ...]:
    """The Times choices for CSV and JSON, the local one naming this computer's zone when it is known."""
    from clinic_log.services.exchange.exporter import machine_zone

    zone = machine_zone()
    local = f"Local time with UTC offset ({zone.key})" if zone is not None else "Local time with UTC offset"
    return (("local", local), ("utc", "UTC"))


class ExportDialog(FileJobDialog):
    """Sessions or one client's data to a file, the result on its result line. `client_ref` prefills the client
    for a subject-access export (sessions stay the default kind)."""

    cancelled_text = "Export cancelled; no file was written."

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None, client_ref: str = "") -> None:
        super().__init__("Export", "Export result", parent)
        self._db, self._user = db, user
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("Sessions", "sessions")
        self.kind_combo.addItem("One client's data (subject access)", "client")
        self.format_combo = QComboBox()
        self.from_edit = OptionalDateEdit()
        self.to_edit = OptionalDateEdit()
        self.times_combo = QComboBox()
        for key, shown in time_choices():
            self.times_combo.addItem(shown, key)
        self.times_combo.setToolTip("CSV and JSON: the zone is named in each row's time_zone column")
        self.photos_check = QCheckBox("with the images (FHIR Media; the file grows by every photo)")
        self.client_edit = QLineEdit(client_ref)
        self.client_edit.setPlaceholderText("e.g. P-1001")

        sessions_page, client_page = QWidget(), QWidget()
        sessions_form = QFormLayout(sessions_page)
        sessions_form.setContentsMargins(0, 0, 0, 0)
        client_form = QFormLayout(client_page)
        client_form.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        self.stack.addWidget(sessions_page)
        self.stack.addWidget(client_page)
        form = QFormLayout()
        for target, text, widget in ((form, "&Export", self.kind_combo), (form, "F&ormat", self.format_combo),
                                     (sessions_form, "Fro&m (local day)", self.from_edit),
                                     (sessions_form, "T&o (local day)", self.to_edit),
                                     (sessions_form, "&Times", self.times_combo),
                                     (sessions_form, "P&hotos", self.photos_check),
                                     (client_form, "C&lient ref", self.client_edit)):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            target.addRow(label, widget)
        self.add_buttons("E&xport", "Export", QDialogButtonBox.StandardButton.Cancel, self.start_export)
        self.export_button = self.action_button
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.stack)
        bottom = QFormLayout()
        bottom.addRow(self.file_label, self.file_row)
        layout.addLayout(bottom)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        self._on_kind_changed()
        self.resize(max(560, self.sizeHint().width()), self.sizeHint().height())

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _on_kind_changed(self) -> None:
        formats = SESSION_FORMATS if self.kind() == "sessions" else CLIENT_FORMATS
        self.format_combo.clear()
        for key, label, _suffix in formats:
            self.format_combo.addItem(label, key)
        self.stack.setCurrentIndex(0 if self.kind() == "sessions" else 1)
        self._on_format_changed()

    def _on_format_changed(self) -> None:
        self.times_combo.setEnabled(self.format_combo.currentData() in ("csv", "json"))  # FHIR has its own rules
        fhir = self.format_combo.currentData() == "fhir"
        self.photos_check.setEnabled(fhir)  # photos travel as FHIR Media only
        if not fhir:
            self.photos_check.setChecked(False)

    def _suffix(self) -> str:
        formats = SESSION_FORMATS if self.kind() == "sessions" else CLIENT_FORMATS
        return next(s for key, _, s in formats if key == self.format_combo.currentData())

    def choose_file(self) -> None:
        default = f"{'sessions' if self.kind() == 'sessions' else self.client_edit.text().strip() or 'client'}"
        name, _ = QFileDialog.getSaveFileName(self, "Export to", default + self._suffix())
        if name:
            self.file_edit.setText(name)

    def start_export(self) -> None:
        """Check the inputs, then export in the background; the dialog stays open to show the result."""
        path = self.chosen_path("choose where to save the export")
        if path is None:
            return
        fmt = str(self.format_combo.currentData())
        if self.kind() == "sessions":
            first, last = self.from_edit.value(), self.to_edit.value()
            times = str(self.times_combo.currentData())
            with_photos = self.photos_check.isChecked()
            from clinic_log.services.exchange.exporter import export_sessions

            def work(progress: Progress) -> str:
                count = export_sessions(self._db, self._user.actor, fmt, path, first, last, times=times,
                                        progress=progress, with_photos=with_photos)
                return f"Exported {count} {'bundle entries' if fmt == 'fhir' else 'rows'} to {path}"
        else:
            ref = self.client_edit.text().strip()
            if not ref:
                QMessageBox.warning(self, "Export", "Client ref: enter the client's reference, e.g. P-1001.")
                return
            from clinic_log.services.exchange.subject_access import export_client, photos_folder_of

            def work(progress: Progress) -> str:
                data = export_client(self._db, self._user.actor, ref, fmt, path)
                count = len(data.photo_ids)
                photos = (f", and their {count} photo{'s' if count != 1 else ''} to {photos_folder_of(path).name}"
                          if fmt == "json" and data.photo_ids else "")
                return f"Exported the data of {data.client_name} ({data.client_ref}) to {path}{photos}"
        self.run_job(f"Exporting to {path.name}…", work, self._done, self._failed)

    def _done(self, text: str) -> None:
        self.result_label.setText(text)

    def _failed(self, exc: Exception) -> None:
        self.result_label.setText(f"Not exported: {exc}")
