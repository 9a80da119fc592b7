"""Bring a database's schema to HEAD_REVISION with Alembic (imported only when needed)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_log.db.engine import Database
from clinic_log.db.schema_version import HEAD_REVISION, KNOWN_REVISIONS, current_revision
from clinic_log.domain.errors import DatabaseProblem

if TYPE_CHECKING:  # alembic is slow to import: only when a migration runs
    from alembic.config import Config

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def needs_upgrade(db: Database) -> bool:
    return current_revision(db) != HEAD_REVISION


def upgrade(db: Database) -> bool:
    """Upgrade to head; returns True when anything was migrated. Refuses a newer database."""
    revision = current_revision(db)
    if revision == HEAD_REVISION:
        return False
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseProblem(
            f"the database schema {revision!r} is newer than this version of Clinic Log; update the app"
        )
    from alembic import command

    with db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("schema upgraded from %s to %s", revision, HEAD_REVISION)
    return True


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config
