"""Open a database for use: create its folder, back up before a pending migration, upgrade, load reference data."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from clinic_log.db.engine import Database, open_database
from clinic_log.db.models import Area
from clinic_log.db.schema_version import HEAD_REVISION, current_revision

log = logging.getLogger(__name__)


def prepare_database(path_or_url: str) -> Database:
    """Open and bring up to date. Alembic is imported only when a migration is pending."""
    if "://" not in path_or_url:
        Path(path_or_url).parent.mkdir(parents=True, exist_ok=True)
    db = open_database(path_or_url)
    revision = current_revision(db)
    if revision != HEAD_REVISION:
        from clinic_log.db.migrate import upgrade

        if revision is not None:
            _backup_before_migration(db)
        upgrade(db)
        _load_reference(db)
    elif _reference_missing(db):
        _load_reference(db)
    return db


def _reference_missing(db: Database) -> bool:
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
