"""Small builders shared by the service tests: a clinic with people, a device and a client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, UserRole
from clinic_log.domain.values import AreaInput, ComplicationInput, ProductInput, SessionInput
from clinic_log.services.clients import clients
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.devices import devices
from clinic_log.services.people import people

# Dates the app compares with the real today (consent validity, lot expiry on a form opened "now") are relative
# to the day the suite runs, so the suite does not start failing on some future date.
CONSENT_SIGNED_ON = date.today() - timedelta(days=30)
LOT_EXPIRES = date.today() + timedelta(days=365)
LICENCE_EXPIRES = date.today() + timedelta(days=5 * 365)  # both practitioners' licences


@dataclass(frozen=True)
class Clinic:
    derm_id: int
    nurse_id: int
    device_id: int
    client_id: int
    derm: Actor
    nurse: Actor


def clinic_with_photo_consent(db: Database, owner: Actor) -> Clinic:
    """The clinic of make_clinic, its client having signed the consent to clinical-record photos."""
    clinic = make_clinic(db, owner)
    record_consent(db, owner, clinic.client_id, "Zofia Łukasiewicz", CONSENT_SIGNED_ON,
                   purpose=ConsentPurpose.PHOTOS_CLINICAL)
    return clinic


def make_clinic(db: Database, owner: Actor) -> Clinic:
    derm = people.create_practitioner(db, owner, people.PractitionerDetails(
        "mbrandt", "Dr Maria Brandt", "dermatologist", False, 3.0, "GMC-1", LICENCE_EXPIRES))
    nurse = people.create_practitioner(db, owner, people.PractitionerDetails(
        "jdoyle", "Jane Doyle", "nurse", True, 1.5, "NMC-1", LICENCE_EXPIRES))
    device = devices.add_device(db, owner, "SkinPen Precision", "SPP-1")
    client = clients.create_client(db, owner, clients.ClientDetails("P-1", "Zofia", "Łukasiewicz",
                                                                    date(1990, 1, 1), fitzpatrick=2))
    record_consent(db, owner, client.id, "Zofia Łukasiewicz", CONSENT_SIGNED_ON)
    return Clinic(derm.id, nurse.id, device.id, client.id,
                  Actor("mbrandt", UserRole.PRACTITIONER, derm.id), Actor("jdoyle", UserRole.PRACTITIONER, nurse.id))


def session_entry(clinic: Clinic, *areas: AreaInput, **overrides: object) -> SessionInput:
    values: dict[str, object] = {
        "client_id": clinic.client_id, "practitioner_id": clinic.derm_id,
        "started_at": datetime(2026, 7, 1, 9, 30, tzinfo=UTC), "device_id": clinic.device_id,
        "cartridge_lot": "SP14-1", "lot_expires": LOT_EXPIRES,
        "areas": areas or (AreaInput("forehead", 0.5, 2), AreaInput("cheeks", 0.75, 3)),
    }
    values.update(overrides)
    return SessionInput(**values)  # type: ignore[arg-type]


def rich_entry(db: Database, owner: Actor, clinic: Clinic) -> SessionInput:
    """A supervised nurse's session with every kind of child row, a finding and a second device."""
    device = devices.add_device(db, owner, "Dermapen 4", "DP4-1")
    clients.add_finding(db, owner, clinic.client_id, "eczema", date(2026, 5, 1))
    clients.add_finding(db, owner, clinic.client_id, "light_peel", date(2026, 6, 25), ends_on=date(2026, 6, 25))
    return SessionInput(
        client_id=clinic.client_id, practitioner_id=clinic.nurse_id, started_at=datetime(2026, 7, 1, 9, 30, tzinfo=UTC),
        device_id=device.id, cartridge_lot="DP-77", lot_expires=date(2027, 3, 31), supervisor_id=clinic.derm_id,
        supervisor_presence="on_site",
        areas=(AreaInput("cheeks", 1.75, 3, "stamping", "pinpoint bleeding"), AreaInput("forehead", 0.25, 1)),
        products=(ProductInput("Hyaluronic serum", 10, "glide"), ProductInput("Balm")),
        complications=(ComplicationInput("erythema", 1, date(2026, 7, 1), True, "definite", "cool compress"),),
        course_index=2, course_total=4, skin_response="even erythema", notes="tolerated well",
    )
