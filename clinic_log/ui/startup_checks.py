"""After the window is up: today's automatic backup and a quick integrity check, off the GUI thread.

A damaged file is never repaired silently: the user is told what is wrong and which verified backup to
restore from (`clinic-log restore FILE`), and the live file is left as it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox, QWidget

from clinic_log.db.engine import Database
from clinic_log.ui.background import BackgroundRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartupReport:
    problems: tuple[str, ...]
    backups_made: tuple[str, ...]
    restore_hint: str | None


def _run_checks(db: Database) -> StartupReport:
    # Imported here, in the worker thread: they load SQLAlchemy, which the window's first screen does without.
    from sqlalchemy.exc import DBAPIError

    from clinic_log.services.backup_schedule import backup_if_due, latest_good_backup
    from clinic_log.services.integrity import quick_check

    try:
        problems = tuple(quick_check(db))
    except DBAPIError as exc:  # damaged so badly that SQLite cannot even open it
        problems = (f"the file cannot be read: {exc.orig}",)
    if problems:  # never back up a damaged file over the good copies
        good = latest_good_backup(db)
        return StartupReport(problems, (), str(good.path) if good else None)
    made = tuple(str(b.path) for b in backup_if_due(db))
    return StartupReport((), made, None)


def start_background_checks(parent: QWidget, db: Database, runner: BackgroundRunner) -> None:
    runner.run("startup-checks", lambda: _run_checks(db), lambda report: _show(parent, report),
               lambda exc: _warn(parent, f"The automatic backup could not be made: {exc}"))


def _show(parent: QWidget, report: StartupReport) -> None:
    for path in report.backups_made:
        log.info("automatic backup written to %s", path)
    if not report.problems:
        return
    text = "The database failed its integrity check:\n" + "\n".join(report.problems[:10])
    text += (f"\n\nThe latest good backup is:\n{report.restore_hint}\nClose Clinic Log and restore it with "
             f"`clinic-log restore {report.restore_hint}`." if report.restore_hint
             else "\n\nNo verified backup was found beside it. Contact support before entering new records.")
    _warn(parent, text)


def _warn(parent: QWidget, text: str) -> None:
    QMessageBox.warning(parent, "Clinic Log", text)
