"""`clinic-log backup`, `restore` and `demo` with bad or hostile input: one line, exit 2, nothing written."""

from __future__ import annotations

import getpass
import hashlib
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from tests.unit.cli_helpers import run

pytestmark = pytest.mark.sqlite_only

PASSPHRASE_ENV = "CLINIC_LOG_BACKUP_PASSPHRASE"
PASSPHRASE = "correct horse battery staple"


def _sha(path: Path) -> str:
    """The database file's sha256 once every connection has closed (each CLI run closes its own)."""
    for journal in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        assert not journal.exists()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("clinic-log: ") and "Traceback" not in err, err
    return err


@pytest.fixture
def prompts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the passphrase prompt is answered with, in order; the prompts asked are recorded in `asked`."""
    answers: list[str] = []

    def ask(prompt: str = "Password: ", stream: object = None) -> str:
        if not answers:
            raise EOFError
        return answers.pop(0)

    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(getpass, "getpass", ask)
    return answers


def test_an_encrypted_backup_takes_its_passphrase_from_the_environment_and_restores_with_it(
        imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    out = tmp_path / "away.age"
    code, said, err = run(capsys, "--db", str(imported), "backup", "-o", str(out), "--encrypt")
    assert code == 0, err
    assert "encrypted" in said and out.read_bytes().startswith(b"age-encryption.org/v1")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    sessions = _count(imported, "sessions")
    with closing(sqlite3.connect(imported)) as conn:
        conn.execute("DELETE FROM form_drafts")
        conn.commit()  # any later change; the restore must bring the old file back
    code, said, err = run(capsys, "--db", str(imported), "restore", str(out))
    assert code == 0, err
    assert "previous database was kept" in said and _count(imported, "sessions") == sessions


def test_an_encrypted_backup_asks_for_the_passphrase_twice_and_refuses_two_that_differ(
        imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], prompts: list[str]) -> None:
    prompts += [PASSPHRASE, PASSPHRASE + "!"]
    out = tmp_path / "away.age"
    code, _, err = run(capsys, "--db", str(imported), "backup", "-o", str(out), "--encrypt")
    assert code == 2 and "passphrases typed do not match" in _one_line(err)
    assert list(tmp_path.glob("away.age*")) == []
    prompts += [PASSPHRASE, PASSPHRASE]
    code, _, err = run(capsys, "--db", str(imported), "backup", "-o", str(out), "--encrypt")
    assert code == 0 and out.exists(), err


def test_no_passphrase_to_read_is_one_line_and_nothing_written(
        imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], prompts: list[str]) -> None:
    out = tmp_path / "away.age"
    code, _, err = run(capsys, "--db", str(imported), "backup", "-o", str(out), "--encrypt")
    assert code == 2 and PASSPHRASE_ENV in _one_line(err)
    assert list(tmp_path.glob("away.age*")) == []


def test_the_passphrase_is_never_a_command_line_argument(imported: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(capsys, "--db", str(imported), "backup", "-o", str(tmp_path / "a.age"), "--encrypt",
            "--passphrase", PASSPHRASE)
    assert stopped.value.code == 2
    assert f"unrecognized arguments: --passphrase {PASSPHRASE}" in capsys.readouterr().err
    assert list(tmp_path.glob("a.age*")) == []


def test_restoring_with_a_wrong_passphrase_is_one_line_and_leaves_the_database_alone(
        imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        prompts: list[str]) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    out = tmp_path / "away.age"
    assert run(capsys, "--db", str(imported), "backup", "-o", str(out), "--encrypt")[0] == 0
    monkeypatch.delenv(PASSPHRASE_ENV)
    before = _sha(imported)
    prompts.append("not the passphrase")
    code, _, err = run(capsys, "--db", str(imported), "restore", str(out))
    assert code == 2 and "the passphrase does not open away.age" in _one_line(err)
    assert _sha(imported) == before and not list(tmp_path.glob("*.before-restore-*"))


def test_restoring_a_backup_that_carries_a_trigger_is_refused_naming_it(
        imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "carrier.sqlite3"
    assert run(capsys, "--db", str(imported), "backup", "-o", str(out))[0] == 0
    with closing(sqlite3.connect(out)) as conn:
        conn.execute("CREATE TRIGGER x AFTER INSERT ON audit_log BEGIN DELETE FROM session_areas; "
                     "UPDATE sessions SET notes='gone', voided_at=NULL; END")
        conn.commit()
    before = _sha(imported)
    code, _, err = run(capsys, "--db", str(imported), "restore", str(out))
    assert code == 2 and "restore refused" in _one_line(err) and "trigger 'x'" in err
    assert _sha(imported) == before and _count(imported, "session_areas") == 6


def test_backup_and_restore_work_with_hash_question_mark_and_percent_in_the_name(
        imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "clinic #2?x=%20.sqlite3"
    assert run(capsys, "--db", str(imported), "backup", "-o", str(out))[0] == 0
    code, said, err = run(capsys, "--db", str(imported), "restore", str(out))
    assert code == 0 and "restored" in said, err


def test_demo_refuses_a_clinics_database_and_plants_no_login(imported: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    before = _sha(imported)
    code, _, err = run(capsys, "--db", str(imported), "demo", "--clients", "2", "--sessions", "3")
    assert code == 2 and "demo data" in _one_line(err)
    assert _count(imported, "users") == 0
    assert _sha(imported) == before


def test_demo_may_run_again_on_its_own_database(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", str(db_path), "demo", "--clients", "3", "--sessions", "5")[0] == 0
    code, out, err = run(capsys, "--db", str(db_path), "demo", "--clients", "2", "--sessions", "4", "--seed", "2")
    assert code == 0 and "4 sessions" in out, err
    assert run(capsys, "--db", str(db_path), "check")[0] == 0


def test_the_data_folder_and_its_log_folder_are_owner_only_from_the_first_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "fresh" / "clinic-log"
    monkeypatch.setenv("CLINIC_LOG_DATA_DIR", str(data))
    assert run(capsys, "init")[0] == 0
    for folder in (data, data / "logs"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
