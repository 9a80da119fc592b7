"""The client timeline: every session of one client oldest first, each row's date in local time, course position,
areas and depths, complications and status; a depth chart with a line per area; Enter opens a session; and a
timeline that cannot be shown says why."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.values import AreaInput
from clinic_log.services.clients.timeline import ClientTimeline, TimelineArea, TimelineSession
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.clients.client_timeline import ClientTimelineDialog, show_client_timeline, timeline_rows
from clinic_log.ui.common.user_session import UserSession
from tests.unit.services.helpers import make_clinic, session_entry

CHEEKS = TimelineArea("cheeks", "Cheeks", 0.75, 2)
FOREHEAD = TimelineArea("forehead", "Forehead", 0.5, 2)
FIRST = TimelineSession(11, datetime(2026, 3, 2, 17, 30, tzinfo=UTC), "Dr Maria Brandt", "SkinPen Precision",
                        "signed", 1, 3, (CHEEKS, FOREHEAD), 0)
SECOND = TimelineSession(12, datetime(2026, 4, 6, 17, 30, tzinfo=UTC), "Jane Doyle", None, "draft", None, None,
                         (TimelineArea("cheeks", "Cheeks", 1.0, 3),), 2)
TIMELINE = ClientTimeline(1, "P-1", "Zofia <Lukasiewicz> & Co", (FIRST, SECOND))


def make_dialog(qtbot: QtBot, timeline: ClientTimeline = TIMELINE) -> ClientTimelineDialog:
    dialog = ClientTimelineDialog(timeline)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_each_session_is_a_row_in_local_time_with_a_dash_for_what_was_not_recorded(
        local_zone_los_angeles: None) -> None:
    assert timeline_rows(TIMELINE) == [
        ("2026-03-02 09:30", "1 of 3", "Dr Maria Brandt", "SkinPen Precision", "Cheeks 0.75 mm, Forehead 0.5 mm",
         "0", "Signed"),
        ("2026-04-06 10:30", "—", "Jane Doyle", "—", "Cheeks 1 mm", "2", "Draft"),  # summer time by April
    ]


def test_the_heading_counts_the_sessions_and_shows_the_name_as_typed(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    assert dialog.windowTitle() == "Timeline — Zofia <Lukasiewicz> & Co (P-1)"
    assert dialog.heading.text() == "<b>Zofia &lt;Lukasiewicz&gt; &amp; Co</b> (P-1): 2 sessions"
    one = make_dialog(qtbot, ClientTimeline(1, "P-1", "Ana", (FIRST,)))
    assert one.heading.text().endswith(": 1 session")


def test_the_chart_has_a_line_per_area_through_each_depth(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    chart = dialog.chart_view.chart()
    lines = {series.name(): [point.y() for point in series.points()] for series in chart.series()}
    assert lines == {"Cheeks": [0.75, 1.0], "Forehead": [0.5]}


def test_eleven_areas_get_eleven_colours_on_the_depth_chart(qtbot: QtBot) -> None:
    """A client treated on face, neck and body: each area's line has its own colour (issue 20: Qt's theme
    repeated colours after five areas, so two lines could not be told apart)."""
    codes = ("forehead", "periorbital", "nose", "cheeks", "perioral", "chin_jaw", "neck", "decolletage", "hands",
             "abdomen", "thighs")
    areas = tuple(TimelineArea(code, code.replace("_", " ").title(), 0.5, 1) for code in codes)
    many = ClientTimeline(1, "P-1", "Ana", (TimelineSession(11, FIRST.started_at, "Dr Maria Brandt", None,
                                                            "signed", None, None, areas, 0),))
    dialog = make_dialog(qtbot, many)
    series = dialog.chart_view.chart().series()
    assert len(series) == 11
    assert len({s.pen().color().name() for s in series}) == 11


def test_enter_on_a_row_opens_that_session(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(1, 0))
    with qtbot.waitSignal(dialog.session_activated) as opened:
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert opened.args == [SECOND.id]


def test_the_timeline_of_a_sessions_client_opens_with_all_of_that_clients_sessions(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    later = log_session(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 8, 3, 9, tzinfo=UTC)))
    earlier = log_session(db, clinic.derm, session_entry(clinic, AreaInput("cheeks", 0.75, 3)))
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = show_client_timeline(db, user, parent, session_id=later.id)
    assert isinstance(dialog, ClientTimelineDialog)
    assert [dialog.model.key(r) for r in range(dialog.model.rowCount())] == [earlier.id, later.id]
    assert dialog.windowTitle() == "Timeline — Zofia Łukasiewicz (P-1)"
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.close()


def test_a_timeline_that_cannot_be_shown_says_why(qtbot: QtBot, user: UserSession, db: Database) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    assert show_client_timeline(db, user, parent, session_id=999) is None
    assert len(seen) == 1 and seen[0].startswith("The client's timeline cannot be shown: ")
    assert "999" in seen[0]
    with pytest.raises(ValueError, match="client_id or session_id is needed"):
        show_client_timeline(db, user, parent)
