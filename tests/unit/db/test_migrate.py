"""The Alembic scripts build exactly the schema the models describe, and the start-up fast path agrees."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from clinic_log.db.dialect import is_search_index
from clinic_log.db.engine import open_database
from clinic_log.db.migrate import alembic_config, upgrade
from clinic_log.db.models import Base
from clinic_log.db.schema_version import HEAD_REVISION, KNOWN_REVISIONS, current_revision


def test_empty_database_upgraded_to_head_equals_create_all(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "migrated.sqlite3"))
    assert upgrade(db) is True
    with db.engine.connect() as conn:
        opts = {"compare_type": True, "include_name": lambda name, kind, _parent: not (
            kind == "table" and is_search_index(str(name)))}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == []
    reference = create_engine(f"sqlite:///{tmp_path / 'created.sqlite3'}")
    Base.metadata.create_all(reference)
    migrated_tables = {t for t in inspect(db.engine).get_table_names()
                       if t != "alembic_version" and not is_search_index(t)}
    assert migrated_tables == set(inspect(reference).get_table_names())
    for table in migrated_tables:
        assert {i["name"] for i in inspect(db.engine).get_indexes(table)} == {
            i["name"] for i in inspect(reference).get_indexes(table)}
    db.dispose()


def test_head_revision_constant_matches_the_scripts() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_current_head() == HEAD_REVISION
    assert {s.revision for s in scripts.walk_revisions()} == set(KNOWN_REVISIONS)


def test_upgrade_is_a_no_op_at_head(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "x.sqlite3"))
    upgrade(db)
    assert current_revision(db) == HEAD_REVISION
    assert upgrade(db) is False
    db.dispose()
