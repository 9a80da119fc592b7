"""Engine and session factory for SQLite (default) and PostgreSQL, with per-dialect details.

All SQLite-only SQL lives here. Write transactions on SQLite start with BEGIN IMMEDIATE so two
workstations never deadlock upgrading a read lock; they wait up to busy_timeout instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from clinic_log.domain.errors import DatabaseProblem

BUSY_TIMEOUT_MS = 15000
_AUDIT_LOCK_KEY = 0x0C11_1C06  # PostgreSQL advisory lock serialising the audit hash chain

T = TypeVar("T")


def url_for(path_or_url: str) -> str:
    """An SQLAlchemy URL for a file path or a URL given as is."""
    if "://" in path_or_url:
        return path_or_url
    return f"sqlite:///{path_or_url}"


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("clinic_log_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@dataclass
class Database:
    """One open database: an engine plus read and write session factories."""

    engine: Engine
    url: str

    def __post_init__(self) -> None:
        write_engine = self.engine.execution_options(clinic_log_write=True)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> str | None:
        return make_url(self.url).database if self.is_sqlite else None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction: everything inside commits together or not at all."""
        with self._write() as session, session.begin():
            yield session

    def write(self, action: Callable[[Session], T], attempts: int = 5) -> T:
        """Run `action` in one write transaction, retrying the whole of it while the database is busy."""
        for attempt in range(attempts):
            try:
                with self.writing() as session:
                    return action(session)
            except OperationalError as exc:
                message = str(exc.orig).lower()
                if ("locked" in message or "busy" in message) and attempt + 1 < attempts:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise translate_operational_error(exc) from exc
        raise AssertionError("unreachable")

    def lock_audit_chain(self, session: Session) -> None:
        """Serialise appends to the audit chain (SQLite's BEGIN IMMEDIATE already does)."""
        if self.engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})

    def dispose(self) -> None:
        self.engine.dispose()


def translate_operational_error(exc: OperationalError) -> DatabaseProblem:
    message = str(exc.orig)
    lowered = message.lower()
    if "disk" in lowered and "full" in lowered:
        return DatabaseProblem("the disk is full: nothing was saved; free some space and save again")
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseProblem("the database file is read-only: nothing was saved")
    if "locked" in lowered or "busy" in lowered:
        return DatabaseProblem("the database stayed busy (another workstation is saving): nothing was saved; try again")
    return DatabaseProblem(f"the database could not be used: {message}")


def open_database(path_or_url: str) -> Database:
    url = url_for(path_or_url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _install_sqlite_hooks(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return Database(engine, url)
