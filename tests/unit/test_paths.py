"""Where Clinic Log keeps its data: the folder and database it uses unless told otherwise, and owner-only folders."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_log import paths


def mode(folder: Path) -> int:
    return stat.S_IMODE(folder.stat().st_mode)


@pytest.fixture(params=[0o022, 0o277], ids=["umask-022", "umask-277"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """022 would leave new folders readable by everyone; 277 would leave them unwritable even by their owner."""
    before = os.umask(request.param)
    yield request.param
    os.umask(before)


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG folders are Linux's")
def test_the_data_folder_is_the_platforms_user_data_folder_unless_told_otherwise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert paths.data_dir() == tmp_path / "data"  # CLINIC_LOG_DATA_DIR, set for every test
    monkeypatch.delenv(paths.DATA_DIR_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.data_dir() == tmp_path / "xdg" / "clinic-log"
    assert paths.default_db_path() == tmp_path / "xdg" / "clinic-log" / "clinic_log.sqlite3"
    assert paths.log_dir() == tmp_path / "xdg" / "clinic-log" / "logs"


def test_the_database_is_the_flag_then_the_environment_then_the_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert paths.resolve_db(None) == str(tmp_path / "data" / "clinic_log.sqlite3")
    monkeypatch.setenv(paths.DB_ENV, "/srv/clinic/shared.sqlite3")
    assert paths.resolve_db(None) == "/srv/clinic/shared.sqlite3"
    assert paths.resolve_db("postgresql+psycopg://clinic@db/clinic") == "postgresql+psycopg://clinic@db/clinic"


def test_shipped_resources_are_found_beside_the_package_or_where_told(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (paths.resources_dir() / "reference" / "areas.csv").is_file()
    monkeypatch.setenv(paths.RESOURCES_ENV, str(tmp_path / "bundle"))
    assert paths.resources_dir() == tmp_path / "bundle"


def test_an_installed_package_reads_the_resources_inside_it_not_a_resources_folder_beside_it(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "clinic_log"
    (package / "resources" / "reference").mkdir(parents=True)
    (tmp_path / "site-packages" / "resources").mkdir()  # some other distribution's folder: never Clinic Log's
    assert paths.resources_of(package) == package / "resources"


def test_a_source_checkout_reads_its_top_level_resources_folder(tmp_path: Path) -> None:
    package = tmp_path / "checkout" / "clinic_log"
    package.mkdir(parents=True)
    (tmp_path / "checkout" / "resources").mkdir()
    assert paths.resources_of(package) == tmp_path / "checkout" / "resources"


@pytest.mark.usefixtures("umask")
def test_folders_made_for_data_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "logs"
    assert paths.private_dir(target) == target
    assert [mode(folder) for folder in (tmp_path / "new", tmp_path / "new" / "deeper", target)] == [0o700] * 3


@pytest.mark.usefixtures("umask")
def test_a_folder_that_exists_keeps_the_modes_its_owner_gave_it(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    chosen.chmod(0o750)
    paths.private_dir(chosen / "backups")
    assert (mode(chosen), mode(chosen / "backups")) == (0o750, 0o700)
    paths.private_dir(chosen)  # already there: left alone
    assert mode(chosen) == 0o750


def test_clinic_logs_own_folder_is_tightened_to_owner_only(tmp_path: Path) -> None:
    own = tmp_path / "data"
    own.mkdir(mode=0o755)
    own.chmod(0o755)
    paths.make_owner_only(own)
    assert mode(own) == 0o700
