"""A camera for the capture dialog's tests (there is none on the test machine): it shows a Pillow picture as its
live image, takes it as the still, and fails on demand (nothing found, busy, unplugged mid-capture), all through
the same `CameraSource` seam the Qt Multimedia camera sits behind."""

from __future__ import annotations

from io import BytesIO

from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage

from clinic_log.ui.photos.camera_source import CameraSource


def qimage(picture: Image.Image) -> QImage:
    out = BytesIO()
    picture.save(out, "PNG")
    image = QImage.fromData(out.getvalue())
    assert not image.isNull()
    return image


class PictureCamera(CameraSource):
    """Started, it shows `picture` once (more with `send_frame`); `capture` hands it over as the still, or, when
    `fail_on_capture` is set, says that instead (like a camera unplugged mid-capture). `fail_on_start` is what a
    camera that cannot start says; `silent` gives no picture at all (a busy camera that never answers);
    `crash_on_start` is raised by `start` (a driver's surprise)."""

    def __init__(self, picture: Image.Image, *, fail_on_start: str | None = None,
                 fail_on_capture: str | None = None, silent: bool = False,
                 crash_on_start: Exception | None = None) -> None:
        super().__init__()
        self.image = qimage(picture)
        self.fail_on_start = fail_on_start
        self.fail_on_capture = fail_on_capture
        self.silent = silent
        self.crash_on_start = crash_on_start
        self.started = self.stopped = False
        self.captures = 0

    def name(self) -> str:
        return "Test camera"

    def start(self) -> None:
        if self.crash_on_start is not None:
            raise self.crash_on_start
        if self.fail_on_start is not None:
            message = self.fail_on_start
            QTimer.singleShot(0, lambda: self.failed.emit(message))
            return
        self.started = True
        if not self.silent:
            QTimer.singleShot(0, self.send_frame)

    def send_frame(self) -> None:
        self.frame.emit(self.image)

    def capture(self) -> None:
        self.captures += 1
        if self.fail_on_capture is not None:
            message = self.fail_on_capture
            QTimer.singleShot(0, lambda: self.failed.emit(message))
            return
        still = self.image.copy()
        QTimer.singleShot(0, lambda: self.captured.emit(still))

    def deliver_late_picture(self) -> None:
        """The still arriving after the camera said it failed (a driver that reports both)."""
        self.captured.emit(self.image.copy())

    def stop(self) -> None:
        self.stopped = True
