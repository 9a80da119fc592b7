"""Read the audit trail for the owner: filtered pages, and where the hash chain first breaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import func, select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.permissions import Permission
from clinic_log.services.audit.audit_sentences import load_names, sentence
from clinic_log.services.audit.integrity import compare_with_witnesses
from clinic_log.services.common.audit import ChainProblem, verify_chain
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive, to_utc_naive
from clinic_log.services.sessions.seals import verify_seals
from clinic_log.services.sessions.session_filter import local_day_bounds


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    date_from: date | None = None  # local days, as the owner reads them (inclusive)
    date_to: date | None = None
    zone: tzinfo | None = None  # the days' time zone; None: this computer's


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # aware, UTC
    actor: str
    action: str
    entity: str
    entity_id: str | None
    detail: str  # as stored: JSON
    text: str = ""  # the row as a sentence with names (audit_sentences.py)


def list_audit(db: Database, actor: Actor, flt: AuditFilter = AuditFilter(), limit: int = 200,
               before_id: int | None = None) -> list[AuditRow]:
    """Newest first; pass the last row's id as `before_id` for the next page."""
    authorize(db, actor, Permission.VIEW_AUDIT_LOG)
    a = AuditEntry
    stmt = select(a).order_by(a.id.desc()).limit(limit)
    for column, value in ((a.actor, flt.actor), (a.action, flt.action), (a.entity, flt.entity),
                          (a.entity_id, flt.entity_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    start, end = local_day_bounds(flt.date_from, flt.date_to, flt.zone)
    if start is not None:
        stmt = stmt.where(a.at >= to_utc_naive(start))
    if end is not None:
        stmt = stmt.where(a.at < to_utc_naive(end))
    if before_id is not None:
        stmt = stmt.where(a.id < before_id)
    with db.reading() as session:
        rows = list(session.scalars(stmt))
        names = load_names(session, ((r.actor, r.entity, r.entity_id, r.detail) for r in rows))
        return [AuditRow(r.id, from_utc_naive(r.at), r.actor, r.action, r.entity, r.entity_id, r.detail,
                         sentence(r.actor, r.action, r.entity, r.entity_id, r.detail, names)) for r in rows]


@dataclass(frozen=True)
class AuditChoices:
    """The values the audit trail holds, for the viewer's filter suggestions (sorted)."""

    actors: tuple[str, ...]
    actions: tuple[str, ...]
    entities: tuple[str, ...]


def audit_choices(db: Database, actor: Actor) -> AuditChoices:
    """Every user, action and entity that occurs in the audit trail (one scan of it: run off the GUI thread)."""
    authorize(db, actor, Permission.VIEW_AUDIT_LOG)
    a = AuditEntry
    with db.reading() as session:
        triples = session.execute(select(a.actor, a.action, a.entity).distinct()).all()
    return AuditChoices(*(tuple(sorted({row[i] for row in triples})) for i in range(3)))


def first_broken_row(db: Database, actor: Actor) -> ChainProblem | None:
    """The first audit row whose hash or link does not match, or None when the chain is intact."""
    authorize(db, actor, Permission.VIEW_AUDIT_LOG)
    return next(iter(verify_chain(db)), None)


def broken_seals(db: Database, actor: Actor) -> list[str]:
    """Signed sessions whose stored content no longer matches their newest seal, or that no audit row seals, and
    a chain shorter than (or different from) its newest witness."""
    authorize(db, actor, Permission.VIEW_AUDIT_LOG)
    return verify_seals(db) + compare_with_witnesses(db)


def count_audit_rows(db: Database, actor: Actor) -> int:
    authorize(db, actor, Permission.VIEW_AUDIT_LOG)
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
