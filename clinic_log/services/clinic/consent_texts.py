"""The clinic's consent wording, one per purpose (treatment, clinical-record photos, photos for other uses), each
versioned on its own (every save by the owner is a new version), and how long a signed consent stays valid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import ConsentText, Setting
from clinic_log.db.reference_data import load_consent_text
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.permissions import Permission
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive, utcnow
from clinic_log.settings import CONSENT_VALIDITY, clean_consent_validity, read

VALIDITY_KEY = CONSENT_VALIDITY.key
MIN_TEXT_LENGTH = 40
TREATMENT = ConsentPurpose.TREATMENT


@dataclass(frozen=True)
class ConsentTextVersion:
    version: int
    body: str
    created_at: datetime
    created_by: str


def _view(row: ConsentText) -> ConsentTextVersion:
    return ConsentTextVersion(row.version, row.body, from_utc_naive(row.created_at), row.created_by)


def _newest(purpose: ConsentPurpose) -> Select[ConsentText]:
    return select(ConsentText).where(ConsentText.purpose == purpose.value).order_by(ConsentText.version.desc())


def latest_in(session: Session, purpose: ConsentPurpose = TREATMENT) -> ConsentText:
    """The newest consent text row of a purpose; the shipped wording is stored first if the clinic has none yet."""
    row = session.scalars(_newest(purpose)).first()
    if row is None:
        load_consent_text(session, purpose.value)
        row = session.scalars(_newest(purpose)).one()
    return row


def latest_consent_text(db: Database, purpose: ConsentPurpose = TREATMENT) -> ConsentTextVersion:
    """The wording clients sign now for a purpose (a database from before it gets the shipped version 1)."""
    with db.reading() as session:
        row = session.scalars(_newest(purpose)).first()
        if row is not None:
            return _view(row)
    return db.write(lambda session: _view(latest_in(session, purpose)))


def consent_text_versions(db: Database, purpose: ConsentPurpose = TREATMENT) -> list[ConsentTextVersion]:
    with db.reading() as session:
        return [_view(r) for r in session.scalars(select(ConsentText).where(ConsentText.purpose == purpose.value)
                                                   .order_by(ConsentText.version))]


def save_consent_text(db: Database, actor: Actor, body: str,
                      purpose: ConsentPurpose = TREATMENT) -> ConsentTextVersion:
    """Store edited wording as the next version (owner only); consents already signed keep their snapshot."""
    authorize(db, actor, Permission.EDIT_SETTINGS)
    text = body.strip()
    if len(text) < MIN_TEXT_LENGTH:
        raise InvalidValue("consent text", text, f"the full wording the client signs (at least {MIN_TEXT_LENGTH} "
                                                 "characters)")

    def work(session: Session) -> ConsentTextVersion:
        latest = latest_in(session, purpose)
        if latest.body == text:
            raise InvalidValue("consent text", "(unchanged)", f"a change to version {latest.version}")
        version = (session.scalar(select(func.max(ConsentText.version))
                                  .where(ConsentText.purpose == purpose.value)) or 0) + 1
        row = ConsentText(purpose=purpose.value, version=version, body=text, created_at=utcnow(),
                          created_by=actor.username)
        session.add(row)
        session.flush()
        detail: dict[str, object] = {"characters": len(text)}
        if purpose is not TREATMENT:
            detail["purpose"] = purpose.value
        audit.record(db, session, actor, AuditEvent("created", "consent_text", str(version), detail))
        return _view(row)

    return db.write(work)


def consent_validity(db: Database) -> str:
    """How long a signed consent stays valid, e.g. "12m" (the owner's setting; 12 months by default)."""
    with db.reading() as session:
        return read(session, CONSENT_VALIDITY)


def set_consent_validity(db: Database, actor: Actor, window: str) -> str:
    """Change the validity period (owner only), given as a number and d, w or m: "12m", "26w"."""
    authorize(db, actor, Permission.EDIT_SETTINGS)
    value = clean_consent_validity(window)

    def work(session: Session) -> str:
        row = session.get(Setting, VALIDITY_KEY)
        before = row.value if row is not None else None
        if row is None:
            session.add(Setting(key=VALIDITY_KEY, value=value))
        else:
            row.value = value
        audit.record(db, session, actor, AuditEvent("changed", "setting", VALIDITY_KEY, {"value": [before, value]}))
        return value

    return db.write(work)
