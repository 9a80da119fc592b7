"""The CLI contract: commands, exit codes and one-line messages (run in-process through main())."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from clinic_log.app import main
from tests.tamper import drop_guards_sqlite
from tests.unit.cli_helpers import run


def counts(db_path: Path) -> dict[str, int]:
    conn = sqlite3.connect(db_path)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("sessions", "session_areas", "complications", "clients", "audit_log")}
    finally:
        conn.close()


def test_init_is_idempotent(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", str(db_path), "init")[0] == 0
    assert run(capsys, "--db", str(db_path), "init")[0] == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM areas").fetchone()[0] == 16  # body sites only (issue 17)
    assert conn.execute("SELECT COUNT(*) FROM device_models").fetchone()[0] == 9


def test_sample_files_import_in_order(imported: Path) -> None:
    assert counts(imported)["sessions"] == 5
    assert counts(imported)["session_areas"] == 6
    assert counts(imported)["complications"] == 2  # erythema (P-1001), infection (P-1005)


def test_bad_sessions_file_is_refused_whole_with_each_bad_line(imported: Path, samples: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = counts(imported)
    code, _, err = run(capsys, "--db", str(imported), "import", "sessions", str(samples / "sessions-bad.csv"))
    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith("clinic-log: sessions import refused, nothing was written")
    assert lines[1].startswith("line 3: depth_mm:") and "2.8 mm" in lines[1]
    assert lines[2].startswith("line 4: started_at:")
    assert lines[3].startswith("line 5: area: 'kneecap'")
    assert lines[4].startswith("line 6: complication_grade: '7'")
    assert not any(line.startswith("line 2") for line in lines)
    assert "Traceback" not in err
    assert counts(imported) == before


def test_one_bad_row_in_the_middle_writes_nothing(db_path: Path, samples: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    for kind in ("practitioners", "clients"):
        run(capsys, "--db", str(db_path), "import", kind, str(samples / f"{kind}.csv"))
    rows = (samples / "sessions.csv").read_text(encoding="utf-8").splitlines()
    bad = [*rows[:3], rows[3].replace(",1.5,", ",abc,"), *rows[4:]]
    path = tmp_path / "one-bad.csv"
    path.write_text("\ufeff" + "\n".join(bad) + "\n", encoding="utf-8")  # with a BOM, as Excel saves it
    code, _, err = run(capsys, "--db", str(db_path), "import", "sessions", str(path))
    assert code == 2 and "line 4: depth_mm: 'abc' is not a number" in err
    assert counts(db_path)["sessions"] == 0


def test_columns_in_any_order(db_path: Path, samples: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    reader = list(csv.reader(io.StringIO((samples / "clients.csv").read_text(encoding="utf-8"))))
    shuffled = tmp_path / "clients.csv"
    with shuffled.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([list(reversed(r)) for r in reader])
    assert run(capsys, "--db", str(db_path), "import", "clients", str(shuffled))[0] == 0
    assert counts(db_path)["clients"] == 5


def test_missing_column_is_reported(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("client_ref,first_name\nP-1,A\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(db_path), "import", "clients", str(path))
    assert code == 2 and "line 1: last_name, date_of_birth, phone, email, fitzpatrick: missing column" in err


def test_recall_lists_every_area_treated_with_the_lot(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(imported), "recall", "--lot", "DP16-240117")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["session_id", "date", "client_ref", "client_name", "phone", "email",
                                     "practitioner", "area", "indication", "area_name"]
    assert sorted((r[2], r[7]) for r in rows[1:]) == [("P-1001", "cheeks"), ("P-1001", "forehead"),
                                                      ("P-1003", "cheeks")]
    assert "Amélie Durand" in out


def test_recall_of_unknown_lot_is_bad_input(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(imported), "recall", "--lot", "NOPE")
    assert code == 2 and err.strip() == "clinic-log: cartridge lot 'NOPE' not found; no lot number contains it"


def test_export_csv_has_bom_and_one_row_per_area(imported: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sessions.csv"
    assert run(capsys, "--db", str(imported), "export", "sessions", "--format", "csv", "-o", str(out))[0] == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 6
    cheeks = next(r for r in rows if r["client_ref"] == "P-1001" and r["area"] == "cheeks")
    assert (cheeks["depth_mm"], cheeks["passes"], cheeks["complications"]) == ("1.0", "3", "erythema (grade 1)")
    assert cheeks["client_name"] == "Amélie Durand"


def test_export_json_with_date_range(imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.json"
    code = run(capsys, "--db", str(imported), "export", "sessions", "--format", "json", "-o", str(out),
               "--from", "2026-06-03", "--to", "2026-06-04")[0]
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(d["client_ref"] for d in data) == ["P-1002", "P-1003"]


def test_bad_usage_exits_2_with_one_line(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db_path), "export", "sessions", "--format", "xml", "-o", "x"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "invalid choice: 'xml'" in err


def test_check_reports_an_edited_audit_row(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", str(imported), "check")[0] == 0
    conn = sqlite3.connect(imported)
    drop_guards_sqlite(conn)  # the audit log is append-only: an attacker with the file drops the guard first
    conn.execute("UPDATE audit_log SET detail = '{}' WHERE id = 3")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--db", str(imported), "check")
    assert code == 1
    assert "audit_log row 3: content does not match its hash" in out


def test_check_reports_a_deleted_audit_row(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(imported)
    drop_guards_sqlite(conn)
    conn.execute("DELETE FROM audit_log WHERE id = 2")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--db", str(imported), "check")
    assert code == 1 and "audit_log row 3: does not link to the previous row" in out


def test_backup_and_restore_round_trip(imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    backup = tmp_path / "backup.sqlite3"
    assert run(capsys, "--db", str(imported), "backup", "-o", str(backup))[0] == 0
    conn = sqlite3.connect(imported)
    conn.execute("PRAGMA foreign_keys=OFF")
    drop_guards_sqlite(conn)
    conn.execute("DELETE FROM session_areas")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--db", str(imported), "restore", str(backup))
    assert code == 0 and "previous database was kept" in out
    assert counts(imported)["session_areas"] == 6
    assert list(tmp_path.glob("clinic.before-restore-*.sqlite3"))


def test_restore_refuses_a_file_that_is_not_a_database(imported: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all")
    before = counts(imported)
    code, _, err = run(capsys, "--db", str(imported), "restore", str(junk))
    assert code == 2 and "restore refused" in err and "not an SQLite database" in err
    assert counts(imported) == before


def test_aftercare_for_unknown_session_is_bad_input(imported: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(imported), "aftercare", "999", "-o", str(tmp_path / "a.pdf"))
    assert code == 2 and err.strip() == "clinic-log: session 999 not found"


def test_demo_creates_every_role(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(db_path), "demo", "--clients", "20", "--sessions", "300", "--seed", "3")
    assert code == 0 and "300 sessions" in out
    conn = sqlite3.connect(db_path)
    roles = {r[0] for r in conn.execute("SELECT DISTINCT role FROM practitioners")}
    assert roles == {"esthetician", "nurse", "dermatologist", "plastic_surgeon"}
    assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 300
    assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] > 0
    assert run(capsys, "--db", str(db_path), "check")[0] == 0


def test_env_var_selects_the_database(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CLINIC_LOG_DB", str(db_path))
    assert run(capsys, "init")[0] == 0
    assert db_path.exists()


def test_damaged_database_is_never_overwritten(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", str(db_path), "init")[0] == 0
    (db_path.parent / "backups").mkdir()
    assert run(capsys, "--db", str(db_path), "backup", "-o", str(db_path.parent / "backups" /
                                                                 "clinic-daily-2026-11-24.sqlite3"))[0] == 0
    damaged = b"this file was damaged by a faulty disk" * 100
    db_path.write_bytes(damaged)
    for wal in db_path.parent.glob("clinic.sqlite3-*"):
        wal.unlink()
    code, _, err = run(capsys, "--db", str(db_path), "export", "sessions", "--format", "csv", "-o",
                       str(db_path.parent / "x.csv"))
    assert code == 2 and "left exactly as it is" in err and "clinic-daily-2026-11-24.sqlite3" in err
    assert db_path.read_bytes() == damaged


def test_backup_into_a_missing_folder_is_bad_input(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(db_path), "backup", "-o", str(db_path.parent / "nope" / "b.sqlite3"))
    assert code == 2 and "a file in an existing folder" in err


@pytest.mark.parametrize("args", [
    ("aftercare", "99999999999999999999", "-o", "x.pdf"),  # beyond any row id: the driver failed ("unexpected")
    ("aftercare", "-3", "-o", "x.pdf"), ("aftercare", "١٢", "-o", "x.pdf"), ("aftercare", "1.0", "-o", "x.pdf"),
    ("demo", "--clients", "99999999999999999999"),  # ran for ever
    ("demo", "--clients", "0"), ("demo", "--sessions", "-1"), ("demo", "--sessions", "5000001"),
    ("demo", "--seed", "1.5"),
])
def test_a_number_outside_what_a_command_takes_is_one_line_exit_2(
        db_path: Path, tmp_path: Path, args: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run(capsys, "--db", str(db_path), *args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and f"'{args[-1] if args[0] == 'demo' else args[1]}' is not allowed; " \
        in err
    assert not db_path.exists() and not (tmp_path / "x.pdf").exists()


def test_recall_of_part_of_a_lot_number_names_the_lots_containing_it(
        imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(imported), "recall", "--lot", "240117")
    assert (code, out) == (2, "")
    assert err.strip() == "clinic-log: cartridge lot '240117' not found; lots whose number contains it: DP16-240117"
    code, out, _ = run(capsys, "--db", str(imported), "recall", "--lot", "dp16-240117")
    assert code == 0 and "Amélie Durand" in out


def test_version_is_the_one_in_pyproject(capsys: pytest.CaptureFixture[str]) -> None:
    """One version number: pyproject.toml's, read from the installed package at run time (issue 21)."""
    import tomllib

    declared = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"clinic-log {declared['project']['version']}\n"
