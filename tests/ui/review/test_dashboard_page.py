"""Dashboard page: complication rates with their 95 % intervals by practitioner, device or area, and expiries."""

from __future__ import annotations

import sqlite3

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.ui.review.dashboard_page import DashboardPage


def computed(qtbot: QtBot, page: DashboardPage) -> str:
    """Wait, as the owner does, until Refresh figures is usable again; the status line then says what came of it."""
    assert not page.refresh_button.isEnabled() and page.status_label.text() == "Computing the figures…"
    qtbot.waitUntil(page.refresh_button.isEnabled, timeout=20000)
    return page.status_label.text()


def test_dashboard_shows_rates_with_intervals_and_expiries(qtbot: QtBot, demo_db: Database,
                                                          raw: sqlite3.Connection,
                                                          qtmodeltester: ModelTester) -> None:
    page = DashboardPage(demo_db, load=False)
    qtbot.addWidget(page)
    page.reload()
    computed(qtbot, page)
    names = {r[0] for r in raw.execute("SELECT full_name FROM practitioners WHERE id IN "
                                       "(SELECT practitioner_id FROM sessions)")}
    model = page.rate_model
    assert {model.text(r, 0) for r in range(model.rowCount())} == names
    assert sum(int(model.text(r, 1).replace(",", "")) for r in range(model.rowCount())) == 500
    assert all("–" in model.text(r, 4) for r in range(model.rowCount()))
    page.grouping_combo.setCurrentIndex(page.grouping_combo.findData("area"))
    assert model.rowCount() == raw.execute("SELECT COUNT(DISTINCT area_code) FROM session_areas").fetchone()[0]
    assert page.status_label.text().startswith("500 sessions in ")
    for m in (page.rate_model, page.credential_model, page.lot_model):
        qtmodeltester.check(m)
