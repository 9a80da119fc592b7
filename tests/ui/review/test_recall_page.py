"""Recall page: a cartridge lot lists every session and client treated with it; the owner exports it as CSV."""

from __future__ import annotations

import csv
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.common.operations import SESSIONS, changes
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.review.recall_page import RecallPage
from tests.unit.services.helpers import make_clinic, session_entry


def search(qtbot: QtBot, page: RecallPage, lot: str) -> str:
    """Type the lot and press Enter, as at the desk; return the result line once the search is over (Find
    sessions is usable again)."""
    page.lot_edit.setFocus()
    qtbot.keyClicks(page.lot_edit, lot)
    qtbot.keyClick(page.lot_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(page.find_button.isEnabled)
    return page.summary_label.text()


def test_recall_lists_the_lots_sessions_and_exports_them(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                         raw: sqlite3.Connection, tmp_path: Path,
                                                         qtmodeltester: ModelTester) -> None:
    lot_id, lot = raw.execute("SELECT l.id, l.lot_number FROM cartridge_lots l JOIN sessions s "
                              "ON s.cartridge_lot_id = l.id GROUP BY l.id LIMIT 1").fetchone()
    page = RecallPage(demo_db, user)
    qtbot.addWidget(page)
    shown = search(qtbot, page, lot)
    sessions = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE cartridge_lot_id = ?", (lot_id,))}
    clients = {r[0] for r in raw.execute("SELECT DISTINCT client_id FROM sessions WHERE cartridge_lot_id = ?",
                                         (lot_id,))}
    assert shown == (f"Lot {lot}: {len(sessions)} session{'s' if len(sessions) != 1 else ''} of "
                    f"{len(clients)} client{'s' if len(clients) != 1 else ''}")
    assert {page.model.key(r) for r in range(page.model.rowCount())} == sessions
    qtmodeltester.check(page.model)
    assert page.export_button.isEnabled()
    out = tmp_path / "recall.csv"
    page.export_to(out)
    qtbot.waitUntil(lambda: page.summary_label.text().startswith("Exported "))
    assert page.summary_label.text() == f"Exported {page.model.rowCount()} rows of lot {lot} to {out}"
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert len(rows) - 1 == page.model.rowCount()


def test_recall_of_an_unknown_lot_says_so(qtbot: QtBot, user: UserSession, demo_db: Database) -> None:
    page = RecallPage(demo_db, user)
    qtbot.addWidget(page)
    assert search(qtbot, page, "NO-SUCH-LOT") == (
        "Recall failed: cartridge lot 'NO-SUCH-LOT' not found; no lot number contains it")
    assert page.model.rowCount() == 0 and not page.export_button.isEnabled()


def test_a_practitioner_recalls_a_lot_but_only_the_owner_may_export_it(
        qtbot: QtBot, user: UserSession, demo_db: Database, raw: sqlite3.Connection) -> None:
    (lot,) = raw.execute("SELECT l.lot_number FROM cartridge_lots l JOIN sessions s "
                         "ON s.cartridge_lot_id = l.id GROUP BY l.id LIMIT 1").fetchone()
    user.sign_in(Actor("derm", UserRole.PRACTITIONER))
    page = RecallPage(demo_db, user)
    qtbot.addWidget(page)
    search(qtbot, page, lot)
    assert page.model.rowCount() > 0 and not page.export_button.isEnabled()  # exporting data is the owner's


def test_a_session_logged_meanwhile_with_the_lot_on_show_joins_the_recall(qtbot: QtBot, user: UserSession, db: Database,
                                                                          owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    log_session(db, clinic.derm, session_entry(clinic), sign=True)
    page = RecallPage(db, user)
    qtbot.addWidget(page)
    page.show()
    assert search(qtbot, page, "SP14-1") == "Lot SP14-1: 1 session of 1 client"
    log_session(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 8, 1, 9, 30, tzinfo=UTC)),
                sign=True)  # at the chair, or on another workstation
    changes.announce({SESSIONS})
    qtbot.waitUntil(lambda: page.summary_label.text() == "Lot SP14-1: 2 sessions of 1 client")
    page.lot_edit.setText("SP14-")  # being typed, not yet searched: a change does not search it
    changes.announce({SESSIONS})
    assert page.summary_label.text() == "Lot SP14-1: 2 sessions of 1 client" and page.find_button.isEnabled()


def test_enter_on_a_recalled_row_opens_its_session(qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    page = RecallPage(db, user)
    qtbot.addWidget(page)
    page.show()
    search(qtbot, page, "SP14-1")
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(0, 0))
    with qtbot.waitSignal(page.session_activated) as opened:
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert opened.args == [signed.id]


def test_part_of_a_lot_number_suggests_the_lot_and_the_result_lists_how_to_reach_each_client(
        qtbot: QtBot, user: UserSession, demo_db: Database, raw: sqlite3.Connection) -> None:
    """Issue 20: a part of the number in lower case found nothing; the recall exists to contact the clients."""
    lot, phone = raw.execute(
        "SELECT l.lot_number, c.phone FROM cartridge_lots l JOIN sessions s ON s.cartridge_lot_id = l.id "
        "JOIN clients c ON c.id = s.client_id WHERE c.phone IS NOT NULL LIMIT 1").fetchone()
    page = RecallPage(demo_db, user)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.lot_edit.setFocus()
    part = lot[2:-1].lower()
    qtbot.keyClicks(page.lot_edit, part)
    suggestions = page.lot_suggestions
    qtbot.waitUntil(lambda: suggestions.popup.isVisible() and lot in suggestions.lines())
    for _ in range(suggestions.lines().index(lot) + 1):
        qtbot.keyClick(suggestions.popup, Qt.Key.Key_Down)
    qtbot.keyClick(suggestions.popup, Qt.Key.Key_Return)
    assert page.lot_edit.text() == lot
    qtbot.keyClick(page.lot_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.summary_label.text().startswith(f"Lot {lot}: "))
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    phones = {page.model.text(r, headers.index("Phone")) for r in range(page.model.rowCount())}
    assert "E-mail" in headers and phone in phones
