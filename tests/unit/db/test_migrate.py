"""The Alembic scripts build exactly the schema the models describe; upgrading stops at head and refuses a database
from a newer app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from clinic_log.db.dialect import is_search_index
from clinic_log.db.engine import open_database
from clinic_log.db.migrate import needs_upgrade, upgrade
from clinic_log.db.models import Base
from clinic_log.db.schema_version import HEAD_REVISION, current_revision
from clinic_log.domain.errors import DatabaseProblem


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


def test_upgrade_is_a_no_op_at_head(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "x.sqlite3"))
    upgrade(db)
    assert current_revision(db) == HEAD_REVISION
    assert upgrade(db) is False
    db.dispose()


def test_a_database_from_a_newer_app_is_refused_and_left_as_it_is(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    shutil.copy(sqlite_template, path)
    db = open_database(str(path))
    assert needs_upgrade(db) is False
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0010_from_the_future'"))
    with pytest.raises(DatabaseProblem) as refused:
        upgrade(db)
    assert str(refused.value) == ("the database schema '0010_from_the_future' is newer than this version of "
                                  "Clinic Log; update the app")
    assert current_revision(db) == "0010_from_the_future"
    db.dispose()
