"""Subject access with photos: the JSON lists every photo (voided ones marked) with its hash and file name, the
files beside it in `<name>_photos/` are the stored images exactly, owner-only, written whole or not at all, and the
photos' audit rows are among the accesses and changes the client is told about."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError, InvalidValue
from clinic_log.services.exchange import subject_access
from clinic_log.services.exchange.subject_access import export_client
from clinic_log.services.photos.photos import add_photos, original, void_photo
from tests.unit.services.helpers import Clinic, clinic_with_photo_consent
from tests.unit.services.photos.photo_files import phone_jpeg, plain

MAY = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
JULY = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return clinic_with_photo_consent(db, owner)


@pytest.fixture
def three(db: Database, clinic: Clinic, tmp_path: Path) -> list[int]:
    """A front photo from May and one from July, and a left 45° one voided as the wrong view."""
    source = tmp_path / "source"
    source.mkdir()
    ids = []
    for path, view, taken in ((phone_jpeg(source / "a.jpg"), "front", MAY),
                              (plain(source / "b.png", "PNG", color=(0, 90, 0)), "front", JULY),
                              (plain(source / "c.png", "PNG", color=(9, 9, 90)), "left45", JULY)):
        [added] = add_photos(db, clinic.derm, "P-1", [path], view=view, taken=taken).files
        assert added.photo_id is not None
        ids.append(added.photo_id)
    void_photo(db, clinic.derm, ids[2], "the wrong view", 1)
    return ids


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A folder of its own for the export (the database lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def export_json(db: Database, owner: Actor, out: Path) -> dict[str, Any]:
    export_client(db, owner, "P-1", "json", out)
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


def test_the_json_lists_every_photo_and_the_folder_beside_it_holds_the_stored_images_exactly(
        db: Database, owner: Actor, three: list[int], out_dir: Path) -> None:
    out = out_dir / "P-1.json"
    data = export_json(db, owner, out)
    folder = out_dir / "P-1_photos"
    assert data["photos_folder"] == "P-1_photos"
    rows = data["tables"]["photos"]
    assert [r["id"] for r in rows] == three  # oldest first
    assert [(r["view"], r["void_reason"]) for r in rows] == [("front", None), ("front", None),
                                                              ("left45", "the wrong view")]
    assert rows[0]["taken_by_name"] == "Dr Maria Brandt" and rows[2]["voided_by_name"] == "Dr Maria Brandt"
    assert sorted(p.name for p in folder.iterdir()) == sorted(r["file"] for r in rows)
    for row in rows:
        on_disk = (folder / row["file"]).read_bytes()
        assert on_disk == original(db, owner, row["id"]).data
        assert hashlib.sha256(on_disk).hexdigest() == row["sha256"] and len(on_disk) == row["byte_size"]
        assert stat.S_IMODE((folder / row["file"]).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_a_client_without_photos_gets_no_folder(db: Database, owner: Actor, clinic: Clinic, out_dir: Path) -> None:
    data = export_json(db, owner, out_dir / "P-1.json")
    assert data["tables"]["photos"] == [] and "photos_folder" not in data
    assert sorted(p.name for p in out_dir.iterdir()) == ["P-1.json"]


def test_an_existing_photos_folder_is_never_mixed_into_and_nothing_is_written(
        db: Database, owner: Actor, three: list[int], out_dir: Path) -> None:
    (out_dir / "P-1_photos").mkdir()
    (out_dir / "P-1_photos" / "holiday.jpg").write_bytes(b"mine")
    with pytest.raises(InvalidValue, match="P-1_photos"):
        export_client(db, owner, "P-1", "json", out_dir / "P-1.json")
    assert sorted(p.name for p in out_dir.iterdir()) == ["P-1_photos"]
    assert [p.name for p in (out_dir / "P-1_photos").iterdir()] == ["holiday.jpg"]


def test_a_disk_failing_midway_leaves_no_folder_and_the_earlier_json_unchanged(
        db: Database, owner: Actor, three: list[int], out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = out_dir / "P-1.json"
    out.write_text("the earlier export\n", encoding="utf-8")
    synced: list[Path] = []

    def full_after_one(path: Path) -> None:
        if path.parent.name.endswith("_photos.part") and synced:
            raise OSError(28, "No space left on device")
        synced.append(path)

    monkeypatch.setattr(subject_access, "sync_file", full_after_one)
    with pytest.raises(DomainError, match="No space left on device"):
        export_client(db, owner, "P-1", "json", out)
    assert out.read_text(encoding="utf-8") == "the earlier export\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["P-1.json"]


def test_the_photos_audit_rows_are_listed_for_the_client(db: Database, owner: Actor, three: list[int],
                                                         out_dir: Path) -> None:
    data = export_json(db, owner, out_dir / "P-1.json")
    about = {(r["action"], r["about_you"]) for r in data["tables"]["audit_log"] if r["entity"] == "photo"}
    assert about == {("added", f"added your photo {i}") for i in three} | {("voided", f"voided your photo {three[2]}")}


def test_the_export_is_audited_with_how_many_photos_went_where(db: Database, owner: Actor, three: list[int],
                                                               out_dir: Path) -> None:
    export_json(db, owner, out_dir / "P-1.json")
    data = export_json(db, owner, out_dir / "again.json")  # the second export lists the first
    [first] = [r for r in data["tables"]["audit_log"] if r["action"] == "exported" and r["entity"] == "client"]
    assert json.loads(first["detail"])["photos"] == 3
    assert json.loads(first["detail"])["photos_folder"] == "P-1_photos"
