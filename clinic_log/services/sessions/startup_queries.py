"""The first screen's data before SQLAlchemy has loaded: start-up time is budgeted.

Importing SQLAlchemy's ORM and the models takes longer than everything else the GUI does before its window shows.
So the first screen asks one `FirstScreenReader`, held by a `FirstScreen` the main window owns: while the ORM is
not loaded it is a `PlainReader`, which answers from the SQLite file with the standard library's sqlite3 and the
same SQL the ORM services emit (the first page of sessions with no filter, their count, the practitioners' names,
the area labels, whether any user exists and the settings the login screen shows); ui/shell/gui.py swaps it for the
`ServicesReader` (session_queries, people, facts, auth, settings) once `load_services` has run off the GUI thread.
PostgreSQL uses the services from the start. A test checks that both readers answer alike.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol, TypeVar

from clinic_log.db.engine import BUSY_TIMEOUT_MS, Database, sqlite_file
from clinic_log.db.schema_version import HEAD_REVISION
from clinic_log.services.common.clock import from_utc_naive
from clinic_log.services.sessions.session_filter import Choice, FilterChoices, PageKey, SessionFilter
from clinic_log.services.sessions.session_views import SessionRow
from clinic_log.settings import SettingSpec

T = TypeVar("T")

_NO_FILTER = SessionFilter()

_PAGE_IDS = "SELECT id FROM sessions ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?"
_ROWS = """
SELECT s.id, s.started_at, c.client_ref, c.first_name, c.last_name, p.full_name, dm.name,
       (SELECT group_concat(sa.area_code, ',') FROM session_areas sa WHERE sa.session_id = s.id),
       (SELECT count(x.id) FROM complications x WHERE x.session_id = s.id),
       CASE WHEN s.voided_at IS NOT NULL THEN 'void' ELSE s.status END
FROM sessions s
JOIN clients c ON c.id = s.client_id
JOIN practitioners p ON p.id = s.practitioner_id
LEFT JOIN devices d ON d.id = s.device_id
LEFT JOIN device_models dm ON dm.id = d.device_model_id
WHERE s.id IN ({marks})
"""


class NamedPractitioner(Protocol):
    """What a practitioner picker shows, e.g. people.PractitionerView."""

    @property
    def id(self) -> int: ...

    @property
    def full_name(self) -> str: ...


def plain_sqlite_file(db: Database) -> str | None:
    """The database's file when it is an existing SQLite file, else None."""
    path = sqlite_file(db.url)
    return path if path is not None and os.path.isfile(path) else None


@contextmanager
def _connect(path: str) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        yield con
    finally:
        con.close()


def sqlite_ready(db: Database) -> bool:
    """True when `db` is an SQLite file at the current schema revision with its reference data loaded.

    Anything else (a new file, a pending migration, a file that is not a database) is False: the caller then
    opens it the full way, which upgrades it or reports what is wrong. Nothing is written here.
    """
    path = plain_sqlite_file(db)
    if path is None:
        return False
    try:
        with _connect(path) as con:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
            if revision is None or revision[0] != HEAD_REVISION:
                return False
            return con.execute("SELECT 1 FROM areas LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return False


class FirstScreenReader(Protocol):
    """What the first screen reads: the sessions page and count, the practitioners' names, the filters' lists, the
    area labels, whether any user exists and the settings the login screen shows."""

    def list_sessions(self, flt: SessionFilter, limit: int, after: PageKey | None = None) -> list[SessionRow]: ...

    def count_sessions(self, flt: SessionFilter) -> int: ...

    def filter_choices(self) -> FilterChoices: ...

    def area_labels(self) -> dict[str, str]: ...

    def has_users(self) -> bool: ...

    def setting(self, spec: SettingSpec[T]) -> T: ...


class ServicesReader:
    """The first screen through the ORM services (session_queries, people, facts, auth, settings)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def list_sessions(self, flt: SessionFilter, limit: int, after: PageKey | None = None) -> list[SessionRow]:
        from clinic_log.services.sessions import session_queries

        return session_queries.list_sessions(self._db, flt, limit=limit, after=after)

    def count_sessions(self, flt: SessionFilter) -> int:
        from clinic_log.services.sessions import session_queries

        return session_queries.count_sessions(self._db, flt)

    def filter_choices(self) -> FilterChoices:
        from clinic_log.services.sessions import session_queries

        return session_queries.filter_choices(self._db)

    def area_labels(self) -> dict[str, str]:
        from clinic_log.services.sessions.facts import area_refs

        with self._db.reading() as session:
            return {code: ref.label for code, ref in area_refs(session).items()}

    def has_users(self) -> bool:
        from clinic_log.services.people.auth import has_users

        return has_users(self._db)

    def setting(self, spec: SettingSpec[T]) -> T:
        from clinic_log.settings import read

        with self._db.reading() as session:
            return read(session, spec)


class PlainReader:
    """The first screen through the standard library's sqlite3 on the SQLite file at `path`, with the SQL the ORM
    services emit; a filtered list or a later page (which only a user's action asks for) goes to `services`."""

    def __init__(self, path: str, services: FirstScreenReader) -> None:
        self._path = path
        self._services = services

    def list_sessions(self, flt: SessionFilter, limit: int, after: PageKey | None = None) -> list[SessionRow]:
        if after is not None or flt != _NO_FILTER:
            return self._services.list_sessions(flt, limit, after)
        return plain_sessions_page(self._path, limit)

    def count_sessions(self, flt: SessionFilter) -> int:
        if flt != _NO_FILTER:
            return self._services.count_sessions(flt)
        with _connect(self._path) as con:
            count: int = con.execute("SELECT count(*) FROM sessions").fetchone()[0]
            return count

    def filter_choices(self) -> FilterChoices:
        with _connect(self._path) as con:
            def choices(sql: str) -> tuple[Choice, ...]:
                return tuple(Choice(value, label) for value, label in con.execute(sql))

            return FilterChoices(
                choices("SELECT id, full_name FROM practitioners ORDER BY full_name"),
                choices("SELECT d.id, dm.name || ' (' || d.serial || ')' FROM devices d "
                        "JOIN device_models dm ON dm.id = d.device_model_id ORDER BY dm.name, d.serial"),
                choices("SELECT code, label FROM areas ORDER BY label"),
                choices("SELECT code, label FROM complication_types ORDER BY label"))

    def area_labels(self) -> dict[str, str]:
        with _connect(self._path) as con:
            return dict(con.execute("SELECT code, label FROM areas"))

    def has_users(self) -> bool:
        with _connect(self._path) as con:
            return con.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def setting(self, spec: SettingSpec[T]) -> T:
        with _connect(self._path) as con:
            row = con.execute("SELECT value FROM settings WHERE key = ?", (spec.key,)).fetchone()
        return spec.value(None if row is None else row[0])


class FirstScreen:
    """Holds the reader the first screen's pages ask (`reader`): plain sqlite3 for an SQLite file until
    `services_loaded()` (ui/shell/gui.py calls it once `load_services` has run), the ORM services from then on and for
    any other database. `FirstScreen(db, plain=False)` asks the services from the start."""

    def __init__(self, db: Database, *, plain: bool = True) -> None:
        self._services = ServicesReader(db)
        path = plain_sqlite_file(db) if plain else None
        self.reader: FirstScreenReader = self._services if path is None else PlainReader(path, self._services)

    def services_loaded(self) -> None:
        self.reader = self._services


def plain_sessions_page(path: str, limit: int, offset: int = 0) -> list[SessionRow]:
    """A page of session rows, newest first, with no filter: the SQL session_queries.list_sessions emits."""
    with _connect(path) as con:
        ids = [row[0] for row in con.execute(_PAGE_IDS, (limit, offset))]
        if not ids:
            return []
        by_id = {
            r[0]: SessionRow(r[0], from_utc_naive(datetime.fromisoformat(r[1])), r[2], f"{r[3]} {r[4]}", r[5], r[6],
                             (r[7] or "").replace(",", ", "), r[8] or 0, r[9])
            for r in con.execute(_ROWS.format(marks=",".join("?" * len(ids))), ids)
        }
    return [by_id[i] for i in ids if i in by_id]


def load_services() -> None:
    """Import the ORM services and configure the mappers (off the GUI thread, after the window shows), so the
    first filter or the first opened session does not wait for them."""
    from sqlalchemy.orm import configure_mappers


    configure_mappers()
