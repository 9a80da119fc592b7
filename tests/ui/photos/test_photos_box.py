"""The client page's Photos box: a strip per view with the newest photo first and its date and session number, a
folder dropped on the box storing its good files and naming the bad one, adding refused with the reason when the
client has no photo consent, and voiding a photo from its menu (a void made meanwhile elsewhere refused in one line).
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PhotoView, UserRole
from clinic_log.services.photos.photos import void_photo
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.add_photos_dialog import AddPhotosDialog
from clinic_log.ui.photos.capture_dialog import CaptureDialog
from clinic_log.ui.photos.photos_box import PhotosBox
from clinic_log.ui.photos.void_photo_dialog import VoidPhotoDialog
from tests.ui.dialogs import opened, opens
from tests.ui.named_widgets import button, edit, type_text
from tests.ui.photos.photo_helpers import add, clinic_with_photo_consent, day, image_file
from tests.unit.services.helpers import Clinic, make_clinic, session_entry
from tests.unit.services.photos.photo_files import text_file, truncated_jpeg

RED, GREEN, BLUE = (200, 30, 30), (30, 160, 60), (30, 30, 200)
POPUP_NOISE = ("This plugin does not support raise", "This plugin does not support grabbing the keyboard")


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return clinic_with_photo_consent(db, owner)


def shown_box(qtbot: QtBot, user: UserSession, db: Database) -> PhotosBox:
    box = PhotosBox(db, user, today=date.today)
    qtbot.addWidget(box)
    box.resize(900, 700)
    box.show()
    box.show_client("P-1", "Zofia Łukasiewicz")
    qtbot.waitUntil(lambda: box.shown is not None)
    return box


def captions(box: PhotosBox, view: PhotoView) -> list[str]:
    model = box.models[view]
    return [model.index(row).data() for row in range(model.rowCount())]


def test_each_view_shows_its_photos_newest_first_with_date_and_session_number(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path) -> None:
    session = log_session(db, clinic.derm, session_entry(clinic, course_index=2, course_total=4), sign=True)
    add(db, clinic.derm, [image_file(tmp_path / "a.jpg", RED, day(1))], view="front")
    add(db, clinic.derm, [image_file(tmp_path / "c.jpg", BLUE, day(9))], view="front", session_id=session.id)
    add(db, clinic.derm, [image_file(tmp_path / "b.jpg", GREEN, day(5))], view="front")
    add(db, clinic.derm, [image_file(tmp_path / "d.jpg", GREEN, day(3), size=(30, 30))], view="left90")
    box = shown_box(qtbot, user, db)
    assert captions(box, PhotoView.FRONT) == ["2026-03-09 · S2", "2026-03-05", "2026-03-01"]
    assert captions(box, PhotoView.LEFT90) == ["2026-03-03"]
    assert [v for v in PhotoView if box.strips[v].isVisibleTo(box)] == [PhotoView.FRONT, PhotoView.LEFT90]
    assert not box.empty_label.isVisibleTo(box)
    # each thumbnail is read from the database and painted as the strip shows it
    model = box.models[PhotoView.FRONT]
    qtbot.waitUntil(lambda: len(model.loaded_ids) == 3)
    icon = model.index(0).data(Qt.ItemDataRole.DecorationRole)
    colour = icon.pixmap(96, 96).toImage().pixelColor(48, 40)
    assert (colour.red(), colour.green(), colour.blue()) < (90, 90, 256) and colour.blue() > 150  # the blue one


def drop(box: PhotosBox, paths: list[Path]) -> None:
    """Drag files from a file manager onto the box and let go (offscreen Qt has no drag manager to route a synthetic
    drop, so the box's own drag handlers are given the events the window system would send)."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    box.dragEnterEvent(enter)
    assert enter.isAccepted(), "the box takes dropped files"
    box.dropEvent(QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                             Qt.KeyboardModifier.NoModifier))


def test_a_dropped_folder_stores_its_good_files_and_names_the_bad_one(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path, raw: sqlite3.Connection) -> None:
    folder = tmp_path / "visit"
    folder.mkdir()
    image_file(folder / "a.jpg", RED, day(2))
    image_file(folder / "c.png", GREEN)
    truncated_jpeg(folder / "b.jpg")
    text_file(folder / "notes.jpg")
    box = shown_box(qtbot, user, db)
    drop(box, [folder])
    dialog = opened(qtbot, AddPhotosDialog, box)
    qtbot.waitUntil(lambda: dialog.files_list.item(0).text().startswith("a.jpg: taken 2026-03-02"))
    dialog.view_combo.setCurrentIndex(dialog.view_combo.findData(PhotoView.RIGHT45.value))
    button(dialog, "Add photos").click()
    qtbot.waitUntil(lambda: dialog.outcome is not None)
    lines = [dialog.files_list.item(row).text() for row in range(dialog.files_list.count())]
    assert lines[0] == "a.jpg: stored"
    assert lines[1] == "b.jpg: truncated JPEG"
    assert lines[2].startswith("c.png: stored (no camera time")
    assert lines[3].startswith("notes.jpg: not an image")
    assert dialog.summary_label.text() == "2 photos stored; 2 files not stored (named above)."
    assert raw.execute("SELECT view, COUNT(*) FROM photos GROUP BY view").fetchall() == [("right45", 2)]
    qtbot.waitUntil(lambda: len(captions(box, PhotoView.RIGHT45)) == 2)  # the strip refreshed itself


def test_without_photo_consent_adding_is_refused_with_the_reason_and_nothing_else_is_offered(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, tmp_path: Path, raw: sqlite3.Connection) -> None:
    make_clinic(db, owner)  # a treatment consent only
    box = shown_box(qtbot, user, db)
    assert box.consent_label.text() == "No consent to clinical-record photos"
    assert box.consent_button.isDefault()
    with opens(qtbot, QMessageBox, box) as refusal:
        drop(box, [image_file(tmp_path / "a.jpg", RED)])
    assert refusal.widget.text() == (
        "Photos of Zofia Łukasiewicz cannot be added: their consent to clinical-record photos has not been signed. "
        "Sign it with \"Sign photo consent…\" first; no photo is taken without it.")
    assert not [d for d in box.findChildren(AddPhotosDialog) if d.isVisible()]
    refusal.widget.close()
    with opens(qtbot, QMessageBox, box) as again:  # the camera is no way round it
        button(box, "Take photo…").click()
    assert again.widget.text() == refusal.widget.text()
    assert not [d for d in box.findChildren(CaptureDialog) if d.isVisible()]
    assert raw.execute("SELECT COUNT(*) FROM photos").fetchone() == (0,)


def test_take_photo_opens_the_camera_window_for_the_client(qtbot: QtBot, user: UserSession, db: Database,
                                                           clinic: Clinic) -> None:
    box = shown_box(qtbot, user, db)
    with opens(qtbot, CaptureDialog, box) as camera:
        button(box, "Take photo…").click()
    assert camera.widget.windowTitle() == "Take a photo — Zofia Łukasiewicz (P-1)"
    camera.widget.close()


def void_from_menu(qtbot: QtBot, box: PhotosBox, view: PhotoView, reason: str) -> VoidPhotoDialog:
    strip = box.strips[view]
    at = strip.visualRect(box.models[view].index(0)).center()
    with opens(qtbot, QMenu) as menu:
        strip.customContextMenuRequested.emit(at)
    [action] = [a for a in menu.widget.actions() if a.text() == "Void photo…"]
    with opens(qtbot, VoidPhotoDialog, box) as dialog:
        action.trigger()
    type_text(edit(dialog.widget, "Reason"), reason)
    return dialog.widget


@pytest.mark.qt_log_ignore(*POPUP_NOISE)
def test_a_photo_is_voided_from_its_menu_with_the_reason_and_shown_greyed(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path, raw: sqlite3.Connection) -> None:
    [photo_id] = add(db, clinic.derm, [image_file(tmp_path / "a.jpg", RED, day(1))])
    box = shown_box(qtbot, user, db)
    dialog = void_from_menu(qtbot, box, PhotoView.FRONT, "wrong client")
    button(dialog, "Void photo").click()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    assert raw.execute("SELECT void_reason, voided_by FROM photos WHERE id = ?", (photo_id,)).fetchone() == (
        "wrong client", "owner")
    qtbot.waitUntil(lambda: captions(box, PhotoView.FRONT) == ["2026-03-01\nvoided"])


@pytest.mark.qt_log_ignore(*POPUP_NOISE)
def test_a_photo_voided_meanwhile_elsewhere_is_refused_in_one_line(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path, raw: sqlite3.Connection) -> None:
    [photo_id] = add(db, clinic.derm, [image_file(tmp_path / "a.jpg", RED, day(1))])
    box = shown_box(qtbot, user, db)
    dialog = void_from_menu(qtbot, box, PhotoView.FRONT, "blurred")
    void_photo(db, clinic.nurse, photo_id, "wrong view", version=1)  # another workstation, first
    button(dialog, "Void photo").click()
    qtbot.waitUntil(lambda: dialog.problem_label.text() != "")
    assert dialog.problem_label.text().startswith(f"photo {photo_id} was already voided by jdoyle on ")
    assert "\n" not in dialog.problem_label.text()
    assert raw.execute("SELECT void_reason FROM photos WHERE id = ?", (photo_id,)).fetchone() == ("wrong view",)
    qtbot.waitUntil(lambda: captions(box, PhotoView.FRONT) == ["2026-03-01\nvoided"])




def test_reception_sees_the_photos_but_may_not_add_or_void_them(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path) -> None:
    add(db, clinic.derm, [image_file(tmp_path / "a.jpg", RED, day(1)), image_file(tmp_path / "b.jpg", BLUE, day(2))])
    user.sign_in(Actor("desk", UserRole.RECEPTION))
    box = shown_box(qtbot, user, db)
    assert captions(box, PhotoView.FRONT) == ["2026-03-02", "2026-03-01"]
    for name in ("Add photos…", "Add a folder…", "Sign consent to other uses…"):
        assert not button(box, name).isEnabled(), name
    assert button(box, "Compare…").isEnabled()  # two front photos: reception prints the comparison too
    menu = box.photo_menu(box.models[PhotoView.FRONT].photos[0])
    assert [(a.text(), a.isEnabled()) for a in menu.actions()] == [("Void photo…", False), ("Compare Front…", True)]
    menu.close()
