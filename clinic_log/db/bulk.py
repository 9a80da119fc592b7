"""Bulk inserts straight to the driver's executemany: the import and demo paths.

SQLAlchemy's Core executemany spends ~11 µs per row building bind dictionaries and formatting
datetimes; for 200,000 rows that is most of an import. Here each row becomes a tuple once, with dates
and datetimes written in the same text format SQLAlchemy's SQLite types use (so reads are unchanged);
PostgreSQL's driver takes the Python values as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Table
from sqlalchemy.orm import Session


def _sqlite_converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, DateTime):
        return lambda v: v.isoformat(" ", "microseconds") if isinstance(v, datetime) else v
    if isinstance(column_type, Date):
        return lambda v: v.isoformat() if isinstance(v, date) else v
    if isinstance(column_type, Boolean):
        return lambda v: None if v is None else int(v)
    return None


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table` inside the session's transaction."""
    if not rows:
        return
    names = list(rows[0])
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({', '.join(placeholder for _ in names)})")
    converters = [(_sqlite_converter(table.c[name].type) if sqlite else None) for name in names]
    if any(converters):
        params = [tuple(v if c is None else c(v) for v, c in zip((row[n] for n in names), converters, strict=True))
                  for row in rows]
    else:
        params = [tuple(row[n] for n in names) for row in rows]
    connection.exec_driver_sql(sql, params)
