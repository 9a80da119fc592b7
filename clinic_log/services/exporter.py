"""Export sessions as CSV (UTF-8 with BOM, opens in Excel) or JSON (one row per treated area), or as a FHIR R4
Bundle (clinic_log.services.fhir_export). Dates are the clinic's local days. Owner only; each export is audited."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from clinic_log.db import dialect
from clinic_log.db.engine import Database
from clinic_log.db.models import (
    CartridgeLot,
    Client,
    Complication,
    Device,
    DeviceModel,
    Practitioner,
    SessionArea,
    TreatmentSession,
)
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue
from clinic_log.services import audit
from clinic_log.services.audit import AuditEvent
from clinic_log.services.authority import authorize
from clinic_log.services.clock import from_utc_naive, to_utc_naive, utcnow
from clinic_log.services.fhir_export import bundle_entries, identifier_systems, write_bundle
from clinic_log.services.files import atomic_target
from clinic_log.services.progress import Progress, no_progress
from clinic_log.services.session_queries import local_day_bounds

EXPORT_COLUMNS = ("session_id", "started_at", "status", "client_ref", "client_name", "practitioner", "supervisor",
                  "device", "device_serial", "cartridge_lot", "lot_expires", "area", "depth_mm", "passes",
                  "technique", "complications", "notes", "signed_by", "signed_at")
FORMATS = ("csv", "json", "fhir")
PROGRESS_EVERY = 2000


def _rows(db: Database, date_from: date | None, date_to: date | None, zone: tzinfo | None = None
          ) -> Iterator[dict[str, Any]]:
    s = TreatmentSession
    supervisor = aliased(Practitioner)
    with db.reading() as session:
        comps = (select(dialect.group_concat(session, Complication.code))
                 .where(Complication.session_id == s.id).scalar_subquery())
        stmt = (
            select(s.id, s.started_at, s.status, Client.client_ref, Client.first_name, Client.last_name,
                   Practitioner.username, supervisor.username, DeviceModel.name, Device.serial,
                   CartridgeLot.lot_number, CartridgeLot.expires_on, SessionArea.area_code, SessionArea.depth_mm,
                   SessionArea.passes, SessionArea.technique, comps, s.notes, s.signed_by, s.signed_at)
            .join(SessionArea, SessionArea.session_id == s.id)
            .join(Client, Client.id == s.client_id)
            .join(Practitioner, Practitioner.id == s.practitioner_id)
            .outerjoin(supervisor, supervisor.id == s.supervisor_id)
            .outerjoin(Device, Device.id == s.device_id)
            .outerjoin(DeviceModel, DeviceModel.id == Device.device_model_id)
            .outerjoin(CartridgeLot, CartridgeLot.id == s.cartridge_lot_id)
            .order_by(s.started_at, s.id, SessionArea.id)
        )
        started_from, started_before = local_day_bounds(date_from, date_to, zone)
        if started_from is not None:
            stmt = stmt.where(s.started_at >= to_utc_naive(started_from))
        if started_before is not None:
            stmt = stmt.where(s.started_at < to_utc_naive(started_before))
        for r in session.execute(stmt.execution_options(yield_per=2000)):
            yield {
                "session_id": r[0], "started_at": from_utc_naive(r[1]).isoformat(), "status": r[2],
                "client_ref": r[3], "client_name": f"{r[4]} {r[5]}", "practitioner": r[6], "supervisor": r[7],
                "device": r[8], "device_serial": r[9], "cartridge_lot": r[10],
                "lot_expires": r[11].isoformat() if r[11] else None, "area": r[12], "depth_mm": r[13],
                "passes": r[14], "technique": r[15], "complications": (r[16] or "").replace(",", ";") or None,
                "notes": r[17], "signed_by": r[18],
                "signed_at": from_utc_naive(r[19]).isoformat() if r[19] else None,
            }


def export_sessions(db: Database, actor: Actor, fmt: str, out: Path, date_from: date | None = None,
                    date_to: date | None = None, *, zone: tzinfo | None = None,
                    progress: Progress = no_progress) -> int:
    """Write the file (atomically: a temp file renamed into place) and return the number of rows (for FHIR:
    bundle entries). `progress` is told the rows written so far and may cancel (`JobCancelled`)."""
    authorize(db, actor, "export data")
    if fmt not in FORMATS:
        raise InvalidValue("format", fmt, "one of " + ", ".join(FORMATS))
    if date_from and date_to and date_to < date_from:
        raise InvalidValue("to", date_to.isoformat(), f"a date on or after {date_from.isoformat()}")
    if fmt == "fhir":  # refused before any file is made when the clinic has not set its identifier system
        with db.reading() as session:
            systems = identifier_systems(session)
    count = 0
    with atomic_target(out) as tmp, tmp.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8",
                                             newline="") as handle:
        if fmt == "csv":
            writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            for row in _rows(db, date_from, date_to, zone):
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
                count += 1
                if count % PROGRESS_EVERY == 0:
                    progress(count, 0)
        elif fmt == "json":
            handle.write("[")
            for row in _rows(db, date_from, date_to, zone):
                handle.write(("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False))
                count += 1
                if count % PROGRESS_EVERY == 0:
                    progress(count, 0)
            handle.write("\n]\n")
        else:
            started_from, started_before = local_day_bounds(date_from, date_to, zone)
            with db.reading() as session:
                entries = bundle_entries(session, systems, started_from, started_before, progress=progress)
                count = write_bundle(handle, entries, f"clinic-log-export-{utcnow():%Y%m%dT%H%M%S}",
                                     from_utc_naive(utcnow()))
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(
        "exported", "sessions", None,
        {"format": fmt, "file": out.name, "rows": count, "from": date_from, "to": date_to})))
    return count
