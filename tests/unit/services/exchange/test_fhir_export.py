"""FHIR R4 export as a transaction Bundle a server loads: every entry a request, stable PUT ids, conditional creates
on the clinic's identifiers, SNOMED body sites and events, one Observation per treated area, no drafts."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import event, text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError, InvalidValue, PermissionDenied
from clinic_log.domain.values import AreaInput, ComplicationInput
from clinic_log.services.clients import clients
from clinic_log.services.clinic.clinic_settings import read_settings, save_settings
from clinic_log.services.devices import devices
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.exchange.exporter import export_sessions
from clinic_log.services.sessions.amendments import amend_area_field, void_session
from clinic_log.services.sessions.sessions import log_session, save_draft
from tests.unit.services.helpers import LOT_EXPIRES, Clinic, make_clinic, session_entry

BASE = "https://clinic.example/fhir"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ID_PATTERN = re.compile(r"[A-Za-z0-9\-.]{1,64}")
LISTED_SITES = {"forehead": "52795006", "cheeks": "60819002", "nose": "45206002", "chin_jaw": "30291003",
                "neck": "45048000", "scalp": "41695006", "periorbital": "80243003", "perioral": "123851003",
                "hands": "63125000", "decolletage": "43799004", "abdomen": "113345001", "thighs": "68367000",
                "arms": "40983000", "buttocks": "46862004", "back": "123961009"}


def sql(db: Database, query: str) -> list[tuple[Any, ...]]:
    with db.reading() as session:
        return [tuple(r) for r in session.execute(text(query))]


def export(db: Database, owner: Actor, out: Path) -> dict[str, Any]:
    """Export, validate with the R4B models, and return the raw JSON (the models rename nothing we read)."""
    count = export_sessions(db, owner, "fhir", out)
    raw = out.read_text(encoding="utf-8")
    bundle = Bundle.model_validate_json(raw)
    assert bundle.type == "transaction" and len(bundle.entry or []) == count
    data: dict[str, Any] = json.loads(raw)
    return data


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle.get("entry", []) if e.get("resource", {}).get("resourceType") == kind]


def references(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def codes(concept: dict[str, Any], system: str) -> list[str]:
    return [c["code"] for c in concept.get("coding", []) if c["system"] == system]


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    save_settings(db, owner, {"fhir.identifier_system": BASE})
    return make_clinic(db, owner)


def test_demo_bundle_is_a_transaction_every_entry_with_a_request_and_resolvable_references(
        db: Database, owner: Actor, tmp_path: Path) -> None:
    generate_demo(db, owner, clients=20, sessions=150, seed=3)  # demo sets a demo identifier system
    bundle = export(db, owner, tmp_path / "demo.json")
    entries = bundle["entry"]
    full_urls = {e["fullUrl"] for e in entries if "fullUrl" in e}
    signed = sql(db, "SELECT COUNT(*) FROM sessions WHERE status = 'signed'")[0][0]
    assert 0 < signed < 150  # the demo has a few drafts, and they stay out
    assert Counter(e["request"]["method"] for e in entries)["PUT"] > signed
    for entry in entries:
        request, resource = entry["request"], entry["resource"]
        kind = resource["resourceType"]
        if request["method"] == "PUT":
            assert kind in ("Procedure", "Observation", "AdverseEvent")
            assert ID_PATTERN.fullmatch(resource["id"]) and request["url"] == f"{kind}/{resource['id']}"
        else:
            assert request == {"method": "POST", "url": kind, "ifNoneExist": request["ifNoneExist"]}
            assert kind in ("Patient", "Practitioner", "Device") and "id" not in resource
            assert request["ifNoneExist"].startswith("identifier=")
        assert entry["fullUrl"].startswith("urn:uuid:")
        assert set(references(resource)) <= full_urls, kind
    procedures = resources(bundle, "Procedure")
    assert len(procedures) == signed
    assert all("focalDevice" not in p and "extension" not in json.dumps(p["bodySite"]) for p in procedures)
    areas = sql(db, "SELECT COUNT(*) FROM session_areas a JOIN sessions s ON s.id = a.session_id "
                    "WHERE s.status = 'signed'")[0][0]
    assert len(resources(bundle, "Observation")) == areas


def test_an_empty_export_is_still_a_valid_transaction(db: Database, owner: Actor, tmp_path: Path) -> None:
    save_settings(db, owner, {"fhir.identifier_system": BASE})
    assert "entry" not in export(db, owner, tmp_path / "empty.json")


def test_a_second_export_puts_the_same_ids_so_a_server_updates_rather_than_duplicates(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    log_session(db, clinic.derm, session_entry(clinic, complications=(ComplicationInput("erythema", 1),)), sign=True)
    first = export(db, owner, tmp_path / "1.json")
    second = export(db, owner, tmp_path / "2.json")

    def puts(bundle: dict[str, Any]) -> list[str]:
        return [e["request"]["url"] for e in bundle["entry"] if e["request"]["method"] == "PUT"]

    assert puts(first) == puts(second) and len(puts(first)) == 4  # Procedure, two Observations, AdverseEvent
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert [e["request"].get("ifNoneExist") for e in first["entry"]] == \
        [e["request"].get("ifNoneExist") for e in second["entry"]]


def test_patient_practitioner_and_devices_are_conditional_creates_on_the_clinics_identifiers(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    log_session(db, clinic.derm, session_entry(clinic), sign=True)
    bundle = export(db, owner, tmp_path / "b.json")
    by_kind = {e["resource"]["resourceType"]: [] for e in bundle["entry"]}
    for e in bundle["entry"]:
        by_kind[e["resource"]["resourceType"]].append(e)
    (patient,) = by_kind["Patient"]
    ident = patient["resource"]["identifier"][0]
    assert ident["type"]["coding"][0] == {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR",
                                          "display": "Medical record number"}
    assert ident["system"].startswith(BASE + "/") and ident["value"] == "P-1"
    assert patient["request"]["ifNoneExist"] == f"identifier={ident['system']}|P-1"
    (practitioner,) = by_kind["Practitioner"]
    licence = practitioner["resource"]["identifier"][0]
    assert licence["value"] == "GMC-1" and licence["type"]["coding"][0]["code"] == "LN"
    assert practitioner["request"]["ifNoneExist"].startswith(f"identifier={licence['system']}|GMC-1")
    pen, lot = sorted(by_kind["Device"], key=lambda e: "lotNumber" in e["resource"])
    assert pen["resource"]["serialNumber"] == "SPP-1"
    assert pen["request"]["ifNoneExist"] == f"identifier={pen['resource']['identifier'][0]['system']}|SPP-1"
    assert lot["resource"]["lotNumber"] == "SP14-1" and lot["resource"]["expirationDate"] == LOT_EXPIRES.isoformat()
    assert lot["request"]["ifNoneExist"] == f"identifier={lot['resource']['identifier'][0]['system']}|SP14-1"
    (procedure,) = resources(bundle, "Procedure")
    assert [r["reference"] for r in procedure["usedReference"]] == [pen["fullUrl"], lot["fullUrl"]]


def test_a_practitioner_without_a_licence_is_identified_by_username(db: Database, owner: Actor, clinic: Clinic,
                                                                    tmp_path: Path) -> None:
    with db.writing() as session:
        session.execute(text("DELETE FROM credentials"))
    log_session(db, clinic.derm, session_entry(clinic), sign=True, reason="licence on paper",
                override_reason="licence on paper")
    (practitioner,) = resources(export(db, owner, tmp_path / "b.json"), "Practitioner")
    assert [(i["system"].rsplit("/", 1)[-1], i["value"]) for i in practitioner["identifier"]] == \
        [("practitioner-username", "mbrandt")]


def test_identifier_values_are_escaped_in_the_search_of_a_conditional_create(db: Database, owner: Actor,
                                                                              tmp_path: Path) -> None:
    save_settings(db, owner, {"fhir.identifier_system": BASE})
    clinic = make_clinic(db, owner)
    with db.writing() as session:
        session.execute(text("UPDATE clients SET client_ref = 'A|1,&b c' WHERE id = :i"), {"i": clinic.client_id})
    log_session(db, clinic.derm, session_entry(clinic), sign=True)
    bundle = export(db, owner, tmp_path / "b.json")
    (entry,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert entry["resource"]["identifier"][0]["value"] == "A|1,&b c"
    assert entry["request"]["ifNoneExist"].endswith("|A%5C%7C1%5C%2C%26b%20c")


def test_listed_areas_carry_snomed_body_sites_and_indications_keep_only_the_clinics_code(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    areas = [AreaInput(code, 0.25, 1) for code in LISTED_SITES]
    log_session(db, clinic.derm, session_entry(clinic, *areas, AreaInput("site_not_recorded", 1.5, 2,
                                                                           indication="scars")),
                sign=True, reason="demo of every area")
    bundle = export(db, owner, tmp_path / "b.json")
    (procedure,) = resources(bundle, "Procedure")
    sites = {codes(site, site["coding"][0]["system"])[0]: codes(site, SNOMED) for site in procedure["bodySite"]}
    assert sites == {**{code: [sct] for code, sct in LISTED_SITES.items()}, "site_not_recorded": []}
    observations = resources(bundle, "Observation")
    assert {codes(o["bodySite"], SNOMED)[0] if codes(o["bodySite"], SNOMED) else None for o in observations} == \
        {*LISTED_SITES.values(), None}


def test_an_indication_is_the_procedures_reason_and_the_tip_and_energy_are_in_the_observations_note(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    rf = devices.add_device(db, owner, "Morpheus8", "M8-1")
    log_session(db, clinic.derm, session_entry(
        clinic, AreaInput("cheeks", 1.5, 1, rf_energy=30, indication="acne_scars", tip="facial"),
        AreaInput("forehead", 1.0, 1, rf_energy=20, tip="facial"), device_id=rf.id, cartridge_lot=None,
        lot_expires=None), sign=True, reason="two areas on the RF device")
    bundle = export(db, owner, tmp_path / "b.json")
    (procedure,) = resources(bundle, "Procedure")
    assert [r["text"] for r in procedure["reasonCode"]] == ["Acne scars (atrophic)"]
    assert [codes(r, r["coding"][0]["system"]) for r in procedure["reasonCode"]] == [["acne_scars"]]
    sites = [codes(site, SNOMED) for site in procedure["bodySite"]]
    assert sites == [["60819002"], ["52795006"]]  # the cheeks' code: the indication is not a site
    notes = sorted(o["note"][0]["text"] for o in resources(bundle, "Observation"))
    assert notes == ["1 pass, Morpheus8 Facial (24 pins) tip, RF energy 20 level",
                     "1 pass, for Acne scars (atrophic), Morpheus8 Facial (24 pins) tip, RF energy 30 level"]


def test_one_observation_per_area_holds_the_depth_in_ucum_mm_part_of_the_procedure(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    log_session(db, clinic.derm, session_entry(clinic, AreaInput("forehead", 0.5, 2, "stamping"),
                                               AreaInput("cheeks", 1.0, 3)), sign=True)
    bundle = export(db, owner, tmp_path / "b.json")
    (procedure_entry,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Procedure"]
    observations = {o["bodySite"]["text"]: o for o in resources(bundle, "Observation")}
    assert set(observations) == {"Forehead", "Cheeks"}
    cheeks = observations["Cheeks"]
    assert cheeks["valueQuantity"] == {"value": 1.0, "unit": "mm", "system": UCUM, "code": "mm"}
    assert cheeks["partOf"] == [{"reference": procedure_entry["fullUrl"]}]
    assert cheeks["status"] == "final" and codes(cheeks["bodySite"], SNOMED) == ["60819002"]
    assert cheeks["subject"] == procedure_entry["resource"]["subject"]
    assert "2 passes, stamping" in observations["Forehead"]["note"][0]["text"]


def test_an_amended_depth_makes_its_observation_amended(db: Database, owner: Actor, clinic: Clinic,
                                                        tmp_path: Path) -> None:
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    area_id = sql(db, f"SELECT MIN(id) FROM session_areas WHERE session_id = {saved.id}")[0][0]
    amend_area_field(db, clinic.derm, area_id, "depth_mm", "0.4", "typed 0.5 by mistake")
    observations = resources(export(db, owner, tmp_path / "b.json"), "Observation")
    assert sorted(o["status"] for o in observations) == ["amended", "final"]
    assert {o["valueQuantity"]["value"] for o in observations} == {0.4, 0.75}


def test_adverse_events_have_seriousness_snomed_codes_and_unknown_outcome_unless_resolved(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    log_session(db, clinic.derm, session_entry(clinic, complications=(
        ComplicationInput("infection", 3, date(2026, 7, 3), relatedness="device", resolved_on=date(2026, 7, 20)),
        ComplicationInput("erythema", 1), ComplicationInput("hsv_reactivation", 2, date(2026, 7, 4)))), sign=True)
    bundle = export(db, owner, tmp_path / "b.json")
    events = {e["event"]["coding"][0]["code"]: e for e in resources(bundle, "AdverseEvent")}
    infection, erythema, hsv = events["infection"], events["erythema"], events["hsv_reactivation"]
    seriousness = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
    assert codes(infection["seriousness"], seriousness) == ["serious"]
    assert codes(erythema["seriousness"], seriousness) == ["non-serious"]
    assert infection["outcome"]["coding"][0]["code"] == "resolved"
    assert erythema["outcome"]["coding"][0]["code"] == "unknown" and hsv["outcome"]["coding"][0]["code"] == "unknown"
    assert codes(erythema["event"], SNOMED) == ["247441003"] and codes(hsv["event"], SNOMED) == ["88594005"]
    assert codes(infection["event"], SNOMED) == []  # no code the issue is sure of
    assert infection["severity"]["coding"][0]["code"] == "severe" and "CTCAE grade 3" in infection["severity"]["text"]
    assert "extension" not in infection
    full_urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in bundle["entry"]
                 if e["resource"]["resourceType"] in ("Procedure",)}
    suspects = [s["instance"]["reference"] for s in infection["suspectEntity"]]
    assert suspects[0] == full_urls["Procedure"] and len(suspects) == 3  # procedure, pen and cartridge lot


def test_drafts_stay_out_and_a_voided_session_is_entered_in_error(db: Database, owner: Actor, clinic: Clinic,
                                                                  tmp_path: Path) -> None:
    kept = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    voided = log_session(db, clinic.derm, session_entry(
        clinic, started_at=datetime(2026, 7, 2, 9, tzinfo=UTC), complications=(ComplicationInput("erythema", 1),)),
        sign=True)
    save_draft(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 7, 3, 9, tzinfo=UTC)))
    void_session(db, clinic.derm, voided.id, "wrong client")
    bundle = export(db, owner, tmp_path / "b.json")
    procedures = {p["identifier"][0]["value"]: p for p in resources(bundle, "Procedure")}
    assert set(procedures) == {str(kept.id), str(voided.id)}  # not the draft
    assert procedures[str(voided.id)]["status"] == "entered-in-error"
    assert procedures[str(voided.id)]["statusReason"]["text"] == "wrong client"
    assert procedures[str(kept.id)]["status"] == "completed"
    statuses = Counter(o["status"] for o in resources(bundle, "Observation"))
    assert statuses == {"final": 2, "entered-in-error": 2}
    assert resources(bundle, "AdverseEvent") == []
    deletes = [e for e in bundle["entry"] if e["request"]["method"] == "DELETE"]
    assert len(deletes) == 1 and deletes[0]["request"]["url"].startswith("AdverseEvent/")


@pytest.mark.parametrize(("first", "last", "shown"), [("娜", "李", "李娜"), ("Zofia", "Łukasiewicz",
                                                                            "Zofia Łukasiewicz"),
                                                     ("Арина", "Соколова", "Арина Соколова"), ("민준", "김", "김민준")])
def test_patient_name_text_follows_the_order_of_the_script(db: Database, owner: Actor, clinic: Clinic,
                                                           tmp_path: Path, first: str, last: str, shown: str) -> None:
    client = clients.create_client(db, owner, clients.ClientDetails("S-9", first, last, date(1992, 3, 4)))
    log_session(db, clinic.derm, session_entry(clinic, client_id=client.id), sign=True,
                reason="consent on paper")
    (patient,) = [p for p in resources(export(db, owner, tmp_path / "b.json"), "Patient")
                  if p["identifier"][0]["value"] == "S-9"]
    assert patient["name"] == [{"use": "official", "family": last, "given": [first], "text": shown}]


def test_export_is_refused_until_the_clinic_sets_its_identifier_system(db: Database, owner: Actor,
                                                                       tmp_path: Path) -> None:
    out = tmp_path / "b.json"
    with pytest.raises(DomainError) as refused:
        export_sessions(db, owner, "fhir", out)
    message = str(refused.value)
    assert "\n" not in message and "Settings" in message and "clinic-log settings set fhir.identifier_system" in message
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    assert sql(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'exported'")[0][0] == 0


@pytest.mark.parametrize("value", ["clinic.example/fhir", "ftp://clinic.example", "https://", "https://a b.example",
                                   "https://clinic.example/fhir?x=1", "https://clinic.example/#f",
                                   "https://user@clinic.example/", "urn:oid:1.2.x", "urn:uuid:not-a-uuid",
                                   "https://clinic.example/a|b", "urn:oid:3.1", "  ",
                                   "https://clinic.example/" + "x" * 200])
def test_a_bad_identifier_system_is_refused_with_what_is_allowed(db: Database, owner: Actor, value: str) -> None:
    if not value.strip():
        save_settings(db, owner, {"fhir.identifier_system": value})  # blank unsets it
        assert read_settings(db)["fhir.identifier_system"] == ""
        return
    with pytest.raises(InvalidValue) as refused:
        save_settings(db, owner, {"fhir.identifier_system": value})
    assert "FHIR identifier system" in str(refused.value) and "https://" in str(refused.value)
    assert read_settings(db)["fhir.identifier_system"] == ""


@pytest.mark.parametrize(("value", "stored"), [
    ("https://myclinic.example/fhir/", "https://myclinic.example/fhir"),
    (" http://clinic.example ", "http://clinic.example"),
    ("urn:oid:1.2.826.0.1.3680043.8.498", "urn:oid:1.2.826.0.1.3680043.8.498"),
    ("urn:uuid:3F1B7A52-7D8E-4B0E-9A55-2F4C1C9F6A10", "urn:uuid:3f1b7a52-7d8e-4b0e-9a55-2f4c1c9f6a10"),
])
def test_a_good_identifier_system_is_stored_normalised_and_audited(db: Database, owner: Actor, value: str,
                                                                    stored: str) -> None:
    assert save_settings(db, owner, {"fhir.identifier_system": value}) == {"fhir.identifier_system": stored}
    assert read_settings(db)["fhir.identifier_system"] == stored
    detail = sql(db, "SELECT detail FROM audit_log WHERE entity = 'settings' ORDER BY id DESC")[0][0]
    assert stored in detail


@pytest.mark.parametrize("value", ["urn:oid:1.2.826.0.1.3680043.8.498",
                                   "urn:uuid:3f1b7a52-7d8e-4b0e-9a55-2f4c1c9f6a10"])
def test_urn_identifier_systems_give_valid_distinct_systems(db: Database, owner: Actor, tmp_path: Path,
                                                            value: str) -> None:
    save_settings(db, owner, {"fhir.identifier_system": value})
    clinic = make_clinic(db, owner)
    log_session(db, clinic.derm, session_entry(clinic), sign=True)
    bundle = export(db, owner, tmp_path / "b.json")
    systems = {i["system"] for e in bundle["entry"] for i in _identifiers(e["resource"])}
    assert len(systems) == 7  # client ref, licence, username, serial, lot, session, treated area
    assert all(s.startswith(value.rsplit(":", 1)[0] + ":") for s in systems)


def _identifiers(resource: dict[str, Any]) -> list[dict[str, Any]]:
    found = resource.get("identifier", [])
    return found if isinstance(found, list) else [found]


def test_only_the_owner_sets_the_identifier_system(db: Database) -> None:
    from clinic_log.domain.enums import UserRole

    with pytest.raises(PermissionDenied):
        save_settings(db, Actor("someone", UserRole.PRACTITIONER, None), {"fhir.identifier_system": BASE})


def test_export_reads_in_chunks_not_per_session(db: Database, owner: Actor, tmp_path: Path) -> None:
    generate_demo(db, owner, clients=10, sessions=40, seed=5)
    few = _statements(db, owner, tmp_path / "few.json")
    generate_demo(db, owner, clients=10, sessions=400, seed=6, allow_existing=True)
    many = _statements(db, owner, tmp_path / "many.json")
    assert many == few  # more sessions, the same number of queries (one chunk of 2000 either way)


def _statements(db: Database, owner: Actor, out: Path) -> int:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        export_sessions(db, owner, "fhir", out)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)
