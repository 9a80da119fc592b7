"""Fixtures for the unit tests that drive the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.cli_helpers import run


@pytest.fixture
def imported(db_path: Path, samples: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The sample practitioners, clients and sessions imported through `clinic-log import`."""
    for kind in ("practitioners", "clients", "sessions"):
        code, _, err = run(capsys, "--db", str(db_path), "import", kind, str(samples / f"{kind}.csv"))
        assert code == 0, err
    return db_path
