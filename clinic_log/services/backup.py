"""Consistent online backups (SQLite backup API) and verified restores that keep a copy of the live file."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from clinic_log.db.engine import Database
from clinic_log.db.migrate import upgrade
from clinic_log.db.schema_version import KNOWN_REVISIONS
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DatabaseProblem, DomainError
from clinic_log.services import audit
from clinic_log.services.audit import AuditEvent
from clinic_log.services.authority import authorize
from clinic_log.services.files import atomic_target, check_target

SQLITE_MAGIC = b"SQLite format 3\x00"
_REQUIRED_TABLES = {"sessions", "clients", "practitioners", "audit_log", "alembic_version"}


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int


def _live_path(db: Database) -> Path:
    path = db.sqlite_path
    if not path:
        raise DomainError("backups of a PostgreSQL database are made with pg_dump on the server")
    return Path(path)


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()


def backup(db: Database, actor: Actor, out: Path) -> BackupResult:
    """Copy the live database page by page while others keep working, then verify the copy."""
    authorize(db, actor, "back up and restore")
    live = _live_path(db)
    check_target(out)
    db.write(lambda session: audit.record(db, session, actor, AuditEvent("backed_up", "database", None,
                                                                         {"file": out.name})))
    with atomic_target(out) as tmp:
        tmp.unlink(missing_ok=True)
        source = sqlite3.connect(live, timeout=15)
        try:
            _copy(source, tmp)
        finally:
            source.close()
        problem = verify_file(tmp)
        if problem:
            raise DatabaseProblem(f"the backup copy failed verification: {problem}")
    return BackupResult(out, out.stat().st_size)


def verify_file(path: Path) -> str | None:
    """None when `path` is a readable Clinic Log database this app can open, else what is wrong."""
    try:
        with path.open("rb") as handle:
            if handle.read(16) != SQLITE_MAGIC:
                return f"{path.name} is not an SQLite database"
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror})"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            return "integrity check failed: " + "; ".join(r[0] for r in result[:5])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables >= _REQUIRED_TABLES:
            return f"{path.name} is not a Clinic Log database"
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision is None or revision[0] not in KNOWN_REVISIONS:
            shown = revision[0] if revision else "none"
            return f"{path.name} has schema {shown!r}, newer than this version of Clinic Log"
    except sqlite3.DatabaseError as exc:
        return f"{path.name} cannot be read as a database ({exc})"
    finally:
        conn.close()
    return None


def restore(db: Database, actor: Actor, source: Path) -> Path:
    """Replace the live database with `source` after verifying it; returns the safety copy of the old one."""
    authorize(db, actor, "back up and restore")
    live = _live_path(db)
    problem = verify_file(source)
    if problem:
        raise DatabaseProblem(f"restore refused, the live database was not touched: {problem}")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = live.with_name(f"{live.stem}.before-restore-{stamp}{live.suffix}")
    if live.exists():
        current = sqlite3.connect(live, timeout=15)
        try:
            _copy(current, safety)
        finally:
            current.close()
    db.dispose()  # drop pooled connections so none holds the old pages
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=15)
    try:
        src.backup(target)
    finally:
        src.close()
        target.close()
    with contextlib.suppress(Exception):
        db.write(lambda session: audit.record(db, session, actor, AuditEvent(
            "restored", "database", None, {"from": source.name, "safety_copy": safety.name})))
    return safety


def restore_and_upgrade(db: Database, actor: Actor, source: Path) -> Path:
    """`restore`, then bring an older backup's schema up to date; returns the safety copy of the old file."""
    safety = restore(db, actor, source)
    try:
        upgrade(db)
    except Exception as exc:
        raise DatabaseProblem(f"the backup was restored but its schema could not be upgraded ({exc}); "
                              f"the database as it was before is kept as {safety}") from exc
    return safety
