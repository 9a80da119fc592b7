"""Safe exports: no spreadsheet formulas in any CSV, voided sessions marked as voided with everything a reviewer
needs (countersignature, products, RF energy, graded complications), times in a named zone, and output files that
are refused when they cannot be written safely and never left half-written."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError, InvalidValue
from clinic_log.domain.values import AreaInput, ComplicationInput, ProductInput
from clinic_log.services.clients import clients
from clinic_log.services.common.files import check_target
from clinic_log.services.common.progress import JobCancelled
from clinic_log.services.devices import devices
from clinic_log.services.exchange.exporter import export_sessions
from clinic_log.services.review.recall import export_recall
from clinic_log.services.sessions.amendments import void_session
from clinic_log.services.sessions.sessions import countersign_session, log_session
from tests.targets import device, fifo, locked_folder, read_only
from tests.unit.services.helpers import Clinic, make_clinic, session_entry

BERLIN = ZoneInfo("Europe/Berlin")
def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)


# --- spreadsheet formula injection ----------------------------------------------------------------------------


def test_session_csv_neutralises_formulas_in_names_lots_and_notes(db: Database, owner: Actor, clinic: Clinic,
                                                                  tmp_path: Path) -> None:
    evil = clients.create_client(db, owner, clients.ClientDetails("=1+1", "=HYPERLINK(\"http://x\")", "@Evil",
                                                                  date(1990, 1, 1)))
    from clinic_log.services.clients.consents import record_consent
    from tests.unit.services.helpers import CONSENT_SIGNED_ON
    record_consent(db, owner, evil.id, "Evil", CONSENT_SIGNED_ON)
    log_session(db, clinic.derm, session_entry(clinic, client_id=evil.id, cartridge_lot="@LOT-1",
                                               notes="-2+3 looked fine"), sign=True)
    out = tmp_path / "sessions.csv"
    export_sessions(db, owner, "csv", out)
    row = csv_rows(out)[0]
    assert row["client_ref"] == "'=1+1"
    assert row["client_name"] == "'=HYPERLINK(\"http://x\") @Evil"
    assert row["cartridge_lot"] == "'@LOT-1" and row["notes"] == "'-2+3 looked fine"
    assert row["depth_mm"] == "0.5"  # numbers the app writes are numbers, never prefixed
    export_sessions(db, owner, "json", tmp_path / "sessions.json")
    data = json.loads((tmp_path / "sessions.json").read_text(encoding="utf-8"))
    assert data[0]["client_ref"] == "=1+1" and data[0]["cartridge_lot"] == "@LOT-1"  # JSON keeps what was typed


def test_recall_csv_neutralises_formulas(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    evil = clients.create_client(db, owner, clients.ClientDetails("+P-9", "=cmd|' /C calc'!A0", "Evil",
                                                                  date(1990, 1, 1)))
    from clinic_log.services.clients.consents import record_consent
    from tests.unit.services.helpers import CONSENT_SIGNED_ON
    record_consent(db, owner, evil.id, "Evil", CONSENT_SIGNED_ON)
    log_session(db, clinic.derm, session_entry(clinic, client_id=evil.id, cartridge_lot="@LOT-1"), sign=True)
    out = tmp_path / "recall.csv"
    export_recall(db, owner, "@LOT-1", out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert {(r[2], r[3]) for r in rows[1:]} == {("'+P-9", "'=cmd|' /C calc'!A0 Evil")}


# --- voided sessions and the whole record ---------------------------------------------------------------------


def test_a_voided_session_exports_as_voided_with_when_and_why(db: Database, owner: Actor, clinic: Clinic,
                                                              tmp_path: Path) -> None:
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    kept = log_session(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 7, 2, 9, tzinfo=UTC)),
                       sign=True)
    void_session(db, clinic.derm, saved.id, "wrong client")
    export_sessions(db, owner, "csv", tmp_path / "s.csv")
    export_sessions(db, owner, "json", tmp_path / "s.json")
    for rows in (csv_rows(tmp_path / "s.csv"), json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))):
        by_id = {int(r["session_id"]): r for r in rows}
        voided, signed = by_id[saved.id], by_id[kept.id]
        assert voided["status"] == "voided" and voided["void_reason"] == "wrong client"
        assert voided["voided_by"] == "mbrandt" and voided["voided_at"]
        assert signed["status"] == "signed" and not signed["voided_at"] and not signed["void_reason"]


def test_export_holds_countersignature_products_rf_energy_and_graded_complications(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    rf_device = devices.add_device(db, owner, "Morpheus8", "M8-1")
    saved = log_session(db, clinic.nurse, session_entry(
        clinic, AreaInput("cheeks", 1.0, 2, rf_energy=25.0), practitioner_id=clinic.nurse_id,
        supervisor_id=clinic.derm_id, device_id=rf_device.id, cartridge_lot="M8T-1",
        products=(ProductInput("hyaluronic serum", 20, "lot HS-7, 2 ml"), ProductInput("numbing cream")),
        complications=(ComplicationInput("erythema", 2), ComplicationInput("infection", 3))),
        reason="supervised", override_reason="checked", sign=True)
    countersign_session(db, clinic.derm, saved.id)
    export_sessions(db, owner, "csv", tmp_path / "s.csv")
    export_sessions(db, owner, "json", tmp_path / "s.json")
    for rows in (csv_rows(tmp_path / "s.csv"), json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))):
        row = rows[0]
        assert row["countersigned_by"] == "mbrandt" and row["countersigned_at"]
        assert float(row["rf_energy"]) == 25.0
        assert row["products"] == "hyaluronic serum (20 min; lot HS-7, 2 ml) | numbing cream"
        assert row["complications"] == "erythema (grade 2) | infection (grade 3)"
        assert int(row["max_complication_grade"]) == 3


# --- times ----------------------------------------------------------------------------------------------------


def test_times_are_local_with_their_offset_and_the_zone_is_named(db: Database, owner: Actor, clinic: Clinic,
                                                                 tmp_path: Path) -> None:
    evening = datetime(2026, 1, 15, 18, 45, tzinfo=BERLIN)  # winter: UTC+1
    summer = datetime(2026, 7, 15, 18, 45, tzinfo=BERLIN)  # summer: UTC+2
    for started in (evening, summer):
        log_session(db, clinic.derm, session_entry(clinic, AreaInput("forehead", 0.5), started_at=started),
                    sign=True)
    export_sessions(db, owner, "csv", tmp_path / "local.csv", zone=BERLIN)
    rows = csv_rows(tmp_path / "local.csv")
    assert [r["started_at"] for r in rows] == ["2026-01-15T18:45:00+01:00", "2026-07-15T18:45:00+02:00"]
    assert {r["time_zone"] for r in rows} == {"Europe/Berlin"}
    assert rows[0]["signed_at"].endswith(("+01:00", "+02:00"))
    export_sessions(db, owner, "json", tmp_path / "utc.json", zone=BERLIN, times="utc")
    data = json.loads((tmp_path / "utc.json").read_text(encoding="utf-8"))
    assert [r["started_at"] for r in data] == ["2026-01-15T17:45:00+00:00", "2026-07-15T16:45:00+00:00"]
    assert {r["time_zone"] for r in data} == {"UTC"}
    with pytest.raises(InvalidValue, match="times"):
        export_sessions(db, owner, "csv", tmp_path / "x.csv", times="cet")
    assert not (tmp_path / "x.csv").exists()


def test_the_machine_zone_is_named_when_it_is_known(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path,
                                                    local_zone_los_angeles: None) -> None:
    log_session(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 1, 15, 18, 45, tzinfo=UTC)),
                sign=True)
    export_sessions(db, owner, "csv", tmp_path / "s.csv")
    row = csv_rows(tmp_path / "s.csv")[0]
    assert (row["started_at"], row["time_zone"]) == ("2026-01-15T10:45:00-08:00", "America/Los_Angeles")


# --- output targets -------------------------------------------------------------------------------------------


BAD_TARGETS = {
    "empty": (lambda tmp: Path(""), "folder"),
    "folder": (lambda tmp: tmp, "folder"),
    "device": (device, "not a regular file"),
    "fifo": (fifo, "not a regular file"),
    "read-only file": (lambda tmp: read_only(tmp / "old.csv"), "read-only; choose another name or make it writable"),
    "missing folder": (lambda tmp: tmp / "nope" / "out.csv", "a file in an existing folder"),
    "folder without permission": (lambda tmp: locked_folder(tmp, "out.csv"), "not writable"),
}


@pytest.mark.parametrize("case", list(BAD_TARGETS))
def test_a_target_that_cannot_be_written_safely_is_refused_before_anything_is_written(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path, case: str) -> None:
    log_session(db, clinic.derm, session_entry(clinic), sign=True)
    make, why = BAD_TARGETS[case]
    out = make(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(InvalidValue, match=why):
        check_target(out)
    for export in (lambda: export_sessions(db, owner, "csv", out), lambda: export_recall(db, owner, "SP14-1", out)):
        with pytest.raises(InvalidValue, match=why):
            export()
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    if case == "read-only file":
        assert out.read_text(encoding="utf-8") == "keep me" and stat.S_IMODE(out.stat().st_mode) == 0o444


def test_a_cancelled_export_leaves_the_old_file_as_it_was(db: Database, owner: Actor, clinic: Clinic,
                                                          tmp_path: Path) -> None:
    for day in range(1, 4):
        log_session(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 7, day, 9, tzinfo=UTC)),
                    sign=True)
    out = tmp_path / "exports" / "sessions.csv"
    out.parent.mkdir()
    out.write_text("last week's export", encoding="utf-8")

    def cancel(done: int, total: int) -> None:
        raise JobCancelled

    import clinic_log.services.exchange.exporter as exporter
    old_every, exporter.PROGRESS_EVERY = exporter.PROGRESS_EVERY, 1
    try:
        with pytest.raises(JobCancelled):
            export_sessions(db, owner, "csv", out, progress=cancel)
    finally:
        exporter.PROGRESS_EVERY = old_every
    assert out.read_text(encoding="utf-8") == "last week's export"
    assert sorted(p.name for p in out.parent.iterdir()) == ["sessions.csv"]


def test_a_disk_error_mid_write_is_one_line_and_leaves_nothing_behind(db: Database, owner: Actor, clinic: Clinic,
                                                                      tmp_path: Path) -> None:
    log_session(db, clinic.derm, session_entry(clinic), sign=True)
    out = tmp_path / "exports" / "sessions.csv"
    out.parent.mkdir()
    out.write_text("last week's export", encoding="utf-8")

    def disk_full(done: int, total: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    import clinic_log.services.exchange.exporter as exporter
    old_every, exporter.PROGRESS_EVERY = exporter.PROGRESS_EVERY, 1
    try:
        with pytest.raises(DomainError) as refused:
            export_sessions(db, owner, "csv", out, progress=disk_full)
    finally:
        exporter.PROGRESS_EVERY = old_every
    message = str(refused.value)
    assert "sessions.csv" in message and os.strerror(errno.ENOSPC) in message and "\n" not in message
    assert out.read_text(encoding="utf-8") == "last week's export"
    assert sorted(p.name for p in out.parent.iterdir()) == ["sessions.csv"]


