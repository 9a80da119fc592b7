"""`check`: database integrity, foreign keys, the audit hash chain and every signed session's seal, each problem in
words."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, text

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry
from clinic_log.services.audit.witness import (
    Witness,
    chain_head,
    compare,
    newest,
    read_witness,
    witness_path,
    write_witness,
)
from clinic_log.services.common.audit import verify_chain
from clinic_log.services.common.files import backups_dir
from clinic_log.services.sessions.seals import verify_seals


def quick_check(db: Database) -> list[str]:
    """SQLite's fast structural check, for start-up (run off the GUI thread: it reads the whole file)."""
    if not db.is_sqlite:
        return []
    with db.engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA quick_check"))]
    return [] if rows == ["ok"] else [f"integrity: {r}" for r in rows]


def check_database(db: Database, seals: bool = True) -> list[str]:
    """Everything `check` reports (`seals=False`: the chain alone, the benchmark's baseline)."""
    problems: list[str] = []
    if db.is_sqlite:
        with db.engine.connect() as conn:
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if rows != ["ok"]:
                problems += [f"integrity: {r}" for r in rows]
            for table, rowid, parent, _ in conn.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"foreign key: {table} row {rowid} points to a missing {parent} row")
    problems += [str(p) for p in verify_chain(db)]
    if seals:
        problems += verify_seals(db)
        problems += compare_with_witnesses(db)
    return problems


def last_restore(db: Database) -> datetime | None:
    """When the database was last restored from a backup (UTC), or None."""
    with db.reading() as session:
        at = session.scalar(select(func.max(AuditEntry.at)).where(AuditEntry.action == "restored"))
    return None if at is None else at.replace(tzinfo=UTC)


def known_witnesses(db: Database) -> list[Witness | None]:
    """The witness file beside the database and the witness in each backup's metadata (`*.meta.json`)."""
    found: list[Witness | None] = []
    path = witness_path(db)
    if path is not None:
        found.append(read_witness(path))
    folder = backups_dir(db)
    if folder is not None and folder.is_dir():
        found += [read_witness(meta) for meta in folder.glob("*.meta.json")]
    return found


def compare_with_witnesses(db: Database) -> list[str]:
    """The chain against the newest witness: a cut tail or a rewritten chain is named. Witnesses taken before the
    newest restore saw a chain the restore replaced on purpose, so they no longer count."""
    restored = last_restore(db)
    witness = newest(w for w in known_witnesses(db) if w is not None and (restored is None or w.taken >= restored))
    problem = compare(db, witness) if witness is not None else None
    return [problem] if problem else []


def record_witness(db: Database) -> Witness:
    """After a clean check: write the chain's head as the new witness beside the database, and return it."""
    head = chain_head(db)
    write_witness(db, head)
    return head
