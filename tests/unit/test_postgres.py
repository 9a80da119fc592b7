"""The same services and CLI on PostgreSQL (skipped when no server binaries are installed)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_log.app import main
from tests.pg_server import fresh_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(pg_template: str | None) -> Iterator[str]:
    if pg_template is None:
        pytest.skip("runs with --backend=postgres (make test-pg)")
    with fresh_database(pg_template) as url:
        yield url


def test_import_recall_export_and_check_on_postgresql(pg_url: str, samples: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", pg_url, "init"]) == 0
    for kind in ("practitioners", "clients", "sessions"):
        assert main(["--db", pg_url, "import", kind, str(samples / f"{kind}.csv")]) == 0
    assert main(["--db", pg_url, "import", "sessions", str(samples / "sessions-bad.csv")]) == 2
    capsys.readouterr()
    assert main(["--db", pg_url, "recall", "--lot", "DP16-240117"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 4 and rows[1][3] == "Amélie Durand"
    assert main(["--db", pg_url, "demo", "--clients", "20", "--sessions", "200"]) == 0
    assert main(["--db", pg_url, "export", "sessions", "--format", "csv", "-o", str(tmp_path / "s.csv")]) == 0
    assert main(["--db", pg_url, "aftercare", "1", "-o", str(tmp_path / "a.pdf")]) == 0
    capsys.readouterr()
    assert main(["--db", pg_url, "check"]) == 0
    assert "audit hash chain verified" in capsys.readouterr().out
