"""Tampering as someone with access to the database file would: first drop the guard triggers, then edit rows.

The guards (migration 0005) refuse edits to append-only tables and signed sessions; tests of what `check` and the
audit viewer notice after such an edit take the guards away first, as an attacker could.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

GUARD_MARK = "refused by the database"


def drop_guards_sqlite(conn: sqlite3.Connection) -> None:
    """Drop every guard trigger of an SQLite file (a plain sqlite3 connection)."""
    names = [name for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
             if GUARD_MARK in (sql or "")]
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")


def drop_guards(session: Session) -> None:
    """Take the guards away inside an open transaction, on SQLite or PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        rows: Any = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, sql in rows:
            if GUARD_MARK in (sql or ""):
                session.execute(text(f"DROP TRIGGER {name}"))
        return
    for table in ("sessions", "session_areas", "session_products", "complications", "session_warnings",
                  "amendments", "session_overrides", "audit_log"):
        session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
