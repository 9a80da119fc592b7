"""After the window is up, the start-up checks (services/backup/startup_checks.py) run off the GUI thread;
this shows what
they found."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from clinic_log.db.engine import Database
from clinic_log.services.backup.startup_checks import StartupReport, run_startup_checks
from clinic_log.ui.common.background import BackgroundRunner

log = logging.getLogger(__name__)


def start_background_checks(parent: QWidget, db: Database, runner: BackgroundRunner) -> None:
    runner.run("startup-checks", lambda: run_startup_checks(db), lambda report: _show(parent, report),
               lambda exc: _warn(parent, f"The automatic backup could not be made: {exc}"))


def _show(parent: QWidget, report: StartupReport) -> None:
    for path in report.backups_made:
        log.info("automatic backup written to %s", path)
    text = report.warning()
    if text:
        _warn(parent, text)


def _warn(parent: QWidget, text: str) -> None:
    QMessageBox.warning(parent, "Clinic Log", text)
