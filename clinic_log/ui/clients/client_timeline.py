"""The client timeline: all sessions of one client, oldest first, with the course position and a small chart
of the needle depth per treatment area over time (QtCharts, imported when the dialog is first opened). Each photo
of the client (voided ones left out) is a mark on its day along the chart's foot, one marker shape per view, with
its view, area and time in a tooltip; a click opens it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDateTime, QMargins, QModelIndex, QPersistentModelIndex, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QSplitter,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import PhotoView
from clinic_log.domain.errors import DomainError
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.services.clients.timeline import ClientTimeline
from clinic_log.services.photos.photos import PhotoInfo
from clinic_log.ui.common.rows_table_model import RowsTableModel, fit_columns, make_table_view
from clinic_log.ui.common.user_session import UserSession

HEADERS = ("Date", "Course", "Practitioner", "Device", "Areas and depths", "Complications", "Status")


def timeline_rows(timeline: ClientTimeline) -> list[tuple[str, ...]]:
    return [(s.started_at.astimezone().strftime("%Y-%m-%d %H:%M"), s.course_text or "—", s.practitioner,
             s.device or "—", ", ".join(f"{a.label} {a.depth_mm:g} mm" for a in s.areas) or "—",
             str(s.complications), s.status.capitalize()) for s in timeline.sessions]


PHOTO_MARK_COLOUR = "#37474f"
PHOTO_ROW = 0.05  # the marks' height on the chart's foot, as a share of its height; a day's next photo sits above


def photo_tooltip(photo: PhotoInfo, area_labels: dict[str, str]) -> str:
    """`Front photo · Cheeks · taken 2026-03-10 12:00` (local time); a click opens it."""
    area = area_labels.get(photo.area_code, photo.area_code.replace("_", " ")) if photo.area_code else "no area"
    return f"{photo.view.label} photo · {area} · taken {photo.taken_at.astimezone():%Y-%m-%d %H:%M}\nClick to open it"


class ClientTimelineDialog(QDialog):
    """Emits `session_activated(id)` when a session row is opened (double-click or Enter), `photo_activated(photo)`
    when a photo's mark is clicked."""

    session_activated = Signal(int)
    photo_activated = Signal(object)  # the PhotoInfo

    def __init__(self, timeline: ClientTimeline, parent: QWidget | None = None,
                 photos: Sequence[PhotoInfo] = ()) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.photos = tuple(sorted((p for p in photos if not p.voided), key=lambda p: (p.taken_at, p.id)))
        self.photo_series: dict[PhotoView, Any] = {}  # QScatterSeries per view, with the photos in point order
        self._marked: dict[PhotoView, list[PhotoInfo]] = {}
        self.setWindowTitle(f"Timeline — {timeline.client_name} ({timeline.client_ref})")
        count = len(timeline.sessions)
        self.heading = QLabel(f"<b>{_escape(timeline.client_name)}</b> ({_escape(timeline.client_ref)}): "
                              f"{count} session{'s' if count != 1 else ''}")
        self.heading.setAccessibleName("Client")
        self.model = RowsTableModel(HEADERS, numeric=(5,), parent=self)
        self.model.set_rows(timeline_rows(timeline), keys=[s.id for s in timeline.sessions])
        self.table = make_table_view(self.model, "Client sessions")
        fit_columns(self.table, widest=360)
        self.table.activated.connect(self._on_activated)
        self.chart_view = self._depth_chart()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart_view)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        # the chart's legend lists each area: up to 16 at the default size, more when the splitter is dragged
        splitter.setSizes([380, 210])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.resize(980, 640)
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            self.resize(min(980, available.width() - 40), min(640, available.height() - 60))

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        key = self.model.key(index.row())
        if isinstance(key, int):
            self.session_activated.emit(key)

    def _depth_chart(self) -> Any:
        from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis

        chart = QChart()
        chart.setTitle("Needle depth per area (mm)")
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        x = QDateTimeAxis()
        x.setFormat("MMM yy")
        y = QValueAxis()
        y.setLabelFormat("%.1f")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series_by_area = self.timeline.depth_series()
        depths = [d for points in series_by_area.values() for _, d in points]
        for n, (label, points) in enumerate(series_by_area.items()):
            series = QLineSeries()
            series.setName(label)
            series.setPointsVisible(True)
            pen = series.pen()
            pen.setColor(QColor(area_colour(n)))
            pen.setWidthF(2.0)
            pen.setStyle(LINE_STYLES[n // len(AREA_COLOURS) % len(LINE_STYLES)])  # past the colours: dashed
            series.setPen(pen)
            for moment, depth in points:
                series.append(_msecs(moment), depth)
            chart.addSeries(series)
            series.attachAxis(x)
            series.attachAxis(y)
        self._photo_marks(chart, x)
        moments = [s.started_at for s in self.timeline.sessions] + [p.taken_at for p in self.photos]
        if moments:
            first = QDateTime.fromMSecsSinceEpoch(_msecs(min(moments)))
            last = QDateTime.fromMSecsSinceEpoch(_msecs(max(moments)))
            x.setRange(first.addDays(-7), last.addDays(7))
        y.setRange(0, max(depths, default=1.0))
        y.applyNiceNumbers()
        chart.legend().setMarkerShape(chart.legend().MarkerShape.MarkerShapeFromSeries)  # a photo's mark as drawn
        legend_font = chart.legend().font()
        legend_font.setPointSizeF(legend_font.pointSizeF() * 0.85)
        chart.legend().setFont(legend_font)
        chart.setMargins(QMargins(4, 4, 4, 4))
        view = QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(200)
        view.setAccessibleName("Depth chart")
        return view

    def _photo_marks(self, chart: Any, x: Any) -> None:
        """A scatter series per view photographed, on a hidden axis of its own: the marks stand at the chart's foot
        whatever the depths, and the legend names each view's marker ("Front photo")."""
        if not self.photos:
            return
        from PySide6.QtCharts import QScatterSeries, QValueAxis

        chart.setTitle(f"{chart.title()}; photos marked along the foot")
        foot = QValueAxis()
        foot.setRange(0, 1)
        foot.setVisible(False)
        chart.addAxis(foot, Qt.AlignmentFlag.AlignRight)
        areas = {a.area_code: a.label for s in self.timeline.sessions for a in s.areas}
        on_day: dict[date, int] = {}
        for photo in self.photos:
            series = self.photo_series.get(photo.view)
            if series is None:
                series = QScatterSeries()
                series.setName(f"{photo.view.label} photo")
                series.setMarkerShape(photo_marker(photo.view))
                series.setMarkerSize(12)
                series.setColor(QColor(PHOTO_MARK_COLOUR))
                series.setBorderColor(QColor("#ffffff"))
                chart.addSeries(series)
                series.attachAxis(x)
                series.attachAxis(foot)
                view = photo.view
                series.hovered.connect(lambda point, state, v=view: self._hovered(v, point, state, areas))
                series.clicked.connect(lambda point, v=view: self._clicked(v, point))
                self.photo_series[view], self._marked[view] = series, []
            day = photo.taken_at.astimezone().date()
            above = on_day.get(day, 0)
            on_day[day] = above + 1
            series.append(_msecs(photo.taken_at), PHOTO_ROW * (1 + 2 * above))
            self._marked[photo.view].append(photo)

    def photo_at(self, view: PhotoView, point: QPointF) -> PhotoInfo | None:
        """The photo whose mark (of `view`) is nearest `point`, in chart values."""
        series, photos = self.photo_series.get(view), self._marked.get(view, [])
        if series is None or not photos:
            return None
        points = series.points()
        nearest = min(range(len(points)), key=lambda i: (points[i].x() - point.x()) ** 2 * 1e-12
                      + (points[i].y() - point.y()) ** 2)
        return photos[nearest]

    def _hovered(self, view: PhotoView, point: QPointF, state: bool, areas: dict[str, str]) -> None:
        photo = self.photo_at(view, point) if state else None
        if photo is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(QCursor.pos(), photo_tooltip(photo, areas), self.chart_view)

    def _clicked(self, view: PhotoView, point: QPointF) -> None:
        photo = self.photo_at(view, point)
        if photo is not None:
            self.photo_activated.emit(photo)


# Kelly's colours of maximum contrast (without white and black), the most distinct first: a client's many areas
# (face, neck, body) each keep a colour of their own on one chart, where Qt's theme repeats after five.
AREA_COLOURS = ("#0067A5", "#BE0032", "#008856", "#F38400", "#875692", "#848482", "#F3C300", "#A1CAF1",
                "#E68FAC", "#882D17", "#8DB600", "#604E97", "#C2B280", "#2B3D26", "#B3446C", "#DCD300",
                "#654522", "#F99379", "#E25822", "#F6A600")
LINE_STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine)


def photo_marker(view: PhotoView) -> Any:
    """The marker shape of a view's photos on the timeline (QtCharts is imported with the dialog)."""
    from PySide6.QtCharts import QScatterSeries

    shape = QScatterSeries.MarkerShape
    return {PhotoView.FRONT: shape.MarkerShapeCircle, PhotoView.LEFT45: shape.MarkerShapeTriangle,
            PhotoView.RIGHT45: shape.MarkerShapeRotatedRectangle, PhotoView.LEFT90: shape.MarkerShapePentagon,
            PhotoView.RIGHT90: shape.MarkerShapeStar, PhotoView.CLOSEUP: shape.MarkerShapeRectangle}[view]


def area_colour(n: int) -> str:
    """The colour of the chart's `n`th area line (the same colour comes back only after 20 areas, dashed)."""
    return AREA_COLOURS[n % len(AREA_COLOURS)]


def _msecs(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show_client_timeline(db: Database, user: UserSession, parent: QWidget, *, client_id: int | None = None,
                         session_id: int | None = None) -> ClientTimelineDialog | None:
    """Open the timeline of `client_id` (or of `session_id`'s client) window-modal; a warning if it cannot."""
    from clinic_log.services.clients.timeline import client_id_for_session, client_timeline
    from clinic_log.services.photos.photo_page import ClientPhotos, client_photos

    photos: ClientPhotos | None = None
    try:
        if client_id is None:
            if session_id is None:
                raise ValueError("client_id or session_id is needed")
            client_id = client_id_for_session(db, session_id)
        timeline = client_timeline(db, user.actor, client_id)
        if user.actor.role in ALLOWED[Permission.VIEW_PHOTOS]:
            photos = client_photos(db, user.actor, timeline.client_ref, date.today())
    except DomainError as exc:
        QMessageBox.warning(parent, "Client timeline", f"The client's timeline cannot be shown: {exc}")
        return None
    dialog = ClientTimelineDialog(timeline, parent, photos.photos if photos is not None else ())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if photos is not None:
        from clinic_log.ui.photos.compare_dialog import open_comparison

        found = photos
        dialog.photo_activated.connect(
            lambda photo: open_comparison(db, user, timeline.client_name, found, photo, dialog))
    dialog.open()
    return dialog
