"""Recall: every session and client treated with a given cartridge lot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import CartridgeLot, Client, Practitioner, SessionArea, TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import NotFound
from clinic_log.domain.permissions import require
from clinic_log.services import audit
from clinic_log.services.audit import AuditEvent
from clinic_log.services.clock import from_utc_naive

RECALL_COLUMNS = ("session_id", "date", "client_ref", "client_name", "practitioner", "area")


@dataclass(frozen=True)
class RecallRow:
    session_id: int
    started_at: datetime
    client_ref: str
    client_name: str
    practitioner: str
    area: str


def recall_lot(db: Database, actor: Actor, lot_number: str) -> list[RecallRow]:
    require(actor, "run recalls")
    s = TreatmentSession
    with db.reading() as session:
        lot_id = session.scalar(select(CartridgeLot.id).where(CartridgeLot.lot_number == lot_number))
        if lot_id is None:
            raise NotFound("cartridge lot", lot_number)
        stmt = (
            select(s.id, s.started_at, Client.client_ref, Client.first_name, Client.last_name,
                   Practitioner.full_name, SessionArea.area_code)
            .join(Client, Client.id == s.client_id)
            .join(Practitioner, Practitioner.id == s.practitioner_id)
            .join(SessionArea, SessionArea.session_id == s.id)
            .where(s.cartridge_lot_id == lot_id)
            .order_by(s.started_at, s.id, SessionArea.id)
        )
        rows = [RecallRow(r[0], from_utc_naive(r[1]), r[2], f"{r[3]} {r[4]}", r[5], r[6])
                for r in session.execute(stmt)]
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(
        "recalled", "cartridge_lot", lot_number, {"sessions": len({r.session_id for r in rows})})))
    return rows
