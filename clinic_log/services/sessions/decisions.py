"""Decisions recorded when a client is not suitable today: defer with a review date, suggest an alternative, or refer
to a specialist; closing one; the ones open on a day. Every write is audited against the client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Client, ClientDecision, Practitioner, User
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import DecisionKind
from clinic_log.domain.errors import ChangedMeanwhile, InvalidValue, NotFound
from clinic_log.domain.permissions import Permission
from clinic_log.domain.values import DecisionFacts
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import utcnow
from clinic_log.services.sessions import facts

PERMISSION = Permission.EDIT_CLINICAL_RECORDS
REASON_MAX = 2000
REFERRED_TO_MAX = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # a newline (\n) is allowed in a reason


@dataclass(frozen=True)
class DecisionInput:
    """What the practitioner typed: the kind and its reason, with the field the kind needs."""

    kind: DecisionKind | str
    reason: str
    review_on: date | None = None
    referred_to: str | None = None
    alternative: str | None = None


def _text(field: str, value: str | None, allowed: str, limit: int, one_line: bool = False) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidValue(field, value, allowed)
    if _CONTROL.search(text) or (one_line and ("\n" in text or "\r" in text)):
        raise InvalidValue(field, value, f"{allowed}, without control characters"
                           + (" or line breaks" if one_line else ""))
    if len(text) > limit:
        raise InvalidValue(field, f"{text[:40]}…", f"{allowed}, at most {limit} characters (this has {len(text)})")
    return text


def validate(entry: DecisionInput, today: date) -> DecisionInput:
    """The entry with its texts trimmed, or InvalidValue naming the field."""
    kinds = ", ".join(k.value for k in DecisionKind)
    if entry.kind not in set(DecisionKind):
        raise InvalidValue("kind", entry.kind, f"one of {kinds}")
    kind = DecisionKind(entry.kind)
    reason = _text("reason", entry.reason, "a few words saying why", REASON_MAX)
    review_on = referred_to = alternative = None
    if kind is DecisionKind.DEFER:
        if entry.review_on is None:
            raise InvalidValue("review date", None, "the date to review the client again (YYYY-MM-DD)")
        if entry.review_on <= today:
            raise InvalidValue("review date", entry.review_on.isoformat(),
                               f"a date after today ({today.isoformat()})")
        review_on = entry.review_on
    elif kind is DecisionKind.REFERRAL:
        referred_to = _text("referred to", entry.referred_to,
                            "who the client is referred to, e.g. dermatologist, GP or a named doctor",
                            REFERRED_TO_MAX, one_line=True)
    else:
        alternative = _text("alternative", entry.alternative, "the treatment suggested instead", REASON_MAX)
    return DecisionInput(kind, reason, review_on, referred_to, alternative)


def _name_of(session: Session, actor: Actor) -> str:
    """The recorder's name as the record knows it (the login's full name), else the login name."""
    name = None
    if actor.user_id is not None:
        name = session.scalar(select(User.full_name).where(User.id == actor.user_id))
    if not name and actor.practitioner_id is not None:
        name = session.scalar(select(Practitioner.full_name).where(Practitioner.id == actor.practitioner_id))
    if not name:
        name = session.scalar(select(User.full_name).where(User.username == actor.username))
    return name or actor.username


def record_decision(db: Database, actor: Actor, client_id: int, entry: DecisionInput, today: date) -> int:
    """Record what was decided for the client; returns the decision's id."""
    authorize(db, actor, PERMISSION)
    clean = validate(entry, today)

    def work(session: Session) -> int:
        if session.get(Client, client_id) is None:
            raise NotFound("client", client_id)
        row = ClientDecision(client_id=client_id, kind=str(clean.kind), reason=clean.reason,
                             review_on=clean.review_on, referred_to=clean.referred_to,
                             alternative=clean.alternative, decided_by=actor.username,
                             decided_by_name=_name_of(session, actor), decided_at=utcnow())
        session.add(row)
        session.flush()
        audit.record(db, session, actor, AuditEvent("decision recorded", "client", str(client_id), {
            "decision_id": row.id, "kind": str(clean.kind), "reason": clean.reason,
            "review_on": clean.review_on.isoformat() if clean.review_on else None,
            "referred_to": clean.referred_to, "alternative": clean.alternative}))
        return row.id

    return db.write(work)


def close_decision(db: Database, actor: Actor, decision_id: int, note: str) -> None:
    """Close an open decision with a note (reviewed, seen by the specialist…). A decision already closed, here or on
    another workstation, is refused with who closed it: nothing is overwritten."""
    authorize(db, actor, PERMISSION)
    clean = _text("close note", note, "a few words on why it is closed (e.g. reviewed, skin clear)", REASON_MAX)

    def work(session: Session) -> None:
        row = session.get(ClientDecision, decision_id)
        if row is None:
            raise NotFound("decision", decision_id)
        done = session.connection().execute(
            update(ClientDecision)
            .where(ClientDecision.id == decision_id, ClientDecision.closed_at.is_(None))
            .values(closed_at=utcnow(), closed_by=actor.username, close_note=clean)
        ).rowcount
        if done != 1:
            session.refresh(row)
            raise ChangedMeanwhile(f"decision {decision_id} was already closed by {row.closed_by}; nothing changed")
        audit.record(db, session, actor, AuditEvent("decision closed", "client", str(row.client_id),
                                                    {"decision_id": decision_id, "note": clean}))

    db.write(work)


def open_then_closed(decisions: tuple[DecisionFacts, ...], on: date) -> tuple[DecisionFacts, ...]:
    """The decisions open on `on` in the order they were decided, then the others, the latest closed first."""
    still_open = tuple(d for d in decisions if d.open_on(on))
    others = [d for d in decisions if not d.open_on(on)]
    others.sort(key=lambda d: (d.closed_at or d.decided_at, d.id), reverse=True)
    return still_open + tuple(others)


def open_decisions(db: Database, client_id: int, on: date) -> tuple[DecisionFacts, ...]:
    """The client's decisions open on `on`, oldest first."""
    with db.reading() as session:
        if session.get(Client, client_id) is None:
            raise NotFound("client", client_id)
        return tuple(d for d in facts.client_decisions(session, client_id) if d.open_on(on))
