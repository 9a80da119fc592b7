"""SQL functions that differ between SQLite and PostgreSQL, behind one name each."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement


def group_concat(session: Session, column: Any) -> ColumnElement[str]:
    """Comma-joined values of a column within a group."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(column, ",")
    return func.group_concat(column, ",")


def after_explicit_ids(session: Session, table: Any) -> None:
    """After inserting rows with explicit ids, move PostgreSQL's sequence past them (SQLite needs nothing)."""
    if session.get_bind().dialect.name == "postgresql":
        name = table.name
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {name}))"
        ))
