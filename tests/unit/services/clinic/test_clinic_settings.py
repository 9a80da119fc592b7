"""The clinic's settings as the owner changes them: only what changed is stored and audited, an unknown setting or
a bad logo is refused with nothing written, and the clinic's details go where the aftercare sheet reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.services.clinic import clinic_settings
from clinic_log.services.clinic.clinic_settings import ClinicDetails, read_settings, save_clinic, save_settings


def _settings_audit(db: Database) -> list[dict[str, str]]:
    with db.reading() as session:
        return [json.loads(d) for d in session.scalars(
            select(AuditEntry.detail).where(AuditEntry.entity == "settings").order_by(AuditEntry.id))]


def test_clinic_details_and_logo_go_where_the_aftercare_sheet_reads_them(db: Database, owner: Actor,
                                                                         tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    changed = clinic_settings.save_clinic(db, owner, clinic_settings.ClinicDetails(
        "Skin Studio Łódź", "ul. Piotrkowska 1", "+48 42 000 00 00", str(logo)))
    assert changed["clinic.name"] == "Skin Studio Łódź"
    from clinic_log.services.clients.aftercare import clinic_info  # what the sheet prints

    with db.reading() as session:
        info = clinic_info(session)
    assert (info.name, info.address, info.phone) == ("Skin Studio Łódź", "ul. Piotrkowska 1", "+48 42 000 00 00")
    assert info.logo_path is not None and Path(info.logo_path).read_bytes() == logo.read_bytes()
    assert Path(info.logo_path).parent != tmp_path  # a copy in the data folder survives moving the original
    with pytest.raises(InvalidValue, match="idle lock minutes"):
        clinic_settings.save_settings(db, owner, {"security.idle_lock_minutes": "0"})
    clinic_settings.save_settings(db, owner, {"security.idle_lock_minutes": "3"})
    assert clinic_settings.read_idle_lock_minutes(db) == 3


def test_only_what_changed_is_stored_and_audited_once(db: Database, owner: Actor) -> None:
    assert save_settings(db, owner, {"clinic.name": "Skin Studio", "security.idle_lock_minutes": "10"}) == {
        "clinic.name": "Skin Studio"}  # 10 minutes is already the default
    assert save_settings(db, owner, {"clinic.name": "  Skin Studio  "}) == {}  # the same once trimmed
    assert _settings_audit(db) == [{"clinic.name": "Skin Studio"}]
    assert clinic_settings.read_clinic_name(db) == "Skin Studio"


def test_an_unknown_setting_is_refused_naming_the_known_ones_and_nothing_is_stored(db: Database,
                                                                                   owner: Actor) -> None:
    before = dict(read_settings(db))
    with pytest.raises(InvalidValue, match=r"^setting: 'clinic.colour' is not allowed; one of clinic\.name"):
        save_settings(db, owner, {"clinic.name": "Skin Studio", "clinic.colour": "pink"})
    with pytest.raises(InvalidValue, match="setting"):
        clinic_settings.validate_settings({"clinic.colour": "pink"})
    assert dict(read_settings(db)) == before and _settings_audit(db) == []
    assert clinic_settings.validate_setting("security.idle_lock_minutes", " 25 ") == "25"


@pytest.mark.parametrize("name", ["logo.gif", "missing.png"])
def test_a_logo_that_is_not_an_existing_png_or_jpeg_is_refused_and_nothing_is_stored(
        db: Database, owner: Actor, tmp_path: Path, name: str) -> None:
    if name != "missing.png":
        (tmp_path / name).write_bytes(b"GIF89a")
    with pytest.raises(InvalidValue, match=r"^logo: .*an existing PNG or JPEG image file"):
        save_clinic(db, owner, ClinicDetails("Skin Studio", "1 High St", "0123", str(tmp_path / name)))
    assert read_settings(db)["clinic.name"] != "Skin Studio" and _settings_audit(db) == []


def test_only_the_owner_changes_settings(db: Database) -> None:
    for role in (UserRole.PRACTITIONER, UserRole.RECEPTION):
        with pytest.raises(PermissionDenied):
            save_settings(db, Actor("someone", role), {"clinic.name": "Mine now"})
        with pytest.raises(PermissionDenied):
            save_clinic(db, Actor("someone", role), ClinicDetails("Mine now", "", ""))
    assert _settings_audit(db) == []
