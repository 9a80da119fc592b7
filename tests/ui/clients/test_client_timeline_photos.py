"""Photos on the client timeline: each standing photo is a mark on its day (a marker shape per view, named in the
legend), photos of one day stacked; pointing at a mark tells its view, area and time; a click opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QToolTip, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PhotoView
from clinic_log.services.photos.photos import void_photo
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.clients.client_timeline import ClientTimelineDialog, show_client_timeline
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.compare_dialog import CompareDialog
from tests.ui.dialogs import opens
from tests.ui.photos.photo_helpers import add, clinic_with_photo_consent, day, image_file
from tests.unit.services.helpers import Clinic, session_entry


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return clinic_with_photo_consent(db, owner)


@pytest.fixture
def photographed(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> dict[str, int]:
    """Sessions on 3 and 24 March; a front photo of the cheeks and a left 45° one taken at the first, a front
    photo on the 24th, and a voided front photo on the 10th."""
    first = log_session(db, clinic.derm, session_entry(clinic, started_at=day(3)))
    log_session(db, clinic.derm, session_entry(clinic, started_at=day(24)))
    ids = dict(zip(("front", "left", "later", "voided"), add(db, clinic.derm, [
        image_file(tmp_path / "a.jpg", (200, 0, 0), day(3))], session_id=first.id, area="cheeks")
        + add(db, clinic.derm, [image_file(tmp_path / "b.jpg", (0, 200, 0), day(3))], view="left45")
        + add(db, clinic.derm, [image_file(tmp_path / "c.jpg", (0, 0, 200), day(24))])
        + add(db, clinic.derm, [image_file(tmp_path / "d.jpg", (90, 90, 90), day(10))]), strict=True))
    void_photo(db, owner, ids["voided"], "another client", version=1)
    return ids


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    """The window a timeline opens over."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def open_timeline(qtbot: QtBot, parent: QWidget, db: Database, user: UserSession,
                  clinic: Clinic) -> ClientTimelineDialog:
    dialog = show_client_timeline(db, user, parent, client_id=clinic.client_id)
    assert isinstance(dialog, ClientTimelineDialog)
    qtbot.waitExposed(dialog)
    return dialog


def on_screen(dialog: ClientTimelineDialog, view: PhotoView, n: int) -> QPoint:
    """Where the n-th mark of `view` is drawn, in the chart view's viewport."""
    series = dialog.photo_series[view]
    chart = dialog.chart_view.chart()
    scene = chart.mapToScene(chart.mapToPosition(series.at(n), series))
    return dialog.chart_view.mapFromScene(scene)


def test_each_standing_photo_is_a_mark_on_its_day_named_by_view_in_the_legend(
        qtbot: QtBot, parent: QWidget, user: UserSession, db: Database, clinic: Clinic,
        photographed: dict[str, int]) -> None:
    dialog = open_timeline(qtbot, parent, db, user, clinic)
    assert [p.id for p in dialog.photos] == [photographed["front"], photographed["left"], photographed["later"]]
    front, left = dialog.photo_series[PhotoView.FRONT], dialog.photo_series[PhotoView.LEFT45]
    assert set(dialog.photo_series) == {PhotoView.FRONT, PhotoView.LEFT45}  # the voided one has no mark
    days = [int(point.x()) for point in front.points()]
    assert days == [int(day(3).timestamp() * 1000), int(day(24).timestamp() * 1000)]
    assert left.at(0).x() == front.at(0).x() and left.at(0).y() > front.at(0).y()  # one day's photos stacked
    assert front.markerShape() != left.markerShape()
    legend = dialog.chart_view.chart().legend()
    names = [marker.label() for marker in legend.markers() if marker.isVisible()]
    assert "Front photo" in names and "Left 45° photo" in names
    assert "Cheeks" in names  # the depth lines are still there
    assert dialog.chart_view.chart().title() == "Needle depth per area (mm); photos marked along the foot"


def test_pointing_at_a_mark_tells_the_view_area_and_time(
        qtbot: QtBot, parent: QWidget, user: UserSession, db: Database, clinic: Clinic,
        photographed: dict[str, int]) -> None:
    dialog = open_timeline(qtbot, parent, db, user, clinic)
    series = dialog.photo_series[PhotoView.FRONT]
    # the pointer over the first front mark, as QtCharts reports it (offscreen, a synthetic hover arrives late)
    series.hovered.emit(series.at(0), True)
    assert QToolTip.isVisible()
    local = day(3).astimezone()
    assert QToolTip.text().splitlines() == [f"Front photo · Cheeks · taken {local:%Y-%m-%d %H:%M}", "Click to open it"]
    series.hovered.emit(series.at(0), False)
    qtbot.waitUntil(lambda: not QToolTip.isVisible())


def test_a_click_on_a_mark_opens_that_photo(
        qtbot: QtBot, parent: QWidget, user: UserSession, db: Database, clinic: Clinic,
        photographed: dict[str, int]) -> None:
    dialog = open_timeline(qtbot, parent, db, user, clinic)
    with opens(qtbot, CompareDialog, dialog) as opened:
        qtbot.mouseClick(dialog.chart_view.viewport(), Qt.MouseButton.LeftButton,
                         pos=on_screen(dialog, PhotoView.FRONT, 1))
    compare = opened.widget
    qtbot.waitUntil(lambda: compare.shown is not None)
    assert compare.shown is not None and compare.shown.after.photo_id == photographed["later"]
    assert compare.shown.before.photo_id == photographed["front"]
    compare.close()


def test_a_client_without_photos_has_no_marks(qtbot: QtBot, parent: QWidget, user: UserSession, db: Database,
                                              clinic: Clinic) -> None:
    log_session(db, clinic.derm, session_entry(clinic, started_at=day(3)))
    dialog = open_timeline(qtbot, parent, db, user, clinic)
    assert dialog.photo_series == {}
    assert dialog.photo_at(PhotoView.FRONT, QPointF(0, 0)) is None
