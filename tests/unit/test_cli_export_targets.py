"""The CLI's output files: every command that writes one refuses a bad target with one line and exit 2, writing
nothing; the recall on the terminal is as safe for a spreadsheet as the file; `export --times` picks the zone."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.targets import device, fifo, locked_folder, read_only
from tests.unit.cli_helpers import run

TARGETS: dict[str, Callable[[Path], str]] = {
    "empty": lambda tmp: "",
    "folder": lambda tmp: str(tmp),
    "device": lambda tmp: str(device(tmp)),
    "fifo": lambda tmp: str(fifo(tmp)),
    "read-only file": lambda tmp: str(read_only(tmp / "old.out")),
    "missing folder": lambda tmp: str(tmp / "nope" / "out"),
    "folder without permission": lambda tmp: str(locked_folder(tmp)),
}
COMMANDS = {
    "export sessions": ("export", "sessions", "--format", "csv"),
    "export client": ("export", "client", "P-1001", "--format", "json"),
    "recall": ("recall", "--lot", "DP16-240117"),
    "aftercare": ("aftercare", "1"),
    "pretreatment": ("pretreatment", "P-1001"),
    "referral": ("referral", "1"),
}


def audit_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_output_command_refuses_a_bad_target_with_one_line(imported: Path, tmp_path: Path, target: str,
                                                                command: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    out = TARGETS[target](outputs)
    before = sorted(p.name for p in outputs.rglob("*"))
    audited = audit_rows(imported)
    try:
        code, _, err = run(capsys, "--db", str(imported), *COMMANDS[command], "-o", out)
    except SystemExit as exited:  # refused by the argument parser, before the database is opened
        code, err = exited.code, capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("clinic-log") and "Traceback" not in err
    assert "unexpected error" not in err
    assert "output" in err
    assert sorted(p.name for p in outputs.rglob("*")) == before
    assert audit_rows(imported) == audited
    if target == "read-only file":
        assert Path(out).read_text(encoding="utf-8") == "keep me"


def test_recall_on_the_terminal_neutralises_formulas(imported: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(imported)
    conn.execute("UPDATE clients SET first_name = '=HYPERLINK(\"http://x\")' WHERE client_ref = 'P-1001'")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--db", str(imported), "recall", "--lot", "DP16-240117")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    assert {r[3] for r in rows[1:] if r[2] == "P-1001"} == {"'=HYPERLINK(\"http://x\") Durand"}
    file = tmp_path / "recall.csv"
    assert run(capsys, "--db", str(imported), "recall", "--lot", "DP16-240117", "-o", str(file))[0] == 0
    assert list(csv.reader(io.StringIO(file.read_text(encoding="utf-8-sig")))) == rows


def test_export_times_in_utc_or_local_with_the_zone_named(imported: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          local_zone_los_angeles: None) -> None:
    for times in ("local", "utc"):
        out = tmp_path / f"{times}.csv"
        assert run(capsys, "--db", str(imported), "export", "sessions", "--format", "csv", "--times", times,
                   "-o", str(out))[0] == 0
    local = list(csv.DictReader(io.StringIO((tmp_path / "local.csv").read_text(encoding="utf-8-sig"))))
    utc = list(csv.DictReader(io.StringIO((tmp_path / "utc.csv").read_text(encoding="utf-8-sig"))))
    assert {r["time_zone"] for r in local} == {"America/Los_Angeles"}
    assert {r["time_zone"] for r in utc} == {"UTC"}
    assert all(r["started_at"].endswith(("-07:00", "-08:00")) for r in local)
    assert all(r["started_at"].endswith("+00:00") for r in utc)
