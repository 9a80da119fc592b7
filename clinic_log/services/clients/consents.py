"""Consent: the clinic's consent text version as signed by the client, kept as a snapshot, and whether the
client's latest consent of a purpose (treatment, clinical-record photos, photos for other uses) is still valid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Client, Consent, ConsentText
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.permissions import Permission
from clinic_log.domain.windows import add_window
from clinic_log.services.clinic.consent_texts import latest_in
from clinic_log.services.common import audit
from clinic_log.services.common.authority import authorize
from clinic_log.settings import CONSENT_VALIDITY, read

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

VALID, EXPIRED, NONE = "valid", "expired", "none"
OUTDATED = "outdated"  # signed on wording the clinic has since replaced, for a purpose that needs the current one


@dataclass(frozen=True)
class ConsentStatus:
    """The client's latest consent: `state` is valid, expired, outdated (see ConsentPurpose.needs_current_wording)
    or none; `expires_on` is the first day it no longer counts; `current_version` the clinic's wording now, read
    for a purpose that needs it."""

    state: str
    signed_on: date | None = None
    expires_on: date | None = None
    text_version: int | None = None
    signer_name: str | None = None
    drawn: bool = False
    current_version: int | None = None

    @property
    def words(self) -> str:
        if self.state == NONE or self.signed_on is None or self.expires_on is None:
            return "No consent signed"
        how = "signed" if self.drawn else "signed by typed name"
        if self.state == EXPIRED:
            return (f"Consent expired on {self.expires_on.isoformat()} "
                    f"(version {self.text_version}, {how} {self.signed_on.isoformat()})")
        if self.state == OUTDATED:
            return (f"Consent signed on an earlier wording (version {self.text_version}, {how} "
                    f"{self.signed_on.isoformat()}); the clinic's wording is now version {self.current_version}")
        return (f"Consent valid until {self.expires_on.isoformat()} "
                f"(version {self.text_version}, {how} {self.signed_on.isoformat()} by {self.signer_name})")


TREATMENT = ConsentPurpose.TREATMENT


def record_consent(db: Database, actor: Actor, client_id: int, signer_name: str, signed_on: date,
                   text_version: int | None = None, signature_png: bytes | None = None,
                   purpose: ConsentPurpose = TREATMENT) -> int:
    """Store a signed consent of a purpose: the text version of that purpose (the latest when None) and its exact
    wording as a snapshot, the signer's name, the date and, when drawn, the signature as PNG bytes."""
    authorize(db, actor, Permission.EDIT_CLINICAL_RECORDS)
    if not signer_name.strip():
        raise InvalidValue("signer name", signer_name, "the name of the person signing")
    if signed_on > date.today():  # a consent dated ahead would count as valid for longer than it is
        raise InvalidValue("signed on", signed_on.isoformat(), "today or earlier: the day it was signed")
    if signature_png is not None and not signature_png.startswith(PNG_MAGIC):
        raise InvalidValue("signature", f"{len(signature_png)} bytes", "a PNG image of the drawn signature")

    def work(session: Session) -> int:
        if session.get(Client, client_id) is None:
            raise NotFound("client", client_id)
        if text_version is None:
            text = latest_in(session, purpose)
        else:
            found = session.scalar(select(ConsentText).where(ConsentText.purpose == purpose.value,
                                                             ConsentText.version == text_version))
            if found is None:
                raise InvalidValue("consent text version", text_version, f"a version of the {purpose.label} "
                                                                         "the clinic has saved")
            text = found
        consent = Consent(client_id=client_id, purpose=purpose.value, text_version=text.version,
                          text_snapshot=text.body, signed_on=signed_on, signer_name=signer_name.strip(),
                          signature_png=signature_png)
        detail: dict[str, object] = {"client_id": client_id, "text_version": text.version,
                                     "drawn": signature_png is not None}
        if purpose is not TREATMENT:
            detail["purpose"] = purpose.value
        return audit.add_created(db, session, actor, consent, "consent", detail)

    return db.write(work)


def client_id_for(db: Database, client_ref: str) -> int:
    """The id of the client with this reference (NotFound names the reference)."""
    with db.reading() as session:
        client_id = session.scalar(select(Client.id).where(Client.client_ref == client_ref))
    if client_id is None:
        raise NotFound("client", client_ref)
    return client_id


def consent_status_in(session: Session, client_id: int, today: date,
                      purpose: ConsentPurpose = TREATMENT) -> ConsentStatus:
    latest = session.execute(
        select(Consent.signed_on, Consent.text_version, Consent.signer_name, Consent.signature_png.is_not(None))
        .where(Consent.client_id == client_id, Consent.purpose == purpose.value)
        .order_by(Consent.signed_on.desc(), Consent.id.desc()).limit(1)
    ).first()
    if latest is None:
        return ConsentStatus(NONE)
    signed_on, version, signer, drawn = latest
    expires_on = add_window(signed_on, read(session, CONSENT_VALIDITY))
    state = EXPIRED if expires_on <= today else VALID  # the same edge the session warnings use
    current = latest_in(session, purpose).version if purpose.needs_current_wording else None
    if state == VALID and current is not None and version < current:
        state = OUTDATED
    return ConsentStatus(state, signed_on, expires_on, version, signer, bool(drawn), current)


def consent_status(db: Database, client_id: int, today: date,
                   purpose: ConsentPurpose = TREATMENT) -> ConsentStatus:
    with db.reading() as session:
        if session.get(Client, client_id) is None:
            raise NotFound("client", client_id)
        return consent_status_in(session, client_id, today, purpose)


@dataclass(frozen=True)
class SignedConsent:
    id: int
    signed_on: date
    text_version: int
    text_snapshot: str
    signer_name: str
    signature_png: bytes | None
    purpose: ConsentPurpose = TREATMENT


def consents_of(db: Database, client_id: int) -> list[SignedConsent]:
    """Every consent the client signed (of every purpose), newest first, with the wording they signed."""
    with db.reading() as session:
        rows = session.scalars(select(Consent).where(Consent.client_id == client_id)
                               .order_by(Consent.signed_on.desc(), Consent.id.desc()))
        return [SignedConsent(c.id, c.signed_on, c.text_version, c.text_snapshot, c.signer_name, c.signature_png,
                              ConsentPurpose(c.purpose))
                for c in rows]
