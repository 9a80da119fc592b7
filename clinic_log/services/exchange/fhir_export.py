"""Export signed sessions as a FHIR R4 transaction Bundle that a server (HAPI and others) loads: Procedure,
Observation and AdverseEvent by PUT with stable ids; Patient, Practitioner and Device by conditional create.
Written as a stream, so a large export never sits in memory.

Profile choices (the bundle validates under the R4B models of `fhir.resources`, which the tests use):
- Identifiers live under the URI the clinic owns (setting `fhir.identifier_system`; without it the export is
  refused). Each kind gets its own system below it: `<base>/identifier/client-ref` for an https base,
  `<oid>.1`… for a urn:oid base, a name-based uuid for a urn:uuid base (`Systems.sub`).
- Every entry's fullUrl is a `urn:uuid:` and every reference in the bundle points at one; the server replaces
  them with the ids it resolves. For POST (conditional create, `ifNoneExist` on the identifier — the query part
  only, as R4 defines it) the server resolves to the existing resource or the one it creates. For PUT the request
  url is `<Type>/<stable id>` and the resource carries that id; HAPI maps the entry's urn:uuid to it. The
  relative `Procedure/<id>` form is not used as a fullUrl because R4 wants fullUrl absolute, and the urn:uuid is
  never the resource id itself (HAPI refuses that pairing on PUT).
- Stable ids: `<clinic tag>-<kind>-<database id>`, the tag a hash of the identifier system, so re-exporting
  updates the same resources and two clinics on one server do not overwrite each other.
- Only signed sessions are exported (drafts never leave). A voided session is exported with Procedure and its
  Observations `entered-in-error` (statusReason: the void reason) so a server that loaded it can correct it; its
  AdverseEvents, which have no status in R4, are DELETEd.
- Procedure.bodySite: the clinic's area code plus SNOMED CT where resources/reference/fhir_snomed.csv names one
  (indications such as acne scars keep only the clinic's code). One Observation per treated area: needle depth as
  a UCUM `mm` Quantity, the same bodySite, `partOf` the Procedure; amended after signing → status `amended`.
- Procedure.usedReference: the pen (Device by serial) and the cartridge lot (Device with lotNumber and
  expirationDate).
- AdverseEvent: event coded with the clinic's code and SNOMED CT where the reference file names one; seriousness
  `serious` for CTCAE grade 3 or more, else `non-serious`; severity mild/moderate/severe with the exact grade in
  its text; outcome `resolved` when a resolution date was recorded, `fatal` for grade 5, else `unknown`.
- Media (only when asked: `with_photos`, as the bytes make a bundle large): one per photo of an exported session
  (partOf its Procedure) and per photo taken in the export's days that belongs to no exported session. type
  `image`, modality DICOM XC (external-camera photography), createdDateTime the time it was taken, bodySite the
  photo's area like the Procedure's, `view` as text; content the stored (upright, stripped) image: contentType,
  base64 data, size, SHA-1 hash as Attachment.hash requires, title. A voided photo is `entered-in-error`, without
  its data, the void reason in its note (so a server that loaded it can correct it).
- Patient: identifier type MR (the client reference); HumanName with family and given, and its text in the order
  of the script (family first without a space for Chinese, Japanese and Korean names). Practitioner: the licence
  numbers (type LN) and the username, conditional create on any of them.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, TextIO
from urllib.parse import quote

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from clinic_log.db.models import (
    Amendment,
    Area,
    CartridgeLot,
    Client,
    Complication,
    ComplicationType,
    Credential,
    Device,
    DeviceModel,
    DeviceTip,
    Indication,
    Photo,
    PhotoBlob,
    Practitioner,
    SessionArea,
    TreatmentSession,
)
from clinic_log.domain.enums import PhotoView, SessionStatus
from clinic_log.domain.errors import DomainError
from clinic_log.domain.text import name_text
from clinic_log.domain.values import energy_text, tip_name
from clinic_log.paths import resources_dir
from clinic_log.services.common.clock import from_utc_naive, in_period
from clinic_log.services.common.progress import Progress, no_progress
from clinic_log.settings import FHIR_IDENTIFIER_SYSTEM, IDENTIFIER_SYSTEM, read

SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
SEVERITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
SERIOUSNESS_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
OUTCOME_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
MEDIA_TYPE = "http://terminology.hl7.org/CodeSystem/media-type"
DICOM = "http://dicom.nema.org/resources/ontology/DCM"
PROCEDURE_TEXT = "Microneedling (collagen induction therapy)"
SERIOUS_FROM_GRADE = 3  # CTCAE 3: hospitalisation indicated; 4 life-threatening; 5 death
_NAMESPACE = uuid.UUID("3f1b7a52-7d8e-4b0e-9a55-2f4c1c9f6a10")
CHUNK = 2000
NOT_SET = ("FHIR export needs the clinic's identifier system (a URI the clinic owns, e.g. "
           "https://myclinic.example/fhir): set it in Settings → Clinic settings… or with "
           f"`clinic-log settings set {FHIR_IDENTIFIER_SYSTEM} URI`; nothing was written")

# The names below the clinic's base URI; the numbers are the arcs used below a urn:oid base. Never renumber.
SUBSYSTEMS = {
    "identifier/client-ref": 1, "identifier/practitioner-username": 2, "identifier/licence": 3,
    "identifier/device-serial": 4, "identifier/cartridge-lot": 5, "identifier/session": 6,
    "identifier/treated-area": 7, "identifier/complication": 8,
    "CodeSystem/treatment-area": 9, "CodeSystem/complication": 10, "CodeSystem/observation": 11,
    "identifier/photo": 12,
}


@dataclass(frozen=True)
class Systems:
    """The URIs derived from the clinic's identifier system, and the stable ids and fullUrls of its resources."""

    base: str

    def sub(self, name: str) -> str:
        if self.base.startswith("urn:oid:"):
            return f"{self.base}.{SUBSYSTEMS[name]}"
        if self.base.startswith("urn:uuid:"):
            return f"urn:uuid:{uuid.uuid5(uuid.UUID(self.base[len('urn:uuid:'):]), name)}"
        return f"{self.base}/{name}"

    @property
    def tag(self) -> str:
        return hashlib.sha256(self.base.encode("utf-8")).hexdigest()[:12]

    def resource_id(self, kind: str, key: object) -> str:
        return f"{self.tag}-{kind.lower()}-{key}"

    def full_url(self, kind: str, key: object) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{self.base}|{kind}/{key}')}"


def identifier_systems(session: Session) -> Systems:
    """The clinic's identifier systems; refused (one line saying how to set it) when the setting is missing."""
    stored = read(session, IDENTIFIER_SYSTEM)
    if stored is None:
        raise DomainError(NOT_SET)
    return Systems(stored)


@cache
def snomed_codes() -> dict[tuple[str, str], str]:
    """(kind, clinic code) → SNOMED CT code, from resources/reference/fhir_snomed.csv (kept as data so a medical
    director can review it)."""
    with (resources_dir() / "reference" / "fhir_snomed.csv").open(encoding="utf-8", newline="") as handle:
        return {(row["kind"], row["code"]): row["snomed"] for row in csv.DictReader(handle) if row["snomed"].strip()}


def _instant(moment: datetime) -> str:
    return from_utc_naive(moment).isoformat()


def _search_token(system: str, value: str) -> str:
    """`system|value` for a token search, FHIR-escaped (\\ | , $) and then percent-encoded."""
    def part(text: str) -> str:
        for char in ("\\", "|", ",", "$"):
            text = text.replace(char, "\\" + char)
        return quote(text, safe=":/.-_~")
    return f"{part(system)}|{part(value)}"


def _put(systems: Systems, kind: str, key: object, resource: dict[str, Any]) -> dict[str, Any]:
    rid = systems.resource_id(kind, key)
    return {"fullUrl": systems.full_url(kind, key), "resource": {"resourceType": kind, "id": rid, **resource},
            "request": {"method": "PUT", "url": f"{kind}/{rid}"}}


def _post(systems: Systems, kind: str, key: object, resource: dict[str, Any]) -> dict[str, Any]:
    tokens = ",".join(_search_token(i["system"], i["value"]) for i in resource["identifier"])  # any of them
    return {"fullUrl": systems.full_url(kind, key), "resource": {"resourceType": kind, **resource},
            "request": {"method": "POST", "url": kind, "ifNoneExist": f"identifier={tokens}"}}


def _coded(local_system: str, code: str, label: str, snomed: str | None) -> dict[str, Any]:
    coding = [{"system": local_system, "code": code, "display": label}]
    if snomed:
        coding.append({"system": SNOMED, "code": snomed})
    return {"coding": coding, "text": label}


def patient_entry(systems: Systems, client: Client) -> dict[str, Any]:
    name: dict[str, Any] = {"use": "official"}
    if client.last_name.strip():
        name["family"] = client.last_name
    if client.first_name.strip():
        name["given"] = [client.first_name]
    name["text"] = name_text(client.first_name.strip(), client.last_name.strip())
    resource: dict[str, Any] = {
        "identifier": [{"use": "usual", "type": {"coding": [{"system": V2_0203, "code": "MR",
                                                             "display": "Medical record number"}]},
                        "system": systems.sub("identifier/client-ref"), "value": client.client_ref}],
        "name": [name],
    }
    telecom = [{"system": system, "value": value} for system, value in (("phone", client.phone),
                                                                         ("email", client.email)) if value]
    if telecom:
        resource["telecom"] = telecom
    if client.date_of_birth:
        resource["birthDate"] = client.date_of_birth.isoformat()
    return _post(systems, "Patient", client.id, resource)


def practitioner_entry(systems: Systems, p: Practitioner, licences: list[Credential]) -> dict[str, Any]:
    identifiers: list[dict[str, Any]] = []
    for licence in licences:
        identifier: dict[str, Any] = {
            "use": "official", "type": {"coding": [{"system": V2_0203, "code": "LN", "display": "License number"}]},
            "system": systems.sub("identifier/licence"), "value": licence.number}
        if licence.issuing_body:
            identifier["assigner"] = {"display": licence.issuing_body}
        identifiers.append(identifier)
    identifiers.append({"use": "secondary", "system": systems.sub("identifier/practitioner-username"),
                        "value": p.username})
    return _post(systems, "Practitioner", p.id, {"identifier": identifiers, "active": p.active,
                                                 "name": [{"text": p.full_name}]})


def device_entry(systems: Systems, device: Device, model: DeviceModel) -> dict[str, Any]:
    return _post(systems, "Device", f"serial/{device.id}", {
        "identifier": [{"system": systems.sub("identifier/device-serial"), "value": device.serial}],
        "status": "active" if device.in_service else "inactive",
        "serialNumber": device.serial,
        "deviceName": [{"name": model.name, "type": "model-name"}],
        "type": {"text": f"Microneedling device ({model.modality})"},
    })


def lot_entry(systems: Systems, lot_id: int, number: str, expires: date | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "identifier": [{"system": systems.sub("identifier/cartridge-lot"), "value": number}],
        "lotNumber": number,
        "deviceName": [{"name": f"Cartridge lot {number}", "type": "user-friendly-name"}],
        "type": {"text": "Single-use microneedling cartridge or tip"},
    }
    if expires:
        resource["expirationDate"] = expires.isoformat()
    return _post(systems, "Device", f"lot/{lot_id}", resource)


def _area_note(facts: _Facts, row: TreatmentSession, a: SessionArea) -> str:
    """Passes, technique, endpoint, why (the indication), the tip and the RF energy with its unit."""
    model_id, model, unit = facts.models.get(row.device_id, (0, None, None)) if row.device_id else (0, None, None)
    why = facts.indication_labels.get(a.indication, a.indication) if a.indication else None
    tip = tip_name(model, facts.tip_labels.get((model_id, a.tip), a.tip)) if a.tip else None
    parts = [f"{a.passes} pass{'es' if a.passes != 1 else ''}"]
    parts += [text for text in (a.technique, f"endpoint {a.endpoint}" if a.endpoint else None,
                                f"for {why}" if why else None, tip,
                                f"RF energy {energy_text(a.rf_energy, unit)}" if a.rf_energy is not None else None)
              if text]
    return ", ".join(parts)


@dataclass(frozen=True)
class _Facts:
    """Per-export lookups read once: labels, lots and SNOMED codes."""

    systems: Systems
    area_labels: dict[str, str]
    event_labels: dict[str, str]
    lots: dict[int, tuple[str, date | None]]
    snomed: dict[tuple[str, str], str]
    indication_labels: dict[str, str]
    models: dict[int, tuple[int, str, str | None]]  # device id -> (model id, model name, energy unit)
    tip_labels: dict[tuple[int, str], str]  # (model id, tip code) -> label

    def body_site(self, code: str) -> dict[str, Any]:
        return _coded(self.systems.sub("CodeSystem/treatment-area"), code, self.area_labels.get(code, code),
                      self.snomed.get(("body_site", code)))

    def reason(self, code: str) -> dict[str, Any]:
        """An indication as a reason: the clinic's own code (no SNOMED code is on record for these)."""
        return _coded(self.systems.sub("CodeSystem/indication"), code, self.indication_labels.get(code, code),
                      self.snomed.get(("indication", code)))


def procedure_entry(facts: _Facts, row: TreatmentSession, areas: list[SessionArea]) -> dict[str, Any]:
    systems = facts.systems
    performers = [{"actor": {"reference": systems.full_url("Practitioner", row.practitioner_id)},
                   "function": {"text": "practitioner"}}]
    if row.supervisor_id is not None:
        performers.append({"actor": {"reference": systems.full_url("Practitioner", row.supervisor_id)},
                           "function": {"text": "supervising physician"}})
    resource: dict[str, Any] = {
        "identifier": [{"system": systems.sub("identifier/session"), "value": str(row.id)}],
        "status": "entered-in-error" if row.voided_at is not None else "completed",
        "code": {"text": PROCEDURE_TEXT},
        "subject": {"reference": systems.full_url("Patient", row.client_id)},
        "performedDateTime": _instant(row.started_at),
        "performer": performers,
    }
    if row.voided_at is not None and row.void_reason:
        resource["statusReason"] = {"text": row.void_reason}
    sites: list[dict[str, Any]] = []
    for a in areas:
        site = facts.body_site(a.area_code)
        if site not in sites:
            sites.append(site)
    if sites:
        resource["bodySite"] = sites
    reasons: list[dict[str, Any]] = []
    for a in areas:
        if a.indication and (reason := facts.reason(a.indication)) not in reasons:
            reasons.append(reason)
    if reasons:
        resource["reasonCode"] = reasons
    used = []
    if row.device_id is not None:
        used.append({"reference": systems.full_url("Device", f"serial/{row.device_id}")})
    if row.cartridge_lot_id is not None:
        used.append({"reference": systems.full_url("Device", f"lot/{row.cartridge_lot_id}")})
    if used:
        resource["usedReference"] = used
    if row.notes:
        resource["note"] = [{"text": row.notes}]
    return _put(systems, "Procedure", row.id, resource)


def observation_entry(facts: _Facts, row: TreatmentSession, a: SessionArea, amended: bool) -> dict[str, Any]:
    systems = facts.systems
    status = "entered-in-error" if row.voided_at is not None else "amended" if amended else "final"
    return _put(systems, "Observation", a.id, {
        "identifier": [{"system": systems.sub("identifier/treated-area"), "value": str(a.id)}],
        "status": status,
        "partOf": [{"reference": systems.full_url("Procedure", row.id)}],
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "procedure", "display": "Procedure"}]}],
        "code": {"coding": [{"system": systems.sub("CodeSystem/observation"), "code": "needle-depth",
                             "display": "Microneedling needle depth"}], "text": "Microneedling needle depth"},
        "subject": {"reference": systems.full_url("Patient", row.client_id)},
        "effectiveDateTime": _instant(row.started_at),
        "performer": [{"reference": systems.full_url("Practitioner", row.practitioner_id)}],
        "valueQuantity": {"value": a.depth_mm, "unit": "mm", "system": UCUM, "code": "mm"},
        "bodySite": facts.body_site(a.area_code),
        "note": [{"text": _area_note(facts, row, a)}],
    })


_PHOTO_COLUMNS = (Photo.id, Photo.client_id, Photo.session_id, Photo.area_code, Photo.view, Photo.taken_at,
                  Photo.sha256, Photo.voided_at, Photo.void_reason, PhotoBlob.mime, PhotoBlob.width,
                  PhotoBlob.height)


def _photos() -> Select[*tuple[Any, ...]]:
    """The photos' facts without their bytes (those are read one photo at a time)."""
    return select(*_PHOTO_COLUMNS).join(PhotoBlob, PhotoBlob.sha256 == Photo.sha256)


def media_entry(facts: _Facts, photo: Any, data: bytes | None) -> dict[str, Any]:
    """A photo as a Media resource; `data` is the stored image (None for a voided photo: its bytes stay home)."""
    systems = facts.systems
    view = PhotoView(photo.view)
    taken = _instant(photo.taken_at)
    content: dict[str, Any] = {"contentType": photo.mime,
                               "title": f"{view.label} photo, taken {taken[:16].replace('T', ' ')} UTC"}
    if data is not None:
        content.update(data=base64.b64encode(data).decode("ascii"), size=len(data),
                       hash=base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"))  # FHIR wants SHA-1
    notes = [{"text": f"SHA-256 of the stored image: {photo.sha256}"}]
    if photo.voided_at is not None:
        notes.append({"text": f"Voided: {photo.void_reason or 'no reason recorded'}"})
    resource: dict[str, Any] = {
        "identifier": [{"system": systems.sub("identifier/photo"), "value": str(photo.id)}],
        "status": "entered-in-error" if photo.voided_at is not None else "completed",
        "type": {"coding": [{"system": MEDIA_TYPE, "code": "image", "display": "Image"}]},
        "modality": {"coding": [{"system": DICOM, "code": "XC", "display": "External-camera Photography"}]},
        "view": {"text": view.label},
        "subject": {"reference": systems.full_url("Patient", photo.client_id)},
        "createdDateTime": taken,
        "width": photo.width,
        "height": photo.height,
        "content": content,
        "note": notes,
    }
    if photo.session_id is not None and photo.in_export:
        resource["partOf"] = [{"reference": systems.full_url("Procedure", photo.session_id)}]
    if photo.area_code:
        resource["bodySite"] = facts.body_site(photo.area_code)
    return _put(systems, "Media", photo.id, resource)


@dataclass(frozen=True)
class _PhotoRow:
    """A photo's facts, and whether its session is in the export (then the Media is partOf its Procedure)."""

    id: int
    client_id: int
    session_id: int | None
    area_code: str | None
    view: str
    taken_at: datetime
    sha256: str
    voided_at: datetime | None
    void_reason: str | None
    mime: str
    width: int
    height: int
    in_export: bool


def _media(session: Session, facts: _Facts, query: Select[*tuple[Any, ...]], in_export: bool
           ) -> Iterator[tuple[int, dict[str, Any]]]:
    """(client id, Media entry) for each photo `query` selects, in id order, read in chunks."""
    last = 0
    while True:
        rows = list(session.execute(query.where(Photo.id > last).order_by(Photo.id).limit(CHUNK)))
        if not rows:
            return
        for row in rows:
            photo = _PhotoRow(**dict(row._mapping), in_export=in_export)
            data = None
            if photo.voided_at is None:
                stored = session.scalar(select(PhotoBlob.original).where(PhotoBlob.sha256 == photo.sha256))
                data = bytes(stored) if stored is not None else None
            yield photo.client_id, media_entry(facts, photo, data)
        last = rows[-1].id


def _severity(grade: int) -> dict[str, Any]:
    code, display = (("mild", "Mild") if grade <= 1 else ("moderate", "Moderate") if grade == 2
                     else ("severe", "Severe"))
    return {"coding": [{"system": SEVERITY_SYSTEM, "code": code, "display": display}],
            "text": f"CTCAE grade {grade} ({display.lower()})"}


def _seriousness(grade: int) -> dict[str, Any]:
    code, display = ("serious", "Serious") if grade >= SERIOUS_FROM_GRADE else ("non-serious", "Non-serious")
    return {"coding": [{"system": SERIOUSNESS_SYSTEM, "code": code, "display": display}]}


def _outcome(grade: int, resolved_on: date | None) -> dict[str, Any]:
    code, display = (("resolved", "Resolved") if resolved_on else ("fatal", "Fatal") if grade >= 5
                     else ("unknown", "Unknown"))
    return {"coding": [{"system": OUTCOME_SYSTEM, "code": code, "display": display}]}


def adverse_event_entry(facts: _Facts, c: Complication, row: TreatmentSession) -> dict[str, Any]:
    systems = facts.systems
    if row.voided_at is not None:  # R4 AdverseEvent has no status: take back what an earlier export sent
        return {"request": {"method": "DELETE", "url": f"AdverseEvent/{systems.resource_id('AdverseEvent', c.id)}"}}
    suspects = [{"instance": {"reference": systems.full_url("Procedure", row.id)}}]
    if c.relatedness == "device":
        if row.device_id is not None:
            suspects.append({"instance": {"reference": systems.full_url("Device", f"serial/{row.device_id}")}})
        if row.cartridge_lot_id is not None:
            suspects.append({"instance": {"reference": systems.full_url("Device", f"lot/{row.cartridge_lot_id}")}})
    return _put(systems, "AdverseEvent", c.id, {
        "identifier": {"system": systems.sub("identifier/complication"), "value": str(c.id)},
        "actuality": "actual",
        "event": _coded(systems.sub("CodeSystem/complication"), c.code, facts.event_labels.get(c.code, c.code),
                        facts.snomed.get(("event", c.code))),
        "subject": {"reference": systems.full_url("Patient", row.client_id)},
        "date": c.onset_on.isoformat() if c.onset_on else _instant(row.started_at),
        "seriousness": _seriousness(c.grade),
        "severity": _severity(c.grade),
        "outcome": _outcome(c.grade, c.resolved_on),
        "suspectEntity": suspects,
    })


def _session_chunks(session: Session, started_from: datetime | None, started_before: datetime | None,
                    client_id: int | None) -> Iterator[list[TreatmentSession]]:
    s = TreatmentSession
    last = 0
    while True:
        stmt = (select(s).where(s.id > last, s.status == SessionStatus.SIGNED.value)  # drafts never leave
                .order_by(s.id).limit(CHUNK))
        stmt = stmt.where(*in_period(s.started_at, started_from, started_before))
        if client_id is not None:
            stmt = stmt.where(s.client_id == client_id)
        rows = list(session.scalars(stmt))
        if not rows:
            return
        yield rows
        last = rows[-1].id
        session.expunge_all()  # keep memory flat over a million sessions


def bundle_entries(session: Session, systems: Systems, started_from: datetime | None = None,
                   started_before: datetime | None = None, client_id: int | None = None,
                   progress: Progress = no_progress, with_photos: bool = False) -> Iterator[dict[str, Any]]:
    """Procedure, Observation and AdverseEvent entries session by session (with `with_photos`, each chunk's photos
    as Media, then the photos of the export's days that belong to no exported session), then the Patients,
    Practitioners and Devices they reference; a few queries per chunk of sessions, none per row but one per photo
    for its bytes (one image in memory at a time)."""
    facts = _Facts(
        systems,
        dict(session.execute(select(Area.code, Area.label)).all()),
        dict(session.execute(select(ComplicationType.code, ComplicationType.label)).all()),
        {i: (n, e) for i, n, e in session.execute(
            select(CartridgeLot.id, CartridgeLot.lot_number, CartridgeLot.expires_on))},
        snomed_codes(),
        dict(session.execute(select(Indication.code, Indication.label)).all()),
        {d: (m, n, u) for d, m, n, u in session.execute(
            select(Device.id, DeviceModel.id, DeviceModel.name, DeviceModel.energy_unit)
            .join(DeviceModel, DeviceModel.id == Device.device_model_id))},
        {(m, c): label for m, c, label in session.execute(
            select(DeviceTip.model_id, DeviceTip.code, DeviceTip.label))},
    )
    clients: set[int] = set()
    practitioners: set[int] = set()
    devices: set[int] = set()
    lots: set[int] = set()
    done = 0
    for rows in _session_chunks(session, started_from, started_before, client_id):
        ids = [r.id for r in rows]
        areas: dict[int, list[SessionArea]] = {}
        for a in session.scalars(select(SessionArea).where(SessionArea.session_id.in_(ids)).order_by(SessionArea.id)):
            areas.setdefault(a.session_id, []).append(a)
        comps: dict[int, list[Complication]] = {}
        for c in session.scalars(select(Complication).where(Complication.session_id.in_(ids))
                                 .order_by(Complication.id)):
            comps.setdefault(c.session_id, []).append(c)
        amended_areas = set(session.scalars(select(Amendment.row_id).where(
            Amendment.session_id.in_(ids), Amendment.table_name == SessionArea.__tablename__)))
        for row in rows:
            clients.add(row.client_id)
            practitioners.add(row.practitioner_id)
            if row.supervisor_id is not None:
                practitioners.add(row.supervisor_id)
            if row.device_id is not None:
                devices.add(row.device_id)
            if row.cartridge_lot_id is not None:
                lots.add(row.cartridge_lot_id)
            treated = areas.get(row.id, [])
            yield procedure_entry(facts, row, treated)
            for a in treated:
                yield observation_entry(facts, row, a, a.id in amended_areas)
            for c in comps.get(row.id, []):
                yield adverse_event_entry(facts, c, row)
        if with_photos:
            for _owner, entry in _media(session, facts, _photos().where(Photo.session_id.in_(ids)), True):
                yield entry
        done += len(rows)
        progress(done, 0)
    if with_photos:  # photos of no exported session: none, or a draft's; taken in the export's days
        s = TreatmentSession
        loose = _photos().where(or_(Photo.session_id.is_(None), Photo.session_id.in_(
            select(s.id).where(s.status != SessionStatus.SIGNED.value))))
        loose = loose.where(*in_period(Photo.taken_at, started_from, started_before))
        if client_id is not None:
            loose = loose.where(Photo.client_id == client_id)
        for owner_id, entry in _media(session, facts, loose, False):
            clients.add(owner_id)
            yield entry
    for chunk in _chunks(sorted(clients)):
        for client in session.scalars(select(Client).where(Client.id.in_(chunk)).order_by(Client.id)):
            yield patient_entry(systems, client)
        session.expunge_all()
    licences: dict[int, list[Credential]] = {}
    for credential in session.scalars(select(Credential).where(
            Credential.practitioner_id.in_(sorted(practitioners)), Credential.kind == "licence")
            .order_by(Credential.id)):
        licences.setdefault(credential.practitioner_id, []).append(credential)
    for p in session.scalars(select(Practitioner).where(Practitioner.id.in_(sorted(practitioners)))
                             .order_by(Practitioner.id)):
        yield practitioner_entry(systems, p, licences.get(p.id, []))
    for device, model in session.execute(
            select(Device, DeviceModel).join(DeviceModel, DeviceModel.id == Device.device_model_id)
            .where(Device.id.in_(sorted(devices))).order_by(Device.id)):
        yield device_entry(systems, device, model)
    for lot_id in sorted(lots):
        number, expires = facts.lots[lot_id]
        yield lot_entry(systems, lot_id, number, expires)


def _chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def write_bundle(handle: TextIO, entries: Iterator[dict[str, Any]], bundle_id: str, timestamp: datetime) -> int:
    """Write a Bundle of type transaction around `entries`; returns the number of entries."""
    head = {"resourceType": "Bundle", "id": bundle_id, "type": "transaction", "timestamp": timestamp.isoformat()}
    handle.write(json.dumps(head, ensure_ascii=False)[:-1])
    count = 0
    for entry in entries:  # FHIR JSON has no empty arrays: "entry" is opened by the first entry
        handle.write((",\n" if count else ', "entry": [\n') + json.dumps(entry, ensure_ascii=False))
        count += 1
    handle.write("\n]}\n" if count else "}\n")
    return count
