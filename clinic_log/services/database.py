"""Open a database for use: create its folder, back up before a pending migration, upgrade, load reference data."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_log.db.engine import Database, open_database
from clinic_log.domain.errors import DatabaseProblem
from clinic_log.services.startup_queries import sqlite_ready

if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def prepare_database(path_or_url: str) -> Database:
    """Open and bring up to date. Alembic is imported only when a migration is pending.

    A file that cannot be read as a database is never touched: the error says so and names the
    latest good backup to restore from. An SQLite file already at the current schema with its reference data
    is checked with plain sqlite3, so opening it loads no SQLAlchemy (the GUI's first screen does not need it).
    """
    if "://" not in path_or_url:
        Path(path_or_url).parent.mkdir(parents=True, exist_ok=True)
    db = open_database(path_or_url)
    if sqlite_ready(db):
        return db
    from sqlalchemy.exc import DBAPIError

    from clinic_log.db.schema_version import HEAD_REVISION, current_revision

    try:
        revision = current_revision(db)
    except DBAPIError as exc:
        db.dispose()
        raise _unreadable(db, exc) from None
    if revision != HEAD_REVISION:
        from clinic_log.db.migrate import upgrade

        if revision is not None:
            _backup_before_migration(db)
        upgrade(db)
        _load_reference(db)
        if revision is not None and _before(revision, SEALS_REVISION):
            _seal_existing(db)
    elif _reference_missing(db):
        _load_reference(db)
    return db


def _unreadable(db: Database, exc: DBAPIError) -> DatabaseProblem:
    from clinic_log.services.backup_schedule import latest_good_backup

    message = f"{db.sqlite_path or db.url} cannot be used ({exc.orig}); it was left exactly as it is."
    if db.is_sqlite:
        good = latest_good_backup(db)
        message += (f" Restore the latest good backup with: clinic-log restore {good.path}" if good
                    else " No verified backup was found beside it.")
    return DatabaseProblem(message)


SEALS_REVISION = "0005_guarded_sessions"  # the first schema whose signed sessions carry seals in the audit trail


def _before(revision: str, other: str) -> bool:
    from clinic_log.db.schema_version import KNOWN_REVISIONS

    return revision in KNOWN_REVISIONS and KNOWN_REVISIONS.index(revision) < KNOWN_REVISIONS.index(other)


def _seal_existing(db: Database) -> None:
    """Sessions signed before seals existed are sealed once, at the upgrade, as they are then: from that moment a
    change outside the app is detected (one made before it cannot be)."""
    from sqlalchemy import func, select

    from clinic_log.db.models import TreatmentSession
    from clinic_log.domain.actor import Actor
    from clinic_log.domain.enums import UserRole
    from clinic_log.services.seals import seal_range

    def work(session: Session) -> int:
        top = session.scalar(select(func.max(TreatmentSession.id))) or 0
        return seal_range(db, session, Actor("system:upgrade", UserRole.OWNER), 1, top,
                          f"signed before seals existed (schema {SEALS_REVISION}): sealed at the upgrade")

    sealed = db.write(work)
    log.info("sealed %d signed sessions at the upgrade", sealed)


def _reference_missing(db: Database) -> bool:
    from sqlalchemy import func, select

    from clinic_log.db.models import Area

    with db.reading() as session:
        return not session.scalar(select(func.count()).select_from(Area))


def _load_reference(db: Database) -> int:
    from clinic_log.db.reference_data import load_reference_data

    return db.write(load_reference_data)


def _backup_before_migration(db: Database) -> None:
    live = db.sqlite_path
    if not live or not Path(live).exists():
        return
    target = Path(live).with_name(f"{Path(live).stem}.before-upgrade-{datetime.now():%Y%m%d-%H%M%S}.sqlite3")
    source, copy = sqlite3.connect(live), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    log.info("backed up %s to %s before migrating", live, target)


def init_database(path_or_url: str) -> tuple[Database, int]:
    """`init`: create or upgrade, then make sure every reference row exists (idempotent)."""
    db = prepare_database(path_or_url)
    return db, _load_reference(db)
