"""`check`: database integrity, foreign keys and the audit hash chain, each problem in words."""

from __future__ import annotations

from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.services.audit import verify_chain


def quick_check(db: Database) -> list[str]:
    """SQLite's fast structural check, for start-up (run off the GUI thread: it reads the whole file)."""
    if not db.is_sqlite:
        return []
    with db.engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA quick_check"))]
    return [] if rows == ["ok"] else [f"integrity: {r}" for r in rows]


def check_database(db: Database) -> list[str]:
    problems: list[str] = []
    if db.is_sqlite:
        with db.engine.connect() as conn:
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if rows != ["ok"]:
                problems += [f"integrity: {r}" for r in rows]
            for table, rowid, parent, _ in conn.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"foreign key: {table} row {rowid} points to a missing {parent} row")
    problems += [str(p) for p in verify_chain(db)]
    return problems
