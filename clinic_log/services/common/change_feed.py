"""What other workstations changed: the audit rows written since this process last looked, and when to look.

Every change the services make writes an audit row in its own transaction, so the audit log is the one feed of
changes. `ChangeFeed` remembers the newest audit row id it has seen and, when told something may have changed,
returns the rows after it (`Change`s: what, which record, which client, by whom, when). Two ways say when to look:
on SQLite `ChangeFeed.maybe_changed()` compares `PRAGMA data_version` on one dedicated connection (a few
microseconds; it moves when any other connection commits); on PostgreSQL a trigger (migration 0012) sends a
NOTIFY on `CHANNEL` for each audit row and `ChangeListener` — a thread with its own connection — wakes the reader,
reconnecting by itself with backoff when the server goes away.

Reading "the rows after the last id" misses nothing because audit rows become visible in id order: appends to the
chain are serialised (SQLite's one writer; PostgreSQL's advisory lock, held from before the insert to the commit).

Rows this process wrote itself are left out: `ChangeFeed` registers with the database for the hash of every audit
row this process appends (the hash chains the row's content to the previous row, so it names one row), and a row
read back with one of those hashes is its own. Comparing the user instead would hide the changes of the same login
on another workstation; comparing ids would need each write to read its ids back.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, Consent, Finding, MedicalHistoryEntry, TreatmentSession, table_of

log = logging.getLogger(__name__)
CHANNEL = "clinic_log_changes"  # the NOTIFY channel of migration 0012
MAX_ROWS = 2000  # rows read in one go; past that (an import, a restore) the reader says "a lot changed"
KEEP_OWN = 50_000  # own rows remembered; older ones (written when nobody read them) are forgotten
# Actions that read or hand out a record without changing it (an opened client page, a printed sheet…): other
# workstations' pages show nothing new after them, only the audit trail does.
READ_ONLY_ACTIONS = frozenset({"viewed", "printed", "saved", "exported", "recalled", "login", "login_refused",
                               "login_failed", "logout", "verified", "backed_up",
                               "backup_failed"})


@dataclass(frozen=True)
class Change:
    """One audit row written by another workstation (or another program on this one)."""

    id: int
    action: str
    entity: str  # session, client, consent, practitioner, …
    entity_id: str | None
    actor: str  # the username
    at: datetime  # UTC
    client_id: int | None = None  # the client the row concerns, where it concerns one
    session_id: int | None = None

    @property
    def changes_records(self) -> bool:
        """False for rows that only say someone looked, printed or logged in."""
        return self.action not in READ_ONLY_ACTIONS


@dataclass(frozen=True)
class FeedRead:
    changes: tuple[Change, ...]
    overflow: bool = False  # more than MAX_ROWS new rows (only some were read), or a restore: "everything changed"


class OwnWrites:
    """The hashes of the audit rows this process appended, until the feed reads them back (thread-safe)."""

    def __init__(self, keep: int = KEEP_OWN) -> None:
        self._order: deque[str] = deque()
        self._hashes: set[str] = set()
        self._keep = keep
        self._lock = threading.Lock()

    def add(self, hashes: Iterable[str]) -> None:
        with self._lock:
            for digest in hashes:
                if digest not in self._hashes:
                    self._hashes.add(digest)
                    self._order.append(digest)
            while len(self._order) > self._keep:
                self._hashes.discard(self._order.popleft())

    def take(self, digest: str) -> bool:
        """True (and forget it) when this process wrote the row with this hash."""
        with self._lock:
            if digest in self._hashes:
                self._hashes.discard(digest)
                return True
            return False

    def __len__(self) -> int:
        return len(self._hashes)


class ChangeFeed:
    """Reads the audit rows other workstations wrote since the last read. Use from one thread at a time (the
    app's database worker); `close()` when done."""

    def __init__(self, db: Database, max_rows: int = MAX_ROWS) -> None:
        self._db = db
        self._max_rows = max_rows
        self.own = OwnWrites()
        db.audit_listeners.append(self.own.add)
        self._last_id = self._newest_id()
        self._watch: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._notified = threading.Event()
        path = db.sqlite_path
        if path:
            # check_same_thread off: made here, used on the worker; autocommit, so each PRAGMA sees the newest
            self._watch = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._data_version = self._read_data_version()

    @property
    def last_id(self) -> int:
        return self._last_id

    def close(self) -> None:
        if self.own.add in self._db.audit_listeners:
            self._db.audit_listeners.remove(self.own.add)
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def _read_data_version(self) -> int:
        assert self._watch is not None
        return int(self._watch.execute("PRAGMA data_version").fetchone()[0])

    def notify(self) -> None:
        """A notification came (PostgreSQL; any thread): the next `maybe_changed()` says yes."""
        self._notified.set()

    def maybe_changed(self) -> bool:
        """Whether anything may have changed since the last call: on SQLite, whether any other connection
        committed (`PRAGMA data_version`); on PostgreSQL, whether a notification came (`notify`)."""
        if self._watch is None:
            notified = self._notified.is_set()
            self._notified.clear()
            return notified
        version = self._read_data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        return True

    def _newest_id(self) -> int:
        with self._db.reading() as session:
            return int(session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0)

    def read(self) -> FeedRead:
        """The rows after the last one read, without this process's own, oldest first; then they count as read."""
        audit = table_of(AuditEntry).c
        with self._db.reading() as session:
            rows = session.execute(
                select(audit.id, audit.action, audit.entity, audit.entity_id, audit.actor, audit.at, audit.hash,
                       audit.detail)
                .where(audit.id > self._last_id).order_by(audit.id).limit(self._max_rows + 1)).all()
            overflow = len(rows) > self._max_rows
            newest = int(rows[-1].id) if rows else self._last_id
            if overflow or not rows:  # too many (skip to the newest: everything is refreshed), or none: a restore?
                newest = int(session.scalar(select(func.coalesce(func.max(audit.id), 0))) or 0)
                rows = rows[:self._max_rows]
                overflow = overflow or newest < self._last_id  # a restore put back a shorter log: it all changed
            foreign = [row for row in rows if not self.own.take(row.hash)]
            changes = _with_clients(session, foreign)
        self._last_id = newest
        return FeedRead(tuple(changes), overflow)


_CLIENT_OF = {"session": (TreatmentSession.id, TreatmentSession.client_id), "consent": (Consent.id, Consent.client_id),
              "finding": (Finding.id, Finding.client_id),
              "medical_history": (MedicalHistoryEntry.id, MedicalHistoryEntry.client_id)}


def _number(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _with_clients(session: Any, rows: list[Any]) -> list[Change]:
    """The rows as `Change`s, each with the client (and session) it concerns: one query per kind of record."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        number = _number(row.entity_id)
        if row.entity in _CLIENT_OF and number is not None:
            wanted.setdefault(row.entity, set()).add(number)
    clients: dict[tuple[str, int], int] = {}
    for entity, ids in wanted.items():
        key, client = _CLIENT_OF[entity]
        for found_id, owner_id in session.execute(select(key, client).where(key.in_(ids))):
            clients[entity, int(found_id)] = int(owner_id)
    out = []
    for row in rows:
        number = _number(row.entity_id)
        client_id: int | None = None
        if row.entity == "client":
            client_id = number
        elif number is not None:
            client_id = clients.get((row.entity, number))
        if client_id is None and row.entity in _CLIENT_OF:  # a removed finding or history row: its detail says
            client_id = _client_in_detail(row.detail)
        out.append(Change(int(row.id), row.action, row.entity, row.entity_id, row.actor, row.at, client_id,
                          number if row.entity == "session" else None))
    return out


def _client_in_detail(detail: str) -> int | None:
    try:
        value = json.loads(detail).get("client_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


class ChangeListener:
    """PostgreSQL: a thread that LISTENs on `CHANNEL` with its own connection and calls `on_notify()` (on that
    thread) after notifications arrive. When the server goes away it calls `on_state("lost")`, reconnects with
    backoff (`retry_s`, doubling up to `max_retry_s`) and, once back, tells the database its kept connections are
    dead (`Database.connections_lost`), then `on_state("reconnected")` and `on_notify()` (what was written
    meanwhile). `stop()` ends it within `poll_s`."""

    def __init__(self, db: Database, on_notify: Callable[[], None], on_state: Callable[[str], None],
                 poll_s: float = 0.25, retry_s: float = 0.25, max_retry_s: float = 5.0) -> None:
        self._db = db
        self._connect_args = _psycopg_args(db)
        self._on_notify = on_notify
        self._on_state = on_state
        self._poll_s = poll_s
        self._retry_s = retry_s
        self._max_retry_s = max_retry_s
        self._stopping = threading.Event()
        self.listening = threading.Event()  # set while LISTEN is in place
        self._thread = threading.Thread(target=self._run, name="clinic-log-change-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg

        args, kwargs = self._connect_args
        delay = self._retry_s
        lost = False
        while not self._stopping.is_set():
            try:
                with psycopg.connect(*args, **{**kwargs, "autocommit": True}) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    delay = self._retry_s
                    if lost:
                        lost = False
                        self._db.connections_lost()  # signing's kept connections are dead: replace them
                        self._on_state("reconnected")
                        self._on_notify()
                    while not self._stopping.is_set():
                        if any(True for _ in conn.notifies(timeout=self._poll_s)):
                            self._on_notify()
            except psycopg.Error as exc:
                self.listening.clear()
                if self._stopping.is_set():
                    return
                if not lost:
                    lost = True
                    log.warning("the database connection was lost: %s", exc)
                    self._on_state("lost")
                self._stopping.wait(delay)
                delay = min(delay * 2, self._max_retry_s)
            except Exception:  # a bug in a callback must not end the listening silently
                log.exception("the change listener failed")
                self._stopping.wait(self._max_retry_s)
        self.listening.clear()


def _psycopg_args(db: Database) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments SQLAlchemy passes to psycopg for this database, so the listener connects exactly as the app
    does (a service file, .pgpass, sslmode: whatever libpq reads)."""
    engine = db.engine
    args, kwargs = engine.dialect.create_connect_args(engine.url)
    return tuple(args), dict(kwargs)
