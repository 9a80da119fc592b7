"""Export sessions as a FHIR R4 Bundle (type "collection"): Patient, Practitioner, Device, Procedure and
AdverseEvent resources, written as a stream so a large export never sits in memory.

Choices (the resources validate under the R4B models of `fhir.resources`, which the tests use):
- references are `urn:uuid:` ids derived from the database ids (the same export gives the same ids);
- Procedure.bodySite has one entry per treated area; its needle depth is an extension on that bodySite
  (valueQuantity in mm, UCUM) and is repeated in Procedure.note in words, with passes and technique;
- the cartridge lot and its expiry go in Procedure.note (R4 has no lot on Procedure); the device is
  Procedure.usedReference;
- a complication is an AdverseEvent (actuality "actual") whose suspectEntity is the Procedure; the CTCAE
  grade maps to severity (1 mild, 2 moderate, 3–5 severe) and is kept exactly in an extension.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.models import (
    Area,
    CartridgeLot,
    Client,
    Complication,
    ComplicationType,
    Device,
    DeviceModel,
    Practitioner,
    SessionArea,
    TreatmentSession,
)
from clinic_log.services.clock import from_utc_naive, to_utc_naive
from clinic_log.services.progress import Progress, no_progress

EXTENSION_BASE = "http://clinic-log.local/fhir/StructureDefinition/"
NEEDLE_DEPTH_URL = EXTENSION_BASE + "needle-depth"
CTCAE_GRADE_URL = EXTENSION_BASE + "ctcae-grade"
AREA_SYSTEM = "http://clinic-log.local/fhir/CodeSystem/treatment-area"
COMPLICATION_SYSTEM = "http://clinic-log.local/fhir/CodeSystem/complication"
CLIENT_REF_SYSTEM = "http://clinic-log.local/fhir/NamingSystem/client-ref"
USERNAME_SYSTEM = "http://clinic-log.local/fhir/NamingSystem/practitioner-username"
SEVERITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
OUTCOME_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
UCUM = "http://unitsofmeasure.org"
PROCEDURE_TEXT = "Microneedling (collagen induction therapy)"
_NAMESPACE = uuid.UUID("3f1b7a52-7d8e-4b0e-9a55-2f4c1c9f6a10")
CHUNK = 2000


def resource_uuid(kind: str, key: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}/{key}')}"


def _instant(moment: datetime) -> str:
    return from_utc_naive(moment).isoformat()


def _entry(kind: str, key: object, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": resource_uuid(kind, key), "resource": {"resourceType": kind, **resource}}


def _severity(grade: int) -> dict[str, Any]:
    code, display = (("mild", "Mild") if grade <= 1 else ("moderate", "Moderate") if grade == 2
                     else ("severe", "Severe"))
    return {"coding": [{"system": SEVERITY_SYSTEM, "code": code, "display": display}]}


def _outcome(grade: int, resolved_on: date | None) -> dict[str, Any]:
    code, display = (("fatal", "Fatal") if grade >= 5 else ("resolved", "Resolved") if resolved_on
                     else ("ongoing", "Ongoing"))
    return {"coding": [{"system": OUTCOME_SYSTEM, "code": code, "display": display}]}


def patient_resource(client: Client) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "identifier": [{"system": CLIENT_REF_SYSTEM, "value": client.client_ref}],
        "name": [{"family": client.last_name, "given": [client.first_name],
                  "text": f"{client.first_name} {client.last_name}"}],
    }
    telecom = [{"system": system, "value": value} for system, value in (("phone", client.phone),
                                                                         ("email", client.email)) if value]
    if telecom:
        resource["telecom"] = telecom
    if client.date_of_birth:
        resource["birthDate"] = client.date_of_birth.isoformat()
    return _entry("Patient", client.id, resource)


def practitioner_resource(p: Practitioner) -> dict[str, Any]:
    return _entry("Practitioner", p.id, {
        "identifier": [{"system": USERNAME_SYSTEM, "value": p.username}],
        "active": p.active, "name": [{"text": p.full_name}],
    })


def device_resource(device: Device, model: DeviceModel) -> dict[str, Any]:
    return _entry("Device", device.id, {
        "serialNumber": device.serial,
        "deviceName": [{"name": model.name, "type": "model-name"}],
        "status": "active" if device.in_service else "inactive",
    })


def _procedure_status(row: TreatmentSession) -> str:
    if row.voided_at is not None:
        return "entered-in-error"
    return "completed" if row.status == "signed" else "in-progress"


def procedure_resource(row: TreatmentSession, areas: list[tuple[SessionArea, str]],
                       lot: tuple[str, date | None] | None) -> dict[str, Any]:
    body_sites = [{
        "coding": [{"system": AREA_SYSTEM, "code": a.area_code, "display": label}], "text": label,
        "extension": [{"url": NEEDLE_DEPTH_URL, "valueQuantity": {
            "value": a.depth_mm, "unit": "mm", "system": UCUM, "code": "mm"}}],
    } for a, label in areas]
    notes = [f"{label}: needle depth {a.depth_mm:g} mm, {a.passes} pass{'es' if a.passes != 1 else ''}"
             + (f", {a.technique}" if a.technique else "") for a, label in areas]
    if lot is not None:
        notes.append(f"Cartridge lot {lot[0]}" + (f" (expires {lot[1].isoformat()})" if lot[1] else ""))
    if row.notes:
        notes.append(row.notes)
    performers = [{"actor": {"reference": resource_uuid("Practitioner", row.practitioner_id)},
                   "function": {"text": "practitioner"}}]
    if row.supervisor_id is not None:
        performers.append({"actor": {"reference": resource_uuid("Practitioner", row.supervisor_id)},
                           "function": {"text": "supervising physician"}})
    resource: dict[str, Any] = {
        "status": _procedure_status(row),
        "code": {"text": PROCEDURE_TEXT},
        "subject": {"reference": resource_uuid("Patient", row.client_id)},
        "performedDateTime": _instant(row.started_at),
        "performer": performers,
    }
    if body_sites:
        resource["bodySite"] = body_sites
    if row.device_id is not None:
        resource["usedReference"] = [{"reference": resource_uuid("Device", row.device_id)}]
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    return _entry("Procedure", row.id, resource)


def adverse_event_resource(c: Complication, label: str, row: TreatmentSession) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "extension": [{"url": CTCAE_GRADE_URL, "valueInteger": c.grade}],
        "actuality": "actual",
        "event": {"coding": [{"system": COMPLICATION_SYSTEM, "code": c.code, "display": label}], "text": label},
        "subject": {"reference": resource_uuid("Patient", row.client_id)},
        "date": (c.onset_on.isoformat() if c.onset_on else _instant(row.started_at)),
        "severity": _severity(c.grade),
        "outcome": _outcome(c.grade, c.resolved_on),
        "suspectEntity": [{"instance": {"reference": resource_uuid("Procedure", row.id)}}],
    }
    if row.device_id is not None and c.relatedness == "device":
        resource["suspectEntity"].append({"instance": {"reference": resource_uuid("Device", row.device_id)}})
    return _entry("AdverseEvent", c.id, resource)


def _session_chunks(session: Session, started_from: datetime | None, started_before: datetime | None,
                    client_id: int | None) -> Iterator[list[TreatmentSession]]:
    s = TreatmentSession
    last = 0
    while True:
        stmt = select(s).where(s.id > last).order_by(s.id).limit(CHUNK)
        if started_from is not None:
            stmt = stmt.where(s.started_at >= to_utc_naive(started_from))
        if started_before is not None:
            stmt = stmt.where(s.started_at < to_utc_naive(started_before))
        if client_id is not None:
            stmt = stmt.where(s.client_id == client_id)
        rows = list(session.scalars(stmt))
        if not rows:
            return
        yield rows
        last = rows[-1].id
        session.expunge_all()  # keep memory flat over a million sessions


def bundle_entries(session: Session, started_from: datetime | None = None, started_before: datetime | None = None,
                   client_id: int | None = None, progress: Progress = no_progress) -> Iterator[dict[str, Any]]:
    """Procedure and AdverseEvent entries session by session, then the Patients, Practitioners and Devices
    they reference."""
    labels = dict(session.execute(select(Area.code, Area.label)).all())
    comp_labels = dict(session.execute(select(ComplicationType.code, ComplicationType.label)).all())
    lots = {i: (n, e) for i, n, e in session.execute(
        select(CartridgeLot.id, CartridgeLot.lot_number, CartridgeLot.expires_on))}
    clients: set[int] = set()
    practitioners: set[int] = set()
    devices: set[int] = set()
    done = 0
    for rows in _session_chunks(session, started_from, started_before, client_id):
        ids = [r.id for r in rows]
        areas: dict[int, list[tuple[SessionArea, str]]] = {}
        for a in session.scalars(select(SessionArea).where(SessionArea.session_id.in_(ids)).order_by(SessionArea.id)):
            areas.setdefault(a.session_id, []).append((a, labels.get(a.area_code, a.area_code)))
        comps: dict[int, list[Complication]] = {}
        for c in session.scalars(select(Complication).where(Complication.session_id.in_(ids))
                                 .order_by(Complication.id)):
            comps.setdefault(c.session_id, []).append(c)
        for row in rows:
            clients.add(row.client_id)
            practitioners.add(row.practitioner_id)
            if row.supervisor_id is not None:
                practitioners.add(row.supervisor_id)
            if row.device_id is not None:
                devices.add(row.device_id)
            lot = lots.get(row.cartridge_lot_id) if row.cartridge_lot_id is not None else None
            yield procedure_resource(row, areas.get(row.id, []), lot)
            for c in comps.get(row.id, []):
                yield adverse_event_resource(c, comp_labels.get(c.code, c.code), row)
        done += len(rows)
        progress(done, 0)
    for chunk in _chunks(sorted(clients)):
        for client in session.scalars(select(Client).where(Client.id.in_(chunk)).order_by(Client.id)):
            yield patient_resource(client)
        session.expunge_all()
    for p in session.scalars(select(Practitioner).where(Practitioner.id.in_(sorted(practitioners)))
                             .order_by(Practitioner.id)):
        yield practitioner_resource(p)
    for device, model in session.execute(
            select(Device, DeviceModel).join(DeviceModel, DeviceModel.id == Device.device_model_id)
            .where(Device.id.in_(sorted(devices))).order_by(Device.id)):
        yield device_resource(device, model)


def _chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def write_bundle(handle: TextIO, entries: Iterator[dict[str, Any]], bundle_id: str, timestamp: datetime) -> int:
    """Write a Bundle of type collection around `entries`; returns the number of entries."""
    head = {"resourceType": "Bundle", "id": bundle_id, "type": "collection", "timestamp": timestamp.isoformat()}
    handle.write(json.dumps(head, ensure_ascii=False)[:-1])
    count = 0
    for entry in entries:  # FHIR JSON has no empty arrays: "entry" is opened by the first entry
        handle.write((",\n" if count else ', "entry": [\n') + json.dumps(entry, ensure_ascii=False))
        count += 1
    handle.write("\n]}\n" if count else "}\n")
    return count

