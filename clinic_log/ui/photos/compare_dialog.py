"""Compare two photos of one view: by default the first of the course and the newest (`comparison_pair`), either
side changeable to another photo of the view; side by side, or a wipe (a slider over one canvas: the before image
left of the split, the after image right of it). Zoom (wheel, +/-, 0 to fit) and pan (drag) are one state shared by
both sides. Each side is labelled with its date and session number; the comparison is saved as the PNG on screen
or as a one-page PDF for the client, or that page printed (each audited)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QMouseEvent, QPainter, QPaintEvent, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import PhotoView
from clinic_log.reports.sheet_data import ComparisonSide, PhotoComparison
from clinic_log.services.photos.comparison import (
    comparison,
    comparison_pdf,
    file_name,
    record_comparison_print,
    save_comparison_pdf,
    save_comparison_png,
)
from clinic_log.services.photos.photo_page import ClientPhotos
from clinic_log.services.photos.photos import ComparisonPair, PhotoInfo, comparison_pair
from clinic_log.ui.common.operations import AUDIT, DatabaseOp, QueryOp
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import problem_label, shortcut_button

if TYPE_CHECKING:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter

MIN_ZOOM, MAX_ZOOM, ZOOM_STEP = 1.0, 8.0, 1.25
BACKGROUND = QColor("#20262a")
SPLIT_LINE = QColor("#ffffff")


class ViewState(QObject):
    """The zoom and pan both sides share: `pan` is the image's shift as a fraction of its drawn size."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zoom = 1.0
        self.pan = QPointF(0, 0)

    def zoom_by(self, factor: float) -> None:
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom * factor))
        if zoom != self.zoom:
            self.zoom = zoom
            self._clamp()
            self.changed.emit()

    def pan_by(self, dx: float, dy: float) -> None:
        self.pan = QPointF(self.pan.x() + dx, self.pan.y() + dy)
        self._clamp()
        self.changed.emit()

    def reset(self) -> None:
        self.zoom, self.pan = 1.0, QPointF(0, 0)
        self.changed.emit()

    def _clamp(self) -> None:
        room = (self.zoom - 1) / (2 * self.zoom) if self.zoom > 1 else 0.0  # never pan an edge past the centre
        self.pan = QPointF(max(-room, min(room, self.pan.x())), max(-room, min(room, self.pan.y())))


def image_rect(image: QImage, area: QRectF, state: ViewState) -> QRectF:
    """Where `image` is drawn in `area`: fitted whole, times the zoom, centred, shifted by the pan."""
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return QRectF()
    fit = min(area.width() / image.width(), area.height() / image.height()) * state.zoom
    width, height = image.width() * fit, image.height() * fit
    centre = area.center() + QPointF(state.pan.x() * width, state.pan.y() * height)
    return QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)


class PhotoPane(QWidget):
    """One side of the comparison, or (with `after` set) the wipe: before left of the split, after right of it."""

    def __init__(self, state: ViewState, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setAccessibleName(name)
        self.before = QImage()
        self.after: QImage | None = None
        self.labels = ("", "")
        self.split = 0.5
        self._dragged_from: QPointF | None = None
        self.setMinimumSize(200, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        state.changed.connect(self.update)

    def show_images(self, before: QImage, before_label: str, after: QImage | None = None,
                    after_label: str = "") -> None:
        self.before, self.after, self.labels = before, after, (before_label, after_label)
        self.update()

    def set_split(self, fraction: float) -> None:
        self.split = max(0.0, min(1.0, fraction))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        area = QRectF(self.rect())
        painter.fillRect(area, BACKGROUND)
        if self.after is None:
            painter.drawImage(image_rect(self.before, area, self.state), self.before)
            self._label(painter, self.labels[0], left=True)
        else:
            x = area.width() * self.split
            painter.save()
            painter.setClipRect(QRectF(0, 0, x, area.height()))
            painter.drawImage(image_rect(self.before, area, self.state), self.before)
            painter.restore()
            painter.save()
            painter.setClipRect(QRectF(x, 0, area.width() - x, area.height()))
            painter.drawImage(image_rect(self.after, area, self.state), self.after)
            painter.restore()
            painter.setPen(SPLIT_LINE)
            painter.drawLine(QPointF(x, 0), QPointF(x, area.height()))
            self._label(painter, self.labels[0], left=True)
            self._label(painter, self.labels[1], left=False)
        painter.end()

    def _label(self, painter: QPainter, text: str, left: bool) -> None:
        if not text:
            return
        metrics = painter.fontMetrics()
        pad = 6
        width, height = metrics.horizontalAdvance(text) + 2 * pad, metrics.height() + pad
        x = pad if left else self.width() - width - pad
        box = QRectF(x, self.height() - height - pad, width, height)
        painter.fillRect(box, QColor(0, 0, 0, 170))
        painter.setPen(QColor("#ffffff"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.state.zoom_by(ZOOM_STEP ** steps)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._dragged_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragged_from is None:
            return
        drawn = image_rect(self.before, QRectF(self.rect()), self.state)
        if drawn.width() > 0 and drawn.height() > 0:
            delta = event.position() - self._dragged_from
            self.state.pan_by(delta.x() / drawn.width(), delta.y() / drawn.height())
        self._dragged_from = event.position()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragged_from = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)


def side_text(name: str, side: ComparisonSide) -> str:
    return f"{name} · {side.label}"


def photo_label(photo: PhotoInfo, numbers: dict[int, int | None]) -> str:
    number = numbers.get(photo.session_id) if photo.session_id is not None else None
    session = f" · session {number}" if number else ""
    return f"{photo.taken_at.astimezone():%Y-%m-%d %H:%M}{session} (#{photo.id})"


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes, the binding a str
    buffer.close()
    return bytes(data.data())


class CompareDialog(QDialog):
    def __init__(self, db: Database, user: UserSession, client_ref: str, client_name: str, photos: Sequence[PhotoInfo],
                 session_numbers: dict[int, int | None], view: PhotoView, after: PhotoInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._client_ref = client_ref
        self._photos = [p for p in photos if not p.voided]
        self._numbers = dict(session_numbers)
        self._wanted_after = after
        self.shown: PhotoComparison | None = None
        self.setWindowTitle(f"Compare photos — {client_name}")
        self.state = ViewState(self)

        self.view_combo = QComboBox()
        self.view_combo.setAccessibleName("View")
        for each in PhotoView:
            if any(p.view is each for p in self._photos):
                self.view_combo.addItem(each.label, each.value)
        self.before_combo = QComboBox()
        self.before_combo.setAccessibleName("Before")
        self.after_combo = QComboBox()
        self.after_combo.setAccessibleName("After")
        self.side_radio = QRadioButton("Side &by side")
        self.side_radio.setAccessibleName("Side by side")
        self.wipe_radio = QRadioButton("&Wipe")
        self.wipe_radio.setAccessibleName("Wipe")
        self.side_radio.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.side_radio)
        modes.addButton(self.wipe_radio)
        self.before_pane = PhotoPane(self.state, "Before photo")
        self.after_pane = PhotoPane(self.state, "After photo")
        self.wipe_pane = PhotoPane(self.state, "Wipe comparison")
        self.wipe_slider = QSlider(Qt.Orientation.Horizontal)
        self.wipe_slider.setAccessibleName("Wipe position")
        self.wipe_slider.setRange(0, 100)
        self.wipe_slider.setValue(50)
        self.wipe_slider.valueChanged.connect(lambda value: self.wipe_pane.set_split(value / 100))
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName("Zoom")
        self.problem_label = problem_label()
        self.saved_label = QLabel()
        self.saved_label.setAccessibleName("Saved")
        self.png_button = QPushButton("Save &PNG…")
        self.png_button.setAccessibleName("Save PNG…")
        self.png_button.setToolTip("The comparison as shown, as an image file")
        self.png_button.clicked.connect(self.save_png)
        self.pdf_button = QPushButton("Save P&DF for the client…")
        self.pdf_button.setAccessibleName("Save PDF for the client…")
        self.pdf_button.setToolTip("A one-page PDF with the clinic's header and both photos, for the client")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button = shortcut_button("Print…", QKeySequence(QKeySequence.StandardKey.Print),
                                            "Print the client's page (the same as the PDF)")
        self.print_button.clicked.connect(self.print_comparison)
        self.printer: QPrinter | None = None  # made at the first print; keeps the user's choices afterwards
        close = QPushButton("Close")
        close.clicked.connect(self.reject)

        side = QWidget()
        side_layout = QHBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.before_pane)
        side_layout.addWidget(self.after_pane)
        wipe = QWidget()
        wipe_layout = QVBoxLayout(wipe)
        wipe_layout.setContentsMargins(0, 0, 0, 0)
        wipe_layout.addWidget(self.wipe_pane, 1)
        wipe_layout.addWidget(self.wipe_slider)
        self.stack = QStackedWidget()
        self.stack.addWidget(side)
        self.stack.addWidget(wipe)
        self.wipe_radio.toggled.connect(lambda on: self.stack.setCurrentIndex(1 if on else 0))

        pickers = QFormLayout()
        pickers.addRow("&View", self.view_combo)
        pickers.addRow("B&efore", self.before_combo)
        pickers.addRow("A&fter", self.after_combo)
        top = QHBoxLayout()
        top.addLayout(pickers, 1)
        mode = QVBoxLayout()
        mode.addWidget(self.side_radio)
        mode.addWidget(self.wipe_radio)
        mode.addWidget(self.zoom_label)
        top.addLayout(mode)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Wheel or +/− zooms, drag pans, 0 fits; both sides move together."))
        bottom.addStretch(1)
        bottom.addWidget(self.saved_label)
        bottom.addWidget(self.png_button)
        bottom.addWidget(self.pdf_button)
        bottom.addWidget(self.print_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.problem_label)
        layout.addLayout(bottom)
        for keys, action in ((QKeySequence.StandardKey.ZoomIn, lambda: self.state.zoom_by(ZOOM_STEP)),
                             (QKeySequence("+"), lambda: self.state.zoom_by(ZOOM_STEP)),
                             (QKeySequence("="), lambda: self.state.zoom_by(ZOOM_STEP)),
                             (QKeySequence.StandardKey.ZoomOut, lambda: self.state.zoom_by(1 / ZOOM_STEP)),
                             (QKeySequence("-"), lambda: self.state.zoom_by(1 / ZOOM_STEP)),
                             (QKeySequence("0"), self.state.reset)):
            QShortcut(keys, self, action)
        self.state.changed.connect(self._show_zoom)
        self._show_zoom()
        self.resize(1200, 700)
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            self.resize(min(1200, room.width() - 40), min(700, room.height() - 60))

        self.view_combo.currentIndexChanged.connect(self._view_chosen)
        self.before_combo.currentIndexChanged.connect(self._sides_chosen)
        self.after_combo.currentIndexChanged.connect(self._sides_chosen)
        self._filling = False
        self.view_combo.setCurrentIndex(max(0, self.view_combo.findData(view.value)))
        self._view_chosen()

    @property
    def view(self) -> PhotoView | None:
        data = self.view_combo.currentData()
        return PhotoView(data) if isinstance(data, str) else None

    def _show_zoom(self) -> None:
        self.zoom_label.setText(f"Zoom {self.state.zoom * 100:.0f} %")

    def _view_chosen(self) -> None:
        view = self.view
        if view is None:
            return
        of_view = [p for p in self._photos if p.view is view]  # newest first
        self._filling = True
        for combo in (self.before_combo, self.after_combo):
            combo.clear()
            for photo in of_view:
                combo.addItem(photo_label(photo, self._numbers), photo.id)
        self._filling = False
        actor, ref = self._user.actor, self._client_ref
        QueryOp(self._db, self, "Compare photos", lambda db: comparison_pair(db, actor, ref, view), self._pair,
                key="pair").run_in_background()

    def _pair(self, pair: ComparisonPair) -> None:
        if pair.view is not self.view or pair.before is None:
            return
        after = pair.after or pair.before
        wanted = self._wanted_after
        if wanted is not None and wanted.view is pair.view:
            after = wanted
            self._wanted_after = None
        self._filling = True
        self.before_combo.setCurrentIndex(max(0, self.before_combo.findData(pair.before.id)))
        self.after_combo.setCurrentIndex(max(0, self.after_combo.findData(after.id)))
        self._filling = False
        self._sides_chosen()

    def _sides_chosen(self) -> None:
        if self._filling:
            return
        before, after = self.before_combo.currentData(), self.after_combo.currentData()
        if not isinstance(before, int) or not isinstance(after, int):
            return
        actor = self._user.actor
        self.problem_label.clear()
        QueryOp(self._db, self, "Compare photos", lambda db: comparison(db, actor, before, after), self._show,
                failure=lambda exc: self.problem_label.setText(str(exc)), key="images").run_in_background()

    def _show(self, found: PhotoComparison) -> None:
        self.shown = found
        before, after = QImage.fromData(found.before.image), QImage.fromData(found.after.image)
        before_text, after_text = side_text("Before", found.before), side_text("After", found.after)
        self.before_pane.show_images(before, before_text)
        self.after_pane.show_images(after, after_text)
        self.wipe_pane.show_images(before, before_text, after, after_text)
        self.wipe_pane.set_split(self.wipe_slider.value() / 100)

    def rendered(self) -> QImage:
        """The comparison as it is on screen (both sides, or the wipe), labels included."""
        shown = self.stack.currentWidget()
        return shown.grab().toImage() if shown is not None else QImage()

    def _target(self, caption: str, extension: str, kind: str) -> Path | None:
        if self.shown is None:
            return None
        name, _ = QFileDialog.getSaveFileName(self, caption, file_name(self.shown, extension), kind)
        return Path(name) if name else None

    def save_png(self) -> None:
        out = self._target("Save the comparison as an image", "png", "PNG image (*.png)")
        if out is None or self.shown is None:
            return
        found, actor, png = self.shown, self._user.actor, png_bytes(self.rendered())
        self._save("Save comparison", lambda db: save_comparison_png(db, actor, found, png, out), out)

    def save_pdf(self) -> None:
        out = self._target("Save the comparison for the client", "pdf", "PDF (*.pdf)")
        if out is None or self.shown is None:
            return
        found, actor = self.shown, self._user.actor
        self._save("Save comparison", lambda db: save_comparison_pdf(db, actor, found, out), out)

    def print_comparison(self) -> None:
        """Print the page the PDF for the client holds (one builder for both: built on the worker), through the
        print dialog; the print is recorded in the audit log as a save is."""
        if self.shown is None:
            return
        found = self.shown
        self.problem_label.clear()
        self.saved_label.clear()
        QueryOp(self._db, self, "Print comparison", lambda _db: comparison_pdf(found),
                lambda pdf: self._print(found, pdf), failure=lambda exc: self.problem_label.setText(str(exc)),
                key="print").run_in_background()

    def _print(self, found: PhotoComparison, pdf: bytes) -> None:
        from PySide6.QtPdf import QPdfDocument

        document = QPdfDocument(self)
        buffer = QBuffer(document)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)

        def loaded(status: QPdfDocument.Status) -> None:
            if status == QPdfDocument.Status.Ready:
                document.statusChanged.disconnect(loaded)
                self._print_document(found, document)
                document.deleteLater()
            elif status == QPdfDocument.Status.Error:
                document.statusChanged.disconnect(loaded)
                self.problem_label.setText(f"The page could not be prepared for printing ({document.error().name}).")
                document.deleteLater()

        document.statusChanged.connect(loaded)
        document.load(buffer)

    def _print_document(self, found: PhotoComparison, document: QPdfDocument) -> None:
        from clinic_log.ui.common.printing import ask_and_print, printer_for, printer_name

        self.printer = printer_for(self.printer, document, self.windowTitle())
        if not ask_and_print(self, self.printer, document, "comparison"):
            return
        where, actor = printer_name(self.printer), self._user.actor
        DatabaseOp(self._db, self, "Print comparison", lambda db: record_comparison_print(db, actor, found),
                   lambda _none: self.saved_label.setText(f"Sent to {where}"), kinds={AUDIT},
                   failure=lambda exc: self.problem_label.setText(f"Printed; the print could not be recorded: {exc}")
                   ).run_in_background()

    def _save(self, name: str, work: Callable[[Database], None], out: Path) -> None:
        self.problem_label.clear()
        self.saved_label.clear()
        DatabaseOp(self._db, self, name, work, lambda _none: self.saved_label.setText(f"Saved {out}"),
                   kinds={AUDIT}, failure=lambda exc: self.problem_label.setText(str(exc))).run_in_background()


def open_comparison(db: Database, user: UserSession, client_name: str, found: ClientPhotos, photo: PhotoInfo,
                    parent: QWidget) -> CompareDialog:
    """Open one photo from a list of the client's photos (the session view, the timeline): the comparison of its
    view with it on the after side and the first of the course before it (alone, it shows on both sides)."""
    standing = [p for p in found.photos if not p.voided]
    dialog = CompareDialog(db, user, found.client_ref, client_name, standing, found.session_numbers, photo.view,
                           after=photo, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
