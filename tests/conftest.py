"""Shared fixtures: headless Qt, a fresh SQLite file per test, the CLI actor, sample files."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.backup.database import prepare_database

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
if not SAMPLES.exists():  # a clone without shared/ beside it uses the copies kept in tests/
    SAMPLES = REPO / "tests" / "samples"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever touches the user's real data folder."""
    monkeypatch.setenv("CLINIC_LOG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CLINIC_LOG_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "clinic.sqlite3"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", choices=("sqlite", "postgres"), default="sqlite",
                     help="database the `db` fixture opens (postgres starts a throw-away server)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--backend") == "postgres":
        skip = pytest.mark.skip(reason="SQLite-specific (file, pragmas or triggers)")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def pg_template(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """With --backend=postgres: a server and a migrated template database each test's database copies."""
    if request.config.getoption("--backend") != "postgres":
        yield None
        return
    from tests.pg_server import running_server, unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with running_server() as url:
        template = prepare_database(url)
        template.dispose()
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database with reference data; each test starts from a copy (migrating costs ~0.3 s)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = prepare_database(str(path))
    database.dispose()
    return path


@pytest.fixture
def db(db_path: Path, pg_template: str | None, sqlite_template: Path) -> Iterator[Database]:
    if pg_template is None:
        shutil.copy(sqlite_template, db_path)
        database = prepare_database(str(db_path))
        yield database
        database.dispose()
        return
    from tests.pg_server import fresh_database

    with fresh_database(pg_template) as url:
        database = prepare_database(url)
        yield database
        database.dispose()


@pytest.fixture
def other(db: Database) -> Iterator[Database]:
    """Another workstation on the same database: its own engine and connections, so its writes are not this
    process's (the change feed between workstations tells them apart)."""
    from clinic_log.db.engine import open_database

    workstation = open_database(db.url)
    yield workstation
    workstation.dispose()


@pytest.fixture
def owner() -> Actor:
    return Actor("owner", UserRole.OWNER)


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def local_zone_los_angeles() -> Iterator[None]:
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()
