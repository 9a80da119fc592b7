"""CLI exports for review: FHIR bundle, subject access, recall to a file; the 0/1/2 exit-code contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.unit.cli_helpers import run


def test_export_sessions_as_fhir_writes_a_valid_bundle(imported: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bundle.json"
    code, _, err = run(capsys, "--db", str(imported), "export", "sessions", "--format", "fhir", "-o", str(out))
    assert code == 2 and not out.exists()  # refused until the clinic names its identifier system
    assert len(err.strip().splitlines()) == 1 and "clinic-log settings set fhir.identifier_system" in err
    code, stdout, err = run(capsys, "--db", str(imported), "settings", "set", "fhir.identifier_system",
                            "https://clinic.example/fhir")
    assert code == 0, err
    code, stdout, _ = run(capsys, "--db", str(imported), "export", "sessions", "--format", "fhir", "-o", str(out))
    assert code == 0
    bundle = Bundle.model_validate_json(out.read_text(encoding="utf-8"))
    assert bundle.type == "transaction" and all(e.request is not None for e in bundle.entry)
    procedures = [e for e in bundle.entry if e.resource.get_resource_type() == "Procedure"]
    assert len(procedures) == 5 and f"exported {len(bundle.entry)} bundle entries" in stdout


def test_export_client_json_and_pdf(imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("json", "pdf"):
        out = tmp_path / f"client.{fmt}"
        code, stdout, err = run(capsys, "--db", str(imported), "export", "client", "P-1001", "--format", fmt,
                                "-o", str(out))
        assert code == 0, err
        assert "client P-1001" in stdout and out.stat().st_size > 0
    assert json.loads((tmp_path / "client.json").read_text(encoding="utf-8"))["client_name"] == "Amélie Durand"
    assert (tmp_path / "client.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("args", [
    ("export", "client", "--format", "json"),  # no REF
    ("export", "client", "P-1001", "--format", "csv"),  # not a subject-access format
    ("export", "client", "NOPE", "--format", "json"),  # unknown client
    ("export", "sessions", "--format", "pdf"),
    ("export", "sessions", "P-1001", "--format", "csv"),
])
def test_bad_export_requests_exit_2_with_one_line(imported: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    out = tmp_path / "x"
    code, _, err = run(capsys, "--db", str(imported), *args, "-o", str(out))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("clinic-log: ")
    assert not out.exists()


def test_recall_to_a_file_is_csv_with_bom(imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "recall.csv"
    code, stdout, _ = run(capsys, "--db", str(imported), "recall", "--lot", "DP16-240117", "-o", str(out))
    assert code == 0 and "exported 3 recall rows" in stdout
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
