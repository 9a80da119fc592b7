"""`clinic-log settings`: list the clinic's settings, set one (validated, audited); bad input exits 2 with one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.unit.cli_helpers import run


@pytest.fixture
def ready(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _, err = run(capsys, "--db", str(db_path), "init")
    assert code == 0, err
    return db_path


def test_settings_lists_every_setting_with_its_value(ready: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "--db", str(ready), "settings")
    assert code == 0
    lines = dict(line.split("=", 1) for line in stdout.splitlines())
    assert lines["fhir.identifier_system"] == "" and lines["security.idle_lock_minutes"] == "10"


def test_set_stores_the_normalised_value_and_audits_it(ready: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(capsys, "--db", str(ready), "settings", "set", "fhir.identifier_system",
                            "https://myclinic.example/fhir/")
    assert code == 0, err
    assert stdout.strip() == "fhir.identifier_system=https://myclinic.example/fhir"
    code, stdout, _ = run(capsys, "--db", str(ready), "settings")
    assert "fhir.identifier_system=https://myclinic.example/fhir" in stdout.splitlines()
    with sqlite3.connect(ready) as raw:
        (detail,) = raw.execute("SELECT detail FROM audit_log WHERE entity = 'settings'").fetchone()
    assert "https://myclinic.example/fhir" in detail and "cli:" in raw_actor(ready)
    code, stdout, _ = run(capsys, "--db", str(ready), "settings", "set", "fhir.identifier_system",
                          "https://myclinic.example/fhir")
    assert code == 0 and "unchanged" in stdout


def raw_actor(path: Path) -> str:
    with sqlite3.connect(path) as raw:
        (actor,) = raw.execute("SELECT actor FROM audit_log WHERE entity = 'settings'").fetchone()
    return str(actor)


@pytest.mark.parametrize("args", [
    ("settings", "set", "fhir.identifier_system", "not a uri"),
    ("settings", "set", "fhir.identifier_system", "ftp://clinic.example"),
    ("settings", "set", "no.such.key", "x"),
    ("settings", "set", "security.idle_lock_minutes", "0"),
    ("settings", "set", "consent.validity", "a year"),  # stored, it would have broken every session's check
    ("settings", "set", "fhir.identifier_system"),  # no value
    ("settings", "frobnicate"),
])
def test_bad_settings_exit_2_with_one_line_and_change_nothing(ready: Path, capsys: pytest.CaptureFixture[str],
                                                              args: tuple[str, ...]) -> None:
    try:
        code, _, err = run(capsys, "--db", str(ready), *args)
    except SystemExit as stopped:  # argparse's own usage errors
        code, err = int(str(stopped.code)), capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and err.startswith("clinic-log")
    assert "Traceback" not in err
    with sqlite3.connect(ready) as raw:
        assert raw.execute("SELECT COUNT(*) FROM audit_log WHERE entity = 'settings'").fetchone() == (0,)


def test_a_paper_size_sheets_cannot_print_on_is_refused(ready: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """B5 used to be stored, and every aftercare sheet then failed to print."""
    code, _, err = run(capsys, "--db", str(ready), "settings", "set", "clinic.paper", "B5")
    assert code == 2 and err.strip() == "clinic-log: paper size: 'B5' is not allowed; A4 or Letter"
    code, stdout, _ = run(capsys, "--db", str(ready), "settings", "set", "clinic.paper", "letter")
    assert code == 0 and stdout.strip() == "clinic.paper=Letter"


def test_a_listing_piped_into_a_reader_that_stops_early_ends_quietly(ready: Path) -> None:
    """`clinic-log settings | head -1` printed "unexpected error: Broken pipe"."""
    import subprocess
    import sys

    reader = subprocess.Popen(["true"], stdin=subprocess.PIPE)  # a reader that has already stopped reading
    reader.wait()
    assert reader.stdin is not None
    writer = subprocess.run([sys.executable, "-m", "clinic_log", "--db", str(ready), "settings"],
                            stdout=reader.stdin, stderr=subprocess.PIPE, text=True, check=False)
    reader.stdin.close()
    assert "unexpected error" not in writer.stderr and writer.returncode == 0, writer.stderr
