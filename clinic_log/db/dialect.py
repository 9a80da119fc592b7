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


def reserve_ids(session: Session, table: Any, count: int) -> list[int]:
    """Ids for `count` new rows of `table`, taken before a bulk insert so children can point to them.

    On SQLite the caller's write transaction (BEGIN IMMEDIATE) keeps max(id) ours until commit;
    on PostgreSQL the ids come from the table's own sequence.
    """
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)"
        ), {"n": count})
        return [int(r[0]) for r in rows]
    start = int(session.execute(text(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}")).scalar_one())
    return list(range(start, start + count))
