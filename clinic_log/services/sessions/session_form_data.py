"""What the chairside session form needs to open pre-filled: the choices it offers and sensible defaults.

Defaults come from the record itself: the device, supervisor and cartridge lot a practitioner used last, and
the client's next position in their course. Each is one indexed look-up, so the form opens at once on a
database with a million sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import CartridgeLot, ComplicationType, Device, TreatmentSession
from clinic_log.domain.values import AreaRef, DeviceModelRef, IndicationRef
from clinic_log.services.devices.devices import DeviceView, list_devices
from clinic_log.services.people.people import PractitionerView, list_practitioners
from clinic_log.services.sessions import facts

AREA_ORDER = ("scalp", "forehead", "periorbital", "nose", "cheeks", "perioral", "chin_jaw", "neck", "decolletage",
              "hands", "arms", "back", "abdomen", "buttocks", "thighs", "site_not_recorded")


@dataclass(frozen=True)
class ComplicationTypeView:
    code: str
    label: str
    category: str  # expected | adverse


@dataclass(frozen=True)
class FormChoices:
    """Reference data the form offers: body sites (head to toe), indications, complication types, people, devices in
    service and each device model's tips and energy unit."""

    areas: tuple[AreaRef, ...]
    complication_types: tuple[ComplicationTypeView, ...]
    practitioners: tuple[PractitionerView, ...]
    devices: tuple[DeviceView, ...]
    indications: tuple[IndicationRef, ...] = ()
    device_models: tuple[DeviceModelRef, ...] = ()

    def indication(self, code: str) -> IndicationRef | None:
        return next((i for i in self.indications if i.code == code), None)

    def model_of(self, device_id: int | None) -> DeviceModelRef | None:
        """The device's model with its tips and energy unit (None: no such device in service)."""
        device = self.device(device_id)
        return None if device is None else next((m for m in self.device_models if m.name == device.model), None)

    def as_site(self, code: str) -> tuple[str, str | None]:
        """(site, indication) for an area code as stored or typed before sites and indications were apart: an
        indication code ("acne_scars") is that indication on its default site; a site stays itself."""
        indication = self.indication(code)
        if indication is None or self.area(code) is not None:
            return code, None
        return indication.default_site or "site_not_recorded", code

    def area(self, code: str) -> AreaRef | None:
        return next((a for a in self.areas if a.code == code), None)

    def device(self, device_id: int | None) -> DeviceView | None:
        return next((d for d in self.devices if d.id == device_id), None)

    def practitioner(self, practitioner_id: int | None) -> PractitionerView | None:
        return next((p for p in self.practitioners if p.id == practitioner_id), None)


@dataclass(frozen=True)
class PractitionerDefaults:
    """What this practitioner used in their newest session (None where nothing usable is on record)."""

    device_id: int | None = None
    supervisor_id: int | None = None
    lot_number: str | None = None
    lot_expires: date | None = None


@dataclass(frozen=True)
class LotView:
    lot_number: str
    expires_on: date | None


def _area_rank(code: str) -> int:
    return AREA_ORDER.index(code) if code in AREA_ORDER else len(AREA_ORDER)


def form_choices(db: Database) -> FormChoices:
    with db.reading() as session:
        areas = sorted(facts.area_refs(session).values(), key=lambda a: (_area_rank(a.code), a.label))
        types = tuple(ComplicationTypeView(t.code, t.label, t.category) for t in session.scalars(
            select(ComplicationType).order_by(ComplicationType.category.desc(), ComplicationType.label)))
        indications = tuple(facts.indication_refs(session).values())
        models = tuple(facts.device_model_refs(session).values())
    return FormChoices(tuple(areas), types, tuple(list_practitioners(db)), tuple(list_devices(db)), indications,
                       models)


def practitioner_defaults(db: Database, practitioner_id: int) -> PractitionerDefaults:
    """The device (if still in service), supervisor and lot of the practitioner's newest session with a device."""
    s = TreatmentSession
    with db.reading() as session:
        row = session.execute(
            select(s.device_id, s.supervisor_id, s.cartridge_lot_id)
            .where(s.practitioner_id == practitioner_id, s.device_id.is_not(None))
            .order_by(s.started_at.desc(), s.id.desc()).limit(1)
        ).first()
        if row is None:
            return PractitionerDefaults()
        device_id, supervisor_id, lot_id = row
        device = session.get(Device, device_id)
        lot = session.get(CartridgeLot, lot_id) if lot_id is not None else None
        return PractitionerDefaults(
            device_id if device is not None and device.in_service else None, supervisor_id,
            lot.lot_number if lot else None, lot.expires_on if lot else None,
        )


def next_course_position(db: Database, client_id: int) -> tuple[int | None, int | None]:
    """(k, n) for the client's next session: one after their newest session's position within its course,
    or a new course of the same length once that course is complete; (None, None) without a course on record."""
    s = TreatmentSession
    with db.reading() as session:
        row = session.execute(
            select(s.course_index, s.course_total).where(s.client_id == client_id, s.voided_at.is_(None))
            .order_by(s.started_at.desc(), s.id.desc()).limit(1)
        ).first()
    if row is None:
        return None, None
    index, total = row
    if index is None:
        return None, None
    if total is not None and index >= total:
        return 1, total
    return index + 1, total


def session_status(db: Database, session_id: int) -> str | None:
    """'draft' or 'signed', or None for a session that does not exist."""
    with db.reading() as session:
        return session.scalar(select(TreatmentSession.status).where(TreatmentSession.id == session_id))


def find_lot(db: Database, lot_number: str) -> LotView | None:
    """The cartridge lot as recorded (its expiry), or None for a lot not seen before."""
    with db.reading() as session:
        return _lot(session, lot_number.strip())


def _lot(session: Session, lot_number: str) -> LotView | None:
    lot = session.scalar(select(CartridgeLot).where(CartridgeLot.lot_number == lot_number))
    return None if lot is None else LotView(lot.lot_number, lot.expires_on)
