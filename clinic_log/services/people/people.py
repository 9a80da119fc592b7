"""Practitioners and their credentials (devices and cartridge lots: services/devices)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Credential, Practitioner
from clinic_log.domain.actor import Actor
from clinic_log.domain.concurrent_edits import merge_edit
from clinic_log.domain.enums import PractitionerRole, allowed
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.permissions import Permission
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize


@dataclass(frozen=True)
class PractitionerDetails:
    username: str
    full_name: str
    role: str
    needs_supervision: bool
    depth_cap_mm: float | None
    licence_no: str | None = None
    licence_expires: date | None = None


@dataclass(frozen=True)
class PractitionerView:
    id: int
    username: str
    full_name: str
    role: str
    needs_supervision: bool
    depth_cap_mm: float | None


@dataclass(frozen=True)
class CredentialView:
    id: int
    practitioner_id: int
    kind: str
    number: str
    issuing_body: str | None
    issued_on: date | None
    expires_on: date | None
    required: bool


@dataclass(frozen=True)
class CredentialInput:
    kind: str  # licence, microneedling certificate, device training…
    number: str
    expires_on: date | None
    issuing_body: str | None = None
    issued_on: date | None = None
    required: bool = True


@dataclass(frozen=True)
class PractitionerRecord:
    """A practitioner with every credential, for the practitioners page."""

    id: int
    username: str
    full_name: str
    role: str
    needs_supervision: bool
    depth_cap_mm: float | None
    active: bool
    credentials: tuple[CredentialView, ...]


def validate_practitioner(details: PractitionerDetails) -> None:
    if not details.username.strip():
        raise InvalidValue("username", details.username, "a login name")
    if details.role not in set(PractitionerRole):
        raise InvalidValue("role", details.role, allowed(PractitionerRole))
    if details.depth_cap_mm is not None and not 0 < details.depth_cap_mm <= 7.0:
        raise InvalidValue("depth_cap_mm", details.depth_cap_mm, "a depth cap above 0 and at most 7.0 mm")


def create_practitioner(db: Database, actor: Actor, details: PractitionerDetails) -> PractitionerView:
    authorize(db, actor, Permission.MANAGE_PEOPLE)
    validate_practitioner(details)

    def work(session: Session) -> PractitionerView:
        if session.scalar(select(Practitioner.id).where(Practitioner.username == details.username)):
            raise InvalidValue("username", details.username, "a login name not used by another practitioner")
        row = Practitioner(username=details.username, full_name=details.full_name, role=details.role,
                           needs_supervision=details.needs_supervision, depth_cap_mm=details.depth_cap_mm)
        session.add(row)
        session.flush()
        if details.licence_no:
            session.add(Credential(practitioner_id=row.id, kind="licence", number=details.licence_no,
                                   expires_on=details.licence_expires, required=True))
        audit.record(db, session, actor, AuditEvent("created", "practitioner", str(row.id),
                                                    {"username": row.username, "role": row.role}))
        return _practitioner_view(row)

    return db.write(work)


def _practitioner_view(p: Practitioner) -> PractitionerView:
    return PractitionerView(p.id, p.username, p.full_name, p.role, p.needs_supervision, p.depth_cap_mm)


def list_practitioners(db: Database) -> list[PractitionerView]:
    with db.reading() as session:
        return [_practitioner_view(p) for p in session.scalars(select(Practitioner).order_by(Practitioner.full_name))]


def _credential_view(c: Credential) -> CredentialView:
    return CredentialView(c.id, c.practitioner_id, c.kind, c.number, c.issuing_body, c.issued_on, c.expires_on,
                          c.required)


def practitioner_records(db: Database, actor: Actor, include_inactive: bool = True) -> list[PractitionerRecord]:
    """Every practitioner with their credentials (any role may look; only the owner changes them)."""
    authorize(db, actor, Permission.VIEW_PRACTITIONERS)
    stmt = select(Practitioner).order_by(Practitioner.active.desc(), Practitioner.full_name)
    if not include_inactive:
        stmt = stmt.where(Practitioner.active.is_(True))
    with db.reading() as session:
        people = list(session.scalars(stmt))
        by_owner: dict[int, list[CredentialView]] = {}
        for c in session.scalars(select(Credential).order_by(Credential.expires_on, Credential.id)):
            by_owner.setdefault(c.practitioner_id, []).append(_credential_view(c))
        return [PractitionerRecord(p.id, p.username, p.full_name, p.role, p.needs_supervision, p.depth_cap_mm,
                                   p.active, tuple(by_owner.get(p.id, ()))) for p in people]


def _practitioner_row(session: Session, practitioner_id: int) -> Practitioner:
    row = session.get(Practitioner, practitioner_id)
    if row is None:
        raise NotFound("practitioner", practitioner_id)
    return row


_PRACTITIONER_FIELD_NAMES = {"full_name": "full name", "role": "role", "needs_supervision": "needs supervision",
                             "depth_cap_mm": "depth cap (mm)"}


def _editable_values(details: PractitionerDetails) -> dict[str, object]:
    """The details update_practitioner changes, as they are stored."""
    return {"full_name": details.full_name.strip(), "role": details.role,
            "needs_supervision": details.needs_supervision, "depth_cap_mm": details.depth_cap_mm}


def update_practitioner(db: Database, actor: Actor, practitioner_id: int, full_name: str, role: str,
                        needs_supervision: bool, depth_cap_mm: float | None,
                        opened_with: PractitionerDetails | None = None) -> PractitionerView:
    """Change name, role, supervision flag and depth cap; each change is audited with old and new values.

    `opened_with`: the details as the page showed them when the owner began; then only what the owner changed
    is written, and a field changed meanwhile elsewhere too raises ChangedElsewhere (concurrent_edits.py)."""
    authorize(db, actor, Permission.MANAGE_PEOPLE)
    if not full_name.strip():
        raise InvalidValue("full name", full_name, "the practitioner's name as shown on sessions")

    def work(session: Session) -> PractitionerView:
        row = _practitioner_row(session, practitioner_id)
        details = PractitionerDetails(row.username, full_name, role, needs_supervision, depth_cap_mm)
        validate_practitioner(details)
        opened = _editable_values(opened_with) if opened_with is not None else None
        _write_edit(db, session, actor, row, "practitioner", _editable_values(details), opened,
                    _PRACTITIONER_FIELD_NAMES)
        return _practitioner_view(row)

    return db.write(work)


def set_practitioner_active(db: Database, actor: Actor, practitioner_id: int, active: bool) -> None:
    """Deactivate (or bring back) a practitioner: their sessions stay; they are no longer offered or reminded."""
    authorize(db, actor, Permission.MANAGE_PEOPLE)

    def work(session: Session) -> None:
        row = _practitioner_row(session, practitioner_id)
        if row.active == active:
            return
        row.active = active
        audit.record(db, session, actor, AuditEvent("activated" if active else "deactivated", "practitioner",
                                                    str(row.id), {"username": row.username}))

    db.write(work)


def _validate_credential(credential: CredentialInput) -> None:
    if not credential.kind.strip():
        raise InvalidValue("credential kind", credential.kind, "e.g. licence or microneedling certificate")
    if not credential.number.strip():
        raise InvalidValue("credential number", credential.number, "the licence or certificate number")
    if credential.issued_on and credential.expires_on and credential.expires_on < credential.issued_on:
        raise InvalidValue("expires on", credential.expires_on.isoformat(),
                           f"a date on or after the issue date {credential.issued_on.isoformat()}")


def _credential_values(credential: CredentialInput) -> dict[str, object]:
    return {"kind": credential.kind.strip(), "number": credential.number.strip(),
            "issuing_body": (credential.issuing_body or "").strip() or None, "issued_on": credential.issued_on,
            "expires_on": credential.expires_on, "required": credential.required}


def add_credential(db: Database, actor: Actor, practitioner_id: int, credential: CredentialInput) -> CredentialView:
    authorize(db, actor, Permission.MANAGE_PEOPLE)
    _validate_credential(credential)

    def work(session: Session) -> CredentialView:
        _practitioner_row(session, practitioner_id)
        values = _credential_values(credential)
        row = Credential(practitioner_id=practitioner_id, **values)
        audit.add_created(db, session, actor, row, "credential",
                          {"practitioner_id": practitioner_id, **values})
        return _credential_view(row)

    return db.write(work)


_CREDENTIAL_FIELD_NAMES = {"kind": "kind", "number": "number", "issuing_body": "issuing body",
                           "issued_on": "issued on", "expires_on": "expires on", "required": "required"}


def credential_input(view: CredentialView) -> CredentialInput:
    """A stored credential as the input that would store it again (an editor's starting point)."""
    return CredentialInput(view.kind, view.number, view.expires_on, view.issuing_body, view.issued_on, view.required)


def get_credential(db: Database, actor: Actor, credential_id: int) -> CredentialView:
    authorize(db, actor, Permission.MANAGE_PEOPLE)
    with db.reading() as session:
        row = session.get(Credential, credential_id)
        if row is None:
            raise NotFound("credential", credential_id)
        return _credential_view(row)


def update_credential(db: Database, actor: Actor, credential_id: int, credential: CredentialInput,
                      opened_with: CredentialInput | None = None) -> CredentialView:
    """Renew or correct a credential (e.g. a new expiry date); old and new values go to the audit trail.
    `opened_with`: the credential as the editor showed it; then only what the owner changed is written
    (concurrent_edits.py)."""
    authorize(db, actor, Permission.MANAGE_PEOPLE)
    _validate_credential(credential)

    def work(session: Session) -> CredentialView:
        row = session.get(Credential, credential_id)
        if row is None:
            raise NotFound("credential", credential_id)
        opened = _credential_values(opened_with) if opened_with is not None else None
        _write_edit(db, session, actor, row, "credential", _credential_values(credential), opened,
                    _CREDENTIAL_FIELD_NAMES)
        return _credential_view(row)

    return db.write(work)


def _write_edit(db: Database, session: Session, actor: Actor, row: Practitioner | Credential, entity: str,
                typed: dict[str, object], opened: dict[str, object] | None, names: dict[str, str]) -> None:
    """Write what the user changed (a field changed meanwhile elsewhere too raises ChangedElsewhere) and audit
    each changed field's old and new value."""
    values = merge_edit({k: getattr(row, k) for k in typed}, typed, opened, names)
    changes = {k: {"old": getattr(row, k), "new": v} for k, v in values.items() if getattr(row, k) != v}
    for key, value in values.items():
        setattr(row, key, value)
    if changes:
        audit.record(db, session, actor, AuditEvent("updated", entity, str(row.id), changes))
