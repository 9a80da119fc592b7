"""main(): the database it opens, the owner-only log folder it writes to, and the one line a user sees when
something unexpected goes wrong (the trace goes to the log)."""

from __future__ import annotations

import logging
import shutil
import stat
from pathlib import Path

import pytest

from clinic_log import app, cli


def test_without_db_the_database_named_in_the_environment_is_used(
        tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared.sqlite3"
    shutil.copy(sqlite_template, shared)
    monkeypatch.setenv("CLINIC_LOG_DB", str(shared))
    assert app.main(["settings"]) == cli.EXIT_OK
    assert "clinic.name=" in capsys.readouterr().out
    assert not (tmp_path / "data" / "clinic_log.sqlite3").exists()  # the default file was not made


def test_the_log_folder_is_owner_only(tmp_path: Path, sqlite_template: Path) -> None:
    copy = tmp_path / "clinic.sqlite3"
    shutil.copy(sqlite_template, copy)
    app.main(["--db", str(copy), "decisions", "P-404"])
    logs = tmp_path / "data" / "logs"
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700  # the log names clients and users


def test_a_log_folder_that_cannot_be_made_does_not_stop_the_command(
        tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CLINIC_LOG_DATA_DIR", str(blocked / "data"))
    copy = tmp_path / "clinic.sqlite3"
    shutil.copy(sqlite_template, copy)
    assert app.main(["--db", str(copy), "settings"]) == cli.EXIT_OK
    assert "clinic.name=" in capsys.readouterr().out


def test_an_unexpected_failure_is_one_line_for_the_user_and_the_trace_goes_to_the_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(location: str, args: object) -> int:
        raise RuntimeError("the printer driver crashed")

    monkeypatch.setattr(cli, "run_command", broken)
    with caplog.at_level(logging.ERROR, logger="clinic_log"):
        code = app.main(["--db", str(tmp_path / "clinic.sqlite3"), "settings"])
    assert code == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err == (f"clinic-log: unexpected error: the printer driver crashed "
                                       f"(details in {tmp_path / 'data' / 'logs'})\n")
    [record] = [r for r in caplog.records if r.name == "clinic_log"]
    assert record.exc_info is not None and "the printer driver crashed" in str(record.exc_info[1])
