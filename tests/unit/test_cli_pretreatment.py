"""`clinic-log pretreatment CLIENT_REF -o FILE.pdf [--rf]`: the sheet written whole and audited; an unknown client
is one line and exit 2 with nothing written (bad targets are covered with every output command in
test_cli_export_targets.py)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pypdf
import pytest

from tests.unit.cli_helpers import run


def _text(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages).split())


def _printed(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT action, detail FROM audit_log WHERE entity = 'client' AND detail LIKE "
                            "'%pre-treatment sheet%' ORDER BY id").fetchall()


def test_writes_the_sheet_and_records_the_save(imported: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "before.pdf"
    code, stdout, err = run(capsys, "--db", str(imported), "pretreatment", "P-1001", "-o", str(out))
    assert code == 0 and err == ""
    assert "pre-treatment sheet for client P-1001" in stdout and "template v1" in stdout
    text = _text(out)
    assert "Before your microneedling treatment" in text and "Client P-1001" in text
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert [action for action, _ in _printed(imported)] == ["saved"]


def test_rf_flag_adds_the_rf_lines(imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rf.pdf"
    assert run(capsys, "--db", str(imported), "pretreatment", "P-1001", "-o", str(out), "--rf")[0] == 0
    assert "pacemaker" in _text(out)
    assert '"modality": "rf"' in _printed(imported)[0][1]


@pytest.mark.parametrize("ref", ["NOPE", "P-1001'; DROP TABLE clients; --", "李娜"])
def test_unknown_client_is_one_line_exit_2_and_nothing_written(imported: Path, tmp_path: Path, ref: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, "--db", str(imported), "pretreatment", ref, "-o", str(out))
    assert code == 2 and err.strip() == f"clinic-log: client {ref} not found"
    assert len(err.strip().splitlines()) == 1 and not out.exists() and _printed(imported) == []


def test_a_blank_client_reference_says_what_is_needed(imported: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, "--db", str(imported), "pretreatment", " ", "-o", str(out))
    assert code == 2 and err.strip() == ("clinic-log: client reference: ' ' is not allowed; the client's reference, "
                                         "e.g. P-1001")
    assert not out.exists()
