"""The schema revision this code expects, read without importing Alembic (it is slow to import).

A test checks HEAD_REVISION against the Alembic scripts so the two cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clinic_log.db.engine import Database

HEAD_REVISION = "0013_notes_trigram"
KNOWN_REVISIONS = ("0001_initial", "0002_consent_drafts_void", "0003_voided_index", "0004_notes_search",
                   "0005_guarded_sessions", "0006_clinical_reference", "0007_pretreatment_templates",
                   "0008_client_decisions", "0009_sites_indications_tips", "0010_photos", "0011_lot_stock",
                   "0012_change_notify", "0013_notes_trigram")


def current_revision(db: Database) -> str | None:
    """The revision stamped in the database, or None for an empty database."""
    from sqlalchemy import text  # here, not at the top: the GUI's start reads HEAD_REVISION without SQLAlchemy

    with db.engine.connect() as conn:
        if not conn.dialect.has_table(conn, "alembic_version"):  # no Inspector: it costs at start-up
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
