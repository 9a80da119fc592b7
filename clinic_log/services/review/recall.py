"""Recall: every session and client treated with a given cartridge lot, and its CSV export (owner only).

The lookup uses the cartridge-lot index on sessions: well under a second on a million sessions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Area, CartridgeLot, Client, Indication, Practitioner, SessionArea, TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.permissions import Permission
from clinic_log.domain.values import area_name
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive
from clinic_log.services.common.csv_output import SafeCsvWriter, safe_writer
from clinic_log.services.common.files import check_target, output_target
from clinic_log.services.common.text_match import contains

RECALL_COLUMNS = ("session_id", "date", "client_ref", "client_name", "phone", "email", "practitioner", "area",
                  "indication", "area_name")  # area: the body site's code; area_name: "Cheeks — acne scars (atrophic)"
SUGGESTED_LOTS = 10  # at most this many lots named or offered for a part of a number


@dataclass(frozen=True)
class RecallRow:
    session_id: int
    started_at: datetime
    client_ref: str
    client_name: str
    practitioner: str
    area: str  # the body site's code
    indication: str | None = None
    area_name: str = ""  # the site with the indication beside it, as people read it
    phone: str | None = None  # the recall exists to contact the client
    email: str | None = None


def _lots_containing(session: Session, typed: str) -> list[str]:
    """The lot numbers that hold `typed` anywhere, any case, in order (at most SUGGESTED_LOTS)."""
    needle = typed.strip().casefold()
    if not needle:
        return []
    return list(session.scalars(select(CartridgeLot.lot_number).distinct()
                                .where(contains(func.lower(CartridgeLot.lot_number), needle))
                                .order_by(CartridgeLot.lot_number).limit(SUGGESTED_LOTS)))


def lot_suggestions(db: Database, actor: Actor, typed: str) -> list[str]:
    """Lot numbers containing what was typed, for the recall's lot box (no audit: nothing is shown but numbers)."""
    authorize(db, actor, Permission.RUN_RECALLS)
    with db.reading() as session:
        return _lots_containing(session, typed)


class LotNotFound(NotFound):
    """No lot has this number (in any case); names the lots whose number contains it."""

    def __init__(self, typed: str, containing: list[str]) -> None:
        super().__init__("cartridge lot", repr(typed))
        self.containing = containing
        said = (f"lots whose number contains it: {', '.join(containing)}" if containing
                else "no lot number contains it")
        self.args = (f"{self.args[0]}; {said}",)


def recall_lot(db: Database, actor: Actor, lot_number: str) -> list[RecallRow]:
    authorize(db, actor, Permission.RUN_RECALLS)
    lot_number = lot_number.strip()
    if not lot_number:
        raise InvalidValue("lot number", "", "the lot number printed on the cartridge box, e.g. DP16-240117")
    s = TreatmentSession
    with db.reading() as session:
        # the number as printed on the box, in whatever case it was typed (the lot index, then the few rows)
        lot_ids = list(session.scalars(select(CartridgeLot.id).where(
            func.lower(CartridgeLot.lot_number) == lot_number.casefold())))
        if not lot_ids:
            raise LotNotFound(lot_number, _lots_containing(session, lot_number))
        stmt = (
            select(s.id, s.started_at, Client.client_ref, Client.first_name, Client.last_name,
                   Practitioner.full_name, SessionArea.area_code, SessionArea.indication, Area.label,
                   Indication.label, Client.phone, Client.email)
            .join(Client, Client.id == s.client_id)
            .join(Practitioner, Practitioner.id == s.practitioner_id)
            .join(SessionArea, SessionArea.session_id == s.id)
            .join(Area, Area.code == SessionArea.area_code)
            .outerjoin(Indication, Indication.code == SessionArea.indication)
            .where(s.cartridge_lot_id.in_(lot_ids))
            .order_by(s.started_at, s.id, SessionArea.id)
        )
        rows = [RecallRow(r[0], from_utc_naive(r[1]), r[2], f"{r[3]} {r[4]}", r[5], r[6], r[7], area_name(r[8], r[9]),
                          r[10], r[11])
                for r in session.execute(stmt)]
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(
        "recalled", "cartridge_lot", lot_number, {"sessions": len({r.session_id for r in rows})})))
    return rows


def recall_csv_row(r: RecallRow) -> list[object]:
    return [r.session_id, r.started_at.astimezone().date().isoformat(), r.client_ref, r.client_name, r.phone,
            r.email, r.practitioner, r.area, r.indication, r.area_name]


def write_recall_rows(handle: IO[str], rows: Iterable[RecallRow], *, lineterminator: str = "\r\n") -> None:
    """The recall as CSV on `handle` (a file or the terminal), header first, formula cells neutralised."""
    writer: SafeCsvWriter = safe_writer(handle, RECALL_COLUMNS, lineterminator=lineterminator)
    writer.writerows(recall_csv_row(r) for r in rows)


def write_recall_csv(rows: list[RecallRow], out: Path) -> None:
    """CSV in UTF-8 with BOM (Excel reads the names right), written atomically."""
    with output_target(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        write_recall_rows(handle, rows)


def export_recall(db: Database, actor: Actor, lot_number: str, out: Path) -> int:
    """Write the recall of `lot_number` as CSV and audit the export; returns the number of rows."""
    authorize(db, actor, Permission.EXPORT_DATA)
    check_target(out)
    rows = recall_lot(db, actor, lot_number)
    write_recall_csv(rows, out)
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(
        "exported", "cartridge_lot", lot_number, {"kind": "recall", "file": out.name, "rows": len(rows)})))
    return len(rows)
