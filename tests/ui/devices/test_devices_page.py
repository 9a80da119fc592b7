"""The Devices and lots page: the owner registers, retires and returns devices and registers lots, and sees each
lot's stock; refusals stay in the dialog in one line. End to end: a device the page adds is offered by the next
session form, and a retired one no longer is."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.devices import devices, lots
from clinic_log.services.devices.lots import LotInput
from clinic_log.services.people import people
from clinic_log.services.sessions import sessions
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.devices.devices_page import NEW_MODEL, AddDeviceDialog, AddLotDialog, DevicesPage, LotExpiryDialog
from clinic_log.ui.sessions.form.session_form import SessionFormDialog
from tests.ui.dialogs import opens
from tests.ui.session_form_helpers import checked
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import CONSENT_SIGNED_ON, make_clinic, session_entry

TODAY = date.today()
EXPIRES = TODAY + timedelta(days=200)


def open_page(qtbot: QtBot, user: UserSession, db: Database) -> DevicesPage:
    page = DevicesPage(db, user, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    return page


def rows(model: object) -> list[list[str]]:
    from PySide6.QtCore import QAbstractItemModel

    assert isinstance(model, QAbstractItemModel)
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def save(qtbot: QtBot, dialog: AddDeviceDialog | AddLotDialog | LotExpiryDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def choose(combo: QComboBox, text: str) -> None:
    index = next(i for i in range(combo.count()) if combo.itemText(i).startswith(text))
    combo.setCurrentIndex(index)


def add_device_dialog(qtbot: QtBot, page: DevicesPage) -> AddDeviceDialog:
    with opens(qtbot, AddDeviceDialog, page) as opened:
        qtbot.mouseClick(page.add_device_button, Qt.MouseButton.LeftButton)
    return opened.widget


def register_dermapen(qtbot: QtBot, page: DevicesPage, serial: str) -> None:
    """A Dermapen 4 registered through the page's dialog, as the owner would."""
    dialog = add_device_dialog(qtbot, page)
    choose(dialog.model_combo, "Dermapen 4")
    qtbot.keyClicks(dialog.serial_edit, serial)
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_the_page_models_pass_the_model_tester(qtmodeltester: ModelTester, qtbot: QtBot, user: UserSession,
                                               db: Database, owner: Actor) -> None:
    devices.add_device(db, owner, "Dermapen 4", "DP4-1")
    lots.add_lot(db, owner, LotInput("SP-1", EXPIRES, "Dermapen 4", "10"), TODAY)
    page = open_page(qtbot, user, db)
    qtmodeltester.check(page.device_model)
    qtmodeltester.check(page.lot_model)


def test_the_owner_adds_a_device_of_a_listed_model_and_it_is_stored(qtbot: QtBot, user: UserSession, db: Database,
                                                                    raw: sqlite3.Connection) -> None:
    page = open_page(qtbot, user, db)
    dialog = add_device_dialog(qtbot, page)
    assert not dialog.new_model_box.isVisibleTo(dialog)
    choose(dialog.model_combo, "Dermapen 4")
    qtbot.keyClicks(dialog.serial_edit, "DP4-2291")
    qtbot.keyClicks(dialog.in_service_edit, "2026-03-01")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert raw.execute("SELECT serial, in_service_on, in_service FROM devices").fetchall() == [
        ("DP4-2291", "2026-03-01", 1)]
    assert rows(page.device_model) == [["Dermapen 4", "DP4-2291", "0.2–3 mm", "2026-03-01", "in service"]]
    assert page.message_label.text() == "Device DP4-2291 added."


def test_a_serial_in_use_is_refused_in_one_line_and_the_dialog_stays(qtbot: QtBot, user: UserSession, db: Database,
                                                                     owner: Actor) -> None:
    devices.add_device(db, owner, "Dermapen 4", "DP4-1")
    page = open_page(qtbot, user, db)
    dialog = add_device_dialog(qtbot, page)
    qtbot.keyClicks(dialog.serial_edit, "DP4-1")
    save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error_label.text() == "serial: 'DP4-1' is not allowed; a serial number not used by another device"
    assert page.device_model.rowCount() == 1


def test_a_new_model_is_typed_with_its_modality_and_depth_range(qtbot: QtBot, user: UserSession, db: Database,
                                                                raw: sqlite3.Connection) -> None:
    page = open_page(qtbot, user, db)
    dialog = add_device_dialog(qtbot, page)
    choose(dialog.model_combo, NEW_MODEL)
    assert dialog.new_model_box.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.new_name_edit, "NovaPen RF")
    choose(dialog.modality_combo, "RF")
    qtbot.keyClicks(dialog.min_depth_edit, "0.5")
    qtbot.keyClicks(dialog.max_depth_edit, "0.25")
    qtbot.keyClicks(dialog.serial_edit, "NP-1")
    save(qtbot, dialog)
    assert dialog.error_label.text() == ("maximum depth: '0.25' is not allowed; a depth at or above the minimum "
                                         "0.5 mm")
    dialog.max_depth_edit.setText("4")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert raw.execute("SELECT name, modality, min_depth_mm, max_depth_mm FROM device_models "
                       "WHERE name = 'NovaPen RF'").fetchall() == [("NovaPen RF", "rf", 0.5, 4.0)]
    assert rows(page.device_model)[0][:3] == ["NovaPen RF", "NP-1", "0.5–4 mm"]


def test_retiring_and_returning_a_device_changes_its_status_and_the_button(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> None:
    devices.add_device(db, owner, "Dermapen 4", "DP4-1")
    page = open_page(qtbot, user, db)
    assert page.service_button.text() == "&Retire"
    qtbot.mouseClick(page.service_button, Qt.MouseButton.LeftButton)
    assert rows(page.device_model)[0][4] == "retired"
    assert page.message_label.text() == "Dermapen 4 DP4-1 retired: the session form no longer offers it."
    assert page.service_button.text() == "&Return to service"
    assert devices.list_devices(db) == []
    qtbot.mouseClick(page.service_button, Qt.MouseButton.LeftButton)
    assert rows(page.device_model)[0][4] == "in service"
    assert [d.serial for d in devices.list_devices(db)] == ["DP4-1"]


def test_retiring_a_device_another_workstation_changed_says_so(qtbot: QtBot, user: UserSession, db: Database,
                                                               owner: Actor) -> None:
    device = devices.add_device(db, owner, "Dermapen 4", "DP4-1")
    page = open_page(qtbot, user, db)
    devices.set_in_service(db, owner, device.id, False, seen_version=1)  # elsewhere, after the page was shown
    devices.set_in_service(db, owner, device.id, True, seen_version=2)
    qtbot.mouseClick(page.service_button, Qt.MouseButton.LeftButton)
    assert page.message_label.text() == ("device DP4-1 was changed on another workstation and is now in service; "
                                         "nothing changed")
    assert [d.serial for d in devices.list_devices(db)] == ["DP4-1"]


def test_a_lot_quantity_is_checked_as_typed_and_the_stock_is_shown(qtbot: QtBot, user: UserSession, db: Database,
                                                                   raw: sqlite3.Connection) -> None:
    page = open_page(qtbot, user, db)
    with opens(qtbot, AddLotDialog, page) as opened:
        qtbot.mouseClick(page.add_lot_button, Qt.MouseButton.LeftButton)
    dialog = opened.widget
    qtbot.keyClicks(dialog.number_edit, "DP16-9")
    qtbot.keyClicks(dialog.expires_edit, EXPIRES.isoformat())
    choose(dialog.model_combo, "Dermapen 4")
    qtbot.keyClicks(dialog.quantity_edit, "0")
    save(qtbot, dialog)
    assert dialog.error_label.text() == ("quantity received: '0' is not allowed; the number of cartridges "
                                         "received, 1 to 100000")
    assert dialog.quantity_edit.text() == "0"  # kept as typed, not clamped
    assert raw.execute("SELECT count(*) FROM cartridge_lots").fetchone() == (0,)
    dialog.quantity_edit.setText("25")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert rows(page.lot_model) == [["DP16-9", EXPIRES.isoformat(), "Dermapen 4", "25", "0", "25"]]


def test_sessions_count_a_lot_down_and_an_older_lot_shows_unknown_stock(qtbot: QtBot, user: UserSession, db: Database,
                                                                        owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    lots.add_lot(db, owner, LotInput("NEW-1", EXPIRES, "SkinPen Precision", "10"), TODAY)
    for number in ("NEW-1", "NEW-1", "OLD-1"):
        sessions.save_draft(db, owner, session_entry(clinic, cartridge_lot=number, lot_expires=EXPIRES))
    page = open_page(qtbot, user, db)
    assert sorted(rows(page.lot_model)) == [["NEW-1", EXPIRES.isoformat(), "SkinPen Precision", "10", "2", "8"],
                                            ["OLD-1", EXPIRES.isoformat(), "—", "—", "1", "—"]]


def test_the_expiry_of_a_lot_a_session_used_is_refused_in_the_dialog(qtbot: QtBot, user: UserSession, db: Database,
                                                                     owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    lots.add_lot(db, owner, LotInput("NEW-1", EXPIRES, "SkinPen Precision", "10"), TODAY)
    sessions.save_draft(db, owner, session_entry(clinic, cartridge_lot="NEW-1", lot_expires=EXPIRES))
    page = open_page(qtbot, user, db)
    page.lot_view.selectRow(0)
    with opens(qtbot, LotExpiryDialog, page) as opened:
        qtbot.mouseClick(page.expiry_button, Qt.MouseButton.LeftButton)
    dialog = opened.widget
    dialog.expires_edit.setText((EXPIRES + timedelta(days=1)).isoformat())
    save(qtbot, dialog)
    assert dialog.error_label.text().endswith("no change: lot NEW-1 is named by 1 session(s), whose records keep "
                                              "the expiry they were logged with")


@pytest.fixture
def new_clinic(db: Database, owner: Actor) -> int:
    """A clinic with a practitioner and a client and no device at all: the client's id."""
    people.create_practitioner(db, owner, people.PractitionerDetails("mbrandt", "Dr Maria Brandt", "dermatologist",
                                                                     False, 3.0, "GMC-1", TODAY + timedelta(days=900)))
    client = clients.create_client(db, owner, clients.ClientDetails("P-1", "Zofia", "Lis", date(1990, 1, 1),
                                                                    fitzpatrick=2))
    record_consent(db, owner, client.id, "Zofia Lis", CONSENT_SIGNED_ON)
    return client.id


def offered_devices(form: SessionFormDialog) -> list[str]:
    return [form.device.itemText(i) for i in range(form.device.count())]


def test_the_devices_page_adds_a_device_that_the_session_form_then_offers(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, new_clinic: int) -> None:
    window = make_window(qtbot, db, user, db_path)
    first = window.new_session(new_clinic)
    assert isinstance(first, SessionFormDialog)
    assert offered_devices(first) == ["—"]  # a new clinic: nothing to choose
    first.close()
    qtbot.waitUntil(lambda: not first.isVisible())
    page = window.pages.show_page("devices")
    assert isinstance(page, DevicesPage)
    register_dermapen(qtbot, page, "DP4-2291")
    form = window.new_session(new_clinic)
    assert isinstance(form, SessionFormDialog) and form is not first
    assert offered_devices(form) == ["—", "Dermapen 4 — DP4-2291 (0.2–3 mm)"]
    form.close()
    qtbot.waitUntil(lambda: not form.isVisible())
    qtbot.mouseClick(page.service_button, Qt.MouseButton.LeftButton)  # retired: not offered any more
    again = window.new_session(new_clinic)
    assert isinstance(again, SessionFormDialog)
    assert offered_devices(again) == ["—"]


def test_a_device_registered_on_the_page_appears_in_the_history_filter(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, new_clinic: int) -> None:
    """The Sessions tab's Device list was filled once at start: a device registered later could not be chosen."""
    window = make_window(qtbot, db, user, db_path)
    devices_list = window.page.filter_bar.device_combo
    assert [devices_list.itemText(i) for i in range(devices_list.count())] == ["All devices"]
    page = window.pages.show_page("devices")
    assert isinstance(page, DevicesPage)
    register_dermapen(qtbot, page, "DP4-2291")
    window.pages.show_page("sessions")  # a hidden page refreshes when it is next shown
    qtbot.waitUntil(lambda: devices_list.count() == 2)
    assert "DP4-2291" in devices_list.itemText(1)


def test_a_session_form_without_device_or_lot_warns_that_a_recall_would_miss_it(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, new_clinic: int) -> None:
    window = make_window(qtbot, db, user, db_path)
    form = window.new_session(new_clinic)
    assert isinstance(form, SessionFormDialog)
    choose(form.practitioner, "Dr Maria Brandt")
    checked(qtbot, form)
    assert ("Warning: no device and no cartridge lot recorded: a recall of a lot would miss this session"
            in form.panel.messages())
    assert form.panel.reason_label.text() == "&Reason for saving with warnings (required)"




def test_expired_lots_come_after_the_usable_ones_and_say_so(qtbot: QtBot, user: UserSession, db: Database,
                                                            owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    lots.add_lot(db, owner, LotInput("LATER", EXPIRES, "SkinPen Precision", "10"), TODAY)
    sessions.save_draft(db, owner, session_entry(clinic, cartridge_lot="PAST", lot_expires=TODAY - timedelta(days=3)))
    page = open_page(qtbot, user, db)
    assert [(r[0], r[1]) for r in rows(page.lot_model)] == [
        ("LATER", EXPIRES.isoformat()), ("PAST", f"{(TODAY - timedelta(days=3)).isoformat()} (expired)")]
