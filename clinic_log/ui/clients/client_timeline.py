"""The client timeline: all sessions of one client, oldest first, with the course position and a small chart
of the needle depth per treatment area over time (QtCharts, imported when the dialog is first opened)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, QMargins, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QSplitter, QVBoxLayout, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError
from clinic_log.services.clients.timeline import ClientTimeline
from clinic_log.ui.common.rows_table_model import RowsTableModel, fit_columns, make_table_view
from clinic_log.ui.common.user_session import UserSession

HEADERS = ("Date", "Course", "Practitioner", "Device", "Areas and depths", "Complications", "Status")


def timeline_rows(timeline: ClientTimeline) -> list[tuple[str, ...]]:
    return [(s.started_at.astimezone().strftime("%Y-%m-%d %H:%M"), s.course_text or "—", s.practitioner,
             s.device or "—", ", ".join(f"{a.label} {a.depth_mm:g} mm" for a in s.areas) or "—",
             str(s.complications), s.status.capitalize()) for s in timeline.sessions]


class ClientTimelineDialog(QDialog):
    """Emits `session_activated(id)` when a session row is opened (double-click or Enter)."""

    session_activated = Signal(int)

    def __init__(self, timeline: ClientTimeline, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
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
        if self.timeline.sessions:
            first = QDateTime.fromMSecsSinceEpoch(_msecs(self.timeline.sessions[0].started_at))
            last = QDateTime.fromMSecsSinceEpoch(_msecs(self.timeline.sessions[-1].started_at))
            x.setRange(first.addDays(-7), last.addDays(7))
        y.setRange(0, max(depths, default=1.0))
        y.applyNiceNumbers()
        legend_font = chart.legend().font()
        legend_font.setPointSizeF(legend_font.pointSizeF() * 0.85)
        chart.legend().setFont(legend_font)
        chart.setMargins(QMargins(4, 4, 4, 4))
        view = QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(200)
        view.setAccessibleName("Depth chart")
        return view


# Kelly's colours of maximum contrast (without white and black), the most distinct first: a client's many areas
# (face, neck, body) each keep a colour of their own on one chart, where Qt's theme repeats after five.
AREA_COLOURS = ("#0067A5", "#BE0032", "#008856", "#F38400", "#875692", "#848482", "#F3C300", "#A1CAF1",
                "#E68FAC", "#882D17", "#8DB600", "#604E97", "#C2B280", "#2B3D26", "#B3446C", "#DCD300",
                "#654522", "#F99379", "#E25822", "#F6A600")
LINE_STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine)


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

    try:
        if client_id is None:
            if session_id is None:
                raise ValueError("client_id or session_id is needed")
            client_id = client_id_for_session(db, session_id)
        timeline = client_timeline(db, user.actor, client_id)
    except DomainError as exc:
        QMessageBox.warning(parent, "Client timeline", f"The client's timeline cannot be shown: {exc}")
        return None
    dialog = ClientTimelineDialog(timeline, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
