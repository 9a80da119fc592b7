"""Consent: the clinic's consent text version as signed by the client, kept as a snapshot."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Client, Consent
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.permissions import require
from clinic_log.services import audit

DEFAULT_CONSENT_TEXT = (
    "I consent to microneedling (collagen induction therapy). The procedure, expected redness and swelling, "
    "possible complications (infection, cold sores, pigment change, scarring) and the aftercare have been "
    "explained to me, and my questions were answered."
)


def record_consent(db: Database, actor: Actor, client_id: int, signer_name: str, signed_on: date,
                   text: str = DEFAULT_CONSENT_TEXT, text_version: int = 1,
                   signature_png: bytes | None = None) -> int:
    require(actor, "edit clinical client records")
    if not signer_name.strip():
        raise InvalidValue("signer name", signer_name, "the name of the person signing")

    def work(session: Session) -> int:
        if session.get(Client, client_id) is None:
            raise NotFound("client", client_id)
        consent = Consent(client_id=client_id, text_version=text_version, text_snapshot=text, signed_on=signed_on,
                          signer_name=signer_name.strip(), signature_png=signature_png)
        return audit.add_created(db, session, actor, consent, "consent",
                                 {"client_id": client_id, "text_version": text_version})

    return db.write(work)
