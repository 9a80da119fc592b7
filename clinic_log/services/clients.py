"""Client records: contact details (reception may edit) and clinical findings (practitioners, owners)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Client, ContraindicationType, Finding, MedicalHistoryEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import FITZPATRICK_NUMERALS, Severity
from clinic_log.domain.errors import InvalidValue, NotFound, PermissionDenied
from clinic_log.domain.permissions import require
from clinic_log.domain.suitability import Suitability, assess_suitability
from clinic_log.domain.text import fold
from clinic_log.services import audit, facts
from clinic_log.services.audit import AuditEvent
from clinic_log.services.clock import utcnow


@dataclass(frozen=True)
class ClientDetails:
    client_ref: str
    first_name: str
    last_name: str
    date_of_birth: date | None = None
    phone: str | None = None
    email: str | None = None
    fitzpatrick: int | None = None


@dataclass(frozen=True)
class ClientView:
    id: int
    client_ref: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    phone: str | None
    email: str | None
    fitzpatrick: int | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def search_key(first_name: str, last_name: str, client_ref: str) -> str:
    return fold(f"{first_name} {last_name} {client_ref}")


def parse_fitzpatrick(value: str) -> int | None:
    text = value.strip().upper()
    if not text:
        return None
    if text in FITZPATRICK_NUMERALS:
        return FITZPATRICK_NUMERALS.index(text) + 1
    if text.isdigit() and 1 <= int(text) <= 6:
        return int(text)
    raise InvalidValue("fitzpatrick", value, "I, II, III, IV, V or VI (or 1–6)")


def validate_details(details: ClientDetails) -> None:
    if not details.client_ref.strip():
        raise InvalidValue("client_ref", details.client_ref, "a clinic reference number, e.g. P-1001")
    if not details.first_name.strip() and not details.last_name.strip():
        raise InvalidValue("name", "", "a first or last name")
    if details.fitzpatrick is not None and not 1 <= details.fitzpatrick <= 6:
        raise InvalidValue("fitzpatrick", details.fitzpatrick, "1 to 6 (I–VI)")
    if details.date_of_birth is not None and details.date_of_birth > date.today():
        raise InvalidValue("date_of_birth", details.date_of_birth.isoformat(), "a date in the past")


def _view(c: Client) -> ClientView:
    return ClientView(c.id, c.client_ref, c.first_name, c.last_name, c.date_of_birth, c.phone, c.email,
                      c.fitzpatrick)


def create_client(db: Database, actor: Actor, details: ClientDetails) -> ClientView:
    require(actor, "edit client contact details")
    validate_details(details)

    def work(session: Session) -> ClientView:
        if session.scalar(select(Client.id).where(Client.client_ref == details.client_ref)) is not None:
            raise InvalidValue("client_ref", details.client_ref, "a reference not used by another client")
        now = utcnow()
        client = Client(client_ref=details.client_ref.strip(), first_name=details.first_name.strip(),
                        last_name=details.last_name.strip(),
                        search_key=search_key(details.first_name, details.last_name, details.client_ref),
                        date_of_birth=details.date_of_birth, phone=details.phone, email=details.email,
                        fitzpatrick=details.fitzpatrick, created_at=now, updated_at=now)
        audit.add_created(db, session, actor, client, "client", {"client_ref": client.client_ref})
        return _view(client)

    return db.write(work)


def update_contact(db: Database, actor: Actor, client_id: int, phone: str | None, email: str | None) -> ClientView:
    require(actor, "edit client contact details")

    def work(session: Session) -> ClientView:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound("client", client_id)
        before = {"phone": client.phone, "email": client.email}
        client.phone, client.email, client.updated_at = phone, email, utcnow()
        audit.record(db, session, actor, AuditEvent("changed", "client", str(client_id),
                                                    {"before": before, "after": {"phone": phone, "email": email}}))
        return _view(client)

    return db.write(work)


def get_client(db: Database, client_id: int) -> ClientView:
    with db.reading() as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound("client", client_id)
        return _view(client)


def find_clients(db: Database, query: str, limit: int = 50) -> list[ClientView]:
    """Clients whose folded name or reference contains the folded query, or whose phone contains it."""
    needle = fold(query)
    with db.reading() as session:
        stmt = (select(Client)
                .where(or_(Client.search_key.contains(needle, autoescape=True),
                           Client.phone.contains(query.strip(), autoescape=True)))
                .order_by(Client.last_name, Client.first_name).limit(limit))
        return [_view(c) for c in session.scalars(stmt)]


def add_finding(db: Database, actor: Actor, client_id: int, code: str, noted_on: date,
                ends_on: date | None = None, note: str | None = None) -> int:
    require(actor, "edit clinical client records")

    def work(session: Session) -> int:
        if session.get(Client, client_id) is None:
            raise NotFound("client", client_id)
        if session.get(ContraindicationType, code) is None:
            codes = ", ".join(session.scalars(select(ContraindicationType.code).order_by(ContraindicationType.code)))
            raise InvalidValue("contraindication", code, f"one of {codes}")
        if ends_on is not None and ends_on < noted_on:
            raise InvalidValue("ends_on", ends_on.isoformat(), f"a date on or after {noted_on.isoformat()}")
        finding = Finding(client_id=client_id, code=code, noted_on=noted_on, ends_on=ends_on, note=note)
        return audit.add_created(db, session, actor, finding, "finding", {"client_id": client_id, "code": code})

    return db.write(work)


def clear_finding(db: Database, actor: Actor, finding_id: int, note: str) -> None:
    """A physician clears a relative contraindication with a note; who and when are recorded."""
    require(actor, "edit clinical client records")
    if not note.strip():
        raise InvalidValue("clearance note", note, "a note explaining the clearance")

    def work(session: Session) -> None:
        finding = session.get(Finding, finding_id)
        if finding is None:
            raise NotFound("finding", finding_id)
        kind = session.get(ContraindicationType, finding.code)
        if kind is None or kind.severity != Severity.RELATIVE:
            raise InvalidValue("finding", finding.code, "only relative contraindications can be cleared")
        clearer = facts.practitioner_facts(session, actor.practitioner_id) if actor.practitioner_id else None
        if clearer is None or not clearer.role.is_physician:
            raise PermissionDenied(actor.role.value, "clear a contraindication (physicians only)")
        finding.cleared_by, finding.cleared_at, finding.clearance_note = actor.username, utcnow(), note.strip()
        audit.record(db, session, actor, AuditEvent("cleared", "finding", str(finding_id), {"note": note}))

    db.write(work)


def add_history(db: Database, actor: Actor, client_id: int, kind: str, text: str, noted_on: date) -> int:
    require(actor, "edit clinical client records")
    kinds = ("condition", "medication", "allergy", "concern", "outcome")
    if kind not in kinds:
        raise InvalidValue("kind", kind, "one of " + ", ".join(kinds))

    def work(session: Session) -> int:
        entry = MedicalHistoryEntry(client_id=client_id, kind=kind, text=text, noted_on=noted_on)
        return audit.add_created(db, session, actor, entry, "medical_history",
                                 {"client_id": client_id, "kind": kind})

    return db.write(work)


def suitability(db: Database, client_id: int, on: date) -> Suitability:
    with db.reading() as session:
        client = facts.client_facts(session, client_id)
    return assess_suitability(client.findings, client.fitzpatrick, on)
