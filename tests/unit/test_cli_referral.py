"""`clinic-log decisions CLIENT_REF` lists a client's decisions with their ids; `clinic-log referral DECISION_ID -o
FILE.pdf` writes a referral's letter whole and audited. An unknown or malformed id, or a decision that is not a
referral, is one line and exit 2 with nothing written and nothing audited (bad targets are covered with every output
command in test_cli_export_targets.py)."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.sessions.decisions import DecisionInput, close_decision, record_decision
from tests.unit.cli_helpers import run

DERM = Actor("derm", UserRole.OWNER)


def _text(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages).split())


def _letters(db: Path) -> list[tuple[str, dict[str, object]]]:
    with sqlite3.connect(db) as conn:
        return [(action, json.loads(detail)) for action, detail in conn.execute(
            "SELECT action, detail FROM audit_log WHERE entity = 'client' AND detail LIKE '%referral letter%' "
            "ORDER BY id")]


def _client_id(db: Path, ref: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT id FROM clients WHERE client_ref = ?", (ref,)).fetchone()[0])


def _with_database(path: Path) -> Database:
    return prepare_database(str(path))


@pytest.fixture
def decided(imported: Path) -> dict[str, int]:
    """P-1001 with a referral (open), a deferral (closed) and an alternative (open), in that order."""
    database = _with_database(imported)
    try:
        client = _client_id(imported, "P-1001")
        today = date.today()
        ids = {
            "referral": record_decision(database, DERM, client, DecisionInput(
                "referral", "suspicious lesion on the left cheek\nchanged since spring",
                referred_to="Dr Anna Weiss, dermatologist"), today),
            "defer": record_decision(database, DERM, client, DecisionInput(
                "defer", "active acne flare", review_on=today + timedelta(days=30)), today),
            "alternative": record_decision(database, DERM, client, DecisionInput(
                "alternative", "RF not possible with a pacemaker", alternative="mechanical pen only"), today),
        }
        close_decision(database, DERM, ids["defer"], "reviewed, skin clear")
    finally:
        database.dispose()
    return ids


def test_referral_writes_the_letter_and_records_the_save(imported: Path, decided: dict[str, int], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "letter.pdf"
    code, stdout, err = run(capsys, "--db", str(imported), "referral", str(decided["referral"]), "-o", str(out))
    assert (code, err) == (0, "")
    assert stdout == (f"referral letter of decision {decided['referral']} for client P-1001 (to Dr Anna Weiss, "
                      f"dermatologist) written to {out}\n")
    text = _text(out)
    assert "To Dr Anna Weiss, dermatologist" in text and "suspicious lesion on the left cheek" in text
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert _letters(imported) == [("saved", {"kind": "referral letter", "decision_id": decided["referral"],
                                             "referred_to": "Dr Anna Weiss, dermatologist"})]


def test_a_closed_referral_still_has_its_letter(imported: Path, decided: dict[str, int], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    database = _with_database(imported)
    try:
        close_decision(database, DERM, decided["referral"], "seen by the dermatologist")
    finally:
        database.dispose()
    out = tmp_path / "letter.pdf"
    assert run(capsys, "--db", str(imported), "referral", str(decided["referral"]), "-o", str(out))[0] == 0
    assert "To Dr Anna Weiss, dermatologist" in _text(out)


@pytest.mark.parametrize(("given", "message"), [
    ("999", "clinic-log: decision 999 not found"),
    ("abc", "clinic-log referral: argument DECISION_ID: 'abc' is not allowed; a decision id, the number "
            "`clinic-log decisions CLIENT_REF` lists (see clinic-log referral --help)"),
    ("1.5", "clinic-log referral: argument DECISION_ID: '1.5' is not allowed; a decision id, the number "
            "`clinic-log decisions CLIENT_REF` lists (see clinic-log referral --help)"),
    ("0", "clinic-log referral: argument DECISION_ID: '0' is not allowed; a decision id, the number "
          "`clinic-log decisions CLIENT_REF` lists (see clinic-log referral --help)"),
    ("99999999999999999999", "clinic-log referral: argument DECISION_ID: '99999999999999999999' is not allowed; "
                             "a decision id, the number `clinic-log decisions CLIENT_REF` lists "
                             "(see clinic-log referral --help)"),
])
def test_an_unknown_or_malformed_id_is_one_line_exit_2_and_nothing_written(
        imported: Path, decided: dict[str, int], tmp_path: Path, given: str, message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    out = folder / "x.pdf"
    try:
        code, _, err = run(capsys, "--db", str(imported), "referral", given, "-o", str(out))
    except SystemExit as exited:  # refused by the argument parser, before the database is opened
        code, err = exited.code, capsys.readouterr().err
    assert code == 2 and err.strip() == message
    assert list(folder.iterdir()) == [] and _letters(imported) == []


@pytest.mark.parametrize("kind", ["defer", "alternative"])
def test_a_decision_that_is_not_a_referral_has_no_letter(imported: Path, decided: dict[str, int], tmp_path: Path,
                                                         kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, "--db", str(imported), "referral", str(decided[kind]), "-o", str(out))
    assert code == 2
    assert err.strip() == (f"clinic-log: decision: '{kind} {decided[kind]}' is not allowed; a referral: only a "
                           "referral has a letter")
    assert not out.exists() and _letters(imported) == []


def test_decisions_lists_open_ones_first_with_ids_and_what_was_decided(
        imported: Path, decided: dict[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(capsys, "--db", str(imported), "decisions", "P-1001")
    assert (code, err) == (0, "")
    today, review = date.today().isoformat(), (date.today() + timedelta(days=30)).isoformat()
    assert stdout.splitlines() == [
        "id\tkind\tstate\tdecided_on\treason\tdetail",
        f"{decided['referral']}\treferral\topen\t{today}\tsuspicious lesion on the left cheek\\nchanged since spring"
        "\treferred to Dr Anna Weiss, dermatologist",
        f"{decided['alternative']}\talternative\topen\t{today}\tRF not possible with a pacemaker"
        "\talternative: mechanical pen only",
        f"{decided['defer']}\tdefer\tclosed\t{today}\tactive acne flare\treview on {review}",
    ]


def test_decisions_of_a_client_without_any_says_so(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(capsys, "--db", str(imported), "decisions", "P-1001")
    assert (code, stdout, err) == (0, "no decisions recorded for client P-1001\n", "")


def test_decisions_is_audited_as_reading_the_clients_record(imported: Path, decided: dict[str, int],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", str(imported), "decisions", "P-1001")[0] == 0
    with sqlite3.connect(imported) as conn:
        rows = conn.execute("SELECT entity_id, detail FROM audit_log WHERE action = 'viewed' ORDER BY id").fetchall()
    assert rows == [(str(_client_id(imported, "P-1001")), json.dumps({"where": "clinic-log decisions"}))]


@pytest.mark.parametrize(("ref", "message"), [
    ("NOPE", "clinic-log: client NOPE not found"),
    (" ", "clinic-log: client reference: ' ' is not allowed; the client's reference, e.g. P-1001"),
])
def test_decisions_of_an_unknown_client_is_one_line_exit_2(imported: Path, ref: str, message: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(capsys, "--db", str(imported), "decisions", ref)
    assert (code, stdout, err.strip()) == (2, "", message)
