"""One benchmark, either database: the `--backend` option, the demo data opened on SQLite or PostgreSQL, and the
hand-written baselines' raw connection (sqlite3, or psycopg 3 for PostgreSQL).

The baselines' SQL is written once in SQLite's placeholder style (``?`` and ``:name``) and turned into psycopg's
(``%s``, ``%(name)s``) for PostgreSQL (`psycopg_sql`); where the two databases need different SQL (``group_concat`` and
``string_agg``, ``LIKE`` and ``ILIKE``), the benchmark asks `Target.postgres`.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import ensure_sessions_db, raw_connect
from _photo_data import ensure_photos_db

BACKENDS = ("sqlite", "postgres")
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def add_backend_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=BACKENDS, default="sqlite",
                        help="the database the app and the baseline run on (postgres: a server started for the run, "
                             "its data kept in benchmarks/.data/pg)")


def psycopg_sql(sql: str) -> str:
    """SQLite-style placeholders as psycopg's, a literal % doubled; SQLite's join-order hint `CROSS JOIN … ON` is a
    plain JOIN (PostgreSQL's planner orders joins itself)."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%")).replace("?", "%s").replace(" CROSS JOIN ", " JOIN ")


@dataclass
class Raw:
    """The baseline's connection: `execute(sql, params)` with SQLite-style SQL on either database, returning a
    cursor (iterable, fetchall, fetchone); `native` runs SQL already in the driver's style (captured from the app)."""

    connect: Callable[[], Any]
    postgres: bool
    _converted: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.con = self.connect()

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        if not self.postgres:
            return self.con.execute(sql, params)
        converted = self._converted.get(sql)
        if converted is None:
            converted = self._converted[sql] = psycopg_sql(sql)
        return self.con.execute(converted, params)

    def native(self, sql: str, params: Any) -> Any:
        return self.con.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if not self.postgres:
            self.con.executemany(sql, rows)
            return
        with self.con.cursor() as cursor:
            cursor.executemany(psycopg_sql(sql), rows)

    def table_counts(self) -> dict[str, int]:
        """Rows per table (on SQLite with the full-text index's own tables)."""
        names = [r[0] for r in self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY 1" if self.postgres else
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: self.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}

    def close(self) -> None:
        self.con.close()

    @contextmanager
    def closed(self) -> Iterator[None]:
        """Closed for the `with` block, connected again after it (PostgreSQL copies a database as a template only
        while nobody is connected to it)."""
        self.close()
        try:
            yield
        finally:
            self.con = self.connect()


@dataclass(frozen=True)
class Target:
    """The demo data on one backend: `url` for the app (`prepare_database`), `raw` for the baseline."""

    backend: str
    url: str
    raw: Raw
    name: str  # what the tables call the data: the SQLite file's name, or the PostgreSQL database's
    server: str | None = None  # PostgreSQL: the server's URL without a database name

    @property
    def postgres(self) -> bool:
        return self.backend == "postgres"

    @property
    def driver(self) -> str:
        return "psycopg" if self.postgres else "sqlite3"


def raw_sqlite(path: Path) -> Raw:
    return Raw(lambda: raw_connect(path), postgres=False)


def raw_postgres(url: str) -> Raw:
    from _postgres import raw_connect as pg_connect

    return Raw(lambda: pg_connect(url), postgres=True)


@contextmanager
def pg_server() -> Iterator[str]:
    """The benchmarks' PostgreSQL server for the run; exits with the reason when it cannot run here."""
    from _postgres import server, skip_reason

    reason = skip_reason()
    if reason:
        raise SystemExit(f"PostgreSQL benchmarks skipped: {reason}")
    with server() as url:
        yield url


def pg_copy_of(server_url: str, sqlite_path: Path) -> str:
    """The URL of the PostgreSQL copy of a cached SQLite benchmark file (loaded once, kept while the file's cache key
    — its .version sidecar — stays the same)."""
    from _postgres import ensure_copy

    name = re.sub(r"\W", "_", sqlite_path.name.removesuffix(".sqlite3"))
    version = sqlite_path.with_name(sqlite_path.name + ".version").read_text(encoding="utf-8")
    return ensure_copy(server_url, sqlite_path, name, version)


@contextmanager
def sessions_target(backend: str, sessions: int, photos: int = 0) -> Iterator[Target]:
    """The demo database with `sessions` sessions (and `photos` photos) on `backend`: the cached SQLite file, or its
    PostgreSQL copy on a server that runs for the `with` block."""
    path = ensure_sessions_db(sessions)
    if photos:
        path = ensure_photos_db(path, photos)
        print(f"\nWith {photos:,} photos in the database ({path.name}, {path.stat().st_size / 1e6:,.0f} MB).")
    if backend == "sqlite":
        raw = raw_sqlite(path)
        try:
            yield Target("sqlite", str(path), raw, path.name)
        finally:
            raw.close()
        return
    with pg_server() as server_url:
        url = pg_copy_of(server_url, path)
        raw = raw_postgres(url)
        try:
            yield Target("postgres", url, raw, f"PostgreSQL copy of {path.name}", server_url)
        finally:
            raw.close()
