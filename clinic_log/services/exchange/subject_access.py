"""Subject-access export: everything stored about one client (GDPR art. 15), as JSON and as a PDF summary.

The JSON holds every row of every table that belongs to the client: their record, medical history,
contraindication findings, consents (signature images base64), sessions in date order with their areas, products,
complications, warnings, stop overrides and amendments, every user's autosaved drafts holding their data, and every
audit row about any of these records (opening, changes, printing, and exports that included them), and their
photos (voided ones too, marked). Ids stay and names stand beside them (practitioners, users, devices, lots, areas,
complication and contraindication types). The Art. 15(1)(a-h) information comes from the clinic's settings.

The JSON names each photo's file; the images themselves (the stored bytes exactly) are written beside it in a
`<name>_photos/` folder, owner-only, whole or not at all (a hidden temporary folder renamed into place together with
the JSON). The PDF shows a page of thumbnails per view, each with the day and time it was taken.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import (
    Amendment,
    Area,
    AuditEntry,
    Base,
    CartridgeLot,
    Client,
    ClientDecision,
    Complication,
    ComplicationType,
    Consent,
    ContraindicationType,
    Device,
    DeviceModel,
    DeviceTip,
    Finding,
    Indication,
    MedicalHistoryEntry,
    Practitioner,
    SessionArea,
    SessionOverride,
    SessionProduct,
    SessionWarning,
    TreatmentSession,
    User,
)
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.permissions import Permission
from clinic_log.domain.values import area_name, energy_text, tip_name
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive, utcnow
from clinic_log.services.common.files import NotWritten, create_private, output_target, sync_file
from clinic_log.services.photos.photo_export import OWNER_ONLY_FOLDER, file_name
from clinic_log.services.photos.photos import list_photos, original, thumbnail
from clinic_log.services.sessions.form_drafts import drafts_about_client
from clinic_log.settings import ART15, CLINIC_ADDRESS, CLINIC_NAME, CLINIC_PHONE, PRIVACY, snapshot

SUBJECT_FORMATS = ("json", "pdf")
SESSION_CHILDREN: tuple[Any, ...] = (SessionArea, SessionProduct, Complication, SessionWarning, SessionOverride,
                                     Amendment)
ACCESS_ACTIONS = frozenset({"viewed", "exported", "printed", "saved", "recalled"})
_USER_COLUMNS = {  # table -> columns holding a username, each gets "<column>_name"
    "sessions": ("signed_by", "countersigned_by", "voided_by", "created_by"),
    "findings": ("cleared_by",),
    "client_decisions": ("closed_by",),  # decided_by_name is stored with the decision
    "session_warnings": ("overridden_by",),
    "session_overrides": ("overridden_by",),
    "amendments": ("amended_by",),
    "audit_log": ("actor",),
    "form_drafts": ("username",),
    "photos": ("taken_by", "voided_by"),
}
_DRAFT_FORMS = (("session:client=", "the session form (a treatment being logged)"),
                ("contact:", "your contact details on your client page"),
                ("consultation:", "the consultation lines on your client page"),
                ("amend:", "an amendment of one of your sessions"),
                ("reason:", "a reason for voiding or overriding one of your sessions"))


@dataclass(frozen=True)
class SubjectAccessData:
    client_id: int
    client_ref: str
    client_name: str
    generated_at: datetime  # aware UTC
    tables: dict[str, list[dict[str, Any]]]  # table name -> rows (column -> JSON-ready value, names beside ids)
    art15: dict[str, str] = field(default_factory=dict)  # privacy.* setting key (without prefix) -> text
    controller: dict[str, str] = field(default_factory=dict)  # the clinic: name, address, phone

    @property
    def accessed_by(self) -> list[dict[str, Any]]:
        """The audit rows that show someone opening, printing or exporting the client's data, oldest first."""
        return [{"at": r["at"], "actor": r["actor"], "actor_name": r["actor_name"], "action": r["action"],
                 "what": r["about_you"]} for r in self.tables.get("audit_log", []) if r["action"] in ACCESS_ACTIONS]

    def document(self, photos_folder: str | None = None) -> dict[str, Any]:
        """The JSON document (the PDF is drawn from the same); `photos_folder` names the folder beside it that holds
        the photos' files."""
        head = {"client_ref": self.client_ref, "client_name": self.client_name,
                "generated_at": self.generated_at.isoformat(), "controller": self.controller,
                "art15": self.art15, "art15_headings": {k: ART15[k][0] for k in self.art15},
                "accessed_by": self.accessed_by}
        if photos_folder is not None:
            head["photos_folder"] = photos_folder
        return {**head, "tables": self.tables}

    @property
    def photo_ids(self) -> list[int]:
        return [int(row["id"]) for row in self.tables.get("photos", [])]


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return from_utc_naive(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _row(obj: Base) -> dict[str, Any]:
    return {attr.columns[0].name: _value(getattr(obj, attr.key)) for attr in obj.__mapper__.column_attrs}


def _rows(session: Session, model: type[Any], *where: Any, order: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    stmt = select(model).where(*where).order_by(*order, model.id)
    return [_row(obj) for obj in session.scalars(stmt)]


def find_client_id(session: Session, client_ref: str) -> int:
    client_id = session.scalar(select(Client.id).where(Client.client_ref == client_ref))
    if client_id is None:
        raise NotFound("client", client_ref)
    return client_id


@dataclass(frozen=True)
class _Names:
    """Labels for the ids and codes the client's rows hold (reference and people tables are small: read whole)."""

    people: dict[str, str]  # username -> full name
    practitioners: dict[int, str]
    devices: dict[int, str]
    lots: dict[int, tuple[str, str | None]]
    areas: dict[str, str]
    indications: dict[str, str]
    models: dict[int, tuple[int, str, str | None]]  # device id -> (model id, model name, energy unit)
    tips: dict[tuple[int, str], str]  # (model id, tip code) -> label
    complications: dict[str, str]
    contraindications: dict[str, str]

    def person(self, username: object) -> object:
        return None if username is None else self.people.get(str(username), str(username))


def _names(session: Session, device_ids: set[int], lot_ids: set[int]) -> _Names:
    practitioners = {r.id: r.full_name for r in session.execute(select(Practitioner.id, Practitioner.full_name))}
    people = {r.username: r.full_name for r in session.execute(select(User.username, User.full_name))}
    people.update({r.username: r.full_name for r in session.execute(select(Practitioner.username,
                                                                            Practitioner.full_name))})
    devices = {r.id: f"{r.name} (serial {r.serial})" for r in session.execute(
        select(Device.id, Device.serial, DeviceModel.name).join(DeviceModel, DeviceModel.id == Device.device_model_id)
        .where(Device.id.in_(device_ids)))}
    lots = {r.id: (r.lot_number, r.expires_on.isoformat() if r.expires_on else None) for r in session.execute(
        select(CartridgeLot.id, CartridgeLot.lot_number, CartridgeLot.expires_on).where(CartridgeLot.id.in_(lot_ids)))}
    def labels(code: Any, label: Any) -> dict[str, str]:
        return {r[0]: r[1] for r in session.execute(select(code, label))}

    models = {r.id: (r.model_id, r.name, r.energy_unit) for r in session.execute(
        select(Device.id, DeviceModel.id.label("model_id"), DeviceModel.name, DeviceModel.energy_unit)
        .join(DeviceModel, DeviceModel.id == Device.device_model_id).where(Device.id.in_(device_ids)))}
    tips = {(r.model_id, r.code): r.label for r in session.execute(
        select(DeviceTip.model_id, DeviceTip.code, DeviceTip.label))}
    return _Names(people, practitioners, devices, lots, labels(Area.code, Area.label),
                  labels(Indication.code, Indication.label), models, tips,
                  labels(ComplicationType.code, ComplicationType.label),
                  labels(ContraindicationType.code, ContraindicationType.label))


def _add_names(tables: dict[str, list[dict[str, Any]]], names: _Names) -> None:
    for row in tables["sessions"]:
        row["practitioner"] = names.practitioners.get(row["practitioner_id"])
        row["supervisor"] = names.practitioners.get(row["supervisor_id"]) if row["supervisor_id"] else None
        row["device"] = names.devices.get(row["device_id"]) if row["device_id"] else None
        lot = names.lots.get(row["cartridge_lot_id"]) if row["cartridge_lot_id"] else None
        row["cartridge_lot"], row["cartridge_lot_expires"] = lot if lot else (None, None)
    device_of = {row["id"]: row["device_id"] for row in tables["sessions"]}
    for row in tables["session_areas"]:
        why = names.indications.get(row["indication"], row["indication"]) if row.get("indication") else None
        row["area"] = area_name(names.areas.get(row["area_code"], row["area_code"]), why)
        device_id = device_of.get(row["session_id"])
        model_id, model, unit = names.models.get(device_id, (0, None, None)) if device_id else (0, None, None)
        tip = row.get("tip")
        row["tip_used"] = tip_name(model, names.tips.get((model_id, tip), tip)) if tip else None
        energy = row.get("rf_energy")
        row["rf_energy_shown"] = energy_text(energy, unit) if energy is not None else None
    for row in tables["complications"]:
        row["complication"] = names.complications.get(row["code"], row["code"])
    for row in tables.get("photos", ()):
        row["area"] = names.areas.get(row["area_code"], row["area_code"]) if row["area_code"] else None
    for row in tables["findings"]:
        row["contraindication"] = names.contraindications.get(row["code"], row["code"])
    for table, columns in _USER_COLUMNS.items():
        for row in tables.get(table, ()):
            for column in columns:
                row[f"{column}_name"] = names.person(row[column])


def _local_day(iso: str) -> date:
    return datetime.fromisoformat(iso).astimezone().date()


def _about_export(detail: dict[str, Any], days: list[date]) -> str | None:
    """What an "exported sessions" row means for this client, or None when none of their session days fell in its
    date range (the range's days are the clinic's local days; the client's days are read in this computer's zone)."""
    low = date.fromisoformat(detail["from"]) if detail.get("from") else None
    high = date.fromisoformat(detail["to"]) if detail.get("to") else None
    inside = sorted({d for d in days if (low is None or d >= low) and (high is None or d <= high)})
    if not inside:
        return None
    span = f"between {low or 'the first session'} and {high or 'the last session'}"
    shown = ", ".join(d.isoformat() for d in inside[:20]) + (f" and {len(inside) - 20} more" if len(inside) > 20
                                                             else "")
    return (f"an export of sessions {span} (format {detail.get('format', '?')}, file {detail.get('file', '?')}), "
            f"which included your sessions on {shown}")


_ENTITY_WORDS = {"client": "your client record", "session": "session {id}", "aftercare": "the aftercare sheet of "
                 "session {id}", "consent": "your consent {id}", "finding": "contraindication finding {id}",
                 "medical_history": "medical history line {id}", "cartridge_lot": "the recall list of cartridge lot "
                 "{id}, which included your sessions", "photo": "your photo {id}"}


def _removed_ids(session: Session, client_id: int) -> dict[str, list[int]]:
    """Ids of the client's findings and history lines removed since (their rows are gone; the audit row of the
    removal names the client in its detail, written as JSON with sorted keys)."""
    a = AuditEntry
    mentions = or_(a.detail.like(f'%"client_id": {client_id},%'), a.detail.like(f'%"client_id": {client_id}}}%'))
    found: dict[str, list[int]] = {"finding": [], "medical_history": []}
    for entity, entity_id in session.execute(select(a.entity, a.entity_id).where(
            a.action == "removed", a.entity.in_(tuple(found)), mentions)):
        if entity_id and entity_id.isdigit():
            found[entity].append(int(entity_id))
    return found


def _audit_rows(session: Session, client: Client, ids: dict[str, list[int]], lots: list[str],
                session_days: list[date]) -> list[dict[str, Any]]:
    """Every audit row about the client's records, in two selects (filtered on entity and entity_id in SQL)."""
    a = AuditEntry
    for entity, removed in _removed_ids(session, client.id).items():
        ids[entity] = [*ids.get(entity, []), *removed]
    by_id = [(a.entity == entity) & a.entity_id.in_([str(i) for i in values])
             for entity, values in ids.items() if values]
    about = or_(
        (a.entity == "client") & a.entity_id.in_([str(client.id), client.client_ref]),
        *by_id,
        (a.entity == "cartridge_lot") & a.entity_id.in_(lots) if lots else false(),
        (a.action == "exported") & (a.entity == "sessions"),
    )
    rows = []
    for entry in session.scalars(select(a).where(about).order_by(a.id)):
        row = _row(entry)
        if entry.entity == "sessions":
            try:
                detail = json.loads(entry.detail)
                meaning = _about_export(detail, session_days) if isinstance(detail, dict) else None
            except ValueError:
                meaning = None
            if meaning is None:
                continue
        else:
            meaning = f"{entry.action} " + _ENTITY_WORDS.get(entry.entity, entry.entity + " {id}").format(
                id=entry.entity_id)
        row["about_you"] = meaning
        rows.append(row)
    return rows


def _draft_rows(session: Session, client_id: int, session_ids: list[int]) -> list[dict[str, Any]]:
    rows = []
    for draft in drafts_about_client(session, client_id, session_ids):
        form = next((what for prefix, what in _DRAFT_FORMS if draft.form_key.startswith(prefix)), draft.form_key)
        rows.append({"username": draft.username, "form_key": draft.form_key, "form": form, "state": draft.state,
                     "saved_at": draft.saved_at.isoformat()})
    return rows


def _photo_rows(db: Database, actor: Actor, client_ref: str) -> list[dict[str, Any]]:
    """The client's photos, voided ones too, oldest first: what is stored about each but the image, and the name of
    its file in the photos folder."""
    rows = []
    for p in sorted(list_photos(db, actor, client_ref), key=lambda p: (p.taken_at, p.id)):
        rows.append({"id": p.id, "file": file_name(p), "view": p.view.value, "view_label": p.view.label,
                     "use": p.use.value, "session_id": p.session_id, "area_code": p.area_code,
                     "taken_at": p.taken_at.isoformat(), "taken_at_source": p.taken_at_source.value,
                     "taken_by": p.taken_by, "added_at": p.added_at.isoformat(), "sha256": p.sha256,
                     "mime": p.mime, "width": p.width, "height": p.height, "byte_size": p.byte_size,
                     "voided_at": p.voided_at.isoformat() if p.voided_at else None, "voided_by": p.voided_by,
                     "void_reason": p.void_reason})
    return rows


def collect_client_data(db: Database, actor: Actor, client_ref: str) -> SubjectAccessData:
    authorize(db, actor, Permission.EXPORT_DATA)
    photos = _photo_rows(db, actor, client_ref)
    with db.reading() as session:
        client_id = find_client_id(session, client_ref)
        client = session.get(Client, client_id)
        assert client is not None
        tables: dict[str, list[dict[str, Any]]] = {"clients": [_row(client)]}
        for model in (MedicalHistoryEntry, Finding, Consent, ClientDecision):
            tables[model.__tablename__] = _rows(session, model, model.client_id == client_id)
        s = TreatmentSession
        tables["sessions"] = _rows(session, s, s.client_id == client_id, order=(s.started_at,))
        session_ids = [row["id"] for row in tables["sessions"]]
        for child in SESSION_CHILDREN:
            tables[child.__tablename__] = _rows(session, child, child.session_id.in_(session_ids))
        names = _names(session, {r["device_id"] for r in tables["sessions"] if r["device_id"]},
                       {r["cartridge_lot_id"] for r in tables["sessions"] if r["cartridge_lot_id"]})
        tables["form_drafts"] = _draft_rows(session, client_id, session_ids)
        tables["photos"] = photos
        ids = {"session": session_ids, "aftercare": session_ids, "photo": [row["id"] for row in photos],
               **{entity: [r["id"] for r in tables[table]] for entity, table in
                  (("consent", "consents"), ("finding", "findings"), ("medical_history", "medical_history"))}}
        days = [_local_day(r["started_at"]) for r in tables["sessions"]]
        lots = sorted({lot[0] for lot in names.lots.values()})
        tables[AuditEntry.__tablename__] = _audit_rows(session, client, ids, lots, days)
        _add_names(tables, names)
        settings = snapshot(session)
        art15 = {key: settings.read(spec) for key, spec in PRIVACY.items()}
        controller = {key: settings.read(spec) for key, spec in
                      (("name", CLINIC_NAME), ("address", CLINIC_ADDRESS), ("phone", CLINIC_PHONE))}
        return SubjectAccessData(client_id, client.client_ref, f"{client.first_name} {client.last_name}",
                                 from_utc_naive(utcnow()), tables, art15, controller)


def subject_access_json(data: SubjectAccessData, photos_folder: str | None = None) -> str:
    return json.dumps(data.document(photos_folder), ensure_ascii=False, indent=2)


def photos_folder_of(out: Path) -> Path:
    """Where the photos of a JSON export go: `P-1.json` → `P-1_photos/` beside it."""
    return out.with_name(f"{out.stem}_photos")


def _check_photos_folder(folder: Path) -> None:
    if folder.exists() or folder.is_symlink():
        raise InvalidValue("output", str(folder), "a name whose photos folder does not exist yet (an earlier "
                                                  "export's folder is never mixed with this one: move it away or "
                                                  "choose another file name); nothing was written")


@contextmanager
def _photos_written(db: Database, actor: Actor, data: SubjectAccessData, folder: Path) -> Iterator[Path]:
    """Write the photos into a hidden owner-only folder beside `folder` (one image in memory at a time) and yield
    it; the caller renames it into place. Removed if anything goes wrong before that."""
    part = folder.with_name(f".{folder.name}.part")
    shutil.rmtree(part, ignore_errors=True)  # left by an earlier run that was killed
    try:
        part.mkdir(mode=OWNER_ONLY_FOLDER)
        os.chmod(part, OWNER_ONLY_FOLDER)  # mkdir's mode is cut by the umask
        for row in data.tables["photos"]:
            target = part / row["file"]
            create_private(target)
            target.write_bytes(original(db, actor, int(row["id"])).data)
            sync_file(target)
        yield part
    except OSError as exc:
        raise NotWritten(folder, exc) from exc
    finally:
        shutil.rmtree(part, ignore_errors=True)


def export_client(db: Database, actor: Actor, client_ref: str, fmt: str, out: Path) -> SubjectAccessData:
    """Write the client's data as JSON (its photos in a folder beside it) or a PDF summary with thumbnails, whole
    or not at all, and audit it."""
    authorize(db, actor, Permission.EXPORT_DATA)
    if fmt not in SUBJECT_FORMATS:
        raise InvalidValue("format", fmt, "one of " + ", ".join(SUBJECT_FORMATS))
    data = collect_client_data(db, actor, client_ref)
    folder = photos_folder_of(out) if fmt == "json" and data.photo_ids else None
    if folder is not None:
        _check_photos_folder(folder)
    placed = False
    try:
        with output_target(out) as tmp:
            if fmt == "json":
                tmp.write_text(subject_access_json(data, folder.name if folder else None) + "\n", encoding="utf-8")
                if folder is not None:
                    with _photos_written(db, actor, data, folder) as part:
                        _check_photos_folder(folder)  # made meanwhile: still never mixed
                        part.rename(folder)
                        placed = True
            else:
                from clinic_log.reports.subject_access_pdf import build_subject_access_pdf  # reportlab: loaded late

                thumbnails = {photo_id: thumbnail(db, actor, photo_id) for photo_id in data.photo_ids}
                tmp.write_bytes(build_subject_access_pdf(data.document(), thumbnails))
    except BaseException:
        if placed and folder is not None:  # the JSON did not make it: neither do its photos
            shutil.rmtree(folder, ignore_errors=True)
        raise
    detail: dict[str, Any] = {"kind": "subject access", "format": fmt, "file": out.name,
                              "rows": sum(len(rows) for rows in data.tables.values())}
    if data.photo_ids:
        detail["photos"] = len(data.photo_ids)
        if folder is not None:
            detail["photos_folder"] = folder.name
    db.write(lambda session: audit.record(db, session, actor, AuditEvent("exported", "client",
                                                                         str(data.client_id), detail)))
    return data
