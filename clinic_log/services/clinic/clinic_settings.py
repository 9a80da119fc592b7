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
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.settings import (
    CLINIC_NAME,
    IDLE_LOCK,
    SETTINGS,
    SettingsSnapshot,
    read,
    snapshot,
)

LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class ClinicDetails:
    name: str
    address: str
    phone: str
    logo_source: str | None = None  # an image file chosen by the owner; copied into the data folder


def read_settings(db: Database) -> SettingsSnapshot:
    """Every known setting in one read: `[key]` its stored text or default, `.read(SPEC)` its typed value."""
    with db.reading() as session:
        return snapshot(session)


def read_idle_lock_minutes(db: Database) -> int:
    with db.reading() as session:
        return read(session, IDLE_LOCK)


def read_clinic_name(db: Database) -> str:
    with db.reading() as session:
        return read(session, CLINIC_NAME)


def _validate(key: str, value: str) -> str:
    """The value in its stored form, by the setting's own `clean` (InvalidValue when it may not be stored)."""
    if key not in SETTINGS:
        raise InvalidValue("setting", key, "one of " + ", ".join(SETTINGS))
    return SETTINGS[key].clean(value)


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
        stored = snapshot(session)
        for key, value in clean.items():
            if stored[key] == value:
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
    _validate(CLINIC_NAME.key, details.name)
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
