"""UTC time for stored timestamps (naive UTC in the database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import ColumnElement


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_utc_naive(moment: datetime) -> datetime:
    """Aware datetimes are converted to UTC; naive ones are taken as local time."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_utc_naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def in_period(column: Any, start: datetime | None, before: datetime | None) -> list[ColumnElement[bool]]:
    """The conditions for a stored (naive UTC) time `column` to fall from `start` up to, not including, `before`;
    none for an end left open."""
    conditions: list[ColumnElement[bool]] = []
    if start is not None:
        conditions.append(column >= to_utc_naive(start))
    if before is not None:
        conditions.append(column < to_utc_naive(before))
    return conditions
