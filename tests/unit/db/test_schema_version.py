"""The schema revision this code expects agrees with the Alembic scripts, and a database's own revision is read as
stamped (none for an empty database)."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

from clinic_log.db.engine import open_database
from clinic_log.db.migrate import alembic_config
from clinic_log.db.schema_version import HEAD_REVISION, KNOWN_REVISIONS, current_revision


def test_head_revision_constant_matches_the_scripts() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_current_head() == HEAD_REVISION
    assert {s.revision for s in scripts.walk_revisions()} == set(KNOWN_REVISIONS)


def test_an_empty_database_has_no_revision(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "empty.sqlite3"))
    assert current_revision(db) is None
    db.dispose()


def test_a_database_reports_the_revision_stamped_in_it(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "old.sqlite3"))
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0004_notes_search')"))
    assert current_revision(db) == "0004_notes_search"
    db.dispose()
