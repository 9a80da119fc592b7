"""Exports for review: CSV read back field by field, the subject-access JSON and PDF of one client, the recall CSV,
and who may export (the FHIR bundle is in test_fhir_export.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import PermissionDenied
from clinic_log.domain.values import AreaInput, ComplicationInput
from clinic_log.services.clients import clients
from clinic_log.services.common.progress import JobCancelled
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.exchange.exporter import EXPORT_COLUMNS, export_sessions
from clinic_log.services.exchange.subject_access import export_client
from clinic_log.services.review.recall import RECALL_COLUMNS, export_recall
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import Clinic, make_clinic, session_entry


def sql(db: Database, query: str, **params: object) -> list[tuple[Any, ...]]:
    with db.reading() as session:
        return [tuple(r) for r in session.execute(text(query), params)]


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    clinic = make_clinic(db, owner)
    log_session(db, clinic.derm, session_entry(
        clinic, AreaInput("forehead", 0.5, 2, "stamping"), AreaInput("cheeks", 1.0, 3),
        complications=(ComplicationInput("infection", 3, date(2026, 7, 3), relatedness="device",
                                         resolved_on=date(2026, 7, 20)),),
        notes="course 1 of 3"), sign=True)
    log_session(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 8, 5, 9, tzinfo=UTC),
                                               complications=(ComplicationInput("erythema", 1),)), sign=True)
    return clinic


def test_csv_export_reads_back_field_by_field_as_stored(db: Database, owner: Actor, tmp_path: Path) -> None:
    generate_demo(db, owner, clients=10, sessions=120, seed=2)
    out = tmp_path / "sessions.csv"
    count = export_sessions(db, owner, "csv", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == count == sql(db, "SELECT COUNT(*) FROM session_areas")[0][0]
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    stored = {(s_id, area, indication or ""): rest for s_id, area, indication, *rest in sql(db, """
        SELECT s.id, a.area_code, a.indication, s.status, c.client_ref, c.first_name || ' ' || c.last_name,
               p.username, a.depth_mm, a.passes, a.technique, s.notes, l.lot_number, a.tip, a.rf_energy,
               m.energy_unit
        FROM sessions s JOIN session_areas a ON a.session_id = s.id JOIN clients c ON c.id = s.client_id
        JOIN practitioners p ON p.id = s.practitioner_id LEFT JOIN cartridge_lots l ON l.id = s.cartridge_lot_id
        LEFT JOIN devices d ON d.id = s.device_id LEFT JOIN device_models m ON m.id = d.device_model_id""")}
    assert any(key[2] for key in stored) and any(rest[8] for rest in stored.values())  # indications and tips
    for row in rows:
        (status, ref, name, user, depth, passes, technique, notes, lot, tip, energy,
         unit) = stored[(int(row["session_id"]), row["area"], row["indication"])]
        assert (row["tip"] or None, row["rf_energy_unit"] or None) == (tip, unit if energy is not None else None)
        assert (row["status"], row["client_ref"], row["client_name"], row["practitioner"]) == (status, ref, name, user)
        assert (float(row["depth_mm"]), int(row["passes"])) == (depth, passes)
        assert (row["technique"] or None, row["cartridge_lot"] or None) == (technique, lot)
        assert (row["notes"] or None) == (notes or None)  # CSV cannot tell an empty note from none


def test_cancelled_export_leaves_no_file(db: Database, owner: Actor, tmp_path: Path) -> None:
    generate_demo(db, owner, clients=10, sessions=1500, seed=2)
    out = tmp_path / "sessions.csv"

    def cancel(done: int, total: int) -> None:
        raise JobCancelled

    with pytest.raises(JobCancelled):
        export_sessions(db, owner, "csv", out, progress=cancel)
    assert not out.exists() and not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(("first", "last"), [("Zofia", "Łukasiewicz"), ("娜", "李"), ("Арина", "Соколова")])
def test_subject_access_pdf_names_the_client_in_any_script(db: Database, owner: Actor, tmp_path: Path,
                                                           first: str, last: str) -> None:
    clients.create_client(db, owner, clients.ClientDetails("S-9", first, last, date(1992, 3, 4)))
    out = tmp_path / "client.pdf"
    export_client(db, owner, "S-9", "pdf", out)
    page_text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert first in page_text and last in page_text


def test_subject_access_json_holds_every_row_about_the_client(db: Database, owner: Actor, clinic: Clinic,
                                                             tmp_path: Path) -> None:
    other = clients.create_client(db, owner, clients.ClientDetails("P-2", "Other", "Person"))
    log_session(db, clinic.derm, session_entry(clinic, client_id=other.id), reason="consent on paper", sign=True)
    clients.add_history(db, owner, clinic.client_id, "allergy", "nickel", date(2026, 5, 1))
    out = tmp_path / "client.json"
    export_client(db, owner, "P-1", "json", out)
    tables = json.loads(out.read_text(encoding="utf-8"))["tables"]
    cid = clinic.client_id
    sessions = [r[0] for r in sql(db, "SELECT id FROM sessions WHERE client_id = :c ORDER BY id", c=cid)]
    ids = ",".join(map(str, sessions))
    expected = {
        "clients": sql(db, "SELECT id FROM clients WHERE id = :c", c=cid),
        "medical_history": sql(db, "SELECT id FROM medical_history WHERE client_id = :c ORDER BY id", c=cid),
        "findings": sql(db, "SELECT id FROM findings WHERE client_id = :c ORDER BY id", c=cid),
        "consents": sql(db, "SELECT id FROM consents WHERE client_id = :c ORDER BY id", c=cid),
        "sessions": [(i,) for i in sessions],
        **{t: sql(db, f"SELECT id FROM {t} WHERE session_id IN ({ids}) ORDER BY id")
           for t in ("session_areas", "session_products", "complications", "session_warnings", "amendments")},
    }
    for table, rows in expected.items():
        assert [(r["id"],) for r in tables[table]] == [tuple(r) for r in rows], table
    assert len(tables["consents"]) == 1 and len(tables["medical_history"]) == 1 and len(tables["sessions"]) == 2
    assert tables["clients"][0]["last_name"] == "Łukasiewicz"
    assert {(r["entity"], r["entity_id"]) for r in tables["audit_log"]} >= {("session", str(sessions[0]))}
    exported = sql(db, "SELECT entity, entity_id, detail FROM audit_log WHERE action = 'exported'")
    assert exported[-1][:2] == ("client", str(cid)) and "subject access" in exported[-1][2]


def test_recall_csv_lists_every_treated_area_with_the_lot(db: Database, owner: Actor, clinic: Clinic,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "recall.csv"
    assert export_recall(db, owner, "SP14-1", out) == 4  # two sessions, two areas each
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(RECALL_COLUMNS)
    assert sorted(r[RECALL_COLUMNS.index("area")] for r in rows[1:]) == ["cheeks", "cheeks", "forehead", "forehead"]
    assert {r[3] for r in rows[1:]} == {"Zofia Łukasiewicz"}


@pytest.mark.parametrize("role", [UserRole.PRACTITIONER, UserRole.RECEPTION])
def test_only_the_owner_exports(db: Database, clinic: Clinic, tmp_path: Path, role: UserRole) -> None:
    actor = Actor("someone", role, None)
    out = tmp_path / "out"
    out.mkdir()
    for export in (lambda: export_sessions(db, actor, "fhir", out / "b.json"),
                   lambda: export_client(db, actor, "P-1", "json", out / "c.json"),
                   lambda: export_recall(db, actor, "SP14-1", out / "r.csv")):
        with pytest.raises(PermissionDenied):
            export()
    assert not list(out.iterdir())
