"""The cartridge lot (cartridge_lot.py): Enter looks the lot up, a known lot shows its stored expiry, a new one asks
for its expiry, an empty box records no lot; the status line says which."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError
from clinic_log.domain.values import AreaInput
from clinic_log.services.sessions.session_form_data import LotView
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.cartridge_lot import CartridgeLot
from tests.ui.session_form_helpers import checked, open_form
from tests.unit.services.helpers import LOT_EXPIRES, Clinic, session_entry


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_lot_typed_and_entered_shows_its_recorded_expiry(qtbot: QtBot, user: UserSession, db: Database,
                                                         clinic: Clinic) -> None:
    soon = date.today() + timedelta(days=6)
    log_session(db, clinic.derm, session_entry(clinic, AreaInput("neck", 0.75), cartridge_lot="OLD-1",
                                               lot_expires=soon), sign=True)
    form = open_form(qtbot, db, user, clinic)
    form.lot.clear()
    qtbot.keyClicks(form.lot, "OLD-1")
    qtbot.keyClick(form.lot, Qt.Key.Key_Return)
    assert form.lot_expires.value() == soon
    assert form.lot_status.text() == f"expires {soon.isoformat()}"
    form.lot.clear()
    qtbot.keyClicks(form.lot, "NEW-9")
    qtbot.keyClick(form.lot, Qt.Key.Key_Return)
    assert form.lot_status.text() == "new lot: enter its expiry"


def test_a_new_lot_typed_over_the_prefilled_one_has_no_expiry_until_one_is_entered(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    assert form.lot.text() == "SP14-1" and form.lot_expires.value() == LOT_EXPIRES
    assert not form.lot_expires.isEnabled()  # a lot on record shows its stored expiry; it is not typed over
    form.toggle_area("forehead")
    form.lot.selectAll()
    qtbot.keyClicks(form.lot, "NEW-9")
    qtbot.keyClick(form.lot, Qt.Key.Key_Return)
    checked(qtbot, form)
    assert form.lot_expires.value() is None and form.lot_expires.text() == ""
    assert form.lot_expires.placeholderText() == "yyyy-mm-dd, not set" and form.lot_expires.hasFocus()
    assert form.lot_status.text() == "new lot: enter its expiry"  # stays so after the check ran
    assert "Error: enter the expiry of lot NEW-9" in form.panel.messages()
    assert not form.sign_button.isEnabled()
    expiry = date.today() + timedelta(days=200)
    qtbot.keyClicks(form.lot_expires, expiry.isoformat())
    checked(qtbot, form, lambda: form.sign_button.isEnabled())
    with qtbot.waitSignal(form.signed) as signed:
        form.sign()
    with sqlite3.connect(db_path) as con:
        stored = con.execute("SELECT l.lot_number, l.expires_on FROM sessions s JOIN cartridge_lots l "
                             "ON l.id = s.cartridge_lot_id WHERE s.id = ?", (signed.args[0],)).fetchone()
    assert stored == ("NEW-9", expiry.isoformat())


def test_emptying_the_lot_box_records_no_lot_and_never_says_lot_none(qtbot: QtBot, user: UserSession, db: Database,
                                                                    clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    form.lot.selectAll()
    qtbot.keyClick(form.lot, Qt.Key.Key_Backspace)
    qtbot.keyClick(form.lot, Qt.Key.Key_Tab)
    checked(qtbot, form)
    assert form.lot_status.text() == "no lot recorded" and form.lot_expires.text() == ""
    assert not form.lot_expires.isEnabled()
    assert not any("None" in m for m in form.panel.messages())
    entry = form.entry()
    assert entry is not None and (entry.cartridge_lot, entry.lot_expires) == (None, None)


STARTED = datetime(2026, 7, 1, 9, 30)


@pytest.fixture
def lot(qtbot: QtBot) -> Iterator[CartridgeLot]:
    """The lot widgets alone, over a record that knows SP14-1 (expires 2027-03-31) and OLD-1 (no expiry stored);
    looking up "BROKEN" fails as a database read can."""
    known = {"SP14-1": LotView("SP14-1", date(2027, 3, 31)), "OLD-1": LotView("OLD-1", None)}

    def find(number: str) -> LotView | None:
        if number == "BROKEN":
            raise DomainError("the database is locked by another workstation")
        return known.get(number)

    parent = QWidget()  # held until the test ends: the lot's widgets go with it
    qtbot.addWidget(parent)
    yield CartridgeLot(find, lambda: STARTED, parent)


def enter(qtbot: QtBot, lot: CartridgeLot, number: str) -> None:
    lot.number.clear()
    qtbot.keyClicks(lot.number, number)
    qtbot.keyClick(lot.number, Qt.Key.Key_Return)


def test_a_lot_that_cannot_be_looked_up_says_why_and_keeps_the_number(qtbot: QtBot, lot: CartridgeLot) -> None:
    enter(qtbot, lot, "BROKEN")
    assert lot.status.text() == "cannot look up the lot: the database is locked by another workstation"
    assert lot.number.text() == "BROKEN" and lot.known is None


def test_a_known_lot_without_a_stored_expiry_asks_for_it_and_lets_it_be_typed(qtbot: QtBot,
                                                                               lot: CartridgeLot) -> None:
    enter(qtbot, lot, "OLD-1")
    assert lot.known is True and lot.expires.isEnabled()
    assert lot.status.text() == "expiry not recorded: enter it" and "#b00020" in lot.status.styleSheet()
    lot.expires.set_value(date(2027, 1, 31))
    assert lot.status.text() == "expires 2027-01-31"  # on record: not called a new lot


def test_typing_over_a_looked_up_lot_drops_its_expiry_until_the_new_one_is_looked_up(qtbot: QtBot,
                                                                                     lot: CartridgeLot) -> None:
    enter(qtbot, lot, "SP14-1")
    assert lot.expires.value() == date(2027, 3, 31) and not lot.expires.isEnabled()
    qtbot.keyClicks(lot.number, "0")  # SP14-10: another lot
    assert lot.expires.value() is None and lot.expires.isEnabled()
    assert lot.status.text() == "press Enter to look up the lot" and lot.known is None
