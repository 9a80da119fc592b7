"""Every released schema version's fixture database upgrades to head with all its data intact."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from clinic_log.db.schema_version import HEAD_REVISION, current_revision
from clinic_log.services.audit.integrity import check_database
from clinic_log.services.backup.database import prepare_database

FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures").glob("schema-*.sqlite3"))
TABLES = ("clients", "practitioners", "sessions", "session_areas", "complications", "audit_log", "findings")


def columns(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        return {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in TABLES}
    finally:
        conn.close()


def snapshot(path: Path, cols: dict[str, list[str]]) -> dict[str, list[tuple[object, ...]]]:
    """Rows of each table, in the columns the old schema had (later versions may add columns)."""
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT {', '.join(cols[t])} FROM {t} ORDER BY id").fetchall() for t in TABLES}
    finally:
        conn.close()


def test_there_is_a_fixture_for_the_current_schema() -> None:
    assert any(f.name == f"schema-{HEAD_REVISION}.sqlite3" for f in FIXTURES)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_fixture_upgrades_to_head_with_data_intact(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    old_columns = columns(copy)
    before = snapshot(copy, old_columns)
    db = prepare_database(str(copy))
    assert current_revision(db) == HEAD_REVISION
    assert check_database(db) == []
    db.dispose()
    assert all(before[t] for t in TABLES), "the fixture should hold rows in every table"
    after = snapshot(copy, old_columns)
    # Upgrading to seals appends the rows that seal the sessions signed before; every row there before is intact.
    assert after["audit_log"][:len(before["audit_log"])] == before["audit_log"]
    # Schema 0009 moves areas stored as an indication to its site, the indication kept beside it.
    if "indication" not in old_columns["session_areas"]:
        before["session_areas"] = moved_to_sites(before["session_areas"], old_columns["session_areas"])
    assert {t: rows for t, rows in after.items() if t != "audit_log"} == {
        t: rows for t, rows in before.items() if t != "audit_log"}


MOVED = {"acne_scars": "cheeks", "scars": "site_not_recorded", "stretch_marks": "abdomen"}


def moved_to_sites(rows: list[tuple[object, ...]], names: list[str]) -> list[tuple[object, ...]]:
    at = names.index("area_code")
    return [(*row[:at], MOVED.get(str(row[at]), row[at]), *row[at + 1:]) for row in rows]


def test_areas_stored_as_an_indication_become_that_indication_on_its_site(tmp_path: Path) -> None:
    """Acne scars, scars and stretch marks were areas until 0009: each row keeps its indication beside the site it
    is read on, nothing else changes, they are no longer areas, and `check` finds every seal intact."""
    copy = tmp_path / "old.sqlite3"
    shutil.copy(next(f for f in FIXTURES if "0008_" in f.name), copy)
    conn = sqlite3.connect(copy)
    old = dict(conn.execute("SELECT id, area_code FROM session_areas"))
    conn.close()
    assert {"acne_scars", "stretch_marks"} <= set(old.values()), "the fixture should hold such areas"
    db = prepare_database(str(copy))
    assert check_database(db) == []
    db.dispose()
    conn = sqlite3.connect(copy)
    try:
        now = {i: (site, indication) for i, site, indication in
               conn.execute("SELECT id, area_code, indication FROM session_areas")}
        areas = set(conn.execute("SELECT code FROM areas").fetchall())
        why = conn.execute("SELECT detail FROM audit_log WHERE action = 'sealed' ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    assert now == {i: (MOVED[code], code) if code in MOVED else (code, None) for i, code in old.items()}
    assert not areas & {(code,) for code in MOVED}
    assert "records the indication apart from the body site" in why[0]


def test_a_session_changed_outside_the_app_before_the_upgrade_is_not_sealed_again(tmp_path: Path) -> None:
    """The upgrade seals again only what matched its seal: a depth changed behind the app's back stays reported."""
    copy = tmp_path / "old.sqlite3"
    shutil.copy(next(f for f in FIXTURES if "0008_" in f.name), copy)
    conn = sqlite3.connect(copy)
    sid = conn.execute("SELECT a.session_id FROM session_areas a JOIN sessions s ON s.id = a.session_id "
                       "WHERE a.area_code = 'acne_scars' AND s.status = 'signed' AND s.voided_at IS NULL "
                       "ORDER BY a.id LIMIT 1").fetchone()[0]
    conn.execute("UPDATE session_areas SET depth_mm = depth_mm + 0.5 WHERE session_id = ? AND area_code = "
                 "'acne_scars'", (sid,))
    conn.commit()
    conn.close()
    db = prepare_database(str(copy))
    problems = check_database(db)
    db.dispose()
    assert any(f"session {sid}: its stored content no longer matches its seal" in p for p in problems), problems


REFERENCE = {
    "contraindication_types": "code, label, severity, window, modality",
    "areas": "code, label, region, usual_min_mm, usual_max_mm, rf_min_mm, rf_max_mm",
    "device_models": "name, modality, min_depth_mm, max_depth_mm, min_age",
    "complication_types": "code, label, category, max_grade",
}


def reference(path: Path) -> dict[str, set[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {t: set(conn.execute(f"SELECT {cols} FROM {t}")) for t, cols in REFERENCE.items()}
    finally:
        conn.close()


def test_an_upgraded_database_holds_the_reviewed_reference_data_of_a_new_one(tmp_path: Path) -> None:
    """Pacemakers stop RF, active acne and sunburn are absolute, RF ranges exist, PIH is graded 1–2 at most —
    on a clinic's existing database as on a new one (the one the clinic had before 0006 is the 0005 fixture)."""
    old = tmp_path / "old.sqlite3"
    shutil.copy(next(f for f in FIXTURES if "0005_" in f.name), old)
    prepare_database(str(old)).dispose()
    new = tmp_path / "new.sqlite3"
    prepare_database(str(new)).dispose()
    upgraded, fresh = reference(old), reference(new)
    for table in REFERENCE:
        # rows retired by the review (e.g. "recent resurfacing", split in two) stay for the findings that name them
        assert fresh[table] <= upgraded[table], table
    assert ("active_acne", "Active inflamed / pustular acne in the area", "absolute", None, "both") \
        in upgraded["contraindication_types"]
    assert ("implanted_device", "Pacemaker or other implanted electronic device", "absolute", None, "rf") \
        in upgraded["contraindication_types"]
