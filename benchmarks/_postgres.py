"""PostgreSQL for the benchmarks: a server on a data folder kept in benchmarks/.data, and the cached SQLite demo
databases copied into it with COPY, so a benchmark runs the same data on both backends.

The server is the tests' throw-away one (tests/pg_server.py: initdb, postgres on 127.0.0.1 as a non-root user,
stopped by pid), run on ``benchmarks/.data/pg`` so loaded databases survive between runs. Each loaded database
carries its cache key as its comment (``COMMENT ON DATABASE``): the SQLite file's version string (schema revision,
generator digest, sizes) plus this loader's version; a stale or missing one is loaded again.

Loading never goes through the app row by row: the database is made by the app's migrations (``prepare_database``:
Alembic upgrade to head, reference data), emptied, then every table the SQLite file shares with it is copied with
``COPY … FROM STDIN`` (psycopg's ``cursor.copy``), the id sequences are moved past the copied ids and the tables
ANALYZEd. The copy runs with ``session_replication_role = replica`` — only on the loader's own connection — so the
guard triggers (sealed and append-only rows) and the foreign-key triggers do not fire for rows that SQLite already
checked; nothing else in the benchmarks sets it.

The copied data was sealed on SQLite, where dates are stored as text with six decimals: `check` on a copy would
report every seal (PostgreSQL prints times differently), which the history, dashboard, recall and import figures do
not read.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import data_dir, source_digest

from tests.pg_server import kept_server, unavailable_reason

LOADER_VERSION = "1"
# fsync stays on (the SQLite figures pay their fsyncs too); a large WAL keeps the load from checkpointing often
SERVER_SETTINGS = ("max_wal_size=4GB",)
_SKIP_TABLES = ("alembic_version",)


def skip_reason() -> str | None:
    """Why the PostgreSQL benchmarks cannot run here (no server binaries, no account to run them), or None."""
    return unavailable_reason()


def pg_dir() -> Path:
    return data_dir() / "pg"


@contextmanager
def server() -> Iterator[str]:
    """The benchmarks' server on benchmarks/.data/pg; yields its URL without a database name."""
    with kept_server(str(pg_dir()), SERVER_SETTINGS) as url:
        yield url


def libpq(url: str) -> str:
    """An SQLAlchemy URL as psycopg wants it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def raw_connect(url: str) -> Any:
    """A plain psycopg 3 connection in autocommit (each statement its own transaction, as the raw SQLite
    baselines run), the hand-written baselines' connection."""
    import psycopg

    return psycopg.connect(libpq(url), autocommit=True)


def _admin(server_url: str) -> Any:
    return raw_connect(f"{server_url}/postgres")


def loaded_version(server_url: str, name: str) -> str | None:
    with _admin(server_url) as con:
        row = con.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                          (name,)).fetchone()
    return None if row is None else (row[0] or "")


def loader_key(sqlite_version: str) -> str:
    return f"{sqlite_version}|pgload={LOADER_VERSION}:{source_digest('benchmarks/_postgres.py')}"


def ensure_copy(server_url: str, sqlite_path: Path, name: str, sqlite_version: str) -> str:
    """The URL of database `name` holding a copy of `sqlite_path`, loaded when missing or stale."""
    key = loader_key(sqlite_version)
    if loaded_version(server_url, name) != key:
        print(f"(copying {sqlite_path.name} into PostgreSQL database {name}; kept for later runs)", file=sys.stderr,
              flush=True)
        load(server_url, sqlite_path, name)
        with _admin(server_url) as con:
            con.execute(f"COMMENT ON DATABASE {name} IS '{key}'")
    return f"{server_url}/{name}"


def create_database(server_url: str, name: str, template: str | None = None) -> str:
    """A new (empty, or copied from `template`) database `name`, replacing any of that name; its URL."""
    with _admin(server_url) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""))
    return f"{server_url}/{name}"


def drop_database(server_url: str, name: str) -> None:
    with _admin(server_url) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def scratch_copy(server_url: str, template: str, name: str) -> Iterator[str]:
    """A throw-away copy of database `template` (for benchmarks that write), dropped afterwards."""
    url = create_database(server_url, name, template)
    try:
        yield url
    finally:
        drop_database(server_url, name)


def load(server_url: str, sqlite_path: Path, name: str) -> dict[str, int]:
    """Make database `name` with the app's migrations, then copy every table of `sqlite_path` into it with COPY;
    returns the rows copied per table."""
    from clinic_log.services.backup.database import prepare_database

    url = create_database(server_url, name)
    prepare_database(url).dispose()  # Alembic upgrade to head and the reference data, as the app makes a database
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    copied: dict[str, int] = {}
    try:
        with raw_connect(url) as con:
            con.autocommit = False
            tables = _tables(con)
            sqlite_tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            with con.cursor() as cur:
                cur.execute("SET session_replication_role = replica")  # no guard or foreign-key triggers
                cur.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY")  # the reference rows too
                for table, columns in tables.items():
                    if table not in sqlite_tables:
                        continue
                    copied[table] = _copy_table(source, cur, table, columns)
                    if "id" in columns:
                        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
                cur.execute("SET session_replication_role = DEFAULT")
            con.commit()
            con.autocommit = True
            con.execute("VACUUM ANALYZE")
    finally:
        source.close()
    return copied


def _tables(con: Any) -> dict[str, list[str]]:
    """The app's tables on PostgreSQL, each with its columns in order."""
    tables: dict[str, list[str]] = {}
    for table, column in con.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema "
            "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
            "ORDER BY c.table_name, c.ordinal_position"):
        if table not in _SKIP_TABLES:
            tables.setdefault(table, []).append(column)
    return tables


_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _copy_table(source: sqlite3.Connection, cur: Any, table: str, columns: list[str]) -> int:
    """COPY one table's rows from SQLite; the columns SQLite lacks are left to their defaults."""
    present = {r[1] for r in source.execute(f'PRAGMA table_info("{table}")')}
    shared = [c for c in columns if c in present and _IDENT.match(c)]
    if not shared:
        return 0
    names = ", ".join(f"\"{c}\"" for c in shared)  # quoted: some are keywords (window)
    rows = 0
    with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in source.execute(f"SELECT {names} FROM {table} ORDER BY rowid"):
            copy.write_row(row)
            rows += 1
    return rows

