"""The session view shows the photos taken in that session (not the client's others), a strip per view captioned
with the area, read lazily; a voided one is marked and opens nothing; Enter opens the comparison with that photo
on the after side; reception sees them too; the photos stay when the view reloads after signing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PhotoView, UserRole
from clinic_log.services.photos.photos import void_photo
from clinic_log.services.sessions.sessions import log_session, save_draft
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.compare_dialog import CompareDialog
from clinic_log.ui.photos.session_photos import NO_PHOTOS, SessionPhotosBox
from clinic_log.ui.photos.thumbnail_model import PHOTO_ROLE
from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog
from clinic_log.ui.shell.main_window import MainWindow
from tests.ui.dialogs import opens
from tests.ui.photos.photo_helpers import add, clinic_with_photo_consent, day, image_file
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import Clinic, session_entry


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return clinic_with_photo_consent(db, owner)


@pytest.fixture
def treated(db: Database, clinic: Clinic, tmp_path: Path) -> tuple[int, list[int]]:
    """A signed session with a front photo of the cheeks and a left 45° one of the forehead; a front photo of
    another session and one of no session."""
    signed = log_session(db, clinic.derm, session_entry(clinic, started_at=day(10)))
    other = log_session(db, clinic.derm, session_entry(clinic, started_at=day(3)))
    ours = add(db, clinic.derm, [image_file(tmp_path / "a.jpg", (200, 0, 0), day(10))], session_id=signed.id,
               view="front", area="cheeks")
    ours += add(db, clinic.derm, [image_file(tmp_path / "b.jpg", (0, 200, 0), day(10))], session_id=signed.id,
                view="left45", area="forehead")
    add(db, clinic.derm, [image_file(tmp_path / "c.jpg", (0, 0, 200), day(3))], session_id=other.id, view="front")
    add(db, clinic.derm, [image_file(tmp_path / "d.jpg", (90, 90, 90), day(5))], view="front")
    return signed.id, ours


def open_session(qtbot: QtBot, window: MainWindow, session_id: int) -> SessionPhotosBox:
    with opens(qtbot, SessionDetailDialog, window) as opened:
        window.open_session(session_id)
    box = opened.widget.findChild(SessionPhotosBox)
    assert box is not None
    qtbot.waitUntil(lambda: box.shown is not None)
    return box


def shown_ids(box: SessionPhotosBox) -> dict[PhotoView, list[int]]:
    return {view: [p.id for p in model.photos] for view, model in box.models.items() if model.rowCount()}


def test_the_session_view_shows_that_sessions_photos_by_view_captioned_with_the_area(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, treated: tuple[int, list[int]]) -> None:
    session_id, (front, left) = treated
    box = open_session(qtbot, make_window(qtbot, db, user, db_path), session_id)
    assert shown_ids(box) == {PhotoView.FRONT: [front], PhotoView.LEFT45: [left]}
    assert box.strips[PhotoView.FRONT].isVisible() and not box.strips[PhotoView.RIGHT45].isVisible()
    assert not box.empty_label.isVisible()
    caption = box.models[PhotoView.FRONT].index(0).data(Qt.ItemDataRole.DisplayRole)
    assert caption.splitlines()[0] == "Cheeks"
    qtbot.waitUntil(lambda: box.models[PhotoView.FRONT].loaded_ids == {front})  # the thumbnail, read when painted


def test_a_session_without_photos_says_so(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                          clinic: Clinic) -> None:
    bare = log_session(db, clinic.derm, session_entry(clinic, started_at=day(12)))
    box = open_session(qtbot, make_window(qtbot, db, user, db_path), bare.id)
    assert shown_ids(box) == {}
    assert box.empty_label.isVisible() and box.empty_label.text() == NO_PHOTOS


def test_enter_on_a_photo_opens_the_comparison_with_it_after_and_a_voided_one_opens_nothing(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, owner: Actor,
        treated: tuple[int, list[int]]) -> None:
    session_id, (front, left) = treated
    void_photo(db, owner, left, "wrong client in the frame", version=1)
    box = open_session(qtbot, make_window(qtbot, db, user, db_path), session_id)
    voided = box.models[PhotoView.LEFT45].index(0)
    assert voided.data(PHOTO_ROLE).voided and voided.data(Qt.ItemDataRole.DisplayRole).endswith("voided")

    strip = box.strips[PhotoView.LEFT45]
    strip.setFocus()
    strip.setCurrentIndex(voided)
    qtbot.keyClick(strip, Qt.Key.Key_Return)
    assert box.findChildren(CompareDialog) == []

    strip = box.strips[PhotoView.FRONT]
    strip.setFocus()
    strip.setCurrentIndex(box.models[PhotoView.FRONT].index(0))
    with opens(qtbot, CompareDialog, box) as opened:
        qtbot.keyClick(strip, Qt.Key.Key_Return)
    dialog = opened.widget
    qtbot.waitUntil(lambda: dialog.shown is not None)
    assert dialog.isVisible() and box.window().isVisible()  # Enter opened the photo, it did not close the view
    assert dialog.view is PhotoView.FRONT
    assert dialog.shown is not None and dialog.shown.after.photo_id == front
    assert dialog.shown.before.taken_on == day(3).date()  # the first of the course, from another session
    dialog.close()


def test_reception_sees_the_sessions_photos(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                            treated: tuple[int, list[int]]) -> None:
    session_id, (front, left) = treated
    user.sign_in(Actor("desk", UserRole.RECEPTION))
    box = open_session(qtbot, make_window(qtbot, db, user, db_path), session_id)
    assert box.isVisible()
    assert shown_ids(box) == {PhotoView.FRONT: [front], PhotoView.LEFT45: [left]}


def test_the_photos_stay_in_the_view_after_it_signs_the_draft(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, clinic: Clinic, tmp_path: Path) -> None:
    draft = save_draft(db, clinic.derm, session_entry(clinic, started_at=day(14)))
    [photo] = add(db, clinic.derm, [image_file(tmp_path / "a.jpg", (200, 0, 0), day(14))], session_id=draft.id)
    user.sign_in(clinic.derm)
    box = open_session(qtbot, make_window(qtbot, db, user, db_path), draft.id)
    dialog = box.window()
    assert isinstance(dialog, SessionDetailDialog)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.value_text("Status").startswith("Signed")
    assert dialog.findChild(SessionPhotosBox) is box and box.isVisible()
    assert shown_ids(box) == {PhotoView.FRONT: [photo]}


def test_the_view_grows_to_show_the_photos_once_they_are_read(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, treated: tuple[int, list[int]]) -> None:
    session_id, _ours = treated
    window = make_window(qtbot, db, user, db_path)
    with opens(qtbot, SessionDetailDialog, window) as opened:
        window.open_session(session_id)
    dialog = opened.widget
    before = dialog.height()
    box = dialog.findChild(SessionPhotosBox)
    assert box is not None and box.shown is None  # still reading: the dialog opened without the strips
    qtbot.waitUntil(lambda: dialog.height() > before)
    room = dialog.screen().availableGeometry().height() * 0.9
    assert dialog.height() >= min(room - 1, before + box.strips[PhotoView.FRONT].height())
