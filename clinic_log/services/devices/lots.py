"""Cartridge lots the owner registers (number, expiry, device model, quantity received) and their stock.

Stock is counted, never stored: used is the number of sessions naming the lot (drafts and voided sessions too: a
cartridge was opened for each), left is received − used. Lots created implicitly when a session first named them
have no quantity, and their stock is unknown (None). An expiry changes only while no session names the lot: after
that it is part of those sessions' records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, exists, func, or_, select, update
from sqlalchemy.orm import Session

from clinic_log import settings
from clinic_log.db.engine import Database
from clinic_log.db.models import CartridgeLot, DeviceModel, TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.numbers import parse_whole
from clinic_log.domain.permissions import Permission
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize

LOT_NUMBER_MAX = 80
QUANTITY_MAX = 100000


@dataclass(frozen=True)
class LotInput:
    """A lot as the owner typed it: the quantity is text the service reads and checks."""

    lot_number: str
    expires_on: date | None
    device_model: str
    quantity_received: str


@dataclass(frozen=True)
class LotRecord:
    id: int
    lot_number: str
    expires_on: date | None
    device_model: str | None
    quantity_received: int | None  # None: a lot first named by a session, quantity never recorded
    used: int

    @property
    def left(self) -> int | None:
        return None if self.quantity_received is None else self.quantity_received - self.used


@dataclass(frozen=True)
class StockWarnings:
    """Lots running low (left at or below `low_stock`) and lots expiring within `within_days`, neither expired."""

    low_stock: tuple[LotRecord, ...]
    expiring: tuple[LotRecord, ...]
    low_stock_at: int
    within_days: int


def _records(session: Session, *conditions: ColumnElement[bool], today: date | None = None) -> list[LotRecord]:
    """The lots meeting `conditions`, each with the sessions naming it counted in SQL (only for those lots); soonest
    expiry first, lots expired before `today` (when given) after the others."""
    s = TreatmentSession
    wanted = select(CartridgeLot.id).where(*conditions)
    used = (select(s.cartridge_lot_id.label("lot_id"), func.count().label("used"))
            .where(s.cartridge_lot_id.in_(wanted)).group_by(s.cartridge_lot_id).subquery())
    stmt = (select(CartridgeLot.id, CartridgeLot.lot_number, CartridgeLot.expires_on, DeviceModel.name,
                   CartridgeLot.quantity_received, func.coalesce(used.c.used, 0))
            .outerjoin(DeviceModel, DeviceModel.id == CartridgeLot.device_model_id)
            .outerjoin(used, used.c.lot_id == CartridgeLot.id)
            .where(*conditions)
            .order_by(case((CartridgeLot.expires_on < today, 1), else_=0) if today else CartridgeLot.id.is_(None),
                      CartridgeLot.expires_on.is_(None), CartridgeLot.expires_on, CartridgeLot.lot_number))
    return [LotRecord(*row) for row in session.execute(stmt)]


def lot_records(db: Database, actor: Actor, today: date | None = None) -> list[LotRecord]:
    """Every lot with its stock: those still usable on `today` first, soonest expiry first, then the expired ones."""
    authorize(db, actor, Permission.MANAGE_DEVICES)
    with db.reading() as session:
        return _records(session, today=today or date.today())


def _lot_number(text: str) -> str:
    value = text.strip()
    if not value or len(value) > LOT_NUMBER_MAX:
        raise InvalidValue("lot number", text, f"the number printed on the box, 1 to {LOT_NUMBER_MAX} characters")
    return value


def _expiry(expires_on: date | None, today: date) -> date:
    if expires_on is None:
        raise InvalidValue("expires on", "", "the expiry date printed on the box")
    if expires_on < today:
        raise InvalidValue("expires on", expires_on.isoformat(),
                           f"a date from today ({today.isoformat()}) on: an expired lot cannot be used")
    return expires_on


def _quantity(text: str) -> int:
    what = f"the number of cartridges received, 1 to {QUANTITY_MAX}"
    value = parse_whole(text, "quantity received", what)
    if not 1 <= value <= QUANTITY_MAX:
        raise InvalidValue("quantity received", text, what)
    return value


def add_lot(db: Database, actor: Actor, lot: LotInput, today: date | None = None) -> LotRecord:
    """Register a lot received; refused when its number is already recorded (by the owner or by a session)."""
    authorize(db, actor, Permission.MANAGE_DEVICES)
    number = _lot_number(lot.lot_number)
    expires = _expiry(lot.expires_on, today or date.today())
    quantity = _quantity(lot.quantity_received)

    def work(session: Session) -> LotRecord:
        model = session.scalar(select(DeviceModel).where(DeviceModel.name == lot.device_model))
        if model is None:
            raise InvalidValue("device model", lot.device_model, "a model on the list of device models")
        known = session.scalar(select(CartridgeLot.lot_number)
                               .where(func.lower(CartridgeLot.lot_number) == number.lower()))
        if known is not None:
            raise InvalidValue("lot number", number, f"a lot not recorded yet; {known} is already on record")
        row = CartridgeLot(lot_number=number, expires_on=expires, device_model_id=model.id,
                           quantity_received=quantity)
        audit.add_created(db, session, actor, row, "cartridge lot", {
            "lot_number": number, "expires_on": expires.isoformat(), "device_model": model.name,
            "quantity_received": quantity})
        return LotRecord(row.id, number, expires, model.name, quantity, 0)

    return db.write(work)


def change_lot_expiry(db: Database, actor: Actor, lot_id: int, expires_on: date | None,
                      today: date | None = None) -> None:
    """Correct a lot's expiry, only while no session names the lot (checked in the UPDATE itself)."""
    authorize(db, actor, Permission.MANAGE_DEVICES)
    expires = _expiry(expires_on, today or date.today())

    def work(session: Session) -> None:
        row = session.get(CartridgeLot, lot_id)
        if row is None:
            raise NotFound("cartridge lot", lot_id)
        old = row.expires_on
        named = exists().where(TreatmentSession.cartridge_lot_id == lot_id)
        changed = session.connection().execute(
            update(CartridgeLot).where(CartridgeLot.id == lot_id, ~named).values(expires_on=expires)).rowcount
        if changed != 1:
            count = session.scalar(select(func.count()).where(TreatmentSession.cartridge_lot_id == lot_id))
            raise InvalidValue("expires on", expires.isoformat(),
                               f"no change: lot {row.lot_number} is named by {count} session(s), whose records "
                               "keep the expiry they were logged with")
        audit.record(db, session, actor, AuditEvent("updated", "cartridge lot", str(lot_id), {
            "lot_number": row.lot_number,
            "expires_on": {"old": old.isoformat() if old else None, "new": expires.isoformat()}}))

    db.write(work)


def stock_warnings(db: Database, today: date) -> StockWarnings:
    """Lots low on stock and lots expiring soon, with the clinic's thresholds (settings.LOW_STOCK, EXPIRING_SOON)."""
    with db.reading() as session:
        low_at = settings.read(session, settings.LOW_STOCK)
        days = settings.read(session, settings.EXPIRING_SOON)
        horizon = today + timedelta(days=days)
        # only lots that can be low (a quantity on record) or expiring soon are counted: on a clinic's years of
        # implicit lots that is a handful, not every session
        usable = _records(session, or_(CartridgeLot.expires_on.is_(None), CartridgeLot.expires_on >= today),
                          or_(CartridgeLot.quantity_received.is_not(None), CartridgeLot.expires_on <= horizon))
    low = tuple(lot for lot in usable if lot.left is not None and lot.left <= low_at)
    soon = tuple(lot for lot in usable
                 if lot.expires_on is not None and lot.expires_on <= horizon
                 and (lot.left is None or lot.left > 0))
    return StockWarnings(low, soon, low_at, days)
