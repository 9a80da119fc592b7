"""A view's strip reads only the thumbnails it shows: of 40 photos, the first screenful is read and painted, the
rest when the strip is scrolled to them; the model passes Qt's model checks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PhotoView
from clinic_log.services.photos.photos import add_photos
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.photos_box import PhotosBox
from clinic_log.ui.photos.thumbnail_model import PHOTO_ROLE, caption
from tests.ui.photos.photo_helpers import clinic_with_photo_consent, day
from tests.unit.services.helpers import Clinic

COUNT = 40


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return clinic_with_photo_consent(db, owner)


def test_only_the_thumbnails_on_screen_are_read_and_the_others_when_scrolled_to(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path,
        qtmodeltester: ModelTester) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(COUNT):
        Image.new("RGB", (40, 30), (n * 6, 100, 200 - n * 4)).save(folder / f"{n:02d}.png")
    result = add_photos(db, clinic.derm, "P-1", [folder], view="closeup")
    assert len(result.stored) == COUNT
    box = PhotosBox(db, user)
    qtbot.addWidget(box)
    box.resize(600, 400)
    box.show()
    box.show_client("P-1", "Zofia Łukasiewicz")
    model, strip = box.models[PhotoView.CLOSEUP], box.strips[PhotoView.CLOSEUP]
    qtbot.waitUntil(lambda: model.rowCount() == COUNT and len(model.loaded_ids) > 0)
    on_screen = {model.index(row).data(PHOTO_ROLE).id for row in range(COUNT)
                 if strip.viewport().rect().intersects(strip.visualRect(model.index(row)))}
    assert 2 <= len(on_screen) < 10
    qtbot.waitUntil(lambda: on_screen <= model.loaded_ids)
    assert model.loaded_ids == on_screen  # nothing off screen was read
    last = model.index(COUNT - 1)
    strip.scrollTo(last)
    qtbot.waitUntil(lambda: model.index(COUNT - 1).data(PHOTO_ROLE).id in model.loaded_ids)
    assert len(model.loaded_ids) < COUNT
    qtmodeltester.check(model)  # asks every row for every role: read last, it loads them all


def test_a_caption_gives_the_day_and_the_session_number_and_says_voided(
        db: Database, clinic: Clinic, tmp_path: Path) -> None:
    Image.new("RGB", (40, 30), (1, 2, 3)).save(tmp_path / "a.png")
    [stored] = add_photos(db, clinic.derm, "P-1", [tmp_path / "a.png"], taken=day(4)).stored
    from clinic_log.services.photos.photos import photo_info, void_photo

    assert stored.photo_id is not None
    photo = photo_info(db, clinic.derm, stored.photo_id)
    assert caption(photo, None) == "2026-03-04"
    voided = void_photo(db, clinic.derm, photo.id, "blurred", photo.version)
    assert caption(voided, None) == "2026-03-04\nvoided"
    assert day(4) - timedelta(hours=1) < photo.taken_at
