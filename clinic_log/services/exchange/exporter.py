"""Export sessions as CSV (UTF-8 with BOM, opens in Excel) or JSON (one row per treated area), or as a FHIR R4
Bundle (services/exchange/fhir_export.py). Dates are the clinic's local days. Owner only; each export is audited."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import String, and_, case, cast, func, select
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
    SessionProduct,
    TreatmentSession,
)
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.permissions import Permission
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive, in_period, utcnow
from clinic_log.services.common.csv_output import safe_writer
from clinic_log.services.common.files import output_target
from clinic_log.services.common.progress import Progress, no_progress
from clinic_log.services.exchange.fhir_export import bundle_entries, identifier_systems, write_bundle
from clinic_log.services.sessions.session_queries import local_day_bounds

EXPORT_COLUMNS = ("session_id", "started_at", "time_zone", "status", "client_ref", "client_name", "practitioner",
                  "supervisor", "device", "device_serial", "cartridge_lot", "lot_expires", "area", "depth_mm",
                  "passes", "technique", "rf_energy", "products", "complications", "max_complication_grade", "notes",
                  "signed_by", "signed_at", "countersigned_by", "countersigned_at", "voided_by", "voided_at",
                  "void_reason", "indication", "tip", "rf_energy_unit")  # the last three: added with issue 17
FORMATS = ("csv", "json", "fhir")
TIMES = ("local", "utc")  # local: the clinic's zone with its UTC offset (the default); utc: +00:00
LIST_SEPARATOR = " | "  # between the products, and between the complications, of one session
PROGRESS_EVERY = 2000


def machine_zone() -> ZoneInfo | None:
    """This computer's time zone by its IANA name (Europe/Berlin), from $TZ or /etc/localtime; None when no name
    is known (Windows, a POSIX TZ rule): times then carry the computer's offset and the file names the offset."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = os.path.realpath("/etc/localtime")
        except OSError:
            return None
        name = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class _Clock:
    """Shows stored (naive UTC) moments in the export's zone, and names that zone for the file."""

    def __init__(self, times: str, zone: tzinfo | None) -> None:
        if times == "utc":
            self.zone: tzinfo | None = UTC
        else:
            self.zone = zone if zone is not None else machine_zone()
        key = getattr(self.zone, "key", None)
        self.name: str | None = "UTC" if self.zone is UTC else key if isinstance(key, str) else None

    def show(self, moment: datetime | None) -> str | None:
        if moment is None:
            return None
        aware = from_utc_naive(moment)
        return (aware.astimezone(self.zone) if self.zone is not None else aware.astimezone()).isoformat()

    def zone_name(self, shown: str) -> str:
        """The zone's name, or (none known) the UTC offset of the time just shown, e.g. UTC+01:00."""
        if self.name:
            return self.name
        offset = datetime.fromisoformat(shown).strftime("%z")  # +0100
        return f"UTC{offset[:3]}:{offset[3:5]}"


def _rows(db: Database, date_from: date | None, date_to: date | None, zone: tzinfo | None = None,
          times: str = "local") -> Iterator[dict[str, Any]]:
    s = TreatmentSession
    supervisor = aliased(Practitioner)
    clock = _Clock(times, zone)
    with db.reading() as session:
        graded = Complication.code + " (grade " + cast(Complication.grade, String) + ")"
        comps = (select(dialect.group_concat(session, graded, LIST_SEPARATOR, Complication.id))
                 .where(Complication.session_id == s.id).scalar_subquery())
        worst = select(func.max(Complication.grade)).where(Complication.session_id == s.id).scalar_subquery()
        p = SessionProduct
        minutes = cast(p.contact_minutes, String) + " min"
        product = p.name + case(
            (and_(p.contact_minutes.is_(None), p.note.is_(None)), ""),
            (p.note.is_(None), " (" + minutes + ")"),
            (p.contact_minutes.is_(None), " (" + p.note + ")"),
            else_=" (" + minutes + "; " + p.note + ")")
        products = (select(dialect.group_concat(session, product, LIST_SEPARATOR, p.id))
                    .where(p.session_id == s.id).scalar_subquery())
        stmt = (
            select(s.id, s.started_at, s.status, Client.client_ref, Client.first_name, Client.last_name,
                   Practitioner.username, supervisor.username, DeviceModel.name, Device.serial,
                   CartridgeLot.lot_number, CartridgeLot.expires_on, SessionArea.area_code, SessionArea.depth_mm,
                   SessionArea.passes, SessionArea.technique, SessionArea.rf_energy, products, comps, worst,
                   s.notes, s.signed_by, s.signed_at, s.countersigned_by, s.countersigned_at, s.voided_by,
                   s.voided_at, s.void_reason, SessionArea.indication, SessionArea.tip, DeviceModel.energy_unit)
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
        stmt = stmt.where(*in_period(s.started_at, started_from, started_before))
        # Core rows (no ORM row processing); the session's own fields are worked out once for all its areas.
        last_id: int | None = None
        head: tuple[Any, ...] = ()
        tail: tuple[Any, ...] = ()
        for r in session.connection().execute(stmt.execution_options(yield_per=2000)):
            if r[0] != last_id:
                last_id = r[0]
                started = clock.show(r[1]) or ""
                head = (r[0], started, clock.zone_name(started), "voided" if r[26] is not None else r[2], r[3],
                        f"{r[4]} {r[5]}", r[6], r[7], r[8], r[9], r[10], r[11].isoformat() if r[11] else None)
                tail = (r[17], r[18], r[19], r[20], r[21], clock.show(r[22]), r[23], clock.show(r[24]), r[25],
                        clock.show(r[26]), r[27])
            unit = r[30] if r[16] is not None else None  # the unit of the energy the row holds
            yield dict(zip(EXPORT_COLUMNS, (*head, r[12], r[13], r[14], r[15], r[16], *tail, r[28], r[29], unit),
                           strict=True))


def export_sessions(db: Database, actor: Actor, fmt: str, out: Path, date_from: date | None = None,
                    date_to: date | None = None, *, zone: tzinfo | None = None, times: str = "local",
                    progress: Progress = no_progress, with_photos: bool = False) -> int:
    """Write the file (atomically: a temp file renamed into place) and return the number of rows (for FHIR:
    bundle entries). `progress` is told the rows written so far and may cancel (`JobCancelled`).

    `zone` is the clinic's zone (default: this computer's); the days `date_from`/`date_to` are its days, and CSV
    and JSON show times in it with their offset (`times="utc"`: in UTC), naming it in a `time_zone` column. CSV
    cells that a spreadsheet would read as a formula get a leading apostrophe (services.csv_output).

    `with_photos` (FHIR only) adds the photos as Media resources with their images: a copy of health data that
    needs the right to export photos as well."""
    authorize(db, actor, Permission.EXPORT_DATA)
    if fmt not in FORMATS:
        raise InvalidValue("format", fmt, "one of " + ", ".join(FORMATS))
    if with_photos:
        if fmt != "fhir":
            raise InvalidValue("with photos", fmt, "the fhir format (photos travel as FHIR Media resources)")
        authorize(db, actor, Permission.EXPORT_PHOTOS)
    if times not in TIMES:
        raise InvalidValue("times", times, "one of " + ", ".join(TIMES))
    if date_from and date_to and date_to < date_from:
        raise InvalidValue("to", date_to.isoformat(), f"a date on or after {date_from.isoformat()}")
    if fmt == "fhir":  # refused before any file is made when the clinic has not set its identifier system
        with db.reading() as session:
            systems = identifier_systems(session)
    count = 0
    with output_target(out) as tmp, tmp.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8",
                                             newline="") as handle:
        if fmt == "csv":
            writer = safe_writer(handle, EXPORT_COLUMNS)
            for row in _rows(db, date_from, date_to, zone, times):
                writer.writedict(row, EXPORT_COLUMNS)
                count += 1
                if count % PROGRESS_EVERY == 0:
                    progress(count, 0)
        elif fmt == "json":
            handle.write("[")
            for row in _rows(db, date_from, date_to, zone, times):
                handle.write(("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False))
                count += 1
                if count % PROGRESS_EVERY == 0:
                    progress(count, 0)
            handle.write("\n]\n")
        else:
            started_from, started_before = local_day_bounds(date_from, date_to, zone)
            with db.reading() as session:
                entries = bundle_entries(session, systems, started_from, started_before, progress=progress,
                                         with_photos=with_photos)
                count = write_bundle(handle, entries, f"clinic-log-export-{utcnow():%Y%m%dT%H%M%S}",
                                     from_utc_naive(utcnow()))
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(
        "exported", "sessions", None,
        {"format": fmt, "file": out.name, "rows": count, "from": date_from, "to": date_to}
        | ({"with_photos": True} if with_photos else {}))))
    return count
