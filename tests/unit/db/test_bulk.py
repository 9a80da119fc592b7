"""Bulk inserts store exactly what the ORM would store, so reads and comparisons stay the same."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, text

from clinic_log.db.bulk import insert_rows
from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, Client, table_of


def test_bulk_rows_match_orm_rows_byte_for_byte(db: Database) -> None:
    values = {"client_ref": "B-1", "first_name": "Łucja", "last_name": "Nowak", "search_key": "lucja nowak b-1",
              "date_of_birth": date(1990, 5, 17), "phone": None, "email": None, "fitzpatrick": 3,
              "created_at": datetime(2026, 7, 1, 9, 30), "updated_at": datetime(2026, 7, 1, 9, 30, 0, 123456)}
    with db.writing() as session:
        insert_rows(session, table_of(Client), [values])
        session.add(Client(**{**values, "client_ref": "O-1"}))
    with db.reading() as session:
        stored = session.execute(text(
            "SELECT client_ref, date_of_birth, created_at, updated_at FROM clients ORDER BY client_ref")).all()
        assert stored[0][1:] == stored[1][1:]
        bulk = session.scalars(select(Client).where(Client.client_ref == "B-1")).one()
        assert (bulk.date_of_birth, bulk.created_at, bulk.first_name) == (
            date(1990, 5, 17), datetime(2026, 7, 1, 9, 30), "Łucja")


def test_empty_bulk_insert_writes_nothing(db: Database) -> None:
    with db.writing() as session:
        insert_rows(session, table_of(AuditEntry), [])
        assert session.scalar(select(AuditEntry.id).limit(1)) is None
