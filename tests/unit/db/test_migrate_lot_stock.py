"""Migration 0011_lot_stock: the lots already recorded keep their sessions and show an unknown stock; a quantity
below 1 is refused by the database itself; going back to 0010 and up again loses no session's lot nor a lot's
quantity (SQLite keeps the two lot columns on the way down)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from clinic_log.db.engine import open_database
from clinic_log.db.migrate import alembic_config, upgrade
from clinic_log.db.schema_version import HEAD_REVISION, current_revision
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.devices import lots
from clinic_log.services.devices.lots import LotInput
from tests.unit.db.test_migrate_schema_fixtures import FIXTURES

BEFORE = next(f for f in FIXTURES if f.stem == "schema-0010_photos")


def sessions_per_lot(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT l.lot_number, count(s.id) FROM cartridge_lots l "
                                 "LEFT JOIN sessions s ON s.cartridge_lot_id = l.id GROUP BY l.lot_number"))
    finally:
        conn.close()


@pytest.fixture
def upgraded(tmp_path: Path) -> Path:
    copy = tmp_path / "clinic.sqlite3"
    shutil.copy(BEFORE, copy)
    return copy


def test_lots_recorded_before_show_their_sessions_and_an_unknown_stock(upgraded: Path) -> None:
    before = sessions_per_lot(upgraded)
    assert before, "the 0010 fixture should hold lots named by sessions"
    db = prepare_database(str(upgraded))
    owner = Actor("owner", UserRole.OWNER)
    records = lots.lot_records(db, owner)
    assert {r.lot_number: r.used for r in records} == before
    assert {(r.quantity_received, r.left, r.device_model) for r in records} == {(None, None, None)}
    added = lots.add_lot(db, owner, LotInput("NEW-1", date(2099, 1, 1), "Dermapen 4", "20"), date(2026, 12, 4))
    assert (added.quantity_received, added.left) == (20, 20)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("UPDATE cartridge_lots SET quantity_received = 0 WHERE lot_number = 'NEW-1'"))
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("UPDATE cartridge_lots SET device_model_id = 9999 WHERE lot_number = 'NEW-1'"))
    db.dispose()


def test_down_to_0010_and_up_again_keeps_every_session_lot(upgraded: Path) -> None:
    before = sessions_per_lot(upgraded)
    db = prepare_database(str(upgraded))
    owner = Actor("owner", UserRole.OWNER)
    lots.add_lot(db, owner, LotInput("NEW-1", date(2099, 1, 1), "Dermapen 4", "20"), date(2026, 12, 4))
    with db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0010_photos")
    assert current_revision(db) == "0010_photos"
    db.dispose()
    assert sessions_per_lot(upgraded) == {**before, "NEW-1": 0}
    db = open_database(str(upgraded))
    assert upgrade(db) is True
    assert current_revision(db) == HEAD_REVISION  # up to the head, through 0011 again
    assert {r.lot_number: r.quantity_received for r in lots.lot_records(db, owner)}["NEW-1"] == 20
    db.dispose()
    assert sessions_per_lot(upgraded) == {**before, "NEW-1": 0}


@pytest.mark.postgres
def test_on_postgresql_the_database_refuses_a_bad_quantity_and_0011_goes_down_and_up(
        pg_template: str | None) -> None:
    if pg_template is None:
        pytest.skip("runs with --backend=postgres (make test-pg)")
    from tests.pg_server import fresh_database

    with fresh_database(pg_template) as url:
        db = open_database(url)
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("INSERT INTO cartridge_lots (lot_number, quantity_received) VALUES ('X', 0)"))
        with db.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0010_photos")
        assert current_revision(db) == "0010_photos"
        assert upgrade(db) is True
        assert current_revision(db) == HEAD_REVISION  # up to the head, through 0011 again
        db.dispose()
