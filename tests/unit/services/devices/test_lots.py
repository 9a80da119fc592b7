"""Cartridge lots the owner registers: stock counted down by the sessions naming them, expiry fixed once used,
and the dashboard's low-stock and expiring-soon lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from clinic_log import settings
from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, CartridgeLot
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.services.clinic.clinic_settings import save_settings
from clinic_log.services.devices import lots
from clinic_log.services.devices.lots import LotInput
from clinic_log.services.sessions import sessions
from tests.unit.services.helpers import Clinic, make_clinic, session_entry

TODAY = date.today()
EXPIRES = TODAY + timedelta(days=200)


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)


def add(db: Database, owner: Actor, number: str = "SP-100", quantity: str = "50", expires: date | None = EXPIRES,
        model: str = "SkinPen Precision") -> lots.LotRecord:
    return lots.add_lot(db, owner, LotInput(number, expires, model, quantity), TODAY)


def use(db: Database, owner: Actor, clinic: Clinic, number: str, times: int = 1,
        expires: date | None = EXPIRES) -> None:
    for _ in range(times):
        sessions.save_draft(db, owner, session_entry(clinic, cartridge_lot=number, lot_expires=expires))


def stock(db: Database, owner: Actor) -> dict[str, tuple[int | None, int, int | None]]:
    return {r.lot_number: (r.quantity_received, r.used, r.left) for r in lots.lot_records(db, owner)}


def test_a_registered_lot_is_counted_down_by_each_session_that_names_it(db: Database, owner: Actor,
                                                                         clinic: Clinic) -> None:
    added = add(db, owner)
    assert (added.lot_number, added.device_model, added.quantity_received, added.left) == (
        "SP-100", "SkinPen Precision", 50, 50)
    use(db, owner, clinic, "SP-100", times=3)
    assert stock(db, owner) == {"SP-100": (50, 3, 47)}


def test_a_lot_first_named_by_a_session_has_unknown_stock(db: Database, owner: Actor, clinic: Clinic) -> None:
    use(db, owner, clinic, "OLD-1", times=2)
    [record] = lots.lot_records(db, owner)
    assert (record.lot_number, record.device_model, record.quantity_received, record.used, record.left) == (
        "OLD-1", None, None, 2, None)


@pytest.mark.parametrize(("typed", "message"), [
    ("0", "quantity received: '0' is not allowed; the number of cartridges received, 1 to 100000"),
    ("-5", "quantity received: '-5' is not allowed; the number of cartridges received, 1 to 100000, written with "
           "digits only"),
    ("2.5", "quantity received: '2.5' is not allowed; the number of cartridges received, 1 to 100000, written with "
            "digits only"),
    ("ten", "quantity received: 'ten' is not allowed"),
    ("", "quantity received: (empty) is not allowed; enter the number of cartridges received"),
    ("100001", "quantity received: '100001' is not allowed; the number of cartridges received, 1 to 100000"),
])
def test_the_quantity_typed_is_checked_never_clamped(db: Database, owner: Actor, typed: str, message: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        add(db, owner, quantity=typed)
    assert str(refused.value).startswith(message)
    assert lots.lot_records(db, owner) == []


def test_a_lot_number_on_record_in_any_case_is_refused(db: Database, owner: Actor, clinic: Clinic) -> None:
    use(db, owner, clinic, "LOT-A")
    with pytest.raises(InvalidValue, match="lot number: 'lot-a' is not allowed; a lot not recorded yet; LOT-A is "
                                           "already on record"):
        add(db, owner, number="lot-a")


def test_an_expired_or_missing_expiry_and_an_unknown_model_are_refused(db: Database, owner: Actor) -> None:
    with pytest.raises(InvalidValue, match="an expired lot cannot be used"):
        add(db, owner, expires=TODAY - timedelta(days=1))
    with pytest.raises(InvalidValue, match=r"^expires on: .*the expiry date printed on the box"):
        add(db, owner, expires=None)
    with pytest.raises(InvalidValue, match=r"^device model: 'Pen X'"):
        add(db, owner, model="Pen X")
    assert add(db, owner, expires=TODAY).expires_on == TODAY  # the last day it may be used


def test_the_expiry_changes_while_no_session_names_the_lot_and_is_audited(db: Database, owner: Actor) -> None:
    lot = add(db, owner)
    lots.change_lot_expiry(db, owner, lot.id, EXPIRES + timedelta(days=30), TODAY)
    assert lots.lot_records(db, owner)[0].expires_on == EXPIRES + timedelta(days=30)
    with db.reading() as session:
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "cartridge lot")
                              .order_by(AuditEntry.id.desc()).limit(1)) == "updated"


def test_the_expiry_of_a_lot_a_session_names_is_refused_naming_why(db: Database, owner: Actor,
                                                                   clinic: Clinic) -> None:
    lot = add(db, owner)
    use(db, owner, clinic, "SP-100")
    with pytest.raises(InvalidValue) as refused:
        lots.change_lot_expiry(db, owner, lot.id, EXPIRES + timedelta(days=30), TODAY)
    assert str(refused.value).endswith("no change: lot SP-100 is named by 1 session(s), whose records keep the "
                                       "expiry they were logged with")
    with db.reading() as session:
        assert session.scalar(select(CartridgeLot.expires_on).where(CartridgeLot.id == lot.id)) == EXPIRES


def test_a_session_typing_another_expiry_for_a_registered_lot_is_still_refused(db: Database, owner: Actor,
                                                                              clinic: Clinic) -> None:
    add(db, owner)
    assessment = sessions.assess(db, session_entry(clinic, cartridge_lot="SP-100",
                                                   lot_expires=EXPIRES + timedelta(days=1)))
    assert [p.code for p in assessment.errors] == ["lot_expiry_mismatch"]


def test_low_stock_and_expiring_soon_use_the_clinic_settings(db: Database, owner: Actor, clinic: Clinic) -> None:
    add(db, owner, "LOW", quantity="12")
    add(db, owner, "PLENTY", quantity="100")
    add(db, owner, "SOON", quantity="100", expires=TODAY + timedelta(days=30))
    add(db, owner, "LATER", quantity="100", expires=TODAY + timedelta(days=31))
    add(db, owner, "GONE", quantity="1", expires=TODAY + timedelta(days=10))
    use(db, owner, clinic, "LOW", times=2)
    use(db, owner, clinic, "GONE", expires=TODAY + timedelta(days=10))
    warnings = lots.stock_warnings(db, TODAY)
    assert (warnings.low_stock_at, warnings.within_days) == (10, 30)
    assert [(lot.lot_number, lot.left) for lot in warnings.low_stock] == [("GONE", 0), ("LOW", 10)]
    assert [lot.lot_number for lot in warnings.expiring] == ["SOON"]  # GONE has none left to use
    save_settings(db, owner, {settings.LOW_STOCK.key: "5", settings.EXPIRING_SOON.key: "31"})
    warnings = lots.stock_warnings(db, TODAY)
    assert [lot.lot_number for lot in warnings.low_stock] == ["GONE"]
    assert [lot.lot_number for lot in warnings.expiring] == ["SOON", "LATER"]
    assert lots.stock_warnings(db, TODAY + timedelta(days=11)).low_stock == ()  # expired: not listed any more


def test_a_threshold_setting_that_is_no_whole_number_is_refused(db: Database, owner: Actor) -> None:
    with pytest.raises(InvalidValue, match="low stock: 'few' is not allowed; a whole number of cartridges from 0"):
        save_settings(db, owner, {settings.LOW_STOCK.key: "few"})


@pytest.mark.parametrize("role", [UserRole.PRACTITIONER, UserRole.RECEPTION])
def test_only_the_owner_registers_lots(db: Database, owner: Actor, role: UserRole) -> None:
    lot = add(db, owner)
    someone = Actor("someone", role)
    with pytest.raises(PermissionDenied):
        lots.add_lot(db, someone, LotInput("X-1", EXPIRES, "SkinPen Precision", "5"), TODAY)
    with pytest.raises(PermissionDenied):
        lots.change_lot_expiry(db, someone, lot.id, EXPIRES, TODAY)
    with pytest.raises(PermissionDenied):
        lots.lot_records(db, someone)
