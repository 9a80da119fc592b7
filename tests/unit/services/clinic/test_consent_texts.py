"""The clinic's consent wording, versioned (every owner's save a new version; consents keep the wording they
signed), and how long a signed consent stays valid."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.services.audit.audit_queries import AuditFilter, list_audit
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.clients.consents import consent_status, consents_of, record_consent
from clinic_log.services.clinic import consent_texts

RECEPTION = Actor("desk", UserRole.RECEPTION)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def zofia(db: Database, owner: Actor) -> clients.ClientView:
    return clients.create_client(db, owner, ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1)))


def test_shipped_consent_text_is_version_one(db: Database) -> None:
    text = consent_texts.latest_consent_text(db)
    assert text.version == 1 and text.created_by == "system"
    assert text.body.startswith("Consent to microneedling") and "isotretinoin" in text.body


def test_owner_saves_a_new_consent_version_and_consents_keep_theirs(db: Database, owner: Actor,
                                                                     zofia: clients.ClientView) -> None:
    record_consent(db, owner, zofia.id, "Zófia Łukasiewicz", date(2026, 1, 10), signature_png=PNG)
    v2 = consent_texts.save_consent_text(db, owner, "Consent v2: I agree to microneedling as explained to me today.")
    assert v2.version == 2 and consent_texts.latest_consent_text(db).version == 2
    with pytest.raises(PermissionDenied):
        consent_texts.save_consent_text(db, Actor("p", UserRole.PRACTITIONER), "x" * 50)
    with pytest.raises(InvalidValue, match="unchanged"):
        consent_texts.save_consent_text(db, owner, v2.body)
    record_consent(db, owner, zofia.id, "Zófia Łukasiewicz", date(2026, 2, 1))
    newest, oldest = consents_of(db, zofia.id)
    assert (oldest.text_version, oldest.signature_png) == (1, PNG) and oldest.text_snapshot.startswith("Consent to")
    assert (newest.text_version, newest.text_snapshot, newest.signature_png) == (2, v2.body, None)
    actions = {(e.action, e.entity) for e in list_audit(db, owner, AuditFilter())}
    assert ("created", "consent_text") in actions


def test_validity_period_is_an_owner_setting(db: Database, owner: Actor, zofia: clients.ClientView) -> None:
    record_consent(db, owner, zofia.id, "Zófia Łukasiewicz", date(2026, 1, 10))
    assert consent_texts.set_consent_validity(db, owner, " 6m ") == "6m"
    status = consent_status(db, zofia.id, date(2026, 7, 10))
    assert status.words.startswith("Consent expired on 2026-07-10")
    with pytest.raises(InvalidValue):
        consent_texts.set_consent_validity(db, owner, "half a year")
    with pytest.raises(PermissionDenied):
        consent_texts.set_consent_validity(db, RECEPTION, "12m")


def test_wording_too_short_to_be_a_consent_is_refused_and_no_version_is_added(db: Database, owner: Actor) -> None:
    with pytest.raises(InvalidValue, match=r"^consent text: .*at least 40 characters"):
        consent_texts.save_consent_text(db, owner, "   I agree.   ")
    assert [v.version for v in consent_texts.consent_text_versions(db)] == [1]


def test_every_saved_version_is_kept_in_order_with_who_saved_it(db: Database, owner: Actor) -> None:
    consent_texts.save_consent_text(db, owner, "  Consent v2: I agree to microneedling as explained to me today.  ")
    consent_texts.save_consent_text(db, owner, "Consent v3: I agree to microneedling and RF as explained to me.")
    versions = consent_texts.consent_text_versions(db)
    assert [(v.version, v.created_by) for v in versions] == [(1, "system"), (2, "owner"), (3, "owner")]
    assert versions[1].body == "Consent v2: I agree to microneedling as explained to me today."  # trimmed
    assert versions[2].created_at.tzinfo is not None


def test_a_validity_change_is_audited_with_the_old_and_the_new_period(db: Database, owner: Actor) -> None:
    assert consent_texts.consent_validity(db) == "12m"
    consent_texts.set_consent_validity(db, owner, "26w")
    consent_texts.set_consent_validity(db, owner, "6m")
    with db.reading() as session:
        details = [json.loads(d) for d in session.scalars(
            select(AuditEntry.detail).where(AuditEntry.entity_id == consent_texts.VALIDITY_KEY)
            .order_by(AuditEntry.id))]
    assert details == [{"value": [None, "26w"]}, {"value": ["26w", "6m"]}]
    assert consent_texts.consent_validity(db) == "6m"
