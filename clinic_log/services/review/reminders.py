"""What is about to expire: practitioners' credentials (reminders at 90/60/30 days) and cartridge lots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import CartridgeLot, Credential, Practitioner

REMINDER_DAYS = (90, 60, 30)


@dataclass(frozen=True)
class ExpiringCredential:
    practitioner: str
    username: str
    kind: str
    number: str
    expires_on: date
    days_left: int  # negative once expired

    @property
    def band(self) -> int | None:
        """The tightest reminder band reached (30, 60 or 90 days), 0 when already expired."""
        if self.days_left < 0:
            return 0
        return min((d for d in REMINDER_DAYS if self.days_left <= d), default=None)


@dataclass(frozen=True)
class ExpiringLot:
    lot_number: str
    expires_on: date
    days_left: int


def expiring_credentials(db: Database, today: date, within_days: int = max(REMINDER_DAYS),
                         username: str | None = None,
                         practitioner_id: int | None = None) -> list[ExpiringCredential]:
    """Required credentials expiring within `within_days` (or already expired), soonest first."""
    stmt = (select(Practitioner.full_name, Practitioner.username, Credential.kind, Credential.number,
                   Credential.expires_on)
            .join(Practitioner, Practitioner.id == Credential.practitioner_id)
            .where(Credential.required.is_(True), Practitioner.active.is_(True),
                   Credential.expires_on <= today + timedelta(days=within_days))
            .order_by(Credential.expires_on))
    if username is not None:
        stmt = stmt.where(Practitioner.username == username)
    if practitioner_id is not None:
        stmt = stmt.where(Practitioner.id == practitioner_id)
    with db.reading() as session:
        return [ExpiringCredential(name, user, kind, number, expires, (expires - today).days)
                for name, user, kind, number, expires in session.execute(stmt)
                if expires is not None]  # the WHERE already excludes NULL; this tells the type checker


def expiring_lots(db: Database, today: date, within_days: int = 90) -> list[ExpiringLot]:
    stmt = (select(CartridgeLot.lot_number, CartridgeLot.expires_on)
            .where(CartridgeLot.expires_on >= today, CartridgeLot.expires_on <= today + timedelta(days=within_days))
            .order_by(CartridgeLot.expires_on))
    with db.reading() as session:
        return [ExpiringLot(lot, expires, (expires - today).days) for lot, expires in session.execute(stmt)
                if expires is not None]
