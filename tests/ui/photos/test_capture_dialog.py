"""The camera window end to end with a test camera behind the device seam: the earlier photo of the view lies over
the live image as a ghost whose opacity the slider sets, a capture is stored through add_photos as taken by
"capture", and a camera that is missing, silent or unplugged mid-capture is a message, with nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PhotoView, TakenAtSource
from clinic_log.services.photos.photos import PhotoInfo, add_photos, list_photos
from clinic_log.ui.common.operations import runner_of
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos import capture_dialog
from clinic_log.ui.photos.camera_source import NO_CAMERA, UNPLUGGED, QtCameraSource
from clinic_log.ui.photos.capture_dialog import CaptureDialog
from tests.ui.photos.camera_double import PictureCamera
from tests.unit.services.helpers import clinic_with_photo_consent, make_clinic
from tests.unit.services.photos.photo_files import BLUE, RED, plain

LIVE = Image.new("RGB", (160, 120), RED)


@pytest.fixture
def consented(db: Database, owner: Actor) -> None:
    clinic_with_photo_consent(db, owner)


@pytest.fixture
def earlier_front(db: Database, owner: Actor, consented: None, tmp_path: Path) -> int:
    """A blue front photo from an earlier visit: the ghost of the next front capture."""
    [added] = add_photos(db, owner, "P-1", [plain(tmp_path / "before.png", "PNG", (160, 120), BLUE)],
                         view="front", taken=datetime(2026, 5, 1, 9, 0, tzinfo=UTC)).files
    assert added.photo_id is not None
    return added.photo_id


def open_dialog(qtbot: QtBot, user: UserSession, db: Database, camera: PictureCamera | QtCameraSource,
                view: PhotoView = PhotoView.FRONT) -> CaptureDialog:
    dialog = CaptureDialog(db, user, "P-1", "Zofia Łukasiewicz", view=view, source=camera)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 640)
    dialog.show()
    return dialog


def centre(dialog: CaptureDialog) -> QColor:
    image = dialog.viewer.viewport().grab().toImage()
    return image.pixelColor(image.width() // 2 + 5, image.height() // 2 + 5)  # off the grid's lines


def stored(db: Database, owner: Actor) -> list[PhotoInfo]:
    return list(list_photos(db, owner, "P-1"))


def test_the_ghost_lies_over_the_live_image_at_40_percent_and_the_slider_sets_how_much_shows(
        qtbot: QtBot, user: UserSession, db: Database, earlier_front: int) -> None:
    dialog = open_dialog(qtbot, user, db, PictureCamera(LIVE))
    qtbot.waitUntil(lambda: dialog.capture_button.isEnabled() and "Ghost: the front photo" in dialog.ghost_label.text())
    assert dialog.opacity_slider.value() == 40 and dialog.opacity_value.text() == "40 %"
    mixed = centre(dialog)
    assert 120 <= mixed.red() <= 160 and 80 <= mixed.blue() <= 120  # 60 % red live + 40 % blue ghost
    dialog.opacity_slider.setValue(0)
    live_only = centre(dialog)
    assert live_only.red() > 200 and live_only.blue() < 40
    dialog.opacity_slider.setValue(100)
    ghost_only = centre(dialog)
    assert ghost_only.blue() > 200 and ghost_only.red() < 40


def test_a_view_never_photographed_has_no_ghost(qtbot: QtBot, user: UserSession, db: Database,
                                                earlier_front: int) -> None:
    dialog = open_dialog(qtbot, user, db, PictureCamera(LIVE), view=PhotoView.LEFT90)
    qtbot.waitUntil(lambda: dialog.capture_button.isEnabled()  # the live image is on screen
                    and "No earlier left 90° photo" in dialog.ghost_label.text())
    dialog.opacity_slider.setValue(100)
    assert centre(dialog).red() > 200  # only the live image shows


def test_the_grid_divides_the_live_image_in_thirds_and_can_be_hidden(qtbot: QtBot, user: UserSession, db: Database,
                                                                      consented: None) -> None:
    dialog = open_dialog(qtbot, user, db, PictureCamera(LIVE))
    qtbot.waitUntil(dialog.capture_button.isEnabled)
    xs = sorted(line.line().x1() for line in dialog.grid if line.line().x1() == line.line().x2())
    ys = sorted(line.line().y1() for line in dialog.grid if line.line().y1() == line.line().y2())
    assert (xs, ys) == ([160 / 3, 320 / 3], [40, 80])
    assert all(line.isVisible() for line in dialog.grid)
    dialog.grid_check.setChecked(False)
    assert not any(line.isVisible() for line in dialog.grid)


def test_capture_stores_the_picture_as_a_photo_of_the_chosen_view_taken_by_capture_then_uses_it_as_ghost(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, earlier_front: int) -> None:
    dialog = open_dialog(qtbot, user, db, PictureCamera(LIVE))
    qtbot.waitUntil(lambda: dialog.capture_button.isEnabled() and "Ghost" in dialog.ghost_label.text())
    before = datetime.now(UTC)
    qtbot.mouseClick(dialog.capture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(stored(db, owner)) == 2)
    newest = stored(db, owner)[0]
    assert (newest.view, newest.taken_at_source, newest.taken_by) == (PhotoView.FRONT, TakenAtSource.CAPTURE,
                                                                      "owner")
    assert before.replace(microsecond=0) <= newest.taken_at <= datetime.now(UTC)
    qtbot.waitUntil(lambda: f"photo {newest.id})" in dialog.ghost_label.text())  # the next one lines up with it
    assert dialog.stored == [newest.id] and f"Stored as photo {newest.id}" in dialog.stored_label.text()
    assert dialog.capture_button.isEnabled()  # ready for the next picture


def test_a_camera_unplugged_mid_capture_says_so_and_stores_nothing_even_if_the_picture_arrives_late(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, earlier_front: int) -> None:
    message = UNPLUGGED.format(name="Test camera")
    camera = PictureCamera(LIVE, fail_on_capture=message)
    dialog = open_dialog(qtbot, user, db, camera)
    qtbot.waitUntil(dialog.capture_button.isEnabled)
    qtbot.mouseClick(dialog.capture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text() == message)
    camera.deliver_late_picture()
    assert runner_of(dialog).wait()
    assert [p.id for p in stored(db, owner)] == [earlier_front]
    assert not dialog.capture_button.isEnabled() and camera.captures == 1


def test_no_camera_is_a_message_with_capture_off(qtbot: QtBot, user: UserSession, db: Database,
                                                 consented: None) -> None:
    dialog = open_dialog(qtbot, user, db, PictureCamera(LIVE, fail_on_start=NO_CAMERA))
    qtbot.waitUntil(lambda: dialog.message.text() == NO_CAMERA)
    assert not dialog.capture_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Space)  # the shortcut does nothing either
    assert dialog.message.text() == NO_CAMERA


def test_a_camera_that_crashes_on_start_is_a_message_not_a_crash(qtbot: QtBot, user: UserSession, db: Database,
                                                                 consented: None) -> None:
    dialog = open_dialog(qtbot, user, db, PictureCamera(LIVE, crash_on_start=RuntimeError("device busy (EBUSY)")))
    qtbot.waitUntil(lambda: dialog.message.text().startswith("The camera could not be started (device busy"))
    assert not dialog.capture_button.isEnabled()


def test_a_camera_that_never_sends_a_picture_is_reported_as_busy_instead_of_waiting_forever(
        qtbot: QtBot, user: UserSession, db: Database, consented: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture_dialog, "FIRST_FRAME_MS", 200)
    dialog = open_dialog(qtbot, user, db, PictureCamera(LIVE, silent=True))
    qtbot.waitUntil(lambda: "in use by another program" in dialog.message.text())
    assert not dialog.capture_button.isEnabled()


def test_this_workstations_own_camera_path_ends_in_a_message_not_a_hang(qtbot: QtBot, user: UserSession, db: Database,
                                                                       consented: None) -> None:
    """The test machine has no camera (and may lack Qt Multimedia's system libraries): the real source says
    which, and Capture stays off."""
    dialog = open_dialog(qtbot, user, db, QtCameraSource())
    qtbot.waitUntil(lambda: dialog.message.text() != capture_dialog.WAITING, timeout=capture_dialog.FIRST_FRAME_MS
                    + 2000)
    if dialog.capture_button.isEnabled():
        pytest.skip("this workstation has a working camera")
    assert dialog.message.text().startswith(("No camera was found", "The camera cannot be used",
                                             "This program may not use the camera"))
    assert not dialog.capture_button.isEnabled()


def test_without_photo_consent_the_picture_is_refused_with_the_reason(qtbot: QtBot, user: UserSession, db: Database,
                                                                      owner: Actor) -> None:
    make_clinic(db, owner)  # treatment consent only
    dialog = open_dialog(qtbot, user, db, PictureCamera(LIVE))
    qtbot.waitUntil(dialog.capture_button.isEnabled)
    qtbot.mouseClick(dialog.capture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no valid consent to clinical-record photos" in dialog.message.text())
    assert stored(db, owner) == [] and dialog.capture_button.isEnabled()
