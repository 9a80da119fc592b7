"""Dashboard page: complication rates with their 95 % intervals by practitioner, device or area, and expiries."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtGui import QImage
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.review.dashboard import GroupRate
from clinic_log.services.review.statistics import rate
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.review.dashboard_page import (
    FEW_SESSIONS,
    DashboardPage,
    days_left_text,
    days_left_tip,
    rate_rows,
)


def computed(qtbot: QtBot, page: DashboardPage) -> str:
    """Wait, as the owner does, until Refresh figures is usable again; the status line then says what came of it."""
    assert not page.refresh_button.isEnabled() and page.status_label.text() == "Computing the figures…"
    qtbot.waitUntil(page.refresh_button.isEnabled, timeout=20000)
    return page.status_label.text()


def test_dashboard_shows_rates_with_intervals_and_expiries(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                          raw: sqlite3.Connection,
                                                          qtmodeltester: ModelTester) -> None:
    page = DashboardPage(demo_db, user, load=False)
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


def test_a_rate_from_fewer_than_30_sessions_is_cautioned_in_its_tooltip() -> None:
    few = GroupRate("p1", "Jane Doyle", 12, rate(3, 12), rate(1, 12))
    many = GroupRate("p2", "Dr Maria Brandt", FEW_SESSIONS, rate(3, FEW_SESSIONS), rate(1, FEW_SESSIONS))
    texts, tips = rate_rows((few, many))
    assert texts[0][:4] == ("Jane Doyle", "12", "1", "8.3 %")
    assert tips[0][1] == tips[0][3] == "Only 12 sessions: the true rate could be anywhere in the interval"
    assert tips[1][1] is None and tips[1][3] is None  # 30 sessions: no caution


def test_figures_that_cannot_be_computed_are_said_and_refresh_stays_usable(
        qtbot: QtBot, user: UserSession, db: Database) -> None:
    user.sign_in(Actor("desk", UserRole.RECEPTION))  # e.g. the owner's login was changed to reception meanwhile
    page = DashboardPage(db, user)
    qtbot.addWidget(page)
    said = computed(qtbot, page)
    assert said.startswith("The figures could not be computed: ") and "reception" in said
    assert page.rate_model.rowCount() == 0 and page.dashboard is None


def _rate_chart_image(qtbot: QtBot, page: DashboardPage) -> QImage:
    view = page._rate_view
    assert view is not None
    qtbot.waitExposed(view)
    return view.grab().toImage()


def test_changing_the_grouping_draws_the_chart_as_if_opened_with_it(qtbot: QtBot, user: UserSession,
                                                                    demo_db: Database) -> None:
    """Issue 20: after changing "Complication rate by", the old axis labels stayed drawn under the new ones."""
    pages = []
    for first in ("practitioner", "device"):
        page = DashboardPage(demo_db, user, load=False)
        qtbot.addWidget(page)
        page.resize(1366, 700)
        page.show()
        page.grouping_combo.setCurrentIndex(page.grouping_combo.findData(first))
        page.reload()
        computed(qtbot, page)
        pages.append(page)
    switched, opened_so = pages
    switched.grouping_combo.setCurrentIndex(switched.grouping_combo.findData("device"))
    # the chart lays itself out on the next turns of the event loop; stale labels would never go
    qtbot.waitUntil(lambda: _rate_chart_image(qtbot, switched) == _rate_chart_image(qtbot, opened_so), timeout=3000)


def test_the_rate_chart_names_each_bar_in_full(qtbot: QtBot, user: UserSession, demo_db: Database,
                                               raw: sqlite3.Connection) -> None:
    """Issue 20: bar labels were cut ("Dr Maria B..."); the bars now lie across, names whole on the left."""
    page = DashboardPage(demo_db, user, load=False)
    qtbot.addWidget(page)
    page.reload()
    computed(qtbot, page)
    assert page._rate_view is not None
    (names,) = [axis for axis in page._rate_view.chart().axes() if isinstance(axis, QBarCategoryAxis)]
    practitioners = {r[0] for r in raw.execute("SELECT full_name FROM practitioners WHERE id IN "
                                               "(SELECT practitioner_id FROM sessions)")}
    assert set(names.categories()) == practitioners


@pytest.mark.parametrize(("days", "shown", "tip"), [
    (11, "11", None), (0, "today", None), (-1, "expired", "Expired 1 day ago"),
    (-189, "expired", "Expired 189 days ago")])
def test_days_left_say_expired_rather_than_a_negative_count(days: int, shown: str, tip: str | None) -> None:
    assert (days_left_text(days), days_left_tip(days)) == (shown, tip)
