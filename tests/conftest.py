"""Shared fixtures: headless Qt, a fresh SQLite file per test, the CLI actor, sample files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.database import prepare_database

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


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = prepare_database(str(db_path))
    yield database
    database.dispose()


@pytest.fixture
def owner() -> Actor:
    return Actor("owner", UserRole.OWNER)


@pytest.fixture
def samples() -> Path:
    return SAMPLES
