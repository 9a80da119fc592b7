"""A client's photos exported to a folder: the stored bytes exactly, named by day, view and id, owner-only files
in an owner-only folder, an index CSV safe to open in a spreadsheet, voided photos left out."""

from __future__ import annotations

import csv
import hashlib
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.services.photos import photos
from clinic_log.services.photos.photo_export import INDEX_COLUMNS, export_photos
from tests.unit.services.helpers import Clinic, clinic_with_photo_consent
from tests.unit.services.photos.photo_files import phone_jpeg, plain


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    clinic = clinic_with_photo_consent(db, owner)
    return clinic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_stored_images_are_written_owner_only_with_an_index(db: Database, clinic: Clinic,
                                                                tmp_path: Path) -> None:
    sneaky = Actor("=HYPERLINK(evil)", UserRole.PRACTITIONER, clinic.derm_id)  # a login name read as a formula
    jpeg = photos.add_photos(db, sneaky, "P-1", [phone_jpeg(tmp_path / "a.jpg")], view="left45").files[0]
    png = photos.add_photos(db, clinic.derm, "P-1", [plain(tmp_path / "b.png", "PNG")], view="closeup",
                            taken=datetime(2026, 6, 3, 12, tzinfo=UTC)).files[0]
    voided = photos.add_photos(db, clinic.derm, "P-1", [plain(tmp_path / "c.png", "PNG", color=(0, 0, 0))]).files[0]
    assert voided.photo_id is not None
    photos.void_photo(db, clinic.derm, voided.photo_id, "blurred", 1)

    out = export_photos(db, clinic.derm, "P-1", tmp_path / "out")
    assert [p.name for p in out.files] == [f"2026-05-01_left45_{jpeg.photo_id}.jpg",
                                           f"2026-06-03_closeup_{png.photo_id}.png"]
    assert sorted(p.name for p in out.folder.iterdir()) == sorted([*(p.name for p in out.files), "photos.csv"])
    assert mode(out.folder) == 0o700
    assert {mode(p) for p in out.folder.iterdir()} == {0o600}
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in out.files] == [jpeg.sha256, png.sha256]
    with out.index.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(INDEX_COLUMNS)
    assert [r["file"] for r in rows] == [p.name for p in out.files]
    assert rows[0]["taken_by"] == "'=HYPERLINK(evil)" and rows[0]["sha256"] == jpeg.sha256


def test_a_folder_with_files_in_it_is_refused_and_left_alone(db: Database, clinic: Clinic, tmp_path: Path) -> None:
    photos.add_photos(db, clinic.derm, "P-1", [phone_jpeg(tmp_path / "a.jpg")])
    (tmp_path / "out").mkdir(mode=0o755)
    (tmp_path / "out" / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(InvalidValue, match="a new or empty folder"):
        export_photos(db, clinic.derm, "P-1", tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["mine.txt"]
    assert mode(tmp_path / "out") == 0o755


def test_reception_may_not_take_photos_out(db: Database, clinic: Clinic, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        export_photos(db, Actor("desk", UserRole.RECEPTION), "P-1", tmp_path / "out")
    assert not (tmp_path / "out").exists()
