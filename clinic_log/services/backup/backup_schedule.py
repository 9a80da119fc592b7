"""Automatic backups: one a day at the first start of the day, plus one a month; old ones pruned.

Backups live in an owner-only `backups/` folder beside the database file, each with its `<file>.meta.json` sidecar
(checksum and the audit chain's witness). Keeps the newest 14 daily and 12 monthly; manual backups (made on
request) are listed with them but never pruned. Automatic backups are not encrypted: they never leave the data
folder (an encrypted copy for another place is made on request).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import DomainError
from clinic_log.paths import make_owner_only, private_dir
from clinic_log.services.backup.backup import BackupResult, backup, copy_backup, meta_path, verify_file
from clinic_log.services.common.files import backups_dir, sha256_of

KEEP_DAILY = 14
KEEP_MONTHLY = 12
SYSTEM = Actor("system:auto-backup", UserRole.OWNER)
_NAME = re.compile(r"^(?P<stem>.+)-(?:(?P<kind>daily|monthly)-(?P<stamp>\d{4}-\d{2}(-\d{2})?)"
                   r"|(?P<manual>manual)-(?P<moment>\d{8}-\d{6}))\.sqlite3$")
_MANUAL_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str  # daily, monthly, manual
    stamp: str  # 2026-11-25 (daily), 2026-11 (monthly), 20261125-143005 (manual)
    size_bytes: int
    modified: datetime

    @property
    def taken(self) -> datetime:
        """When the backup was made as its name says (a monthly one: the first of its month)."""
        if self.kind == "manual":
            return datetime.strptime(self.stamp, _MANUAL_STAMP)
        if self.kind == "monthly":
            return datetime.strptime(self.stamp, "%Y-%m")
        return datetime.strptime(self.stamp, "%Y-%m-%d")


def _private_backups_dir(db: Database) -> Path:
    """The backups folder, made (or kept) owner-only: it is Clinic Log's own."""
    folder = backups_dir(db)
    if folder is None:
        raise DomainError("backups of a PostgreSQL database are made with pg_dump on the server")
    private_dir(folder)
    make_owner_only(folder)
    return folder


def list_backups(db: Database) -> list[BackupInfo]:
    """Newest first; sidecars (`*.meta.json`) and anything else not named like a backup are left out."""
    folder = backups_dir(db)
    if folder is None or not folder.exists():
        return []
    stem = Path(db.sqlite_path or "").stem
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and match["stem"] == stem:
            info = path.stat()
            kind, stamp = (match["kind"], match["stamp"]) if match["kind"] else ("manual", match["moment"])
            found.append(BackupInfo(path, kind, stamp, info.st_size, datetime.fromtimestamp(info.st_mtime)))
    return sorted(found, key=lambda b: (b.taken, b.kind), reverse=True)


def backup_now(db: Database, actor: Actor, now: datetime | None = None) -> BackupResult:
    """A manual backup, `<stem>-manual-<YYYYmmdd-HHMMSS>.sqlite3` in the backups folder (never pruned)."""
    folder = _private_backups_dir(db)
    stem = Path(db.sqlite_path or "").stem
    moment = (now or datetime.now()).strftime(_MANUAL_STAMP)
    return backup(db, actor, folder / f"{stem}-manual-{moment}.sqlite3")


def backup_if_due(db: Database, today: date | None = None) -> list[BackupResult]:
    """Make today's daily (and this month's monthly) backup if missing; prune the old ones."""
    if backups_dir(db) is None:
        return []  # PostgreSQL: backed up on the server
    folder = _private_backups_dir(db)
    today = today or date.today()
    stem = Path(db.sqlite_path or "").stem
    made: list[BackupResult] = []
    daily = folder / f"{stem}-daily-{today.isoformat()}.sqlite3"
    if not daily.exists():
        made.append(backup(db, SYSTEM, daily))
    monthly = folder / f"{stem}-monthly-{today:%Y-%m}.sqlite3"
    if not monthly.exists():
        earlier = made[0] if made else _finished(daily)
        made.append(copy_backup(earlier, monthly) if earlier else backup(db, SYSTEM, monthly))
    _prune(db)
    return made


def _finished(path: Path) -> BackupResult | None:
    """Today's daily backup made earlier, as `backup` returned it; None when its sidecar is missing or its checksum
    no longer matches (made by an older version, or changed since): the monthly one is then made afresh."""
    try:
        meta = json.loads(meta_path(path).read_text(encoding="utf-8"))
        digest = sha256_of(path)
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("sha256") != digest:
        return None
    return BackupResult(path, path.stat().st_size, digest, bool(meta.get("encrypted")))


def _prune(db: Database) -> None:
    existing = list_backups(db)
    for kind, keep in (("daily", KEEP_DAILY), ("monthly", KEEP_MONTHLY)):
        for old in [b for b in existing if b.kind == kind][keep:]:
            old.path.unlink(missing_ok=True)
            meta_path(old.path).unlink(missing_ok=True)


def latest_good_backup(db: Database) -> BackupInfo | None:
    """The newest backup that passes verification (what to offer when the live file is damaged)."""
    for candidate in sorted(list_backups(db), key=lambda b: b.modified, reverse=True):
        if verify_file(candidate.path) is None:
            return candidate
    return None
