"""One typed registry of the clinic's settings, stored as text in the `settings` table with defaults here.

Each `SettingSpec` owns its default, how stored text becomes the value the code uses (`parse`) and how what the owner
typed becomes stored text or is refused (`clean`); call sites read typed values with `read(session, SPEC)`, or take
one `snapshot(session)` when they need several, and never parse a setting's text themselves.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlsplit

from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.windows import parse_window

if TYPE_CHECKING:  # SQLAlchemy loads only where a setting is read through it (start-up reads them plainly)
    from sqlalchemy.orm import Session

T = TypeVar("T")


FHIR_IDENTIFIER_SYSTEM = "fhir.identifier_system"
OUT_OF_HOURS_PHONE = "clinic.out_of_hours_phone"
POST_CARE_PRODUCT = "clinic.post_care_product"
POST_CARE_PRODUCT_MAX_CHARS = 120
PHONE_MAX_CHARS = 40


def _stripped(value: str) -> str:
    return value.strip()


def _text(value: str) -> str:
    return value


def _or_none(value: str) -> str | None:
    return value or None


@dataclass(frozen=True)
class SettingSpec(Generic[T]):
    """One setting: its key, its default (as stored text), what it is, how its stored text is read (`parse`, lenient:
    text stored by hand or an older version still gives a usable value) and how a new value is checked and put into
    its stored form (`clean`, strict: InvalidValue naming the field and what is allowed)."""

    key: str
    default: str
    description: str
    parse: Callable[[str], T]
    clean: Callable[[str], str] = field(default=_stripped)

    def value(self, stored: str | None) -> T:
        """The typed value of the stored text (None: not stored, the default)."""
        return self.parse(self.default if stored is None else stored)


def _text_setting(key: str, default: str, description: str,
                  clean: Callable[[str], str] = _stripped) -> SettingSpec[str]:
    return SettingSpec(key, default, description, _text, clean)


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

IDLE_LOCK_MINUTES = (1, 240)  # allowed range of security.idle_lock_minutes


IDLE_LOCK_DEFAULT = "10"


def idle_lock_minutes(value: str) -> int:
    """The stored idle-lock setting as minutes, the default when the stored text is unusable."""
    try:
        minutes = int(value)
    except ValueError:
        return int(IDLE_LOCK_DEFAULT)
    low, high = IDLE_LOCK_MINUTES
    return min(max(minutes, low), high)


def _clean_idle_lock(value: str) -> str:
    low, high = IDLE_LOCK_MINUTES
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise InvalidValue("idle lock minutes", value, f"a whole number of minutes from {low} to {high}")
    return str(int(value))


def _whole_number(key: str, description: str, field_name: str, default: str, low: int, high: int,
                  unit: str) -> SettingSpec[int]:
    """A whole-number setting from `low` to `high`: stored text out of range or unreadable reads as the default."""

    def parse(value: str) -> int:
        number = int(value) if value.strip().isdigit() else int(default)
        return number if low <= number <= high else int(default)

    def clean(value: str) -> str:
        if not value.strip().isdigit() or not low <= int(value) <= high:
            raise InvalidValue(field_name, value, f"a whole number of {unit} from {low} to {high}")
        return str(int(value))

    return SettingSpec(key, default, description, parse, clean)


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


def _clean_identifier_system(value: str) -> str:
    if not value.strip():  # blank: not set, and FHIR export says how to set it
        return ""
    stored = normalise_identifier_system(value)
    if stored is None:
        raise InvalidValue("FHIR identifier system", value, IDENTIFIER_SYSTEM_ALLOWED)
    return stored


def _clean_out_of_hours_phone(value: str) -> str:
    if not value.strip():  # blank: the sheet prints no out-of-hours line
        return value.strip()
    clean = " ".join(value.split())
    if not any(ch.isdigit() for ch in clean) or len(clean) > PHONE_MAX_CHARS or not clean.isprintable():
        raise InvalidValue("out-of-hours phone", value,
                           f"a phone number (with digits, up to {PHONE_MAX_CHARS} characters), or blank for none")
    return clean


POST_CARE_PRODUCT_DEFAULT = "the hyaluronic-acid serum the clinic gave you"


def _parse_post_care_product(value: str) -> str:
    return value.strip() or POST_CARE_PRODUCT_DEFAULT


def _clean_post_care_product(value: str) -> str:
    clean = " ".join(value.split())
    if not clean or len(clean) > POST_CARE_PRODUCT_MAX_CHARS:
        raise InvalidValue("post-care product", value,
                           f"1 to {POST_CARE_PRODUCT_MAX_CHARS} characters, as the sheet says it after "
                           "'Apply only' (e.g. the hyaluronic-acid serum the clinic gave you)")
    return clean


def _clean_clinic_name(value: str) -> str:
    if not value.strip():
        raise InvalidValue("clinic name", value, "the clinic's name, as printed on aftercare sheets")
    return value.strip()


def clean_consent_validity(value: str) -> str:
    """A consent validity window in its stored form ("12m"); InvalidValue unless a number and d, w or m, at least 1."""
    try:
        count, unit = parse_window(value)
    except InvalidValue:
        raise InvalidValue("consent validity", value, "a number followed by d, w or m, e.g. 12m") from None
    if count < 1:
        raise InvalidValue("consent validity", value, "a period of at least 1 day, e.g. 12m")
    return f"{count}{unit}"


def _art15_cleaner(heading: str) -> Callable[[str], str]:
    def clean(value: str) -> str:
        if not value.strip() or len(value.strip()) > ART15_MAX_CHARS:
            raise InvalidValue(heading.lower(), value[:40],
                               f"1 to {ART15_MAX_CHARS} characters: every subject-access copy prints it")
        return value.strip()

    return clean


ART15_MAX_CHARS = 4000

CLINIC_NAME = SettingSpec("clinic.name", "My Clinic", "clinic name printed on sheets", _text, _clean_clinic_name)
CLINIC_ADDRESS = _text_setting("clinic.address", "", "clinic address printed on sheets")
CLINIC_PHONE = _text_setting("clinic.phone", "", "clinic phone printed on sheets")
PAPER_SIZES = ("A4", "Letter")


def _parse_paper(value: str) -> str:
    """Stored text as a paper size; anything else reads as A4 (a hand-edited row never stops printing)."""
    found = next((size for size in PAPER_SIZES if size.lower() == value.strip().lower()), None)
    return found or PAPER_SIZES[0]


def _clean_paper(value: str) -> str:
    found = next((size for size in PAPER_SIZES if size.lower() == value.strip().lower()), None)
    if found is None:  # B5 was stored, and every sheet then failed to print
        raise InvalidValue("paper size", value, "A4 or Letter")
    return found


PAPER = SettingSpec("clinic.paper", "A4", "paper size for printed sheets: A4 or Letter", _parse_paper, _clean_paper)
LOGO_PATH = SettingSpec("clinic.logo_path", "", "logo image for printed sheets", _or_none)
OUT_OF_HOURS = SettingSpec(OUT_OF_HOURS_PHONE, "",
                           "out-of-hours phone number printed in the aftercare sheet's 'Call us' box (blank: none)",
                           _stripped, _clean_out_of_hours_phone)
POST_CARE = SettingSpec(POST_CARE_PRODUCT, POST_CARE_PRODUCT_DEFAULT,
                        "what clients put on at home after treatment, as the aftercare sheet says it "
                        "('Apply only …'); printed when no product was recorded for the session",
                        _parse_post_care_product, _clean_post_care_product)
CONSENT_VALIDITY = SettingSpec("consent.validity", "12m", "how long a signed consent stays valid (e.g. 12m)", _text,
                               clean_consent_validity)
IDLE_LOCK = SettingSpec("security.idle_lock_minutes", IDLE_LOCK_DEFAULT,
                        "minutes without keyboard or mouse use before the app locks and asks for a password again",
                        idle_lock_minutes, _clean_idle_lock)
IDENTIFIER_SYSTEM = SettingSpec(FHIR_IDENTIFIER_SYSTEM, "",
                                "URI the clinic owns under which FHIR exports name its identifiers "
                                "(e.g. https://myclinic.example/fhir, or urn:oid:…); needed before a FHIR export",
                                normalise_identifier_system, _clean_identifier_system)
LOW_STOCK = _whole_number("stock.low_cartridges", "a cartridge lot with this many or fewer cartridges left is shown "
                          "as low on stock on the dashboard", "low stock", "10", 0, 100000, "cartridges")
EXPIRING_SOON = _whole_number("stock.expiring_soon_days", "a cartridge lot expiring within this many days is shown "
                              "as expiring soon on the dashboard", "expiring soon", "30", 1, 365, "days")
PRIVACY: dict[str, SettingSpec[str]] = {  # ART15 key (without the "privacy." prefix) -> its setting
    key: _text_setting(f"privacy.{key}", default, description, _art15_cleaner(heading))
    for key, (heading, description, default) in ART15.items()
}

_ALL: tuple[SettingSpec[Any], ...] = (CLINIC_NAME, CLINIC_ADDRESS, CLINIC_PHONE, PAPER, LOGO_PATH, OUT_OF_HOURS,
                                      POST_CARE, CONSENT_VALIDITY, IDLE_LOCK, IDENTIFIER_SYSTEM, LOW_STOCK,
                                      EXPIRING_SOON, *PRIVACY.values())
SETTINGS: dict[str, SettingSpec[Any]] = {spec.key: spec for spec in _ALL}  # in the order `settings` lists them


class SettingsSnapshot(Mapping[str, str]):
    """Every setting as read in one query: `snapshot[key]` is the stored text (or the default), `snapshot.read(SPEC)`
    the typed value."""

    def __init__(self, stored: Mapping[str, str]) -> None:
        self._stored = dict(stored)

    def __getitem__(self, key: str) -> str:
        return self._stored.get(key, SETTINGS[key].default)

    def __iter__(self) -> Iterator[str]:
        return iter(SETTINGS)

    def __len__(self) -> int:
        return len(SETTINGS)

    def read(self, spec: SettingSpec[T]) -> T:
        return spec.value(self._stored.get(spec.key))


def read(session: Session, spec: SettingSpec[T]) -> T:
    """One setting's typed value (its default when not stored)."""
    from sqlalchemy import select

    from clinic_log.db.models import Setting

    return spec.value(session.scalar(select(Setting.value).where(Setting.key == spec.key)))


def snapshot(session: Session) -> SettingsSnapshot:
    """Every setting in one query."""
    from sqlalchemy import select

    from clinic_log.db.models import Setting

    return SettingsSnapshot({key: value for key, value in session.execute(select(Setting.key, Setting.value))})
