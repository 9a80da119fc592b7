"""Settings → Reference data: export the clinical tables for the medical director's review and load them back.

The work is the services' (`services/clinic/reference_files.py`: checked whole, all or nothing, audited);
here a folder is
chosen and the outcome shown — every problem line when the files are refused, else how many rows changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError, ImportRefused
from clinic_log.services.clinic.reference_files import FILES, export_reference, load_reference
from clinic_log.ui.common.user_session import UserSession

TITLE = "Reference data"


def _folder(parent: QWidget, caption: str) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, caption)
    return Path(chosen) if chosen else None


def ask_and_export(parent: QWidget, db: Database, user: UserSession) -> QMessageBox | None:
    folder = _folder(parent, "Export the reference tables into the folder")
    return None if folder is None else export_to(parent, db, user, folder)


def ask_and_load(parent: QWidget, db: Database, user: UserSession) -> QMessageBox | None:
    folder = _folder(parent, "Load the reviewed reference tables from the folder")
    return None if folder is None else load_from(parent, db, user, folder)


def export_to(parent: QWidget, db: Database, user: UserSession, folder: Path) -> QMessageBox:
    try:
        written = export_reference(db, user.actor, folder)
    except DomainError as exc:
        return _show(parent, QMessageBox.Icon.Warning, f"Nothing was exported: {exc}")
    return _show(parent, QMessageBox.Icon.Information,
                 f"{len(written)} files written to {folder} for the medical director: {', '.join(FILES)}. "
                 "Load them back here when they are reviewed.")


def load_from(parent: QWidget, db: Database, user: UserSession, folder: Path) -> QMessageBox:
    try:
        loaded = load_reference(db, user.actor, folder)
    except ImportRefused as exc:
        box = _show(parent, QMessageBox.Icon.Warning,
                    f"The files in {folder} were refused; nothing was changed. {len(exc.problems)} problem(s):")
        box.setDetailedText("\n".join(str(p) for p in exc.problems))
        box.setInformativeText("\n".join(str(p) for p in exc.problems[:8]))
        return box
    except DomainError as exc:
        return _show(parent, QMessageBox.Icon.Warning, f"Nothing was loaded: {exc}")
    return _show(parent, QMessageBox.Icon.Information,
                 f"{', '.join(loaded.files)}: {loaded.added} row(s) added, {loaded.changed} changed "
                 "(each change is in the audit log).")


def _show(parent: QWidget, icon: QMessageBox.Icon, text: str) -> QMessageBox:
    box = QMessageBox(icon, TITLE, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("referenceDataMessage")
    box.open()
    return box
