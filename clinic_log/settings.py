"""One typed registry of the clinic's settings, stored in the `settings` table with defaults here."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # SQLAlchemy loads only where a setting is read through it (start-up reads them plainly)
    from sqlalchemy.orm import Session


FHIR_IDENTIFIER_SYSTEM = "fhir.identifier_system"
OUT_OF_HOURS_PHONE = "clinic.out_of_hours_phone"
POST_CARE_PRODUCT = "clinic.post_care_product"
POST_CARE_PRODUCT_MAX_CHARS = 120
PHONE_MAX_CHARS = 40


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    description: str


# GDPR Art. 15(1)(a-h): what a subject-access copy tells the client besides their data. key -> (heading printed
# on the copy, what the setting is, default written for a small aesthetic clinic in the EU; the owner edits them
# once in Settings -> Clinic settings).
ART15: dict[str, tuple[str, str, str]] = {
    "purposes": (
        "Purposes of processing", "Art. 15(1)(a): why the clinic processes the client's data, and on what basis",
        "To assess whether a treatment is suitable for you, to carry out and record your treatments safely, to give "
        "you aftercare and follow up any complication, to keep the clinical record that professional rules and the "
        "law require, and to arrange appointments with you. Legal bases: the provision of health care and our legal "
        "duty to keep records (GDPR Art. 6(1)(b) and (c), Art. 9(2)(h)), and your consent where we ask for it."),
    "categories": (
        "Categories of data", "Art. 15(1)(b): the kinds of personal data held",
        "Identity and contact details (name, date of birth, phone, e-mail); health data (medical history, "
        "medications, allergies, skin type, contraindications, signed consents and signatures); treatment records "
        "(dates, practitioner, device, cartridge lot, areas and needle depths, products, complications, notes, "
        "amendments, aftercare given); forms a practitioner started but has not saved yet; and a log of who opened, "
        "changed, printed or exported your record."),
    "recipients": (
        "Recipients", "Art. 15(1)(c): who receives the data (in particular outside the EU/EEA)",
        "The clinic's practitioners and reception staff, each only as their role needs. Outside the clinic only "
        "when your care or the law requires it: your doctor or a hospital (with your agreement, or in an "
        "emergency), the medicines and devices authority or the device maker when a complication must be reported "
        "(without your name where possible), our IT and backup provider under a data processing agreement, and "
        "public authorities where the law obliges us. Your data is not transferred outside the EU/EEA."),
    "retention": (
        "How long the data is kept", "Art. 15(1)(d): the retention period, or how it is decided",
        "Clinical records are kept for 10 years after your last treatment (for clients treated before the age of "
        "18: until they turn 25, if that is later), as professional rules require, and then deleted. Contact "
        "details and the log of access to your record are kept as long as the record they belong to. Unsaved "
        "form drafts are deleted once the form is saved or abandoned."),
    "rights": (
        "Your rights", "Art. 15(1)(e): rectification, erasure, restriction, objection",
        "You may ask for a copy of your data (this document), for wrong or incomplete data to be corrected "
        "(rectification), for your data to be erased where we are not obliged to keep it, for its processing to be "
        "restricted, and you may object to processing based on our legitimate interests. Where we rely on your "
        "consent you may withdraw it at any time; this does not affect processing before. Clinical records still "
        "under their retention period are corrected by amendments (the original stays readable) and, when erasure "
        "is asked, restricted and marked rather than deleted. Ask at reception or write to the clinic; we answer "
        "within one month."),
    "complaint": (
        "Right to lodge a complaint", "Art. 15(1)(f): the supervisory authority a client may complain to",
        "You have the right to lodge a complaint with a data protection supervisory authority, in particular in "
        "the EU/EEA country where you live or work or where you think your data was misused. The clinic's "
        "authority is the national data protection authority of the country the clinic is in; the list of all "
        "EU/EEA authorities is at https://edpb.europa.eu/about-edpb/about-edpb/members_en."),
    "source": (
        "Where the data came from", "Art. 15(1)(g): the source of data not collected from the client",
        "From you, on the consultation and consent forms and during your visits, and from the clinic's "
        "practitioners, who record what they observe and do at each treatment. Anything received from someone "
        "else (for example your doctor) is recorded in your medical history with its date."),
    "automated_decisions": (
        "Automated decisions", "Art. 15(1)(h): automated decision-making, including profiling",
        "None. The software checks entries against the clinic's safety rules (for example contraindications and "
        "needle depths) and warns the practitioner, but every decision about you and your treatment is taken by a "
        "person. No profiling takes place."),
}

SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("clinic.name", "My Clinic", "clinic name printed on sheets"),
        SettingSpec("clinic.address", "", "clinic address printed on sheets"),
        SettingSpec("clinic.phone", "", "clinic phone printed on sheets"),
        SettingSpec("clinic.paper", "A4", "paper size for printed sheets: A4 or Letter"),
        SettingSpec("clinic.logo_path", "", "logo image for printed sheets"),
        SettingSpec(OUT_OF_HOURS_PHONE, "",
                    "out-of-hours phone number printed in the aftercare sheet's 'Call us' box (blank: none)"),
        SettingSpec(POST_CARE_PRODUCT, "the hyaluronic-acid serum the clinic gave you",
                    "what clients put on at home after treatment, as the aftercare sheet says it "
                    "('Apply only …'); printed when no product was recorded for the session"),
        SettingSpec("consent.validity", "12m", "how long a signed consent stays valid (e.g. 12m)"),
        SettingSpec("security.idle_lock_minutes", "10",
                    "minutes without keyboard or mouse use before the app locks and asks for a password again"),
        SettingSpec(FHIR_IDENTIFIER_SYSTEM, "",
                    "URI the clinic owns under which FHIR exports name its identifiers "
                    "(e.g. https://myclinic.example/fhir, or urn:oid:…); needed before a FHIR export"),
        *(SettingSpec(f"privacy.{key}", default, description) for key, (_, description, default) in ART15.items()),
    )
}


def get_setting(session: Session, key: str) -> str:
    from sqlalchemy import select

    from clinic_log.db.models import Setting

    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return value if value is not None else SETTINGS[key].default

IDLE_LOCK_MINUTES = (1, 240)  # allowed range of security.idle_lock_minutes


def idle_lock_minutes(value: str) -> int:
    """The stored idle-lock setting as minutes, the default when the stored text is unusable."""
    try:
        minutes = int(value)
    except ValueError:
        return int(SETTINGS["security.idle_lock_minutes"].default)
    low, high = IDLE_LOCK_MINUTES
    return min(max(minutes, low), high)


IDENTIFIER_SYSTEM_ALLOWED = ("a web address the clinic owns, like https://myclinic.example/fhir (no spaces, ? or #), "
                             "or urn:oid:… or urn:uuid:…")
IDENTIFIER_SYSTEM_MAX = 150
_OID = re.compile(r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+")
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/%!'()*+;=@]+")  # RFC 3986 less ?#[]&$, (queries, FHIR search)


def normalise_identifier_system(value: str) -> str | None:
    """The identifier-system URI in its stored form (no trailing slash, lower-case urn:uuid), or None when it is not
    an absolute http(s) URI with a host, a urn:oid or a urn:uuid."""
    text = value.strip()
    if not text or len(text) > IDENTIFIER_SYSTEM_MAX:
        return None
    lowered = text.lower()
    if lowered.startswith("urn:oid:"):
        return text if _OID.fullmatch(text) else None
    if lowered.startswith("urn:uuid:"):
        try:
            return f"urn:uuid:{uuid.UUID(text[len('urn:uuid:'):])}" if len(text) == 45 else None
        except ValueError:
            return None
    if not _URI_CHARS.fullmatch(text):
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return text.rstrip("/")
