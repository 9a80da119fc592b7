"""What the client page and the add dialog read: thumbnails by id in one go (only those asked for), the client's
photos with their sessions' numbers and the photo consents, the sessions and areas a new photo may be attached to,
and a file's camera time read from its header."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import PermissionDenied
from clinic_log.domain.values import AreaInput
from clinic_log.services.clients.consents import EXPIRED, NONE, VALID
from clinic_log.services.photos import photos
from clinic_log.services.photos.images import camera_time_of
from clinic_log.services.photos.photo_page import add_choices, client_photos, thumbnails
from clinic_log.services.sessions import sessions
from clinic_log.services.sessions.amendments import void_session
from tests.unit.services.helpers import CONSENT_SIGNED_ON, Clinic, clinic_with_photo_consent, session_entry
from tests.unit.services.photos.photo_files import BLUE, RED, phone_jpeg, plain, text_file


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    clinic = clinic_with_photo_consent(db, owner)
    return clinic


def test_thumbnails_are_read_for_the_ids_asked_only_and_unknown_ids_are_left_out(
        db: Database, clinic: Clinic, tmp_path: Path) -> None:
    result = photos.add_photos(db, clinic.derm, "P-1", [plain(tmp_path / "a.png", "PNG", color=RED),
                                                        plain(tmp_path / "b.png", "PNG", color=BLUE),
                                                        plain(tmp_path / "c.png", "PNG", size=(9, 9))])
    a, b, c = (f.photo_id for f in result.files)
    assert a is not None and b is not None and c is not None
    found = thumbnails(db, Actor("desk", UserRole.RECEPTION), [a, c, 999])
    assert set(found) == {a, c}
    assert found[a] == photos.thumbnail(db, clinic.derm, a)
    assert thumbnails(db, clinic.derm, []) == {}


def test_the_clients_photos_come_with_their_session_numbers_and_the_photo_consents(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    session = sessions.log_session(db, clinic.derm, session_entry(clinic, course_index=2), sign=True)
    photos.add_photos(db, clinic.derm, "P-1", [plain(tmp_path / "a.png", "PNG")], session_id=session.id)
    found = client_photos(db, clinic.derm, "P-1", date.today())
    assert found.session_numbers == {session.id: 2}
    assert (found.clinical_consent.state, found.other_consent.state, found.may_add) == (VALID, NONE, True)
    later = client_photos(db, clinic.derm, "P-1", CONSENT_SIGNED_ON.replace(year=CONSENT_SIGNED_ON.year + 3))
    assert (later.clinical_consent.state, later.may_add) == (EXPIRED, False)


def test_a_new_photo_may_go_with_a_standing_session_and_its_areas(
        db: Database, owner: Actor, clinic: Clinic) -> None:
    older = sessions.log_session(db, clinic.derm, session_entry(
        clinic, AreaInput("forehead", 0.5, 2), started_at=datetime(2026, 5, 1, 9, tzinfo=UTC)), sign=True)
    newer = sessions.log_session(db, clinic.derm, session_entry(
        clinic, AreaInput("nose", 0.5, 2), AreaInput("cheeks", 0.5, 2), course_index=2), sign=True)
    void_session(db, owner, older.id, "entered for the wrong client")
    choices = add_choices(db, clinic.derm, "P-1")
    assert [(s.id, s.areas, s.number) for s in choices.sessions] == [(newer.id, ("nose", "cheeks"), 2)]
    assert ("forehead", "Forehead") in choices.areas
    assert choices.other_consent.state == "none"  # photos for other uses: not yet
    with pytest.raises(PermissionDenied):
        add_choices(db, Actor("desk", UserRole.RECEPTION), "P-1")


def test_a_files_camera_time_is_read_from_its_header_and_a_non_image_has_none(tmp_path: Path) -> None:
    found = camera_time_of(phone_jpeg(tmp_path / "a.jpg"))
    assert found is not None and found.at == datetime(2026, 5, 1, 8, 11, 12, tzinfo=UTC)
    assert camera_time_of(text_file(tmp_path / "notes.jpg")) is None
    assert camera_time_of(plain(tmp_path / "b.png", "PNG")) is None
