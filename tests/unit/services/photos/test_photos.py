"""Adding, listing, reading, voiding and pairing a client's photos, on SQLite and PostgreSQL: the consent gate, one
transaction per file (a folder's bad files reported, the rest stored), the same image stored once, and the database
refusing any change but a void."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, PhotoBlob
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, PhotoUse, PhotoView, TakenAtSource, UserRole
from clinic_log.domain.errors import ChangedMeanwhile, DomainError, InvalidValue, NotFound, PermissionDenied
from clinic_log.domain.values import AreaInput
from clinic_log.services.clients import clients
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.clinic.consent_texts import save_consent_text
from clinic_log.services.photos import photos
from clinic_log.services.photos.photos import ConsentMissing, add_photos
from clinic_log.services.sessions import sessions
from tests.unit.services.helpers import CONSENT_SIGNED_ON, Clinic, clinic_with_photo_consent, make_clinic, session_entry
from tests.unit.services.photos.photo_files import RED, phone_jpeg, plain, text_file, truncated_jpeg


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return clinic_with_photo_consent(db, owner)


def one(db: Database, actor: Actor, path: Path, **kwargs: object) -> photos.FileResult:
    result = add_photos(db, actor, "P-1", [path], **kwargs)  # type: ignore[arg-type]
    assert len(result.files) == 1
    return result.files[0]


def test_an_added_photo_is_listed_with_its_camera_time_and_its_hash_is_in_the_audit_chain(
        db: Database, clinic: Clinic, tmp_path: Path) -> None:
    added = one(db, clinic.derm, phone_jpeg(tmp_path / "a.jpg"), view="left45")
    assert added.stored and added.problem is None
    [photo] = photos.list_photos(db, clinic.derm, "P-1")
    assert (photo.id, photo.view, photo.use, photo.taken_by) == (added.photo_id, PhotoView.LEFT45,
                                                                 PhotoUse.CLINICAL, "mbrandt")
    assert (photo.taken_at, photo.taken_at_source) == (datetime(2026, 5, 1, 8, 11, 12, tzinfo=UTC),
                                                       TakenAtSource.EXIF)
    with db.reading() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "photo")).one()
    assert (entry.action, entry.entity_id) == ("added", str(photo.id))
    assert json.loads(entry.detail)["sha256"] == photo.sha256 == added.sha256


def test_the_original_is_the_stored_upright_image_and_the_thumbnail_is_read_alone(
        db: Database, clinic: Clinic, tmp_path: Path) -> None:
    added = one(db, clinic.derm, phone_jpeg(tmp_path / "a.jpg"))
    assert added.photo_id is not None
    image = photos.original(db, clinic.derm, added.photo_id)
    assert hashlib.sha256(image.data).hexdigest() == added.sha256 and image.mime == "image/jpeg"
    assert Image.open(BytesIO(image.data)).size == (40, 80)
    assert Image.open(BytesIO(photos.thumbnail(db, clinic.derm, added.photo_id))).format == "JPEG"
    with pytest.raises(NotFound, match="photo 999 not found"):
        photos.thumbnail(db, clinic.derm, 999)


def test_without_clinical_photo_consent_nothing_is_stored_and_the_client_is_named(
        db: Database, owner: Actor, tmp_path: Path) -> None:
    clinic = make_clinic(db, owner)  # a treatment consent only
    with pytest.raises(ConsentMissing, match=r"^client P-1 has no valid consent to clinical-record photos"):
        add_photos(db, clinic.derm, "P-1", [phone_jpeg(tmp_path / "a.jpg")])
    assert photos.list_photos(db, clinic.derm, "P-1") == ()


def test_a_photo_for_other_use_also_needs_that_consent(db: Database, owner: Actor, clinic: Clinic,
                                                       tmp_path: Path) -> None:
    with pytest.raises(ConsentMissing, match="consent to photos for other uses"):
        add_photos(db, clinic.derm, "P-1", [phone_jpeg(tmp_path / "a.jpg")], use="other")
    record_consent(db, owner, clinic.client_id, "Zofia", CONSENT_SIGNED_ON, purpose=ConsentPurpose.PHOTOS_OTHER)
    assert one(db, clinic.derm, phone_jpeg(tmp_path / "a.jpg"), use="other").stored


def test_an_other_use_consent_on_replaced_wording_no_longer_counts_until_signed_again(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    record_consent(db, owner, clinic.client_id, "Zofia", CONSENT_SIGNED_ON, purpose=ConsentPurpose.PHOTOS_OTHER)
    save_consent_text(db, owner, "Photos v2: my photographs may also be shown on the clinic's social media.",
                      purpose=ConsentPurpose.PHOTOS_OTHER)
    with pytest.raises(ConsentMissing, match=r"no valid consent to photos for other uses \(it was signed on wording "
                                             r"version 1; the clinic's wording is now version 2\)"):
        add_photos(db, clinic.derm, "P-1", [phone_jpeg(tmp_path / "a.jpg")], use="other")
    assert one(db, clinic.derm, phone_jpeg(tmp_path / "a.jpg")).stored  # clinical use needs only its own consent
    record_consent(db, owner, clinic.client_id, "Zofia", date.today(), purpose=ConsentPurpose.PHOTOS_OTHER)
    assert one(db, clinic.derm, phone_jpeg(tmp_path / "b.jpg", taken="2026:05:02 10:11:12"), use="other").stored


def test_an_expired_photo_consent_does_not_count(db: Database, owner: Actor, tmp_path: Path) -> None:
    clinic = make_clinic(db, owner)
    record_consent(db, owner, clinic.client_id, "Zofia", date.today() - timedelta(days=800),
                   purpose=ConsentPurpose.PHOTOS_CLINICAL)
    with pytest.raises(ConsentMissing, match=r"\(it expired on "):
        add_photos(db, clinic.derm, "P-1", [phone_jpeg(tmp_path / "a.jpg")])


def test_a_folder_import_reports_each_bad_file_and_stores_the_rest(db: Database, clinic: Clinic,
                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "visit"
    folder.mkdir()
    phone_jpeg(folder / "a.jpg")
    plain(folder / "c.png", "PNG")
    truncated_jpeg(folder / "b.jpg")
    text_file(folder / "photo.jpg")
    result = add_photos(db, clinic.derm, "P-1", [folder])
    assert result.summary == "2 stored, 2 refused"
    assert [f.problem for f in result.refused] == ["b.jpg: truncated JPEG",
                                                   "photo.jpg: not an image; a JPEG, PNG, HEIC or TIFF photo"]
    assert sorted(f.file for f in result.stored) == ["a.jpg", "c.png"]
    assert len(photos.list_photos(db, clinic.derm, "P-1")) == 2


def test_the_same_image_twice_is_refused_and_after_a_void_it_is_added_again_sharing_one_blob(
        db: Database, clinic: Clinic, tmp_path: Path) -> None:
    first = one(db, clinic.derm, phone_jpeg(tmp_path / "a.jpg"))
    again = one(db, clinic.derm, tmp_path / "a.jpg")
    assert again.problem == f"a.jpg: the same image is already photo {first.photo_id} of client P-1; not added twice"
    assert first.photo_id is not None
    photos.void_photo(db, clinic.derm, first.photo_id, "wrong view", 1)
    readded = one(db, clinic.derm, tmp_path / "a.jpg", view="right45")
    assert readded.stored and readded.sha256 == first.sha256
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(PhotoBlob)) == 1
    assert len(photos.list_photos(db, clinic.derm, "P-1")) == 2


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"view": "side"}, "view: 'side' is not allowed; one of front, left45, right45, left90, right90, closeup"),
    ({"use": "marketing"}, "use: 'marketing' is not allowed; one of clinical, other"),
    ({"area": "elbow"}, "area: 'elbow' is not allowed; a site code of the reference data"),
    ({"session_id": 999}, "session 999 not found"),
    ({"taken": datetime.now(UTC) + timedelta(days=2)}, "taken: "),
])
def test_bad_choices_refuse_the_whole_call(db: Database, clinic: Clinic, tmp_path: Path,
                                           kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(DomainError) as refused:
        add_photos(db, clinic.derm, "P-1", [phone_jpeg(tmp_path / "a.jpg")], **kwargs)  # type: ignore[arg-type]
    assert str(refused.value).startswith(message)
    assert photos.list_photos(db, clinic.derm, "P-1") == ()


def test_a_session_of_another_client_and_an_area_not_treated_in_it_are_refused(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    other = clients.create_client(db, owner, clients.ClientDetails("P-2", "Ada", "Lovelace", date(1985, 1, 1)))
    theirs = sessions.log_session(db, clinic.derm, session_entry(clinic, client_id=other.id), reason="test").id
    ours = sessions.log_session(db, clinic.derm, session_entry(clinic, AreaInput("cheeks", 0.75, 2))).id
    path = phone_jpeg(tmp_path / "a.jpg")
    with pytest.raises(InvalidValue, match=f"session: {theirs} is not allowed; a session of client P-1"):
        add_photos(db, clinic.derm, "P-1", [path], session_id=theirs)
    with pytest.raises(InvalidValue, match=f"one of the areas of session {ours}: cheeks"):
        add_photos(db, clinic.derm, "P-1", [path], session_id=ours, area="forehead")
    stored = one(db, clinic.derm, path, session_id=ours, area="cheeks", view="closeup")
    [photo] = photos.list_photos(db, clinic.derm, "P-1")
    assert (photo.id, photo.session_id, photo.area_code) == (stored.photo_id, ours, "cheeks")


def test_a_typed_time_wins_and_a_file_without_camera_time_uses_its_modification_time(
        db: Database, clinic: Clinic, tmp_path: Path) -> None:
    import os

    typed = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    one(db, clinic.derm, phone_jpeg(tmp_path / "a.jpg"), taken=typed)
    png = plain(tmp_path / "b.png", "PNG", color=(1, 2, 3))
    os.utime(png, (1_700_000_000, 1_700_000_000))
    one(db, clinic.derm, png)
    by_source = {p.taken_at_source: p.taken_at for p in photos.list_photos(db, clinic.derm, "P-1")}
    assert by_source == {TakenAtSource.TYPED: typed,
                         TakenAtSource.FILE: datetime.fromtimestamp(1_700_000_000, UTC)}


def test_voiding_needs_a_reason_and_the_version_seen_and_happens_once(db: Database, clinic: Clinic,
                                                                      tmp_path: Path) -> None:
    photo_id = one(db, clinic.derm, phone_jpeg(tmp_path / "a.jpg")).photo_id
    assert photo_id is not None
    with pytest.raises(InvalidValue, match="reason"):
        photos.void_photo(db, clinic.derm, photo_id, "   ", 1)
    voided = photos.void_photo(db, clinic.derm, photo_id, " wrong client ", 1)
    assert (voided.voided, voided.voided_by, voided.void_reason, voided.version) == (True, "mbrandt",
                                                                                     "wrong client", 2)
    with pytest.raises(ChangedMeanwhile, match=f"photo {photo_id} was already voided by mbrandt"):
        photos.void_photo(db, clinic.nurse, photo_id, "again", 1)
    assert photos.photo_info(db, clinic.derm, photo_id).void_reason == "wrong client"


def test_reception_sees_photos_but_cannot_add_or_void_them(db: Database, clinic: Clinic, tmp_path: Path) -> None:
    photo_id = one(db, clinic.derm, phone_jpeg(tmp_path / "a.jpg")).photo_id
    assert photo_id is not None
    desk = Actor("desk", UserRole.RECEPTION)
    assert len(photos.list_photos(db, desk, "P-1")) == 1
    with pytest.raises(PermissionDenied):
        add_photos(db, desk, "P-1", [tmp_path / "a.jpg"])
    with pytest.raises(PermissionDenied):
        photos.void_photo(db, desk, photo_id, "mine", 1)


def test_the_comparison_starts_from_the_first_photo_of_the_course_and_the_newest_standing_one(
        db: Database, clinic: Clinic, tmp_path: Path) -> None:
    def add(name: str, when: datetime, view: str = "front", shade: int = 0) -> int:
        path = plain(tmp_path / name, "PNG", color=(shade, 10, 10))
        photo_id = one(db, clinic.derm, path, view=view, taken=when).photo_id
        assert photo_id is not None
        return photo_id

    add("old-course.png", datetime(2025, 1, 5, 10, tzinfo=UTC), shade=1)
    sessions.log_session(db, clinic.derm, session_entry(clinic, course_index=1, course_total=3,
                                                        started_at=datetime(2026, 2, 1, 10, tzinfo=UTC)))
    before = add("before.png", datetime(2026, 2, 1, 9, tzinfo=UTC), shade=2)  # the morning of session 1
    add("side.png", datetime(2026, 4, 1, 9, tzinfo=UTC), view="left90", shade=3)
    newest = add("after.png", datetime(2026, 4, 1, 9, tzinfo=UTC), shade=4)
    later = add("blurred.png", datetime(2026, 4, 2, 9, tzinfo=UTC), shade=5)
    photos.void_photo(db, clinic.derm, later, "blurred", 1)
    pair = photos.comparison_pair(db, clinic.derm, "P-1", "front")
    assert (pair.before and pair.before.id, pair.after and pair.after.id) == (before, newest)
    lone = photos.comparison_pair(db, clinic.derm, "P-1", PhotoView.LEFT90)
    assert lone.before is not None and lone.after is None
    assert photos.comparison_pair(db, clinic.derm, "P-1", "closeup") == photos.ComparisonPair(
        PhotoView.CLOSEUP, None, None)
    assert [p.view for p in photos.list_photos(db, clinic.derm, "P-1", view="left90")] == [PhotoView.LEFT90]


@pytest.mark.parametrize("statement", [
    "UPDATE photo_blobs SET mime = 'image/png'",
    "DELETE FROM photo_blobs",
    "DELETE FROM photos",
    "UPDATE photos SET view = 'left45'",
    "UPDATE photos SET voided_at = added_at, voided_by = 'x', void_reason = 'y'",  # without raising the version
])
def test_the_database_refuses_any_change_but_a_void(db: Database, clinic: Clinic, tmp_path: Path,
                                                    statement: str) -> None:
    one(db, clinic.derm, plain(tmp_path / "a.png", "PNG", color=RED))
    with pytest.raises((DBAPIError, DomainError), match="refused by the database"), db.writing() as session:
        session.execute(text(statement))


def test_a_capture_time_wins_over_the_files_camera_time_and_is_stored_as_a_capture(
        db: Database, clinic: Clinic, tmp_path: Path) -> None:
    """The camera dialog hands its saved frame to the same add_photos as files, saying when it was taken."""
    captured = datetime(2026, 7, 1, 9, 30, 5, tzinfo=UTC)
    added = one(db, clinic.derm, phone_jpeg(tmp_path / "frame.jpg"), taken=captured,
                taken_source=TakenAtSource.CAPTURE)
    [photo] = photos.list_photos(db, clinic.derm, "P-1")
    assert (photo.id, photo.taken_at, photo.taken_at_source) == (added.photo_id, captured, TakenAtSource.CAPTURE)
