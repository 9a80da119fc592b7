"""`clinic-log reference export|load`: the clinical reference tables out to CSV for the medical director and back,
checked whole (every problem named by file, line and column), all or nothing, each change audited."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from clinic_log.services.clinic.reference_files import FILES
from tests.unit.cli_helpers import run


@pytest.fixture
def ready(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _, err = run(capsys, "--db", str(db_path), "init")
    assert code == 0, err
    return db_path


@pytest.fixture
def exported(ready: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "review"
    folder.mkdir()
    code, stdout, err = run(capsys, "--db", str(ready), "reference", "export", str(folder))
    assert code == 0, err
    assert [Path(line).name for line in stdout.splitlines()] == list(FILES)
    return folder


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as raw:
        return raw.execute(sql).fetchall()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_export_is_owner_only_and_in_the_shipped_files_format(exported: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "resources" / "reference"
    for name in FILES:
        assert os.stat(exported / name).st_mode & 0o077 == 0
        assert (exported / name).read_text("utf-8").splitlines()[0] == (shipped / name).read_text(
            "utf-8").splitlines()[0]
    assert "Morpheus8,body,Body (40 pins),1.0,7.0,body," in (exported / "device_tips.csv").read_text("utf-8")


def test_loading_it_back_unchanged_changes_nothing(ready: Path, exported: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    before = _rows(ready, "SELECT count(*) FROM audit_log WHERE entity = 'reference'")
    code, stdout, err = run(capsys, "--db", str(ready), "reference", "load", str(exported))
    assert code == 0, err
    assert stdout.strip().endswith("0 row(s) added, 0 changed")
    assert _rows(ready, "SELECT count(*) FROM audit_log WHERE entity = 'reference'") == before


def test_a_changed_range_and_a_new_tip_are_stored_and_audited_with_old_and_new(
        ready: Path, exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(exported / "areas.csv", "periorbital,Periorbital (around the eyes),face,0.25,0.5",
          "periorbital,Periorbital (around the eyes),face,0.3,0.5")
    with (exported / "device_tips.csv").open("a", encoding="utf-8") as handle:
        handle.write("Morpheus8,nano,Nano (RF resurfacing),0.5,1.0,face,\n")
    code, stdout, err = run(capsys, "--db", str(ready), "reference", "load", str(exported))
    assert code == 0, err
    assert stdout.strip().endswith("1 row(s) added, 1 changed")
    assert _rows(ready, "SELECT usual_min_mm FROM areas WHERE code = 'periorbital'") == [(0.3,)]
    assert _rows(ready, "SELECT label, max_depth_mm, region FROM device_tips WHERE code = 'nano'") == [
        ("Nano (RF resurfacing)", 1.0, "face")]
    changed = [json.loads(d) for (d,) in _rows(ready, "SELECT detail FROM audit_log WHERE entity = 'reference' "
                                                       "AND action = 'changed'")]
    assert changed == [{"usual_min_mm": [0.25, 0.3]}]


def test_every_problem_of_every_file_is_named_and_nothing_is_written(
        ready: Path, exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(exported / "areas.csv", "periorbital,Periorbital (around the eyes),face,0.25,0.5",
          "periorbital,Periorbital (around the eyes),face,0.25,0.2")
    _edit(exported / "contraindications.csv", ",absolute,,rf", ",absolute,six months,rf")
    with (exported / "complication_types.csv").open("a", encoding="utf-8") as handle:
        handle.write('keloid,=HYPERLINK("http://x"),adverse,See us.,6\n')
    with (exported / "indications.csv").open("a", encoding="utf-8") as handle:
        handle.write("keloid,Keloid scars,earlobes,,,,,\n")
    code, _, err = run(capsys, "--db", str(ready), "reference", "load", str(exported))
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == "clinic-log: reference import refused, nothing was written:"
    periorbital = next(n for n, text in enumerate((exported / "areas.csv").read_text("utf-8").splitlines(), 1)
                       if text.startswith("periorbital,"))
    assert f"line {periorbital}: areas.csv: usual_max_mm: 0.2 is below usual_min_mm 0.25" in lines
    assert any(line.startswith("line ") and "contraindications.csv: window: 'six months' is not allowed" in line
               for line in lines)
    assert any("complication_types.csv: label: '=HYPERLINK" in line for line in lines)
    assert any("complication_types.csv: max_grade: '6' is not allowed" in line for line in lines)
    assert _rows(ready, "SELECT usual_max_mm FROM areas WHERE code = 'periorbital'") == [(0.5,)]
    assert _rows(ready, "SELECT count(*) FROM complication_types WHERE code = 'keloid'") == [(0,)]


def test_a_row_naming_what_does_not_exist_is_refused_whole(ready: Path, exported: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    _edit(exported / "areas.csv", "periorbital,Periorbital (around the eyes),face,0.25,0.5",
          "periorbital,Periorbital (around the eyes),face,0.3,0.5")
    with (exported / "indications.csv").open("a", encoding="utf-8") as handle:
        handle.write("keloid,Keloid scars,earlobes,,,,,\n")
    code, _, err = run(capsys, "--db", str(ready), "reference", "load", str(exported))
    assert code == 2
    assert "indications.csv: default_site: 'earlobes' is not an area" in err
    assert _rows(ready, "SELECT usual_min_mm FROM areas WHERE code = 'periorbital'") == [(0.25,)]


@pytest.mark.parametrize("folder", ["missing", "empty", "file"])
def test_a_folder_that_is_not_one_or_holds_no_reference_file_is_one_line(
        ready: Path, tmp_path: Path, folder: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / folder
    if folder == "empty":
        target.mkdir()
    elif folder == "file":
        target.write_text("x")
    for action in ("load", "export") if folder != "empty" else ("load",):
        code, _, err = run(capsys, "--db", str(ready), "reference", action, str(target))
        assert code == 2
        assert len(err.strip().splitlines()) == 1 and err.startswith("clinic-log: folder: ")
