"""Append-only audit log with a SHA-256 hash chain, and its verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from clinic_log.db.bulk import insert_rows
from clinic_log.db.driver import DriverTransaction
from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, table_of
from clinic_log.domain.actor import Actor
from clinic_log.services.common.clock import utcnow

GENESIS = "0" * 64


class _HasId(Protocol):
    id: int


@dataclass(frozen=True)
class AuditEvent:
    action: str  # created, signed, amended, printed, exported, imported, viewed…
    entity: str  # session, client, practitioner…
    entity_id: str | None
    detail: dict[str, Any]


def entry_hash(prev_hash: str, at: datetime, actor: str, action: str, entity: str,
               entity_id: str | None, detail: str) -> str:
    canonical = json.dumps([prev_hash, at.isoformat(), actor, action, entity, entity_id, detail],
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_LAST_HASH = select(table_of(AuditEntry).c.hash).order_by(table_of(AuditEntry).c.id.desc()).limit(1)
# The chain's newest hash as a scalar subquery, for a caller that reads it along with its own first select (one
# statement fewer). Read it only after db.lock_audit_chain(session) (SQLite's BEGIN IMMEDIATE already holds the
# lock): then no other transaction can append before this one commits. NULL means an empty log (GENESIS).
CHAIN_HEAD = _LAST_HASH.scalar_subquery()


def _last_hash(session: Session) -> str:
    """The newest row's hash, read by primary key (one index step), straight on the connection: no ORM flush."""
    return session.connection().scalar(_LAST_HASH) or GENESIS


def record(db: Database, session: Session, actor: Actor, event: AuditEvent, chain_head: str | None = None) -> None:
    record_many(db, session, actor, [event], chain_head)


def record_many(db: Database, session: Session, actor: Actor, events: Iterable[AuditEvent],
                chain_head: str | None = None) -> None:
    """Append events inside the caller's transaction, chaining each to the previous row.

    `chain_head`: the newest hash when the caller already read it through CHAIN_HEAD in this transaction, after
    locking the chain (see CHAIN_HEAD); otherwise the chain is locked and its head read here.
    """
    if chain_head is None:
        db.lock_audit_chain(session)
        chain_head = _last_hash(session)
    rows = _chained_rows(chain_head, actor, events)
    if rows:
        _tell_listeners(db, rows)
        insert_rows(session, table_of(AuditEntry), rows)


def record_direct(db: Database, transaction: DriverTransaction, actor: Actor, events: Iterable[AuditEvent],
                  chain_head: str) -> None:
    """As `record_many`, inside a `Database.write_direct` transaction that locked the chain and read its head."""
    rows = _chained_rows(chain_head, actor, events)
    _tell_listeners(db, rows)
    transaction.execute_many(_INSERT, rows)


def _tell_listeners(db: Database, rows: list[dict[str, Any]]) -> None:
    """Give the rows' hashes to whoever asked (the change feed, which then knows these rows are this process's)."""
    for listener in db.audit_listeners:
        listener([row["hash"] for row in rows])


def _chained_rows(chain_head: str, actor: Actor, events: Iterable[AuditEvent]) -> list[dict[str, Any]]:
    prev = chain_head
    at = utcnow()
    rows = []
    for event in events:
        detail = json.dumps(event.detail, ensure_ascii=False, sort_keys=True, default=str)
        digest = entry_hash(prev, at, actor.username, event.action, event.entity, event.entity_id, detail)
        rows.append({"at": at, "actor": actor.username, "action": event.action, "entity": event.entity,
                     "entity_id": event.entity_id, "detail": detail, "prev_hash": prev, "hash": digest})
        prev = digest
    return rows


_INSERT = insert(table_of(AuditEntry)).values(
    {name: bindparam(name) for name in ("at", "actor", "action", "entity", "entity_id", "detail", "prev_hash", "hash")})


def add_created(db: Database, session: Session, actor: Actor, row: _HasId, entity: str,
                detail: dict[str, Any]) -> int:
    """Insert `row`, audit its creation in the same transaction, and return its new id."""
    session.add(row)
    session.flush()
    record(db, session, actor, AuditEvent("created", entity, str(row.id), detail))
    return row.id


@dataclass(frozen=True)
class ChainProblem:
    row_id: int
    problem: str

    def __str__(self) -> str:
        return f"audit_log row {self.row_id}: {self.problem}"


def verify_chain(db: Database) -> Iterator[ChainProblem]:
    """Yield each row whose hash or link to the previous row does not match."""
    prev = GENESIS
    with db.reading() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=5000))
        for (row,) in rows:
            if row.prev_hash != prev:
                yield ChainProblem(row.id, "does not link to the previous row (a row was removed or altered)")
            expected = entry_hash(row.prev_hash, row.at, row.actor, row.action, row.entity, row.entity_id,
                                  row.detail)
            if expected != row.hash:
                yield ChainProblem(row.id, "content does not match its hash (the row was edited)")
            prev = row.hash
