"""full-text index of session notes (SQLite)

Revision ID: 0004_notes_search
Revises: 0003_voided_index
Create Date: 2026-11-25 12:30:00

An FTS5 trigram index over sessions.notes, kept in step by triggers, so a notes search finds its few matching
sessions without reading a million notes (a word in no note: ~180 ms → under 1 ms on 1M sessions). The index is
external-content (it stores no second copy of the notes). PostgreSQL keeps its ILIKE search: nothing to do there.
"""

from __future__ import annotations

from alembic import op

revision = '0004_notes_search'
down_revision = '0003_voided_index'
branch_labels = None
depends_on = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE sessions_notes_fts USING fts5(notes, content='sessions', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER sessions_notes_fts_insert AFTER INSERT ON sessions WHEN new.notes IS NOT NULL BEGIN "
    "INSERT INTO sessions_notes_fts(rowid, notes) VALUES (new.id, new.notes); END",
    "CREATE TRIGGER sessions_notes_fts_delete AFTER DELETE ON sessions WHEN old.notes IS NOT NULL BEGIN "
    "INSERT INTO sessions_notes_fts(sessions_notes_fts, rowid, notes) VALUES ('delete', old.id, old.notes); END",
    "CREATE TRIGGER sessions_notes_fts_update AFTER UPDATE OF notes ON sessions BEGIN "
    "INSERT INTO sessions_notes_fts(sessions_notes_fts, rowid, notes) "
    "SELECT 'delete', old.id, old.notes WHERE old.notes IS NOT NULL; "
    "INSERT INTO sessions_notes_fts(rowid, notes) SELECT new.id, new.notes WHERE new.notes IS NOT NULL; END",
    "INSERT INTO sessions_notes_fts(sessions_notes_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS sessions_notes_fts_insert",
    "DROP TRIGGER IF EXISTS sessions_notes_fts_delete",
    "DROP TRIGGER IF EXISTS sessions_notes_fts_update",
    "DROP TABLE IF EXISTS sessions_notes_fts",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
