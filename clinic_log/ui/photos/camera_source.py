"""The one seam between the capture dialog and a camera: `CameraSource` (live frames, a still on demand, a failure
in words) and its Qt Multimedia implementation, `QtCameraSource` (QMediaDevices, QCamera, QMediaCaptureSession with a
QVideoSink for the live frames and a QImageCapture for the still).

Qt Multimedia is imported when a camera is started, not with this module: a computer without its system libraries
(or without any camera) gets a message in the dialog, never an import error or a hang.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QImage

log = logging.getLogger(__name__)

NO_CAMERA = ("No camera was found on this computer. Plug one in (a webcam, or a tablet or DSLR tethered over USB) "
             "and open this window again, or add the photo as a file.")
NO_MULTIMEDIA = ("The camera cannot be used: this computer lacks the system libraries for Qt Multimedia ({why}). "
                 "Add the photo as a file instead.")
DENIED = "This program may not use the camera: allow camera access for it in the system's privacy settings."
UNPLUGGED = "The camera {name} was unplugged. Plug it in again and reopen this window; nothing was stored."
STOPPED = "The camera {name} stopped: {why}. It may be in use by another program; nothing was stored."
NOT_READY = "The camera {name} is not ready to take a picture yet; wait for the live image and try again."
CAPTURE_FAILED = "The camera {name} could not take the picture: {why}. Nothing was stored."


class CameraSource(QObject):
    """A camera as the capture dialog sees it. After `start()`, `frame` carries each live image; `capture()` asks
    for one still, delivered by `captured` (or a `failed` message); `failed` says in words why the camera cannot
    go on (missing, busy, unplugged) — the dialog shows it and stores nothing. `stop()` releases the device."""

    frame = Signal(QImage)
    captured = Signal(QImage)
    failed = Signal(str)

    def name(self) -> str:
        return "camera"

    def start(self) -> None:
        raise NotImplementedError

    def capture(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


class QtCameraSource(CameraSource):
    """The workstation's default camera (or the first one) through Qt Multimedia."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._parts: dict[str, Any] = {}  # the Qt Multimedia objects, once started
        self._device_id = b""
        self._name = "camera"

    def name(self) -> str:
        return self._name

    def start(self) -> None:
        try:
            from PySide6 import QtMultimedia
        except ImportError as exc:  # e.g. libpulse missing on a Linux workstation
            log.warning("Qt Multimedia could not be loaded", exc_info=exc)
            self.failed.emit(NO_MULTIMEDIA.format(why=exc))
            return
        if not self._allowed():
            self.failed.emit(DENIED)
            return
        devices = QtMultimedia.QMediaDevices(self)
        inputs = QtMultimedia.QMediaDevices.videoInputs()
        if not inputs:
            self.failed.emit(NO_CAMERA)
            return
        default = QtMultimedia.QMediaDevices.defaultVideoInput()
        device = default if not default.isNull() else inputs[0]
        self._device_id = bytes(device.id().data())
        self._name = device.description() or "camera"
        camera = QtMultimedia.QCamera(device, self)
        session = QtMultimedia.QMediaCaptureSession(self)
        sink = QtMultimedia.QVideoSink(self)
        still = QtMultimedia.QImageCapture(self)
        session.setCamera(camera)
        session.setVideoSink(sink)
        session.setImageCapture(still)
        sink.videoFrameChanged.connect(self._on_frame)
        still.imageCaptured.connect(lambda _id, image: self.captured.emit(image))
        still.errorOccurred.connect(lambda _id, _error, why: self.failed.emit(
            CAPTURE_FAILED.format(name=self._name, why=why or "no reason given")))
        camera.errorOccurred.connect(lambda _error, why: self.failed.emit(
            STOPPED.format(name=self._name, why=why or "no reason given")))
        devices.videoInputsChanged.connect(self._on_inputs_changed)
        self._parts = {"devices": devices, "camera": camera, "session": session, "sink": sink, "still": still}
        camera.start()

    def _allowed(self) -> bool:
        """Whether the system lets this program use the camera (asked on platforms that ask; granted elsewhere)."""
        from PySide6.QtCore import QCameraPermission

        app = QCoreApplication.instance()
        if app is None:
            return False
        status = app.checkPermission(QCameraPermission())
        if status == Qt.PermissionStatus.Undetermined:  # the system asks the user; the camera starts when allowed
            app.requestPermission(QCameraPermission(), self, lambda _p: None)
            return True
        return bool(status == Qt.PermissionStatus.Granted)

    def _on_frame(self, frame: Any) -> None:
        image = frame.toImage()
        if not image.isNull():
            self.frame.emit(image)

    def _on_inputs_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        if not any(bytes(d.id().data()) == self._device_id for d in QMediaDevices.videoInputs()):
            self.stop()
            self.failed.emit(UNPLUGGED.format(name=self._name))

    def capture(self) -> None:
        still = self._parts.get("still")
        if still is None or not still.isReadyForCapture():
            self.failed.emit(NOT_READY.format(name=self._name))
            return
        still.capture()

    def stop(self) -> None:
        camera = self._parts.get("camera")
        if camera is not None:
            camera.stop()
        self._parts.clear()
