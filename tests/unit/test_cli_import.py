"""`clinic-log import`: a damaged file is exit 2 with `line N: column: problem` lines and nothing written; a file
imported twice stores nothing twice; --skip-existing says what it skipped; a progress bar only on a terminal."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from clinic_log import cli
from tests.unit.cli_helpers import run


def sessions_in(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def people(db_path: Path, samples: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    for kind in ("practitioners", "clients"):
        assert run(capsys, "--db", str(db_path), "import", kind, str(samples / f"{kind}.csv"))[0] == 0
    return db_path


def test_an_unterminated_quote_is_exit_2_with_its_line_and_nothing_written(
        people: Path, samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = (samples / "sessions.csv").read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2].replace("expected redness", '"expected redness')
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", str(people), "import", "sessions", str(path))
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == "clinic-log: sessions import refused, nothing was written:"
    assert err.splitlines()[1].startswith("line 3: row: a quote (\") opened on this line is never closed")
    assert "Traceback" not in err and "unexpected" not in err
    assert sessions_in(people) == 0


@pytest.mark.parametrize("make", ["folder", "missing"])
def test_a_folder_or_missing_file_is_one_line_naming_it(people: Path, tmp_path: Path, make: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sessions.csv"
    if make == "folder":
        path.mkdir()
    code, _, err = run(capsys, "--db", str(people), "import", "sessions", str(path))
    assert code == 2
    why = "is a folder, not a CSV file" if make == "folder" else "does not exist"
    assert err.splitlines() == [f"clinic-log: {path}: {why}; nothing was imported"]


def test_importing_a_file_twice_is_refused_then_skip_existing_says_what_it_skipped(
        people: Path, samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sessions = str(samples / "sessions.csv")
    assert run(capsys, "--db", str(people), "import", "sessions", sessions)[0] == 0
    code, _, err = run(capsys, "--db", str(people), "import", "sessions", sessions)
    assert code == 2
    assert [line.split(":")[0] for line in err.splitlines()[1:]] == [f"line {n}" for n in (2, 4, 5, 6, 7)]
    code, out, err = run(capsys, "--db", str(people), "import", "sessions", sessions, "--skip-existing")
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"imported 0 sessions from 6 rows of {sessions}",
                                "skipped 5 sessions already in the database (lines 2, 4, 5, 6, 7)"]
    assert sessions_in(people) == 5


def test_skip_existing_is_for_sessions_only(people: Path, samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(people), "import", "clients", str(samples / "clients.csv"),
                       "--skip-existing")
    assert code == 2 and err.startswith("clinic-log: --skip-existing: 'clients' is not allowed; sessions only")


def test_no_progress_bar_when_stderr_is_not_a_terminal(people: Path, samples: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(people), "import", "sessions", str(samples / "sessions.csv"))
    assert (code, err) == (0, "")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_a_terminal_only_once_the_job_runs_over_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    ticks = iter([100.0, 100.5, 102.0])
    with cli._terminal_progress("importing big.csv", clock=lambda: next(ticks)) as progress:
        progress(10, 100)  # after 0.5 s: nothing drawn yet
        assert terminal.getvalue() == ""
        progress(50, 100)  # after 2 s: the bar appears
        progress(100, 100)
    assert "importing big.csv" in terminal.getvalue()
