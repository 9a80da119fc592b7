"""The clinical reference tables out to CSV and back, as a caller of the service sees it: only the files present are
read, rows left out of a file are kept, a name listed twice or a half-given RF range or a tip of an unknown
device is refused whole with its file and line, and only the owner does either (the command line's messages are in
tests/unit/test_cli_reference.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from clinic_log.db.engine import Database
from clinic_log.db.models import Area, AuditEntry, DeviceTip
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import ImportRefused, PermissionDenied
from clinic_log.services.clinic.reference_files import FILES, export_reference, load_reference

HEADER = "code,label,region,usual_min_mm,usual_max_mm,notes,rf_min_mm,rf_max_mm\n"


def _count(db: Database, model: type[object]) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _reference_audit(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "reference")
                              .where(AuditEntry.action != "exported")) or 0


def test_only_the_owner_loads_or_exports(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "review"
    folder.mkdir()
    for role in (UserRole.PRACTITIONER, UserRole.RECEPTION):
        with pytest.raises(PermissionDenied):
            export_reference(db, Actor("someone", role), folder)
        with pytest.raises(PermissionDenied):
            load_reference(db, Actor("someone", role), folder)
    assert list(folder.iterdir()) == []


def test_only_the_files_present_are_read_and_rows_left_out_are_kept(db: Database, owner: Actor,
                                                                    tmp_path: Path) -> None:
    areas = _count(db, Area)
    (tmp_path / "areas.csv").write_text(HEADER + "forehead,Forehead,face,0.3,0.5,,0.5,1.5\n", encoding="utf-8")
    loaded = load_reference(db, owner, tmp_path)
    assert (loaded.added, loaded.changed, loaded.files) == (0, 1, ("areas.csv",))
    assert _count(db, Area) == areas  # the areas not in the file stay: stored sessions name them
    with db.reading() as session:
        assert session.get(Area, "forehead").usual_min_mm == 0.3  # type: ignore[union-attr]


def test_what_was_exported_loads_back_unchanged(db: Database, owner: Actor, tmp_path: Path) -> None:
    written = export_reference(db, owner, tmp_path)
    assert [p.name for p in written] == list(FILES)
    loaded = load_reference(db, owner, tmp_path)
    assert (loaded.added, loaded.changed, loaded.files) == (0, 0, FILES)
    assert _reference_audit(db) == 0


@pytest.mark.parametrize(("rows", "problem"), [
    ("forehead,Forehead,face,0.25,0.5,,0.5,1.5\nforehead,Brow,face,0.25,0.5,,,\n",
     "line 3: areas.csv: code: 'forehead' is listed twice (also line 2)"),
    ("forehead,Forehead,face,0.25,0.5,,0.5,\n",
     "line 2: areas.csv: rf_max_mm: give both ends of the RF range or neither"),
])
def test_a_bad_row_is_refused_with_its_file_and_line_and_nothing_is_written(
        db: Database, owner: Actor, tmp_path: Path, rows: str, problem: str) -> None:
    (tmp_path / "areas.csv").write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        load_reference(db, owner, tmp_path)
    assert [str(p) for p in refused.value.problems] == [problem]
    assert _reference_audit(db) == 0


def test_a_tip_of_a_device_model_the_clinic_does_not_have_refuses_every_file(db: Database, owner: Actor,
                                                                             tmp_path: Path) -> None:
    tips = _count(db, DeviceTip)
    (tmp_path / "areas.csv").write_text(HEADER + "forehead,Forehead,face,0.3,0.5,,0.5,1.5\n", encoding="utf-8")
    (tmp_path / "device_tips.csv").write_text(
        "device_model,code,label,min_depth_mm,max_depth_mm,region,notes\n"
        "Morpheus9,nano,Nano (RF resurfacing),0.5,1.0,face,\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        load_reference(db, owner, tmp_path)
    assert [str(p) for p in refused.value.problems] == [
        "line 2: device_tips.csv: device_model: 'Morpheus9' is not a device model"]
    with db.reading() as session:
        assert session.get(Area, "forehead").usual_min_mm == 0.25  # type: ignore[union-attr]
    assert _count(db, DeviceTip) == tips and _reference_audit(db) == 0
