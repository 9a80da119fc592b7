"""Statements run on the driver connection (Database.write_direct) store and read exactly what the ORM does."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, insert, select, text

from clinic_log.db.driver import DriverTransaction
from clinic_log.db.engine import Database
from clinic_log.db.models import Client, table_of

_clients = table_of(Client)
_INSERT = insert(_clients).values({name: bindparam(name) for name in (
    "client_ref", "first_name", "last_name", "search_key", "date_of_birth", "fitzpatrick", "created_at", "updated_at")})
_READ = select(_clients.c.client_ref, _clients.c.date_of_birth, _clients.c.updated_at).where(
    _clients.c.client_ref == bindparam("ref"))
VALUES = {"first_name": "Łucja", "last_name": "Nowak", "search_key": "lucja nowak", "date_of_birth": date(1990, 5, 17),
          "fitzpatrick": 3, "created_at": datetime(2026, 7, 1, 9, 30), "updated_at": datetime(2026, 7, 1, 9, 30)}


def test_a_row_written_on_the_driver_connection_is_stored_as_the_orm_stores_it(db: Database) -> None:
    db.write_direct(lambda t: t.execute(_INSERT, {**VALUES, "client_ref": "D-1"}))
    with db.writing() as session:
        session.add(Client(**{**VALUES, "client_ref": "O-1"}))
    with db.reading() as session:
        stored = session.execute(text(
            "SELECT date_of_birth, created_at, updated_at FROM clients WHERE client_ref IN ('D-1', 'O-1') "
            "ORDER BY client_ref")).all()
    assert stored[0] == stored[1]  # same text on SQLite, whatever the Python value's own format


def test_rows_read_on_the_driver_connection_have_the_orms_python_values(db: Database) -> None:
    with db.writing() as session:
        session.add(Client(**{**VALUES, "client_ref": "O-2"}))

    def read(transaction: DriverTransaction) -> list[Any]:
        return transaction.rows(_READ, {"ref": "O-2"})

    [row] = db.write_direct(read)
    assert (row.client_ref, row.date_of_birth, row.updated_at) == (
        "O-2", date(1990, 5, 17), datetime(2026, 7, 1, 9, 30))


def test_a_failing_work_function_leaves_nothing_written(db: Database) -> None:
    def insert_then_fail(transaction: DriverTransaction) -> None:
        transaction.execute(_INSERT, {**VALUES, "client_ref": "D-3"})
        raise RuntimeError("half way")

    with pytest.raises(RuntimeError, match="half way"):
        db.write_direct(insert_then_fail)
    with db.reading() as session:
        assert session.scalar(select(Client.id).where(Client.client_ref == "D-3")) is None
