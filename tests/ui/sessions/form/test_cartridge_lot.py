"""The cartridge lot (cartridge_lot.py): Enter looks the lot up, a known lot shows its stored expiry, a new one asks
for its expiry, an empty box records no lot; the status line says which."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.values import AreaInput
from clinic_log.services.sessions.sessions import log_session
from tests.ui.session_form_helpers import checked, open_form
from tests.unit.services.helpers import LOT_EXPIRES, Clinic, session_entry


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_lot_typed_and_entered_shows_its_recorded_expiry(qtbot: QtBot, db: Database, clinic: Clinic) -> None:
    soon = date.today() + timedelta(days=6)
    log_session(db, clinic.derm, session_entry(clinic, AreaInput("neck", 0.75), cartridge_lot="OLD-1",
                                               lot_expires=soon), sign=True)
    form = open_form(qtbot, db, clinic)
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
        qtbot: QtBot, db: Database, db_path: Path, clinic: Clinic) -> None:
    form = open_form(qtbot, db, clinic)
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


def test_emptying_the_lot_box_records_no_lot_and_never_says_lot_none(qtbot: QtBot, db: Database,
                                                                    clinic: Clinic) -> None:
    form = open_form(qtbot, db, clinic)
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
