"""The owner's Dashboard tab: sessions per month, complication rates with 95 % intervals, and what expires soon.

The figures are computed in SQL by `services.dashboard.load_dashboard`, off the GUI thread behind a progress
dialog with Cancel. QtCharts is imported when the first figures arrive (it is heavy and only owners see this).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.services.devices.lots import LotRecord, StockWarnings
from clinic_log.services.review.dashboard import Dashboard, GroupRate
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.operations import PEOPLE, REFERENCE, SESSIONS, on_records_changed
from clinic_log.ui.common.progress_dialog import run_with_progress
from clinic_log.ui.common.rows_table_model import RowsTableModel, fit_columns, make_table_view
from clinic_log.ui.common.user_session import UserSession

if TYPE_CHECKING:
    from PySide6.QtCharts import QChartView

GROUPINGS = (("practitioner", "Practitioner"), ("device", "Device"), ("area", "Treatment area"))
RATE_HEADERS = ("", "Sessions", "Adverse", "Rate", "95 % interval", "Any")  # Any: with any complication
CREDENTIAL_HEADERS = ("Practitioner", "Credential", "Number", "Expires", "Days left")
LOT_HEADERS = ("Cartridge lot", "Expires", "Days left")
NAME_CHARS = 32  # a practitioner, device (with its serial) or area name shown whole on the rate chart
FEW_SESSIONS = 30  # below this a rate is shown as "too few to judge" in the tooltip


def days_left_text(days: int) -> str:
    """"11", "today" or "expired" — not "-189" (`days_left_tip` says how long ago)."""
    if days < 0:
        return "expired"
    return "today" if days == 0 else str(days)


def days_left_tip(days: int) -> str | None:
    return f"Expired {-days} day{'s' if days != -1 else ''} ago" if days < 0 else None


def percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def rate_rows(rows: tuple[GroupRate, ...]) -> tuple[list[tuple[str, ...]], list[tuple[str | None, ...]]]:
    """Table text and tooltips: counts, adverse rate, its Wilson interval, and the any-complication rate."""
    loc = QLocale()
    texts: list[tuple[str, ...]] = []
    tips: list[tuple[str | None, ...]] = []
    for r in rows:
        a = r.adverse_rate
        texts.append((r.label, loc.toString(r.sessions), loc.toString(a.events), percent(a.value),
                      f"{percent(a.low)} – {percent(a.high)}", percent(r.any_rate.value)))
        caution = (f"Only {r.sessions} sessions: the true rate could be anywhere in the interval"
                   if r.sessions < FEW_SESSIONS else None)
        tips.append((None, caution, None, caution, "95 % Wilson score interval of the adverse rate",
                     "Sessions with any complication, expected ones (e.g. erythema) included"))
    return texts, tips


def _soon(lot: LotRecord, today: date) -> str:
    left = "" if lot.left is None else f", {lot.left} left"
    expires = lot.expires_on or today  # only lots with an expiry are listed as expiring
    return f"{lot.lot_number} — {expires.isoformat()} (in {(expires - today).days} days{left})"


def stock_text(stock: StockWarnings | None, today: date) -> str:
    """The stock box: lots at or below the low-stock setting, and lots expiring within the expiring-soon setting."""
    if stock is None:
        return ""
    if not stock.low_stock and not stock.expiring:
        return (f"Cartridge stock: no lot has {stock.low_stock_at} or fewer left or expires within "
                f"{stock.within_days} days.")
    lines = []
    if stock.low_stock:
        lines.append(f"Low on stock ({stock.low_stock_at} or fewer left): " + "; ".join(
            f"{lot.lot_number} — {lot.left} of {lot.quantity_received} left" for lot in stock.low_stock))
    if stock.expiring:
        lines.append(f"Expiring within {stock.within_days} days: "
                     + "; ".join(_soon(lot, today) for lot in stock.expiring))
    return "\n".join(lines)


class DashboardPage(QWidget):
    """The figures, computed when the page is made (`load`) and again on Refresh figures or a records change."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None, *, today: date | None = None,
                 load: bool = True) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._today = today
        self._background = BackgroundRunner(self)
        on_records_changed(self, {SESSIONS, PEOPLE, REFERENCE}, self.reload)  # when next shown, if hidden
        self.dashboard: Dashboard | None = None
        self._month_view: QChartView | None = None
        self._rate_view: QChartView | None = None

        self.status_label = QLabel("Loading the figures…")
        self.status_label.setAccessibleName("Dashboard status")
        self.refresh_button = QPushButton("Refresh fi&gures")
        self.refresh_button.setAccessibleName("Refresh figures")
        self.refresh_button.setToolTip("Compute the figures again from the database")
        self.refresh_button.clicked.connect(self.reload)
        self.grouping_combo = QComboBox()
        for key, label in GROUPINGS:
            self.grouping_combo.addItem(label, key)
        grouping_label = QLabel("Complication rate b&y")
        grouping_label.setBuddy(self.grouping_combo)
        self.grouping_combo.setAccessibleName("Complication rate by")
        self.grouping_combo.currentIndexChanged.connect(self._show_rates)

        self.rate_model = RowsTableModel(RATE_HEADERS, numeric=(1, 2, 3, 4, 5), parent=self)
        self.rate_table = make_table_view(self.rate_model, "Complication rates")
        self.credential_model = RowsTableModel(CREDENTIAL_HEADERS, numeric=(4,), parent=self)
        self.credential_table = make_table_view(self.credential_model, "Expiring credentials")
        self.lot_model = RowsTableModel(LOT_HEADERS, numeric=(2,), parent=self)
        self.lot_table = make_table_view(self.lot_model, "Expiring cartridge lots")
        self.stock_label = QLabel()
        self.stock_label.setAccessibleName("Cartridge stock warnings")
        self.stock_label.setTextFormat(Qt.TextFormat.PlainText)

        top = QHBoxLayout()
        top.addWidget(self.status_label, 1)
        top.addWidget(grouping_label)
        top.addWidget(self.grouping_combo)
        top.addWidget(self.refresh_button)
        self._charts = QVBoxLayout()  # the two charts go here once QtCharts is loaded
        side = QVBoxLayout()
        side.addWidget(self.stock_label)
        side.addWidget(QLabel("<b>Adverse complication rate</b> (sessions with at least one adverse "
                              "complication; 95 % interval: a rate from few sessions is not a trend)"))
        side.addWidget(self.rate_table, 3)
        side.addWidget(QLabel("<b>Credentials expiring in the next 90 days</b>"))
        side.addWidget(self.credential_table, 2)
        side.addWidget(QLabel("<b>Cartridge lots expiring in the next 90 days</b>"))
        side.addWidget(self.lot_table, 2)
        for index in range(side.count()):
            item = side.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                widget.setWordWrap(True)
        grid = QGridLayout()
        grid.addLayout(self._charts, 0, 0)
        grid.addLayout(side, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        self.setTabOrder(self.grouping_combo, self.refresh_button)
        self.setTabOrder(self.refresh_button, self.rate_table)
        self.setTabOrder(self.rate_table, self.credential_table)
        self.setTabOrder(self.credential_table, self.lot_table)
        if load:
            self.reload()

    def reload(self) -> None:
        today = self._today or date.today()
        self.status_label.setText("Computing the figures…")
        self.refresh_button.setEnabled(False)
        from clinic_log.services.review.dashboard import load_dashboard

        run_with_progress(self._background, self, "Dashboard", "Computing the dashboard figures…",
                          lambda progress: load_dashboard(self._db, self._user.actor, today, progress),
                          self.show_dashboard, self._failed, key="dashboard", on_cancel=self._cancelled)

    def _cancelled(self) -> None:
        self.refresh_button.setEnabled(True)
        self.status_label.setText("Cancelled; Refresh figures computes them again.")

    def _failed(self, exc: Exception) -> None:
        self.refresh_button.setEnabled(True)
        self.status_label.setText(f"The figures could not be computed: {exc}")

    def show_dashboard(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self.refresh_button.setEnabled(True)
        total = sum(m.sessions for m in dashboard.months)
        self.status_label.setText(f"{QLocale().toString(total)} sessions in {len(dashboard.months)} months")
        self._show_months(dashboard)
        self._show_rates()
        self.credential_model.set_rows(
            [(c.practitioner, c.kind, c.number, c.expires_on.isoformat(), days_left_text(c.days_left))
             for c in dashboard.credentials],
            tooltips=[(None, None, None, None, days_left_tip(c.days_left)) for c in dashboard.credentials])
        self.lot_model.set_rows([(lot.lot_number, lot.expires_on.isoformat(), days_left_text(lot.days_left))
                                 for lot in dashboard.lots],
                                tooltips=[(None, None, days_left_tip(lot.days_left)) for lot in dashboard.lots])
        for view in (self.credential_table, self.lot_table):
            fit_columns(view)
        self.stock_label.setText(stock_text(dashboard.stock, self._today or date.today()))
        warned = dashboard.stock is not None and bool(dashboard.stock.low_stock or dashboard.stock.expiring)
        self.stock_label.setStyleSheet("color: #8a4b00;" if warned else "")

    def current_rates(self) -> tuple[GroupRate, ...]:
        if self.dashboard is None:
            return ()
        key = self.grouping_combo.currentData()
        return {"practitioner": self.dashboard.by_practitioner, "device": self.dashboard.by_device,
                "area": self.dashboard.by_area}[key]

    def _show_rates(self) -> None:
        rows = self.current_rates()
        texts, tips = rate_rows(rows)
        self.rate_model.set_rows(texts, keys=[r.key for r in rows], tooltips=tips)
        fit_columns(self.rate_table)
        self._show_rate_chart(rows)

    # --- charts (QtCharts loaded here, on first use) ---------------------------------------------------

    def _chart_view(self) -> QChartView:
        from PySide6.QtCharts import QChartView

        view = QChartView()
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(180)
        self._charts.addWidget(view, 1)
        return view

    @staticmethod
    def _fresh_chart(view: QChartView, title: str) -> Any:
        """A new, empty chart on `view`, the one it showed deleted: clearing a chart and adding new axes left the
        old axes' labels drawn under the new ones."""
        from PySide6.QtCharts import QChart

        chart = QChart()
        chart.setTitle(title)
        chart.legend().setVisible(False)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        old = view.chart()
        view.setChart(chart)
        if old is not None:
            old.deleteLater()
        return chart

    def _show_months(self, dashboard: Dashboard) -> None:
        from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QValueAxis

        if self._month_view is None:
            self._month_view = self._chart_view()
            self._month_view.setAccessibleName("Sessions per month")
        chart = self._fresh_chart(self._month_view, "Sessions per month")
        bars = QBarSet("Sessions")
        months = dashboard.months[-24:]  # two years fit at 1366 px; the table of every month is the export
        for m in months:
            bars.append(m.sessions)
        series = QBarSeries()
        series.append(bars)
        chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append([_month_label(m.month) for m in months])
        x.setLabelsAngle(-90)  # 24 month names side by side would be elided to "…"
        y = QValueAxis()
        y.setRange(0, max((m.sessions for m in months), default=1))
        y.applyNiceNumbers()
        y.setLabelFormat("%d")
        _attach(chart, series, x, Qt.AlignmentFlag.AlignBottom)
        _attach(chart, series, y, Qt.AlignmentFlag.AlignLeft)

    def _show_rate_chart(self, rows: tuple[GroupRate, ...]) -> None:
        if self.dashboard is None:
            return
        from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QHorizontalStackedBarSeries, QValueAxis
        from PySide6.QtGui import QColor

        if self._rate_view is None:
            self._rate_view = self._chart_view()
            self._rate_view.setAccessibleName("Complication rate chart")
        chart = self._fresh_chart(self._rate_view, f"Adverse complication rate by "
                                  f"{self.grouping_combo.currentText().lower()} (dark: rate; pale: up to its upper "
                                  "95 % limit)")
        rows = tuple(reversed(rows))  # horizontal bars are drawn bottom up: the table's first row on top
        # stacked: the rate, then the pale band up to the interval's upper limit
        rate_set, band_set = QBarSet("Rate %"), QBarSet("Upper 95 % limit")
        rate_set.setColor(QColor("#2f6f9f"))
        band_set.setColor(QColor("#b9d3e6"))
        for r in rows:
            rate_set.append(100 * r.adverse_rate.value)
            band_set.append(100 * (r.adverse_rate.high - r.adverse_rate.value))
        series = QHorizontalStackedBarSeries()  # names on the left, in full: "Dr Maria Brandt", not "Dr Maria B..."
        series.append(rate_set)
        series.append(band_set)
        chart.addSeries(series)
        names = QBarCategoryAxis()
        names.append([_short(r.label, NAME_CHARS) for r in rows])
        rates = QValueAxis()
        rates.setRange(0, max((100 * r.adverse_rate.high for r in rows), default=1.0) or 1.0)
        rates.applyNiceNumbers()
        rates.setLabelFormat("%.0f %%")
        _attach(chart, series, names, Qt.AlignmentFlag.AlignLeft)
        _attach(chart, series, rates, Qt.AlignmentFlag.AlignBottom)

    def wait(self) -> bool:
        return self._background.wait()


def _attach(chart: Any, series: Any, axis: Any, where: Qt.AlignmentFlag) -> None:
    chart.addAxis(axis, where)
    series.attachAxis(axis)


def _month_label(month: str) -> str:
    """"Jan 26" for "2026-01"."""
    year, number = month.split("-")
    names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{names[int(number) - 1]} {year[2:]}"


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
