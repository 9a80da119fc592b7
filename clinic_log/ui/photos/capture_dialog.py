"""Take a photo with the workstation's camera: the live image with the newest earlier photo of the chosen view laid
over it as a translucent ghost (opacity 0–100 %, 40 % to start) and a rule-of-thirds grid, so before and after line
up. The picture is saved to an owner-only temporary file and stored by `add_photos`, the path files take too (its
time: the moment of capture). A missing, busy or unplugged camera is a message in the window, never a hang.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen, QPixmap, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PhotoView, TakenAtSource
from clinic_log.domain.errors import DomainError
from clinic_log.services.photos.photos import AddResult, PhotoInfo, add_photos, list_photos, original
from clinic_log.ui.common.operations import CLIENTS, DatabaseOp, QueryOp, show_failure
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.camera_source import CameraSource, QtCameraSource

log = logging.getLogger(__name__)
GHOST_OPACITY = 40  # per cent, to start
FIRST_FRAME_MS = 8000  # no live image by then: the camera is busy or broken
CAPTURE_MS = 10000  # no picture by then: the camera hung
WAITING = "Starting the camera…"
NO_FRAME = ("The camera gave no picture within {s} seconds: it may be in use by another program. Close that "
            "program and open this window again.")
NO_STILL = "The camera did not deliver the picture within {s} seconds; nothing was stored. Try again."
GRID_PEN = QColor(255, 255, 255, 170)


def _temp_jpeg(image: QImage) -> Path:
    """The captured picture as a JPEG in a new owner-only folder (removed once stored)."""
    folder = Path(tempfile.mkdtemp(prefix="clinic-log-capture-"))  # mode 0700
    path = folder / f"capture-{datetime.now(UTC):%Y%m%dT%H%M%S}.jpg"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    # PySide6 6.11 takes the format as str at run time though its stubs say bytes
    if not image.save(str(path), "JPEG", 95):  # type: ignore[call-overload]
        raise OSError(f"the picture could not be written to {path}")
    return path


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # something else in it: left for the user to see
        path.parent.rmdir()


def store_capture(db: Database, actor: Actor, client_ref: str, image_path: Path, taken: datetime, view: PhotoView,
                  session_id: int | None, area: str | None) -> AddResult:
    """Store the saved picture as a photo taken at the moment of capture (by `actor`), then remove the temporary
    file."""
    try:
        return add_photos(db, actor, client_ref, [image_path], session_id=session_id, view=view,
                          area=area, taken=taken, taken_source=TakenAtSource.CAPTURE)
    finally:
        _discard(image_path)


class CaptureDialog(QDialog):
    """The camera window for one client (and optionally one of their sessions and an area)."""

    def __init__(self, db: Database, user: UserSession, client_ref: str, client_name: str, *,
                 view: PhotoView = PhotoView.FRONT, session_id: int | None = None, area: str | None = None,
                 source: CameraSource | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._client_ref = client_ref
        self._session_id = session_id
        self._area = area
        self._source = source if source is not None else QtCameraSource()
        self._source.setParent(self)
        self._frames = 0
        self._failed = False
        self._capturing: datetime | None = None
        self.stored: list[int] = []  # ids of the photos stored while the window was open
        self.setWindowTitle(f"Take a photo — {client_name} ({client_ref})")

        self.scene = QGraphicsScene(self)
        self.live = QGraphicsPixmapItem()
        self.live.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.ghost = QGraphicsPixmapItem()
        self.ghost.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.ghost.setZValue(1)
        self.scene.addItem(self.live)
        self.scene.addItem(self.ghost)
        pen = QPen(GRID_PEN, 1)
        pen.setCosmetic(True)
        self.grid = [QGraphicsLineItem() for _ in range(4)]
        for line in self.grid:
            line.setPen(pen)
            line.setZValue(2)
            self.scene.addItem(line)
        self.viewer = QGraphicsView(self.scene)
        self.viewer.setAccessibleName("Live camera image")
        self.viewer.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.viewer.setBackgroundBrush(QColor("#202020"))
        self.viewer.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewer.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewer.setMinimumSize(480, 360)

        self.view_combo = QComboBox()
        self.view_combo.setAccessibleName("View")
        for v in PhotoView:
            self.view_combo.addItem(v.label, v.value)
        self.view_combo.setCurrentIndex(list(PhotoView).index(view))
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setAccessibleName("Ghost opacity")
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setSingleStep(5)
        self.opacity_slider.setPageStep(10)
        self.opacity_slider.setValue(GHOST_OPACITY)
        self.opacity_value = QLabel()
        self.opacity_value.setMinimumWidth(40)
        self.grid_check = QCheckBox("Rule-of-thirds &grid")
        self.grid_check.setAccessibleName("Rule-of-thirds grid")
        self.grid_check.setChecked(True)
        self.ghost_label = QLabel()
        self.ghost_label.setAccessibleName("Ghost")
        self.ghost_label.setWordWrap(True)
        self.message = QLabel(WAITING)
        self.message.setAccessibleName("Camera message")
        self.message.setWordWrap(True)
        self.stored_label = QLabel()
        self.stored_label.setAccessibleName("Stored")
        self.stored_label.setWordWrap(True)

        self.capture_button = QPushButton("&Capture")
        self.capture_button.setAccessibleName("Capture")
        self.capture_button.setEnabled(False)
        self.capture_button.setDefault(True)
        self.capture_button.clicked.connect(self.capture)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.capture)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        opacity = QHBoxLayout()
        opacity.addWidget(self.opacity_slider, 1)
        opacity.addWidget(self.opacity_value)
        form = QFormLayout()
        form.addRow("&View", self.view_combo)
        opacity_label = QLabel("Ghost &opacity")
        opacity_label.setBuddy(self.opacity_slider)  # the row holds a layout: the label needs its buddy named
        form.addRow(opacity_label, opacity)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.grid_check)
        side.addWidget(self.ghost_label)
        side.addWidget(self.message)
        side.addStretch(1)
        side.addWidget(self.stored_label)
        side.addWidget(self.capture_button)
        side.addWidget(buttons)
        panel = QWidget()
        panel.setLayout(side)
        panel.setFixedWidth(300)
        layout = QHBoxLayout(self)
        layout.addWidget(self.viewer, 1)
        layout.addWidget(panel)
        self.setTabOrder(self.view_combo, self.opacity_slider)
        self.setTabOrder(self.opacity_slider, self.grid_check)
        self.setTabOrder(self.grid_check, self.capture_button)

        self.opacity_slider.valueChanged.connect(self._on_opacity)
        self.grid_check.toggled.connect(self._show_grid)
        self.view_combo.currentIndexChanged.connect(lambda _i: self._load_ghost())
        self._source.frame.connect(self._on_frame)
        self._source.captured.connect(self._on_captured)
        self._source.failed.connect(self._on_failed)
        self._first_frame_timer = QTimer(self, singleShot=True, interval=FIRST_FRAME_MS)
        self._first_frame_timer.timeout.connect(self._no_first_frame)
        self._capture_timer = QTimer(self, singleShot=True, interval=CAPTURE_MS)
        self._capture_timer.timeout.connect(self._no_still)
        self._on_opacity(self.opacity_slider.value())
        self.resize(1100, 700)
        screen = self.screen()
        if screen is not None:
            area_ = screen.availableGeometry()
            self.resize(min(1100, area_.width() - 40), min(700, area_.height() - 60))
        self._load_ghost()
        self._first_frame_timer.start()
        QTimer.singleShot(0, self._start_camera)  # the window shows first; a slow camera never holds it up

    # --- what the user picks ----------------------------------------------------------------------

    @property
    def chosen_view(self) -> PhotoView:
        return PhotoView(self.view_combo.currentData())

    def _on_opacity(self, value: int) -> None:
        self.ghost.setOpacity(value / 100)
        self.opacity_value.setText(f"{value} %")

    def _show_grid(self, shown: bool) -> None:
        for line in self.grid:
            line.setVisible(shown)

    def _load_ghost(self) -> None:
        view = self.chosen_view
        ref = self._client_ref

        def newest(db: Database) -> tuple[PhotoInfo, bytes] | None:
            actor = self._user.actor
            found = list_photos(db, actor, ref, view=view, include_voided=False)
            return (found[0], original(db, actor, found[0].id).data) if found else None

        QueryOp(self._db, self, "Earlier photo", newest, self._show_ghost, key="ghost").run_in_background()

    def _show_ghost(self, found: tuple[PhotoInfo, bytes] | None) -> None:
        if found is None:
            self.ghost.setPixmap(QPixmap())
            self.ghost_label.setText(f"No earlier {self.chosen_view.label.lower()} photo: nothing to line up with.")
            return
        info, data = found
        pixmap = QPixmap()
        pixmap.loadFromData(data)
        self.ghost.setPixmap(pixmap)
        self.ghost_label.setText(f"Ghost: the {info.view.label.lower()} photo of "
                                 f"{info.taken_at.astimezone():%Y-%m-%d %H:%M} (photo {info.id}).")
        self._place()

    # --- the camera -------------------------------------------------------------------------------

    def _start_camera(self) -> None:
        try:
            self._source.start()
        except Exception as exc:  # a driver's surprise is a message in the window, not a crash
            log.error("the camera could not be started", exc_info=exc)
            self._on_failed(f"The camera could not be started ({exc}); nothing can be captured. Add the photo as "
                            "a file instead.")

    def _on_frame(self, image: QImage) -> None:
        if self._failed:  # a camera that recovered (e.g. was only not ready) may be used again
            self._failed = False
        self._frames += 1
        self._first_frame_timer.stop()
        size_changed = self.live.pixmap().size() != image.size()
        self.live.setPixmap(QPixmap.fromImage(image))
        if self._frames == 1:
            self.message.setText("Line the client up with the ghost, then capture (Space).")
        if size_changed:
            self._place()
        self.capture_button.setEnabled(self._capturing is None)

    def _place(self) -> None:
        """Fit the ghost over the live image (same aspect, centred), draw the grid, fill the view."""
        frame = self.live.boundingRect()
        if frame.isEmpty():
            frame = QRectF(self.ghost.boundingRect())
        ghost = self.ghost.boundingRect()
        if not ghost.isEmpty() and not frame.isEmpty():
            scale = min(frame.width() / ghost.width(), frame.height() / ghost.height())
            self.ghost.setScale(scale)
            self.ghost.setPos(frame.x() + (frame.width() - ghost.width() * scale) / 2,
                              frame.y() + (frame.height() - ghost.height() * scale) / 2)
        w, h = frame.width(), frame.height()
        for i, line in enumerate(self.grid):
            if i < 2:
                x = w * (i + 1) / 3
                line.setLine(x, 0, x, h)
            else:
                y = h * (i - 1) / 3
                line.setLine(0, y, w, y)
        self.scene.setSceneRect(frame)
        self.viewer.fitInView(frame, Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self.scene.sceneRect().isEmpty():
            self.viewer.fitInView(self.scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def capture(self) -> None:
        if not self.capture_button.isEnabled():
            return
        self._capturing = datetime.now(UTC)
        self.capture_button.setEnabled(False)
        self.message.setText("Taking the picture…")
        self._capture_timer.start()
        self._source.capture()

    def _on_captured(self, image: QImage) -> None:
        taken = self._capturing
        if taken is None:  # a picture nobody waits for (its capture failed or timed out): dropped
            return
        self._capture_timer.stop()
        try:
            path = _temp_jpeg(image)
        except OSError as exc:
            self._capturing = None
            self._on_failed(f"The picture could not be saved for storing ({exc}); nothing was stored.")
            return
        self.message.setText("Storing the picture…")
        view, ref, session_id, area = self.chosen_view, self._client_ref, self._session_id, self._area
        DatabaseOp(self._db, self, "Store the photo",
                   lambda db: store_capture(db, self._user.actor, ref, path, taken, view, session_id, area),
                   self._stored, kinds={CLIENTS}, failure=self._not_stored).run_in_background()

    def _stored(self, result: AddResult) -> None:
        self._capturing = None
        self.capture_button.setEnabled(not self._failed and self._frames > 0)
        done = result.stored
        if not done:
            problem = result.refused[0].problem if result.refused else "nothing was stored"
            self.message.setText(f"The picture was not stored: {problem}")
            return
        self.stored += [f.photo_id for f in done if f.photo_id is not None]
        self.stored_label.setText(f"Stored as photo {done[0].photo_id} ({self.chosen_view.label.lower()}); "
                                  f"{len(self.stored)} taken in this window.")
        self.message.setText("Stored. Take another, or close the window.")
        self._load_ghost()  # the next picture of this view lines up with this one

    def _not_stored(self, exc: Exception) -> None:
        self._capturing = None
        self.capture_button.setEnabled(not self._failed and self._frames > 0)
        if isinstance(exc, DomainError):
            self.message.setText(f"The picture was not stored: {exc}")
        else:
            show_failure(self, "Store the photo", exc)
            self.message.setText("The picture was not stored.")

    def _on_failed(self, text: str) -> None:
        self._failed = True
        self._capturing = None  # a picture that still arrives is not stored
        self._capture_timer.stop()
        self._first_frame_timer.stop()
        self.capture_button.setEnabled(False)
        self.message.setText(text)

    def _no_first_frame(self) -> None:
        if self._frames == 0 and not self._failed:
            self._on_failed(NO_FRAME.format(s=FIRST_FRAME_MS // 1000))

    def _no_still(self) -> None:
        if self._capturing is not None:
            self._on_failed(NO_STILL.format(s=CAPTURE_MS // 1000))

    def done(self, result: int) -> None:
        self._source.stop()
        self._first_frame_timer.stop()
        self._capture_timer.stop()
        super().done(result)
