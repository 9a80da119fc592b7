"""Engine and session factory for SQLite (default) and PostgreSQL, with per-dialect details.

All SQLite-only SQL lives here. Write transactions on SQLite start with BEGIN IMMEDIATE so two
workstations never deadlock upgrading a read lock; they wait up to busy_timeout instead.

SQLAlchemy is imported when a `Database` is first used, not when it is opened: the GUI shows its first
screen through plain sqlite3 (services/sessions/startup_queries.py) before SQLAlchemy has loaded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from clinic_log.domain.errors import ChangedMeanwhile, DatabaseProblem, DomainError, RecordLocked

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session, sessionmaker
    from sqlalchemy.sql import ClauseElement

    from clinic_log.db.driver import DriverStatement, DriverTransaction

BUSY_TIMEOUT_MS = 15000
GUARD_REFUSAL = "refused by the database: "  # how the guard triggers' messages start (migration 0005)
_AUDIT_LOCK_KEY = 0x0C11_1C06  # PostgreSQL advisory lock serialising the audit hash chain
_IMPORT_LOCK_KEY = 0x436C696D  # 'Clim': one import at a time (pg_advisory_xact_lock)
_AUDIT_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s)"  # the driver's form; Core's is below (lock_audit_chain)

T = TypeVar("T")


def url_for(path_or_url: str) -> str:
    """An SQLAlchemy URL for a file path or a URL given as is."""
    if "://" in path_or_url:
        return path_or_url
    return f"sqlite:///{path_or_url}"


def sqlite_file(url: str) -> str | None:
    """The file of an SQLite URL ("sqlite:///clinic.sqlite3" → "clinic.sqlite3"); None for other URLs or memory."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    return url[len(prefix):].split("?", 1)[0] or None


def _install_sqlite_hooks(engine: Engine) -> None:
    from sqlalchemy import event

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


class Database:
    """One open database: an engine plus read and write session factories, made on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._read: sessionmaker[Session] | None = None
        self._write: sessionmaker[Session] | None = None
        self._prepared: dict[ClauseElement, DriverStatement] = {}
        self._direct = threading.local()  # each thread's kept write_direct connection
        self._generation = 0  # raised when the server went away: kept connections older than it are replaced
        self._direct_all: list[Any] = []
        self._direct_lock = threading.Lock()
        # Told (with the refusal's message) when a service refuses a login that no longer stands (deactivated, other
        # role): the GUI returns to its login. Called on whichever thread ran the service.
        self.revocation_listeners: list[Callable[[str], None]] = []
        # Told the hashes of the audit rows this process appends (before they commit), on the writing thread: the
        # change feed (services/common/change_feed.py) leaves this process's own rows out with them.
        self.audit_listeners: list[Callable[[list[str]], None]] = []

    def __repr__(self) -> str:
        return f"Database({self.url!r})"

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = _create_engine(self.url)
        return self._engine

    def _sessions(self, write: bool) -> sessionmaker[Session]:
        if self._read is None or self._write is None:
            from sqlalchemy.orm import sessionmaker

            self._read = sessionmaker(self.engine, expire_on_commit=False)
            self._write = sessionmaker(self.engine.execution_options(clinic_log_write=True), expire_on_commit=False)
        return self._write if write else self._read

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> str | None:
        if not self.is_sqlite:
            return None
        from sqlalchemy.engine import make_url

        return make_url(self.url).database

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions(write=False)() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction: everything inside commits together or not at all."""
        with self._sessions(write=True)() as session, session.begin():
            yield session

    def write(self, action: Callable[[Session], T], attempts: int = 5) -> T:
        """Run `action` in one write transaction, retrying the whole of it while the database is busy."""

        def once() -> T:
            with self.writing() as session:
                return action(session)

        return self._retrying(once, attempts)

    def write_direct(self, action: Callable[[DriverTransaction], T], attempts: int = 5) -> T:
        """As `write`, but `action` runs its statements straight on the DB-API connection (db/driver.py).

        Only for hot paths whose every statement is a prepared Core construct (signing); the transaction, its
        retries while the database is busy and its error messages are `write`'s (`_retrying`).
        """
        from clinic_log.db.driver import DriverTransaction

        sqlite = self.is_sqlite
        audit_lock = None if sqlite else (_AUDIT_LOCK_SQL, (_AUDIT_LOCK_KEY,))

        def once() -> T:
            connection = self._direct_connection()  # in the loop: a server that cannot be reached is "not saved"
            driver_connection: Any = connection.dbapi_connection
            transaction = DriverTransaction(driver_connection, self.prepared, audit_lock)
            try:
                if sqlite:
                    driver_connection.execute("BEGIN IMMEDIATE")  # as every write (see _on_begin)
                result = action(transaction)
                connection.commit()
                return result
            except BaseException:
                connection.rollback()
                raise
            finally:
                transaction.close()

        try:
            return self._retrying(once, attempts)
        except BaseException as exc:
            if not isinstance(exc, DomainError):  # a refusal was rolled back cleanly; anything else: not kept
                self._drop_direct_connection()
            raise

    def _retrying(self, once: Callable[[], T], attempts: int) -> T:
        """The one write loop: run `once` (a whole transaction) again while the database is busy, and turn what
        the database refused into the domain's errors, whether it came through SQLAlchemy or the driver."""
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm.exc import StaleDataError

        dbapi = self.engine.dialect.loaded_dbapi
        for attempt in range(attempts):
            try:
                return once()
            except StaleDataError as exc:  # an ORM UPDATE … WHERE version = <read> found another version
                raise ChangedMeanwhile("the record was changed meanwhile on another workstation: nothing was "
                                       "written; look at it again") from exc
            except (DBAPIError, dbapi.DatabaseError) as exc:
                error = exc.orig if isinstance(exc, DBAPIError) else exc
                if isinstance(error, dbapi.OperationalError):
                    busy = is_busy(error)
                    if busy and attempt + 1 < attempts:
                        time.sleep(0.05 * (attempt + 1))
                        continue
                    raise database_problem(str(error), busy) from exc
                refusal = guard_refusal(str(error))
                if refusal is None:
                    raise
                raise refusal from exc
        raise AssertionError("unreachable")

    def _direct_connection(self) -> Any:
        """This thread's connection for `write_direct`, kept between calls: a signature at the chair then pays no
        pool checkout and return (a tenth of its time). Closed by `dispose`."""
        connection = getattr(self._direct, "connection", None)
        if connection is not None and getattr(self._direct, "generation", 0) != self._generation:
            self._drop_direct_connection()  # made before the server went away: dead, though nothing says so yet
            connection = None
        if connection is None:
            connection = self._direct.connection = self.engine.raw_connection()
            self._direct.generation = self._generation
            with self._direct_lock:
                self._direct_all.append(connection)
        return connection

    def _drop_direct_connection(self) -> None:
        connection = getattr(self._direct, "connection", None)
        if connection is not None:
            self._direct.connection = None
            with self._direct_lock:
                self._direct_all.remove(connection)
            connection.invalidate()

    def connections_lost(self) -> None:
        """The server went away and came back (the change listener saw it, on its own thread): each thread's kept
        `write_direct` connection is replaced before its next use rather than failing that write. The pool's
        connections are pinged at checkout already."""
        self._generation += 1

    def read_direct(self, action: Callable[[DriverTransaction], T]) -> T:
        """Run `action`'s selects straight on a DB-API connection in one read transaction (one consistent
        snapshot), for long reads such as `check` that would spend most of their time in per-row ORM machinery."""
        from clinic_log.db.driver import DriverTransaction

        connection = self.engine.raw_connection()
        driver_connection: Any = connection.dbapi_connection
        transaction = DriverTransaction(driver_connection, self.prepared, None)
        try:
            if self.is_sqlite:
                driver_connection.execute("BEGIN")  # a snapshot: WAL keeps it while writers go on
            return action(transaction)
        finally:
            transaction.close()
            connection.rollback()
            connection.close()

    def prepared(self, statement: ClauseElement) -> DriverStatement:
        """`statement` compiled for this database once (statements are module constants, so the cache is small)."""
        found = self._prepared.get(statement)
        if found is None:
            from clinic_log.db.driver import DriverStatement

            found = self._prepared[statement] = DriverStatement(statement, self.engine.dialect)
        return found

    def lock_audit_chain(self, session: Session) -> None:
        """Serialise appends to the audit chain (SQLite's BEGIN IMMEDIATE already does)."""
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})

    def lock_imports(self, session: Session) -> None:
        """Serialise imports, whose "is this session already stored?" check must see what another import wrote
        (SQLite's BEGIN IMMEDIATE already does). Chairside signing does not wait for it."""
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _IMPORT_LOCK_KEY})

    def dispose(self) -> None:
        with self._direct_lock:
            kept, self._direct_all = self._direct_all, []
        for connection in kept:
            connection.close()
        self._direct = threading.local()
        if self._engine is not None:
            self._engine.dispose()


def guard_refusal(message: str) -> RecordLocked | None:
    """A guard trigger's refusal as the domain error it stands for (None for any other database error)."""
    if GUARD_REFUSAL not in message:
        return None
    text = message[message.index(GUARD_REFUSAL):].splitlines()[0]
    return RecordLocked(text.rstrip())


# how libpq and PostgreSQL say the server went away or cannot be reached (a restart, a network cut)
_CONNECTION_LOST = ("server closed the connection", "connection refused", "terminating connection",
                    "connection is closed", "consuming input failed", "could not connect", "connection failed",
                    "the connection is lost", "no connection to the server", "server conn crashed")


# PostgreSQL's "run the whole transaction again": a serialization failure, this transaction chosen as a deadlock's
# victim, a lock not had in time. SQLite says "database is locked" (or busy).
_BUSY_STATES = frozenset({"40001", "40P01", "55P03"})


def is_busy(error: BaseException | None) -> bool:
    """Whether the driver's error says the database was busy (the write may be tried again as a whole)."""
    if getattr(error, "sqlstate", None) in _BUSY_STATES:
        return True
    lowered = str(error).lower()
    return "locked" in lowered or "busy" in lowered


def translate_operational_error(exc: OperationalError) -> DatabaseProblem:
    return database_problem(str(exc.orig), is_busy(exc.orig))


def database_problem(message: str, busy: bool = False) -> DatabaseProblem:
    """What a driver's operational error means for the user, who must know nothing was saved; `busy` when the
    database stayed busy through every try (is_busy)."""
    lowered = message.lower()
    if "disk" in lowered and "full" in lowered:
        return DatabaseProblem("the disk is full: nothing was saved; free some space and save again")
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseProblem("the database file is read-only: nothing was saved")
    if busy:
        return DatabaseProblem("the database stayed busy (another workstation is saving): nothing was saved; try again")
    if any(sign in lowered for sign in _CONNECTION_LOST):
        first = message.strip().splitlines()[0] if message.strip() else message
        return DatabaseProblem("the connection to the database server was lost: nothing was saved; what you typed is "
                               f"kept — save again once it is back ({first})")
    return DatabaseProblem(f"the database could not be used: {message}")


def open_database(path_or_url: str) -> Database:
    """The database at a file path or URL; nothing is connected (or imported) until it is first used."""
    return Database(url_for(path_or_url))


def _create_engine(url: str) -> Engine:
    from sqlalchemy import create_engine

    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _install_sqlite_hooks(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine
