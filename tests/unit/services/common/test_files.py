"""Output files are written safely: owner-only from the first byte, whole or not at all, an earlier file of that
name untouched when writing fails, and a path that cannot be written refused in one line before anything is."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.errors import InvalidValue
from clinic_log.services.common.files import (
    NotWritten,
    atomic_target,
    backups_dir,
    check_target,
    create_private,
    output_target,
    sha256_of,
)


def test_the_temporary_file_is_owner_only_and_replaces_the_target_only_when_whole(tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    with atomic_target(out) as tmp:
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o600 and tmp.parent == out.parent
        tmp.write_text("whole", encoding="utf-8")
        assert not out.exists()
    assert out.read_text(encoding="utf-8") == "whole" and stat.S_IMODE(out.stat().st_mode) == 0o600
def test_a_block_that_fails_leaves_the_earlier_file_as_it_was_and_nothing_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    out.write_text("last week's export", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_target(out) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("stopped")
    assert out.read_text(encoding="utf-8") == "last week's export"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_a_part_file_left_by_a_killed_run_does_not_stop_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    (tmp_path / "a.csv.part").write_text("from a run that was killed", encoding="utf-8")
    with atomic_target(out) as tmp:
        assert tmp.read_text(encoding="utf-8") == ""
        tmp.write_text("new", encoding="utf-8")
    assert out.read_text(encoding="utf-8") == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_a_disk_error_while_writing_is_one_line_naming_the_file(tmp_path: Path) -> None:
    out = tmp_path / "letter.pdf"
    out.write_bytes(b"%PDF old")
    with pytest.raises(NotWritten) as refused, output_target(out):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    message = str(refused.value)
    assert message == (f"output: {out} could not be written ({os.strerror(errno.ENOSPC)}); nothing was written "
                       "and any earlier file of that name is unchanged")
    assert out.read_bytes() == b"%PDF old" and [p.name for p in tmp_path.iterdir()] == ["letter.pdf"]


def test_an_existing_file_is_never_taken_over_as_a_private_file(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("someone else's", encoding="utf-8")
    theirs.chmod(0o644)
    with pytest.raises(FileExistsError):
        create_private(theirs)
    assert theirs.read_text(encoding="utf-8") == "someone else's" and stat.S_IMODE(theirs.stat().st_mode) == 0o644
    mine = create_private(tmp_path / "mine.csv")
    assert mine.read_bytes() == b"" and stat.S_IMODE(mine.stat().st_mode) == 0o600


def test_a_path_through_a_file_is_refused_and_a_new_name_in_a_folder_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidValue, match="a file that can be written"):
        check_target(tmp_path / "notes.txt" / "out.csv")
    check_target(tmp_path / "out.csv")  # nothing to refuse
    check_target(tmp_path / "notes.txt")  # an existing writable file may be replaced


def test_the_digest_of_a_file_larger_than_one_read_is_its_sha256(tmp_path: Path) -> None:
    data = os.urandom(1024 * 1024) * 2 + b"tail"
    path = tmp_path / "backup.sqlite3"
    path.write_bytes(data)
    assert sha256_of(path) == hashlib.sha256(data).hexdigest()


@pytest.mark.sqlite_only
def test_backups_of_an_sqlite_database_live_beside_it(db: Database, db_path: Path) -> None:
    assert backups_dir(db) == db_path.parent / "backups"
