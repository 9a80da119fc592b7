"""Bulk inserts straight to the driver's executemany: the import and demo paths.

SQLAlchemy's Core executemany spends ~11 µs per row building bind dictionaries and formatting
datetimes; for 200,000 rows that is most of an import. Here each row becomes a tuple once, with dates
and datetimes written in the same text format SQLAlchemy's SQLite types use (so reads are unchanged);
PostgreSQL's driver takes the Python values as they are. Rows become tuples through `operator.itemgetter`
and only the columns that need it are converted, column by column, through a memo (imports repeat the same
timestamps and dates on many rows), so the per-row Python work is a few C calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from operator import itemgetter
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


class _Memo(dict[Any, Any]):
    """value → converted value, converting each distinct value once; `memo[v]` is a C-level lookup on a hit."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self._convert = convert

    def __missing__(self, value: Any) -> Any:
        converted = self[value] = self._convert(value)
        return converted


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table` inside the session's transaction."""
    if not rows:
        return
    names = list(rows[0])
    if len(names) == 1:
        insert_values(session, table, names, [(row[names[0]],) for row in rows])
    else:
        insert_values(session, table, names, list(map(itemgetter(*names), rows)))


def insert_values(session: Session, table: Table, names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert `rows` (tuples of values for the columns `names`, in that order) into `table`.

    The cheapest path for bulk writers that can build tuples directly (the session import).
    """
    if not rows:
        return
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({', '.join(placeholder for _ in names)})")
    params: Sequence[tuple[Any, ...]] = rows
    converters = [(i, _Memo(c)) for i, c in enumerate(_sqlite_converter(table.c[n].type) for n in names)
                  if c is not None] if sqlite else []
    if converters:
        columns = list(zip(*rows, strict=True))
        for i, memo in converters:
            columns[i] = tuple(map(memo.__getitem__, columns[i]))
        params = list(zip(*columns, strict=True))
    connection.exec_driver_sql(sql, list(params))
