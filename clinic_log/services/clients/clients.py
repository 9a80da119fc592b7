"""Client records: contact details (reception may edit) and clinical findings (practitioners, owners)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Client, ContraindicationType, Finding, MedicalHistoryEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.concurrent_edits import merge_edit
from clinic_log.domain.enums import FITZPATRICK_NUMERALS, Severity
from clinic_log.domain.errors import DomainError, InvalidValue, NotFound, PermissionDenied
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.domain.suitability import Suitability, assess_suitability
from clinic_log.domain.text import fold
from clinic_log.services.clients.client_search import ClientRow, search_clients
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import utcnow
from clinic_log.services.sessions import facts


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
class ClientView(ClientRow):
    """A client's details as the client page shows them: the list's row plus e-mail and skin type."""

    email: str | None
    fitzpatrick: int | None


class PossibleDuplicate(DomainError):
    """A client of the same name and date of birth is already on file."""

    def __init__(self, matches: tuple[ClientView, ...]) -> None:
        self.matches = matches
        names = "; ".join(f"{m.client_ref} {m.full_name}" for m in matches)
        super().__init__(f"name and date of birth: a client with the same ones exists ({names}); "
                         "open that record, or confirm to create a new one")


HISTORY_KINDS = ("condition", "medication", "allergy", "concern", "outcome")


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


def view_of(c: Client) -> ClientView:
    return ClientView(c.id, c.client_ref, c.first_name, c.last_name, c.date_of_birth, c.phone, c.email,
                      c.fitzpatrick)


def create_client(db: Database, actor: Actor, details: ClientDetails, allow_duplicate: bool = True) -> ClientView:
    """Add a client. With `allow_duplicate=False`, a client of the same name and date of birth refuses it
    (`PossibleDuplicate`, naming them) so the user can open that record or confirm and create anyway."""
    authorize(db, actor, Permission.EDIT_CLIENT_CONTACT)
    validate_details(details)
    if not allow_duplicate and (twins := possible_duplicates(db, details.first_name, details.last_name,
                                                             details.date_of_birth)):
        raise PossibleDuplicate(tuple(twins))

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
        return view_of(client)

    return db.write(work)


def update_contact(db: Database, actor: Actor, client_id: int, phone: str | None, email: str | None) -> ClientView:
    authorize(db, actor, Permission.EDIT_CLIENT_CONTACT)

    def work(session: Session) -> ClientView:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound("client", client_id)
        before = {"phone": client.phone, "email": client.email}
        client.phone, client.email, client.updated_at = phone, email, utcnow()
        audit.record(db, session, actor, AuditEvent("changed", "client", str(client_id),
                                                    {"before": before, "after": {"phone": phone, "email": email}}))
        return view_of(client)

    return db.write(work)


_CONTACT_FIELDS = ("client_ref", "first_name", "last_name", "date_of_birth", "phone", "email")
_FIELD_NAMES = {"client_ref": "client ref", "first_name": "first name", "last_name": "last name",
                "date_of_birth": "date of birth", "phone": "phone", "email": "e-mail"}


def _contact_values(details: ClientDetails) -> dict[str, object]:
    """The details as they are stored: trimmed, with an empty phone or e-mail as none."""
    return {"client_ref": details.client_ref.strip(), "first_name": details.first_name.strip(),
            "last_name": details.last_name.strip(), "date_of_birth": details.date_of_birth,
            "phone": (details.phone or "").strip() or None, "email": (details.email or "").strip() or None}


def update_details(db: Database, actor: Actor, client_id: int, details: ClientDetails,
                   opened_with: ClientDetails | None = None) -> ClientView:
    """Change name, reference, date of birth, phone and e-mail (any role); the skin type is clinical and kept.

    `opened_with`: the details as the editor showed them when the user began. Then only the fields the user
    changed are written, so a change saved meanwhile on another workstation to another field stays; a field
    both changed raises ChangedElsewhere naming it, and nothing is written."""
    authorize(db, actor, Permission.EDIT_CLIENT_CONTACT)
    validate_details(details)
    typed = _contact_values(details)
    base = _contact_values(opened_with) if opened_with is not None else None

    def work(session: Session) -> ClientView:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound("client", client_id)
        before = {f: getattr(client, f) for f in _CONTACT_FIELDS}
        wanted = merge_edit(before, typed, base, _FIELD_NAMES)
        ref = str(wanted["client_ref"])
        if session.scalar(select(Client.id).where(Client.client_ref == ref, Client.id != client_id)) is not None:
            raise InvalidValue("client_ref", ref, "a reference not used by another client")
        for field in _CONTACT_FIELDS:
            setattr(client, field, wanted[field])
        client.search_key = search_key(client.first_name, client.last_name, ref)
        client.updated_at = utcnow()
        changed = {f: [_jsonable(before[f]), _jsonable(wanted[f])] for f in _CONTACT_FIELDS
                   if before[f] != wanted[f]}
        if changed:
            audit.record(db, session, actor, AuditEvent("changed", "client", str(client_id), changed))
        return view_of(client)

    return db.write(work)


def set_fitzpatrick(db: Database, actor: Actor, client_id: int, fitzpatrick: int | None) -> ClientView:
    """Record the client's Fitzpatrick skin type (I–VI), a clinical judgement: practitioners and owners."""
    authorize(db, actor, Permission.EDIT_CLINICAL_RECORDS)
    if fitzpatrick is not None and not 1 <= fitzpatrick <= 6:
        raise InvalidValue("fitzpatrick", fitzpatrick, "1 to 6 (I–VI)")

    def work(session: Session) -> ClientView:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound("client", client_id)
        if client.fitzpatrick != fitzpatrick:
            audit.record(db, session, actor, AuditEvent("changed", "client", str(client_id),
                                                        {"fitzpatrick": [client.fitzpatrick, fitzpatrick]}))
            client.fitzpatrick, client.updated_at = fitzpatrick, utcnow()
        return view_of(client)

    return db.write(work)


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def get_client(db: Database, client_id: int) -> ClientView:
    with db.reading() as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound("client", client_id)
        return view_of(client)


def find_clients(db: Database, query: str, limit: int = 50) -> list[ClientView]:
    """Clients matching `query` by name, reference, phone or date of birth (see `client_search`)."""
    ids = [row.id for row in search_clients(db, query, limit=limit)]
    with db.reading() as session:
        found = {c.id: view_of(c) for c in session.scalars(select(Client).where(Client.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids]


def folded_name(first_name: str, last_name: str) -> str:
    return fold(f"{first_name} {last_name}")


def possible_duplicates(db: Database, first_name: str, last_name: str, born: date | None,
                        excluding: int | None = None) -> list[ClientView]:
    """Clients with the same name (folded: "Zofia" = "ZÓFIA") and the same date of birth."""
    if born is None:
        return []
    name = folded_name(first_name, last_name)
    with db.reading() as session:
        same_day = session.scalars(select(Client).where(Client.date_of_birth == born).order_by(Client.id))
        return [view_of(c) for c in same_day
                if c.id != excluding and folded_name(c.first_name, c.last_name) == name]


def add_finding(db: Database, actor: Actor, client_id: int, code: str, noted_on: date,
                ends_on: date | None = None, note: str | None = None) -> int:
    authorize(db, actor, Permission.EDIT_CLINICAL_RECORDS)

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
    authorize(db, actor, Permission.EDIT_CLINICAL_RECORDS)
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
    """One line of the consultation: a condition, medication, allergy, skin concern or desired outcome."""
    authorize(db, actor, Permission.EDIT_CLINICAL_RECORDS)
    if kind not in HISTORY_KINDS:
        raise InvalidValue("kind", kind, "one of " + ", ".join(HISTORY_KINDS))
    if not text.strip():
        raise InvalidValue(kind, text, "a few words describing it")

    def work(session: Session) -> int:
        if session.get(Client, client_id) is None:
            raise NotFound("client", client_id)
        entry = MedicalHistoryEntry(client_id=client_id, kind=kind, text=text.strip(), noted_on=noted_on)
        return audit.add_created(db, session, actor, entry, "medical_history",
                                 {"client_id": client_id, "kind": kind})

    return db.write(work)


def remove_history(db: Database, actor: Actor, entry_id: int) -> None:
    """Take a line off the consultation (entered by mistake, or no longer true); the audit keeps its text."""
    authorize(db, actor, Permission.EDIT_CLINICAL_RECORDS)

    def work(session: Session) -> None:
        entry = session.get(MedicalHistoryEntry, entry_id)
        if entry is None:
            raise NotFound("medical history entry", entry_id)
        audit.record(db, session, actor, AuditEvent("removed", "medical_history", str(entry_id), {
            "client_id": entry.client_id, "kind": entry.kind, "text": entry.text,
            "noted_on": entry.noted_on.isoformat()}))
        session.delete(entry)

    db.write(work)


def set_finding_end(db: Database, actor: Actor, finding_id: int, ends_on: date | None) -> None:
    """Record when a finding ended ("stopped on" for isotretinoin, the procedure date for a peel or toxin)."""
    authorize(db, actor, Permission.EDIT_CLINICAL_RECORDS)

    def work(session: Session) -> None:
        finding = session.get(Finding, finding_id)
        if finding is None:
            raise NotFound("finding", finding_id)
        if ends_on is not None and ends_on < finding.noted_on:
            raise InvalidValue("ends_on", ends_on.isoformat(), f"a date on or after {finding.noted_on.isoformat()}")
        audit.record(db, session, actor, AuditEvent("changed", "finding", str(finding_id), {
            "ends_on": [_jsonable(finding.ends_on), _jsonable(ends_on)]}))
        finding.ends_on = ends_on

    db.write(work)


def remove_finding(db: Database, actor: Actor, finding_id: int) -> None:
    """Take a finding entered by mistake off the record; the audit keeps what it said."""
    authorize(db, actor, Permission.EDIT_CLINICAL_RECORDS)

    def work(session: Session) -> None:
        finding = session.get(Finding, finding_id)
        if finding is None:
            raise NotFound("finding", finding_id)
        audit.record(db, session, actor, AuditEvent("removed", "finding", str(finding_id), {
            "client_id": finding.client_id, "code": finding.code, "noted_on": finding.noted_on.isoformat(),
            "ends_on": _jsonable(finding.ends_on), "cleared_by": finding.cleared_by}))
        session.delete(finding)

    db.write(work)


def can_clear_findings(db: Database, actor: Actor) -> bool:
    """True when `actor` may clear relative contraindications: a physician practitioner (what clear_finding
    enforces), so the UI offers the button only to them."""
    if actor.practitioner_id is None or actor.role not in ALLOWED[Permission.EDIT_CLINICAL_RECORDS]:
        return False
    with db.reading() as session:
        try:
            return facts.practitioner_facts(session, actor.practitioner_id).role.is_physician
        except NotFound:
            return False


def suitability(db: Database, client_id: int, on: date) -> Suitability:
    with db.reading() as session:
        client = facts.client_facts(session, client_id)
    return assess_suitability(client.findings, client.fitzpatrick, on)
