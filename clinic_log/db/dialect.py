"""SQL functions that differ between SQLite and PostgreSQL, behind one name each."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Integer, any_, bindparam, func, literal, select, text, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

T = TypeVar("T")


def group_concat(session: Session, column: Any, separator: str = ",", order_by: Any = None) -> ColumnElement[str]:
    """Values of a column within a group joined by `separator` (a comma by default). `order_by` orders them on
    PostgreSQL; SQLite (before 3.44) has no ordered aggregate and joins them in the order it reads the rows, which
    for a subquery on an indexed foreign key is the order of the rows' ids."""
    if session.get_bind().dialect.name == "postgresql":
        if order_by is not None:
            from sqlalchemy.dialects.postgresql import aggregate_order_by

            # PostgreSQL wants the ORDER BY after the last argument: string_agg(x, sep ORDER BY …)
            return func.string_agg(column, aggregate_order_by(literal(separator), order_by))
        return func.string_agg(column, separator)
    return func.group_concat(column, separator)


def in_ids(session: Session, column: Any, ids: list[int]) -> ColumnElement[bool]:
    """`column IN (ids)`. On PostgreSQL as one array parameter (`= ANY(...)`): SQLAlchemy renders IN as one
    placeholder per id, and psycopg caches only short statements, so a 200-row page of the history had its statement
    of 200 placeholders parsed anew on every call (6 of its 11 ms on 1M sessions)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        in_array: ColumnElement[bool] = column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
        return in_array
    in_list: ColumnElement[bool] = column.in_(ids)
    return in_list


def rows_by_pairs(session: Session, columns: Sequence[Any], first: Any, second: Any,
                  pairs: Sequence[tuple[Any, Any]], pad_to: int) -> list[tuple[Any, ...]]:
    """The `columns` of the rows of `first`'s table whose (`first`, `second`) is one of `pairs` (at most `pad_to`),
    each pair one probe of an index on (first, second). A pair may come back more than once: keep the first.

    SQLite: the pairs as a VALUES list joined to the table, padded to `pad_to` with the last pair so the SQL text never
    changes (prepared once), sent to the driver as they are (SQLAlchemy compiled a thousand parameters anew on each
    call: 15-35 ms, where the query takes 1 ms). Two IN lists (`first IN (…) AND second IN (…)`) probed every first
    with every second: 250,000 probes for 500 sessions of 500 clients, a sixth of a large import.
    PostgreSQL: the pairs unnested from two array parameters, each looked up by a LATERAL subquery behind OFFSET 0
    (which the planner may not fold into a join), so every pair is one index probe whatever the statistics say. An
    import writes in one transaction, where nothing refreshes the statistics: planned from them, the two IN lists —
    and a plain join with the pairs too — read the whole table, every session written so far, for each lookup, and a
    1,000,000-row import took 446 s instead of about 110.
    """
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        keys = func.unnest(bindparam(None, [p[0] for p in pairs], type_=ARRAY(first.type)),
                           bindparam(None, [p[1] for p in pairs], type_=ARRAY(second.type))
                           ).table_valued("a", "b").render_derived(name="k")
        found = select(*columns).where(first == keys.c.a, second == keys.c.b).offset(0).lateral("found")
        return [tuple(row) for row in session.execute(select(*found.c).select_from(keys).join(found, true()))]
    sql = _pairs_sql(first.table.name, tuple(c.name for c in columns), first.name, second.name, pad_to)
    put = [c.type.dialect_impl(dialect).bind_processor(dialect) or _same for c in (first, second)]
    params: list[Any] = []
    for a, b in _padded(list(pairs), pad_to):
        params += (put[0](a), put[1](b))
    take = [c.type.dialect_impl(dialect).result_processor(dialect, None) or _same for c in columns]
    rows = session.connection().exec_driver_sql(sql, tuple(params)).all()
    return [tuple(f(v) for f, v in zip(take, row, strict=True)) for row in rows]


def _same(value: Any) -> Any:
    return value


@functools.lru_cache(maxsize=8)
def _pairs_sql(table: str, columns: tuple[str, ...], first: str, second: str, size: int) -> str:
    pairs = ", ".join(["(?, ?)"] * size)
    wanted = ", ".join(f"t.{name}" for name in columns)
    return (f"WITH k(a, b) AS (VALUES {pairs}) SELECT {wanted} FROM k JOIN {table} AS t "
            f"ON t.{first} = k.a AND t.{second} = k.b")


def _padded(listed: list[T], size: int) -> list[T]:
    return listed + [listed[-1]] * (size - len(listed))


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


NOTES_INDEX = "sessions_notes_fts"  # SQLite's FTS5 trigram index of sessions.notes (migration 0004)
NOTES_TRIGRAM_INDEX = "ix_sessions_notes_trgm"  # PostgreSQL's pg_trgm GIN index of sessions.notes (migration 0013)


def is_search_index(table_name: str) -> bool:
    """True for the full-text index and its shadow tables, which the models do not describe."""
    return table_name.startswith(NOTES_INDEX)


def contains_pattern(words: str) -> str:
    """A LIKE/ILIKE pattern (escape character backslash) matching text that contains `words` literally."""
    return "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def notes_matches(session: Session, words: str, cap: int) -> list[int] | None:
    """Ids of the sessions whose notes contain `words` (case-insensitive), from the notes' trigram index: SQLite's
    full-text index, or PostgreSQL's pg_trgm index asked with the search's own ILIKE.

    None when the index cannot answer — for fewer than 3 characters (a trigram index), on a PostgreSQL server where
    the index could not be made (no pg_trgm), or when more than `cap` sessions match — and the caller searches the
    notes themselves. On SQLite the ids may include a few the caller's exact LIKE test then drops (the index also
    folds non-ASCII case).
    """
    if len(words) < 3:
        return None
    if session.get_bind().dialect.name == "postgresql":
        if not _has_trigram_index(session):
            return None
        ids = list(session.scalars(text("SELECT id FROM sessions WHERE notes ILIKE :pattern ESCAPE '\\' LIMIT :n"),
                                   {"pattern": contains_pattern(words), "n": cap + 1}).all())
        return None if len(ids) > cap else ids
    phrase = '"' + words.replace('"', '""') + '"'
    ids = list(session.scalars(text(f"SELECT rowid FROM {NOTES_INDEX} WHERE {NOTES_INDEX} MATCH :phrase LIMIT :n"),
                               {"phrase": phrase, "n": cap + 1}).all())  # one fetch, not one per row
    return None if len(ids) > cap else ids


def _has_trigram_index(session: Session) -> bool:
    """Whether PostgreSQL has the notes' trigram index; asked once per connection (the schema is upgraded before
    the app opens its connections)."""
    info = session.connection().info
    if "notes_trigram" not in info:
        info["notes_trigram"] = session.scalar(text(f"SELECT to_regclass('{NOTES_TRIGRAM_INDEX}') IS NOT NULL"))
    return bool(info["notes_trigram"])
