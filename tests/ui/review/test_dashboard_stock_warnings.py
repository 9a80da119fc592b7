"""The dashboard's cartridge stock box: lots low on stock and lots expiring soon, with the clinic's thresholds."""

from __future__ import annotations

from datetime import date, timedelta

from pytestqt.qtbot import QtBot

from clinic_log import settings
from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clinic.clinic_settings import save_settings
from clinic_log.services.devices import lots
from clinic_log.services.devices.lots import LotInput
from clinic_log.services.sessions import sessions
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.review.dashboard_page import DashboardPage
from tests.unit.services.helpers import make_clinic, session_entry

TODAY = date(2026, 12, 4)


def loaded_page(qtbot: QtBot, user: UserSession, db: Database) -> DashboardPage:
    page = DashboardPage(db, user, today=TODAY, load=False)
    qtbot.addWidget(page)
    page.reload()
    qtbot.waitUntil(page.refresh_button.isEnabled, timeout=20000)  # usable again once the figures are shown
    return page


def test_the_dashboard_names_lots_low_on_stock_and_expiring_soon(qtbot: QtBot, user: UserSession, db: Database,
                                                                 owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    far = TODAY + timedelta(days=200)
    lots.add_lot(db, owner, LotInput("SP-LOW", far, "SkinPen Precision", "11"), TODAY)
    lots.add_lot(db, owner, LotInput("SP-SOON", TODAY + timedelta(days=20), "SkinPen Precision", "50"), TODAY)
    lots.add_lot(db, owner, LotInput("SP-FULL", far, "SkinPen Precision", "50"), TODAY)
    sessions.save_draft(db, owner, session_entry(clinic, cartridge_lot="SP-LOW", lot_expires=far))
    page = loaded_page(qtbot, user, db)
    assert page.stock_label.text() == ("Low on stock (10 or fewer left): SP-LOW — 10 of 11 left\n"
                                       f"Expiring within 30 days: SP-SOON — {(TODAY + timedelta(days=20)).isoformat()}"
                                       " (in 20 days, 50 left)")
    save_settings(db, owner, {settings.LOW_STOCK.key: "9", settings.EXPIRING_SOON.key: "10"})
    page = loaded_page(qtbot, user, db)
    assert page.stock_label.text() == "Cartridge stock: no lot has 9 or fewer left or expires within 10 days."
