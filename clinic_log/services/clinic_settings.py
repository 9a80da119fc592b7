"""Read and change the clinic's settings (name, address, phone, logo, idle lock, FHIR identifier system, the GDPR
Art. 15 texts), audited, owner only."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Setting
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.permissions import Permission
from clinic_log.paths import data_dir
from clinic_log.services import audit
from clinic_log.services.audit import AuditEvent
from clinic_log.services.authority import authorize
from clinic_log.settings import (
    ART15,
    FHIR_IDENTIFIER_SYSTEM,
    IDENTIFIER_SYSTEM_ALLOWED,
    IDLE_LOCK_MINUTES,
    OUT_OF_HOURS_PHONE,
    PHONE_MAX_CHARS,
    POST_CARE_PRODUCT,
    POST_CARE_PRODUCT_MAX_CHARS,
    SETTINGS,
    get_setting,
    idle_lock_minutes,
    normalise_identifier_system,
)

LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
ART15_MAX_CHARS = 4000


@dataclass(frozen=True)
class ClinicDetails:
    name: str
    address: str
    phone: str
    logo_source: str | None = None  # an image file chosen by the owner; copied into the data folder


def read_settings(db: Database) -> dict[str, str]:
    """Every known setting, stored value or default."""
    with db.reading() as session:
        return {key: get_setting(session, key) for key in SETTINGS}


def read_idle_lock_minutes(db: Database) -> int:
    with db.reading() as session:
        return idle_lock_minutes(get_setting(session, "security.idle_lock_minutes"))


def read_clinic_name(db: Database) -> str:
    with db.reading() as session:
        return get_setting(session, "clinic.name")


def _validate(key: str, value: str) -> str:
    if key not in SETTINGS:
        raise InvalidValue("setting", key, "one of " + ", ".join(SETTINGS))
    if key == "security.idle_lock_minutes":
        low, high = IDLE_LOCK_MINUTES
        if not value.strip().isdigit() or not low <= int(value) <= high:
            raise InvalidValue("idle lock minutes", value, f"a whole number of minutes from {low} to {high}")
        return str(int(value))
    if key.startswith("privacy."):
        heading = ART15[key.removeprefix("privacy.")][0]
        if not value.strip() or len(value.strip()) > ART15_MAX_CHARS:
            raise InvalidValue(heading.lower(), value[:40],
                               f"1 to {ART15_MAX_CHARS} characters: every subject-access copy prints it")
        return value.strip()
    if key == FHIR_IDENTIFIER_SYSTEM and value.strip():  # blank: not set, and FHIR export says how to set it
        stored = normalise_identifier_system(value)
        if stored is None:
            raise InvalidValue("FHIR identifier system", value, IDENTIFIER_SYSTEM_ALLOWED)
        return stored
    if key == OUT_OF_HOURS_PHONE and value.strip():  # blank: the sheet prints no out-of-hours line
        clean = " ".join(value.split())
        if not any(ch.isdigit() for ch in clean) or len(clean) > PHONE_MAX_CHARS or not clean.isprintable():
            raise InvalidValue("out-of-hours phone", value,
                               f"a phone number (with digits, up to {PHONE_MAX_CHARS} characters), or blank for none")
        return clean
    if key == POST_CARE_PRODUCT:
        clean = " ".join(value.split())
        if not clean or len(clean) > POST_CARE_PRODUCT_MAX_CHARS:
            raise InvalidValue("post-care product", value,
                               f"1 to {POST_CARE_PRODUCT_MAX_CHARS} characters, as the sheet says it after "
                               "'Apply only' (e.g. the hyaluronic-acid serum the clinic gave you)")
        return clean
    if key == "clinic.name" and not value.strip():
        raise InvalidValue("clinic name", value, "the clinic's name, as printed on aftercare sheets")
    return value.strip()


def validate_settings(values: dict[str, str]) -> None:
    """Raise InvalidValue for the first value `save_settings` would refuse (nothing is written)."""
    for key, value in values.items():
        _validate(key, value)


def validate_setting(key: str, value: str) -> str:
    """The value as it would be stored; InvalidValue (naming the field and what is allowed) when it may not be."""
    return _validate(key, value)


def save_settings(db: Database, actor: Actor, values: dict[str, str]) -> dict[str, str]:
    """Store the given settings in one transaction; returns what changed (key → new value)."""
    authorize(db, actor, Permission.EDIT_SETTINGS)
    clean = {key: _validate(key, value) for key, value in values.items()}

    def work(session: Session) -> dict[str, str]:
        changed: dict[str, str] = {}
        for key, value in clean.items():
            old = get_setting(session, key)
            if old == value:
                continue
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value
            changed[key] = value
        if changed:
            audit.record(db, session, actor, AuditEvent("changed", "settings", None, dict(changed)))
        return changed

    return db.write(work)


def validate_clinic(details: ClinicDetails) -> None:
    _validate("clinic.name", details.name)
    if details.logo_source:
        source = Path(details.logo_source)
        if source.suffix.lower() not in LOGO_SUFFIXES or not source.is_file():
            raise InvalidValue("logo", details.logo_source, "an existing PNG or JPEG image file")


def save_clinic(db: Database, actor: Actor, details: ClinicDetails) -> dict[str, str]:
    """Name, address and phone into the settings the aftercare sheet prints; the logo copied into the data
    folder (so moving the original does not lose it) and its path stored."""
    authorize(db, actor, Permission.EDIT_SETTINGS)
    validate_clinic(details)
    values = {"clinic.name": details.name, "clinic.address": details.address, "clinic.phone": details.phone}
    if details.logo_source:
        source = Path(details.logo_source)
        target = data_dir() / f"clinic_logo{source.suffix.lower()}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        values["clinic.logo_path"] = str(target)
    return save_settings(db, actor, values)
