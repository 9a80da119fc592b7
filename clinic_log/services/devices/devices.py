"""The clinic's devices: register one (a model from the reference list or a new model), list them, retire one or
return it to service.

Retiring is a guarded update: it names the version the owner saw, and zero rows changed means another workstation
changed the device first — said so, never overwritten. A retired device is no longer offered by the session form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Device, DeviceModel
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import Modality, allowed
from clinic_log.domain.errors import ChangedMeanwhile, InvalidValue, NotFound
from clinic_log.domain.numbers import parse_decimal
from clinic_log.domain.permissions import Permission
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize

NAME_MAX = 80
SERIAL_MAX = 80
DEPTH_LIMIT_MM = 10.0  # as the reference files allow (services/clinic/reference_files.py)
_FORMULA_STARTS = ("=", "+", "-", "@", "'")  # a name exported to CSV must not read as a formula


@dataclass(frozen=True)
class DeviceView:
    id: int
    serial: str
    model: str
    modality: str
    min_depth_mm: float
    max_depth_mm: float
    in_service: bool


@dataclass(frozen=True)
class DeviceRecord:
    """A device as the devices page lists it."""

    id: int
    serial: str
    model: str
    modality: str
    min_depth_mm: float
    max_depth_mm: float
    in_service_on: date | None
    in_service: bool
    version: int


@dataclass(frozen=True)
class NewDeviceModel:
    """A model not in the reference list, as typed: its depth range is text the service reads and checks."""

    name: str
    modality: str
    min_depth_mm: str
    max_depth_mm: str


@dataclass(frozen=True)
class DeviceModelChoice:
    name: str
    modality: str
    min_depth_mm: float
    max_depth_mm: float


def _name(field: str, text: str, limit: int, what: str) -> str:
    value = text.strip()
    if not value or len(value) > limit:
        raise InvalidValue(field, text, f"{what}, 1 to {limit} characters")
    if value.startswith(_FORMULA_STARTS):
        raise InvalidValue(field, text, f"{what} that does not start with = + - @ or '")
    return value


def _depth(field: str, text: str) -> float:
    what = f"a depth in mm above 0, at most {DEPTH_LIMIT_MM:g}"
    value = parse_decimal(text, field, what)
    if not 0 < value <= DEPTH_LIMIT_MM:
        raise InvalidValue(field, text, what)
    return value


def _checked_model(new: NewDeviceModel) -> DeviceModel:
    name = _name("device model", new.name, NAME_MAX, "the model's name")
    if new.modality not in set(Modality):
        raise InvalidValue("modality", new.modality, allowed(Modality))
    low, high = _depth("minimum depth", new.min_depth_mm), _depth("maximum depth", new.max_depth_mm)
    if high < low:
        raise InvalidValue("maximum depth", new.max_depth_mm, f"a depth at or above the minimum {low:g} mm")
    return DeviceModel(name=name, modality=new.modality, min_depth_mm=low, max_depth_mm=high)


def device_models(db: Database) -> list[DeviceModelChoice]:
    """The reference list of device models, by name."""
    with db.reading() as session:
        return [DeviceModelChoice(m.name, m.modality, m.min_depth_mm, m.max_depth_mm)
                for m in session.scalars(select(DeviceModel).order_by(DeviceModel.name))]


def add_device(db: Database, actor: Actor, model_name: str, serial: str, in_service_on: date | None = None,
               new_model: NewDeviceModel | None = None) -> DeviceView:
    """Register a device of a model on the reference list (`model_name`), or of `new_model`, added to the list in
    the same transaction. The serial is required and unique."""
    authorize(db, actor, Permission.MANAGE_DEVICES)
    serial = _name("serial", serial, SERIAL_MAX, "the serial number on the device")
    model_row = _checked_model(new_model) if new_model is not None else None

    def work(session: Session) -> DeviceView:
        if model_row is not None:
            if session.scalar(select(DeviceModel.id).where(func.lower(DeviceModel.name) == model_row.name.lower())):
                raise InvalidValue("device model", model_row.name,
                                   "a name not already on the list of device models (choose it there)")
            session.add(model_row)
            session.flush()
            audit.record(db, session, actor, AuditEvent("added", "reference", f"device_models {model_row.name}", {
                "name": model_row.name, "modality": model_row.modality, "min_depth_mm": model_row.min_depth_mm,
                "max_depth_mm": model_row.max_depth_mm}))
            model = model_row
        else:
            found = session.scalar(select(DeviceModel).where(DeviceModel.name == model_name))
            if found is None:
                names = ", ".join(session.scalars(select(DeviceModel.name).order_by(DeviceModel.name)))
                raise InvalidValue("device", model_name, f"one of {names}")
            model = found
        if session.scalar(select(Device.id).where(Device.serial == serial)):
            raise InvalidValue("serial", serial, "a serial number not used by another device")
        device = Device(device_model_id=model.id, serial=serial, in_service_on=in_service_on, in_service=True)
        audit.add_created(db, session, actor, device, "device", {"model": model.name, "serial": serial})
        return DeviceView(device.id, serial, model.name, model.modality, model.min_depth_mm, model.max_depth_mm, True)

    return db.write(work)


def list_devices(db: Database, in_service_only: bool = True) -> list[DeviceView]:
    """Devices by model and serial; only those in service unless asked (what the session form offers)."""
    with db.reading() as session:
        stmt = select(Device, DeviceModel).join(DeviceModel, DeviceModel.id == Device.device_model_id)
        if in_service_only:
            stmt = stmt.where(Device.in_service.is_(True))
        return [DeviceView(d.id, d.serial, m.name, m.modality, m.min_depth_mm, m.max_depth_mm, d.in_service)
                for d, m in session.execute(stmt.order_by(DeviceModel.name, Device.serial))]


def device_records(db: Database, actor: Actor) -> list[DeviceRecord]:
    """Every device, in service first, for the devices page."""
    authorize(db, actor, Permission.MANAGE_DEVICES)
    stmt = (select(Device, DeviceModel).join(DeviceModel, DeviceModel.id == Device.device_model_id)
            .order_by(Device.in_service.desc(), DeviceModel.name, Device.serial))
    with db.reading() as session:
        return [DeviceRecord(d.id, d.serial, m.name, m.modality, m.min_depth_mm, m.max_depth_mm, d.in_service_on,
                             d.in_service, d.version) for d, m in session.execute(stmt)]


def set_in_service(db: Database, actor: Actor, device_id: int, in_service: bool, seen_version: int) -> None:
    """Retire a device (False) or return it to service (True). `seen_version`: the device's version as the owner
    saw it; if another workstation changed the device since, ChangedMeanwhile and nothing is written."""
    authorize(db, actor, Permission.MANAGE_DEVICES)

    def work(session: Session) -> None:
        row = session.get(Device, device_id)
        if row is None:
            raise NotFound("device", device_id)
        changed = session.connection().execute(
            update(Device).where(Device.id == device_id, Device.version == seen_version,
                                 Device.in_service.is_(not in_service))
            .values(in_service=in_service, version=Device.version + 1)).rowcount
        if changed != 1:
            session.refresh(row)
            state = "in service" if row.in_service else "retired"
            raise ChangedMeanwhile(f"device {row.serial} was changed on another workstation and is now {state}; "
                                   "nothing changed")
        audit.record(db, session, actor, AuditEvent("returned to service" if in_service else "retired", "device",
                                                    str(device_id), {"serial": row.serial}))

    db.write(work)
