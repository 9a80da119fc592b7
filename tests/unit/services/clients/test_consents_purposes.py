"""Consents of three purposes (treatment, clinical-record photos, photos for other uses): each with its own wording
and versions, each valid on its own; a photo consent never stands in for the treatment consent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, UserRole
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.signing import WarningsNeedReason
from clinic_log.services.clients import clients
from clinic_log.services.clients.consents import NONE, OUTDATED, VALID, consent_status, consents_of, record_consent
from clinic_log.services.clinic import consent_texts
from clinic_log.services.devices import devices
from clinic_log.services.people import people
from clinic_log.services.sessions import sessions
from tests.unit.services.helpers import LICENCE_EXPIRES, LOT_EXPIRES, Clinic, session_entry

PHOTOS, OTHER = ConsentPurpose.PHOTOS_CLINICAL, ConsentPurpose.PHOTOS_OTHER
SIGNED = date.today() - timedelta(days=10)


@pytest.fixture
def photo_only(db: Database, owner: Actor) -> Clinic:
    """A clinic whose one client signed the consent to clinical photos and no treatment consent."""
    derm = people.create_practitioner(db, owner, people.PractitionerDetails(
        "mbrandt", "Dr Maria Brandt", "dermatologist", False, 3.0, "GMC-1", LICENCE_EXPIRES))
    device = devices.add_device(db, owner, "SkinPen Precision", "SPP-1")
    client = clients.create_client(db, owner, clients.ClientDetails("P-1", "Zofia", "Nowak", date(1990, 1, 1)))
    record_consent(db, owner, client.id, "Zofia Nowak", SIGNED, purpose=PHOTOS)
    derm_actor = Actor("mbrandt", UserRole.PRACTITIONER, derm.id)
    return Clinic(derm.id, derm.id, device.id, client.id, derm_actor, derm_actor)  # no nurse needed


def test_each_purpose_ships_its_own_wording_as_version_one(db: Database) -> None:
    treatment, clinical, other = (consent_texts.latest_consent_text(db, p) for p in ConsentPurpose)
    assert (treatment.version, clinical.version, other.version) == (1, 1, 1)
    assert treatment.body.startswith("Consent to microneedling")
    assert clinical.body.startswith("Consent to photographs for my clinical record")
    assert other.body.startswith("Consent to my photographs being used for other purposes")


def test_a_new_photo_wording_is_versioned_apart_from_the_treatment_wording(db: Database, owner: Actor) -> None:
    saved = consent_texts.save_consent_text(db, owner, "Photos v2: I agree to photos for my clinical record.",
                                            purpose=PHOTOS)
    assert saved.version == 2
    assert consent_texts.latest_consent_text(db).version == 1
    assert [v.version for v in consent_texts.consent_text_versions(db, PHOTOS)] == [1, 2]


def test_a_consent_records_the_wording_of_its_own_purpose(db: Database, owner: Actor, photo_only: Clinic) -> None:
    [signed] = consents_of(db, photo_only.client_id)
    assert signed.purpose is PHOTOS and signed.text_snapshot.startswith("Consent to photographs")
    with pytest.raises(InvalidValue, match="a version of the consent to photos for other uses"):
        record_consent(db, owner, photo_only.client_id, "Zofia", SIGNED, text_version=2, purpose=OTHER)


def test_a_photo_consent_is_not_a_treatment_consent(db: Database, photo_only: Clinic) -> None:
    assert consent_status(db, photo_only.client_id, date.today()).state == NONE
    assert consent_status(db, photo_only.client_id, date.today(), PHOTOS).state == VALID
    assert consent_status(db, photo_only.client_id, date.today(), OTHER).state == NONE


def test_the_session_checks_still_miss_the_treatment_consent_on_the_form_and_at_signing(
        db: Database, photo_only: Clinic) -> None:
    entry = session_entry(photo_only, lot_expires=LOT_EXPIRES)
    assert any("no signed consent" in p.message for p in sessions.assess(db, entry).warnings)
    draft = sessions.save_draft(db, photo_only.derm, entry)
    with pytest.raises(WarningsNeedReason, match="no signed consent"):
        sessions.sign_session(db, photo_only.derm, draft.id)


def test_only_a_consent_to_other_uses_on_the_current_wording_counts(db: Database, owner: Actor,
                                                                     photo_only: Clinic) -> None:
    """Photos for marketing or teaching are covered only for the uses the client read: new wording needs a new
    signature. The clinical-photo consent stays valid through a new wording until it expires."""
    record_consent(db, owner, photo_only.client_id, "Zofia", SIGNED, purpose=OTHER)
    assert consent_status(db, photo_only.client_id, date.today(), OTHER).state == VALID
    for purpose in (OTHER, PHOTOS):
        consent_texts.save_consent_text(db, owner, f"Version 2 of the {purpose.label}: new uses listed here.",
                                        purpose=purpose)
    other = consent_status(db, photo_only.client_id, date.today(), OTHER)
    assert (other.state, other.text_version, other.current_version) == (OUTDATED, 1, 2)
    assert other.words.startswith("Consent signed on an earlier wording (version 1, signed by typed name ")
    assert other.words.endswith("the clinic's wording is now version 2")
    assert consent_status(db, photo_only.client_id, date.today(), PHOTOS).state == VALID
    record_consent(db, owner, photo_only.client_id, "Zofia", date.today(), purpose=OTHER)
    assert consent_status(db, photo_only.client_id, date.today(), OTHER).state == VALID
