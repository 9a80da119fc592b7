"""What happens after the window is up: a quick integrity check, then today's automatic backup — in that order, so a
damaged file is never backed up over the good copies. A damaged file is never repaired silently: the report says
what is wrong and which verified backup to restore from (`clinic-log restore FILE`); the live file is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinic_log.db.engine import Database


@dataclass(frozen=True)
class StartupReport:
    problems: tuple[str, ...]
    backups_made: tuple[str, ...]
    restore_hint: str | None  # the latest verified backup, when the file failed its check

    def warning(self) -> str | None:
        """What the user must be told, or None when all is well."""
        if not self.problems:
            return None
        text = "The database failed its integrity check:\n" + "\n".join(self.problems[:10])
        return text + (f"\n\nThe latest good backup is:\n{self.restore_hint}\nClose Clinic Log and restore it with "
                       f"`clinic-log restore {self.restore_hint}`." if self.restore_hint
                       else "\n\nNo verified backup was found beside it. Contact support before entering new records.")


def run_startup_checks(db: Database) -> StartupReport:
    """The check, then the backup when the check passed (the driver's errors become the report's problems)."""
    # Imported here: they load SQLAlchemy, which the window's first screen does without.
    from sqlalchemy.exc import DBAPIError

    from clinic_log.services.audit.integrity import quick_check
    from clinic_log.services.backup.backup_schedule import backup_if_due, latest_good_backup

    try:
        problems = tuple(quick_check(db))
    except DBAPIError as exc:  # damaged so badly that SQLite cannot even open it
        problems = (f"the file cannot be read: {exc.orig}",)
    if problems:  # never back up a damaged file over the good copies
        good = latest_good_backup(db)
        return StartupReport(problems, (), str(good.path) if good else None)
    return StartupReport((), tuple(str(b.path) for b in backup_if_due(db)), None)
