"""Practitioners, their credentials, devices and cartridge lots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Credential, Device, DeviceModel, Practitioner
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PractitionerRole, allowed
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.permissions import require
from clinic_log.services import audit
from clinic_log.services.audit import AuditEvent


@dataclass(frozen=True)
class PractitionerDetails:
    username: str
    full_name: str
    role: str
    needs_supervision: bool
    depth_cap_mm: float | None
    licence_no: str | None = None
    licence_expires: date | None = None


@dataclass(frozen=True)
class PractitionerView:
    id: int
    username: str
    full_name: str
    role: str
    needs_supervision: bool
    depth_cap_mm: float | None


@dataclass(frozen=True)
class DeviceView:
    id: int
    serial: str
    model: str
    modality: str
    min_depth_mm: float
    max_depth_mm: float
    in_service: bool


def validate_practitioner(details: PractitionerDetails) -> None:
    if not details.username.strip():
        raise InvalidValue("username", details.username, "a login name")
    if details.role not in set(PractitionerRole):
        raise InvalidValue("role", details.role, allowed(PractitionerRole))
    if details.depth_cap_mm is not None and not 0 < details.depth_cap_mm <= 7.0:
        raise InvalidValue("depth_cap_mm", details.depth_cap_mm, "a depth cap above 0 and at most 7.0 mm")


def create_practitioner(db: Database, actor: Actor, details: PractitionerDetails) -> PractitionerView:
    require(actor, "manage practitioners and devices")
    validate_practitioner(details)

    def work(session: Session) -> PractitionerView:
        if session.scalar(select(Practitioner.id).where(Practitioner.username == details.username)):
            raise InvalidValue("username", details.username, "a login name not used by another practitioner")
        row = Practitioner(username=details.username, full_name=details.full_name, role=details.role,
                           needs_supervision=details.needs_supervision, depth_cap_mm=details.depth_cap_mm)
        session.add(row)
        session.flush()
        if details.licence_no:
            session.add(Credential(practitioner_id=row.id, kind="licence", number=details.licence_no,
                                   expires_on=details.licence_expires, required=True))
        audit.record(db, session, actor, AuditEvent("created", "practitioner", str(row.id),
                                                    {"username": row.username, "role": row.role}))
        return _practitioner_view(row)

    return db.write(work)


def _practitioner_view(p: Practitioner) -> PractitionerView:
    return PractitionerView(p.id, p.username, p.full_name, p.role, p.needs_supervision, p.depth_cap_mm)


def list_practitioners(db: Database) -> list[PractitionerView]:
    with db.reading() as session:
        return [_practitioner_view(p) for p in session.scalars(select(Practitioner).order_by(Practitioner.full_name))]


def add_device(db: Database, actor: Actor, model_name: str, serial: str,
               in_service_on: date | None = None) -> DeviceView:
    require(actor, "manage practitioners and devices")

    def work(session: Session) -> DeviceView:
        model = session.scalar(select(DeviceModel).where(DeviceModel.name == model_name))
        if model is None:
            names = ", ".join(session.scalars(select(DeviceModel.name).order_by(DeviceModel.name)))
            raise InvalidValue("device", model_name, f"one of {names}")
        if session.scalar(select(Device.id).where(Device.serial == serial)):
            raise InvalidValue("device_serial", serial, "a serial number not used by another device")
        device = Device(device_model_id=model.id, serial=serial, in_service_on=in_service_on, in_service=True)
        audit.add_created(db, session, actor, device, "device", {"model": model_name, "serial": serial})
        return DeviceView(device.id, serial, model.name, model.modality, model.min_depth_mm, model.max_depth_mm, True)

    return db.write(work)


def list_devices(db: Database, in_service_only: bool = True) -> list[DeviceView]:
    with db.reading() as session:
        stmt = select(Device, DeviceModel).join(DeviceModel, DeviceModel.id == Device.device_model_id)
        if in_service_only:
            stmt = stmt.where(Device.in_service.is_(True))
        return [DeviceView(d.id, d.serial, m.name, m.modality, m.min_depth_mm, m.max_depth_mm, d.in_service)
                for d, m in session.execute(stmt.order_by(DeviceModel.name, Device.serial))]
