"""Registering, listing, retiring and returning devices: what the owner and the session form see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, DeviceModel
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import ChangedMeanwhile, InvalidValue, PermissionDenied
from clinic_log.services.devices import devices
from clinic_log.services.devices.devices import NewDeviceModel
from clinic_log.services.sessions.session_form_data import form_choices


def audit_actions(db: Database, entity: str) -> list[str]:
    with db.reading() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == entity)
                                    .order_by(AuditEntry.id)))


def test_a_device_of_a_listed_model_is_offered_by_the_session_form(db: Database, owner: Actor) -> None:
    added = devices.add_device(db, owner, "Dermapen 4", " DP4-77 ")
    assert (added.serial, added.model, added.min_depth_mm, added.max_depth_mm) == ("DP4-77", "Dermapen 4", 0.2, 3.0)
    assert [(d.model, d.serial) for d in form_choices(db).devices] == [("Dermapen 4", "DP4-77")]
    assert audit_actions(db, "device") == ["created"]


def test_a_serial_already_used_is_refused_in_one_line_and_nothing_is_added(db: Database, owner: Actor) -> None:
    devices.add_device(db, owner, "Dermapen 4", "DP4-77")
    with pytest.raises(InvalidValue) as refused:
        devices.add_device(db, owner, "Morpheus8", "DP4-77")
    assert str(refused.value) == "serial: 'DP4-77' is not allowed; a serial number not used by another device"
    assert "\n" not in str(refused.value)
    assert len(devices.list_devices(db)) == 1


@pytest.mark.parametrize("serial", ["", "   ", "=HYPERLINK(1)", "x" * 81])
def test_a_serial_is_required_and_plain_text(db: Database, owner: Actor, serial: str) -> None:
    with pytest.raises(InvalidValue, match=r"^serial: "):
        devices.add_device(db, owner, "Dermapen 4", serial)
    assert devices.list_devices(db) == []


def test_a_model_not_on_the_list_is_refused_naming_the_models(db: Database, owner: Actor) -> None:
    with pytest.raises(InvalidValue, match=r"^device: 'Pen X' is not allowed; one of Dermapen 4, "):
        devices.add_device(db, owner, "Pen X", "PX-1")


def test_a_new_model_with_its_depth_range_joins_the_reference_list(db: Database, owner: Actor) -> None:
    added = devices.add_device(db, owner, "", "NP-1", new_model=NewDeviceModel("NovaPen", "mechanical", "0,25", "2.5"))
    assert (added.model, added.modality, added.min_depth_mm, added.max_depth_mm) == ("NovaPen", "mechanical", 0.25,
                                                                                     2.5)
    assert "NovaPen" in [m.name for m in devices.device_models(db)]
    devices.add_device(db, owner, "NovaPen", "NP-2")  # now chosen from the list
    assert audit_actions(db, "reference") == ["added"]


@pytest.mark.parametrize(("model", "message"), [
    (NewDeviceModel("NovaPen", "laser", "0.25", "2.5"), "modality: 'laser' is not allowed; one of mechanical, rf"),
    (NewDeviceModel("NovaPen", "mechanical", "0", "2.5"),
     "minimum depth: '0' is not allowed; a depth in mm above 0, at most 10"),
    (NewDeviceModel("NovaPen", "mechanical", "0.25", "12"),
     "maximum depth: '12' is not allowed; a depth in mm above 0, at most 10"),
    (NewDeviceModel("NovaPen", "mechanical", "two", "2.5"), "minimum depth: 'two' is not allowed; a depth in mm"),
    (NewDeviceModel("NovaPen", "mechanical", "2.5", "1.0"),
     "maximum depth: '1.0' is not allowed; a depth at or above the minimum 2.5 mm"),
    (NewDeviceModel("", "mechanical", "0.25", "2.5"), "device model: (empty) is not allowed; the model's name"),
    (NewDeviceModel("dermapen 4", "mechanical", "0.25", "2.5"),
     "device model: 'dermapen 4' is not allowed; a name not already on the list of device models"),
])
def test_a_new_model_is_checked_like_reference_data_and_nothing_is_stored_when_refused(
        db: Database, owner: Actor, model: NewDeviceModel, message: str) -> None:
    with db.reading() as session:
        models_before = session.scalar(select(DeviceModel.id).order_by(DeviceModel.id.desc()).limit(1))
    with pytest.raises(InvalidValue) as refused:
        devices.add_device(db, owner, "", "NP-1", new_model=model)
    assert str(refused.value).startswith(message)
    with db.reading() as session:
        assert session.scalar(select(DeviceModel.id).order_by(DeviceModel.id.desc()).limit(1)) == models_before
    assert devices.list_devices(db, in_service_only=False) == []


def test_a_retired_device_is_no_longer_offered_and_can_return_to_service(db: Database, owner: Actor) -> None:
    kept = devices.add_device(db, owner, "Dermapen 4", "DP4-1")
    retired = devices.add_device(db, owner, "Morpheus8", "M8-1")
    devices.set_in_service(db, owner, retired.id, False, seen_version=1)
    assert [d.serial for d in form_choices(db).devices] == [kept.serial]
    records = devices.device_records(db, owner)
    assert [(r.serial, r.in_service, r.version) for r in records] == [("DP4-1", True, 1), ("M8-1", False, 2)]
    devices.set_in_service(db, owner, retired.id, True, seen_version=2)
    assert sorted(d.serial for d in form_choices(db).devices) == ["DP4-1", "M8-1"]
    assert audit_actions(db, "device") == ["created", "created", "retired", "returned to service"]


def test_retiring_a_device_changed_meanwhile_elsewhere_is_refused_not_overwritten(db: Database, owner: Actor) -> None:
    device = devices.add_device(db, owner, "Dermapen 4", "DP4-1")
    devices.set_in_service(db, owner, device.id, False, seen_version=1)  # another workstation retired it
    devices.set_in_service(db, owner, device.id, True, seen_version=2)  # and brought it back
    with pytest.raises(ChangedMeanwhile, match="device DP4-1 was changed on another workstation and is now in "
                                                "service; nothing changed"):
        devices.set_in_service(db, owner, device.id, False, seen_version=1)  # this page still shows version 1
    assert [(r.in_service, r.version) for r in devices.device_records(db, owner)] == [(True, 3)]
    assert audit_actions(db, "device") == ["created", "retired", "returned to service"]


@pytest.mark.parametrize("role", [UserRole.PRACTITIONER, UserRole.RECEPTION])
def test_only_the_owner_manages_devices(db: Database, owner: Actor, role: UserRole) -> None:
    device = devices.add_device(db, owner, "Dermapen 4", "DP4-1")
    someone = Actor("someone", role)
    with pytest.raises(PermissionDenied, match="may not manage devices and cartridge lots"):
        devices.add_device(db, someone, "Dermapen 4", "DP4-2")
    with pytest.raises(PermissionDenied):
        devices.set_in_service(db, someone, device.id, False, seen_version=1)
    with pytest.raises(PermissionDenied):
        devices.device_records(db, someone)
