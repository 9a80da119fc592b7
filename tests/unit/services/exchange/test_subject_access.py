"""Subject access (GDPR Art. 15): every audit row about the client's records, their autosaved drafts, names beside
ids, the Art. 15(1)(a–h) information from the clinic's settings, and who opened their record."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.values import AreaInput, ComplicationInput
from clinic_log.services.clients import clients
from clinic_log.services.clients.aftercare import audit_aftercare_output
from clinic_log.services.clinic.clinic_settings import save_settings
from clinic_log.services.exchange.exporter import export_sessions
from clinic_log.services.exchange.subject_access import export_client
from clinic_log.services.review.recall import export_recall
from clinic_log.services.sessions.form_drafts import save_form_draft
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import Clinic, make_clinic, session_entry

JULY = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
AUGUST = datetime(2026, 8, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)


def _sign(db: Database, clinic: Clinic, started_at: datetime, reason: str | None = None, **overrides: object) -> int:
    return log_session(db, clinic.derm, session_entry(clinic, started_at=started_at, **overrides), sign=True,
                       reason=reason).id


def _export(db: Database, owner: Actor, tmp_path: Path, ref: str = "P-1") -> dict[str, Any]:
    out = tmp_path / f"{ref}.json"
    export_client(db, owner, ref, "json", out)
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


def _audit_keys(data: dict[str, Any]) -> set[tuple[str, str, str | None]]:
    return {(r["action"], r["entity"], r["entity_id"]) for r in data["tables"]["audit_log"]}


def test_audit_rows_of_consents_findings_history_aftercare_and_recalls_are_in_the_export(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    cid = clinic.client_id
    finding = clients.add_finding(db, owner, cid, "skin_infection", date(2026, 6, 1), note="left cheek")
    clients.remove_finding(db, owner, finding)
    history = clients.add_history(db, owner, cid, "allergy", "nickel", date(2026, 5, 1))
    sid = _sign(db, clinic, JULY)
    audit_aftercare_output(db, owner, sid, "printed", 2)
    export_recall(db, owner, "SP14-1", tmp_path / "recall.csv")
    data = _export(db, owner, tmp_path)
    consent_id = data["tables"]["consents"][0]["id"]
    assert _audit_keys(data) >= {
        ("created", "consent", str(consent_id)), ("created", "finding", str(finding)),
        ("removed", "finding", str(finding)), ("created", "medical_history", str(history)),
        ("printed", "aftercare", str(sid)), ("exported", "cartridge_lot", "SP14-1"),
        ("recalled", "cartridge_lot", "SP14-1"), ("signed", "session", str(sid)),
    }


def test_another_clients_audit_rows_stay_out(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    other = clients.create_client(db, owner, clients.ClientDetails("P-2", "Other", "Person"))
    clients.add_history(db, owner, other.id, "allergy", "latex", date(2026, 5, 1))
    data = _export(db, owner, tmp_path)
    assert {e for _, e, _ in _audit_keys(data)} <= {"client", "consent"}
    assert all(r["entity_id"] != str(other.id) or r["entity"] != "client" for r in data["tables"]["audit_log"])


def test_a_session_export_counts_only_when_its_days_held_the_clients_sessions(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    _sign(db, clinic, JULY)
    export_sessions(db, owner, "csv", tmp_path / "july.csv", date(2026, 6, 1), date(2026, 7, 31))
    export_sessions(db, owner, "csv", tmp_path / "may.csv", date(2026, 5, 1), date(2026, 5, 31))
    export_sessions(db, owner, "json", tmp_path / "all.json")
    data = _export(db, owner, tmp_path)
    exports = [r for r in data["tables"]["audit_log"] if r["entity"] == "sessions"]
    assert sorted(json.loads(r["detail"])["file"] for r in exports) == ["all.json", "july.csv"]
    july = next(r for r in exports if "july" in r["detail"])
    assert "2026-06-01" in july["about_you"] and "2026-07-31" in july["about_you"]
    assert "2026-07-01" in july["about_you"]


def test_autosaved_drafts_holding_the_clients_data_are_included(db: Database, owner: Actor, clinic: Clinic,
                                                                tmp_path: Path) -> None:
    cid = clinic.client_id
    sid = _sign(db, clinic, JULY)
    other = clients.create_client(db, owner, clients.ClientDetails("P-2", "Other", "Person"))
    reception = Actor("desk", UserRole.RECEPTION)
    save_form_draft(db, clinic.derm, f"session:client={cid}", {"notes": "half-typed note about Zofia"})
    save_form_draft(db, reception, f"contact:{cid}", {"phone": "+48 600 000 000"})
    save_form_draft(db, owner, f"consultation:{cid}", {"text": "takes isotretinoin"})
    save_form_draft(db, owner, f"amend:{sid}", {"value": "1.5", "reason": "typo"})
    save_form_draft(db, owner, f"reason:Void session:{sid}", {"reason": "entered twice"})
    save_form_draft(db, owner, f"contact:{other.id}", {"phone": "not hers"})
    save_form_draft(db, owner, f"session:client={cid}1", {"notes": "not hers either"})
    data = _export(db, owner, tmp_path)
    drafts = data["tables"]["form_drafts"]
    assert sorted((d["username"], d["form_key"]) for d in drafts) == sorted([
        ("mbrandt", f"session:client={cid}"), ("desk", f"contact:{cid}"), ("owner", f"consultation:{cid}"),
        ("owner", f"amend:{sid}"), ("owner", f"reason:Void session:{sid}")])
    assert next(d for d in drafts if d["username"] == "mbrandt")["state"] == {"notes": "half-typed note about Zofia"}


def test_the_ui_draft_keys_are_the_ones_subject_access_looks_for(clinic: Clinic) -> None:
    from clinic_log.services.sessions.form_drafts import client_draft_keys
    from clinic_log.ui.sessions.form.session_form import form_key

    keys = client_draft_keys(clinic.client_id, [7])
    assert form_key(clinic.client_id) in keys
    assert {f"contact:{clinic.client_id}", f"consultation:{clinic.client_id}", "amend:7"} <= set(keys)


def test_names_stand_beside_the_ids(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    _sign(db, clinic, JULY, areas=(AreaInput("forehead", 0.5, 2),),
          complications=(ComplicationInput("erythema", 1),))
    clients.add_finding(db, owner, clinic.client_id, "skin_infection", date(2026, 6, 1))
    tables = _export(db, owner, tmp_path)["tables"]
    session = tables["sessions"][0]
    assert session["practitioner_id"] == clinic.derm_id and session["practitioner"] == "Dr Maria Brandt"
    assert session["device_id"] == clinic.device_id and session["device"] == "SkinPen Precision (serial SPP-1)"
    assert session["cartridge_lot"] == "SP14-1" and session["cartridge_lot_id"] is not None
    assert session["signed_by_name"] == "Dr Maria Brandt"
    assert tables["session_areas"][0]["area"] == "Forehead"
    assert tables["complications"][0]["complication"] == "Erythema (redness)"
    assert tables["findings"][0]["contraindication"].startswith("Active skin infection")


def test_art15_information_comes_from_the_clinic_settings(db: Database, owner: Actor, clinic: Clinic,
                                                         tmp_path: Path) -> None:
    info = _export(db, owner, tmp_path)["art15"]
    assert set(info) >= {"purposes", "categories", "recipients", "retention", "rights", "complaint", "source",
                         "automated_decisions"}
    assert all(info[k].strip() for k in info)
    save_settings(db, owner, {"privacy.complaint": "Urząd Ochrony Danych Osobowych, ul. Stawki 2, Warszawa"})
    assert _export(db, owner, tmp_path)["art15"]["complaint"].startswith("Urząd Ochrony Danych Osobowych")


def test_opening_a_clients_record_is_audited_and_listed_as_access(db: Database, owner: Actor, clinic: Clinic,
                                                                  tmp_path: Path) -> None:
    from clinic_log.services.clients.client_record import open_client_record

    desk = Actor("desk", UserRole.RECEPTION)
    record = open_client_record(db, desk, clinic.client_id, date(2026, 7, 1))
    assert record.client.id == clinic.client_id
    data = _export(db, owner, tmp_path)
    viewed = [r for r in data["tables"]["audit_log"] if r["action"] == "viewed"]
    assert [(r["actor"], r["entity"], r["entity_id"]) for r in viewed] == [("desk", "client", str(clinic.client_id))]
    assert data["accessed_by"][-1]["actor"] == "desk"


def test_looking_at_a_clients_timeline_is_audited_as_access(db: Database, owner: Actor, clinic: Clinic,
                                                             tmp_path: Path) -> None:
    from clinic_log.services.clients.timeline import client_timeline

    nurse = Actor("jdoyle", UserRole.PRACTITIONER, clinic.nurse_id)
    client_timeline(db, nurse, clinic.client_id)
    data = _export(db, owner, tmp_path)
    assert [(r["actor"], r["detail"]) for r in data["tables"]["audit_log"] if r["action"] == "viewed"] == [
        ("jdoyle", '{"where": "timeline"}')]
