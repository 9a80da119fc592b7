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


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    description: str


SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("clinic.name", "My Clinic", "clinic name printed on sheets"),
        SettingSpec("clinic.address", "", "clinic address printed on sheets"),
        SettingSpec("clinic.phone", "", "clinic phone printed on sheets"),
        SettingSpec("clinic.paper", "A4", "paper size for printed sheets: A4 or Letter"),
        SettingSpec("clinic.logo_path", "", "logo image for printed sheets"),
        SettingSpec("consent.validity", "12m", "how long a signed consent stays valid (e.g. 12m)"),
        SettingSpec("security.idle_lock_minutes", "10",
                    "minutes without keyboard or mouse use before the app locks and asks for a password again"),
        SettingSpec(FHIR_IDENTIFIER_SYSTEM, "",
                    "URI the clinic owns under which FHIR exports name its identifiers "
                    "(e.g. https://myclinic.example/fhir, or urn:oid:…); needed before a FHIR export"),
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
