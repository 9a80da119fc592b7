"""The filter of a session list (history page, exports), its paging key and the filter lists' choices: plain
values, importable without SQLAlchemy (the first screen is shown before SQLAlchemy loads)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

from clinic_log.services.sessions.session_views import SessionRow

SIGNED_OVER_STOP = "stop"  # signed over a stop: an override by a physician or the owner
SIGNED_OVER_ANY = "any"  # signed over a stop or a warning, each with its reason


@dataclass(frozen=True)
class SessionFilter:
    """What the history shows. Dates are the clinic's calendar days, turned into UTC instants with
    `local_day_bounds` (a session at 23:30 local time belongs to that local day wherever UTC is)."""

    client_id: int | None = None
    client: str | None = None  # part of a reference or name, any case, accents or not: "d-00000", "lukasiewicz"
    practitioner_id: int | None = None
    device_id: int | None = None
    area_code: str | None = None
    started_from: datetime | None = None  # inclusive, aware (any zone)
    started_before: datetime | None = None  # exclusive, aware
    complication_code: str | None = None
    min_grade: int | None = None  # sessions with a complication of at least this CTCAE grade
    status: str | None = None
    text: str | None = None
    signed_over: str | None = None  # SIGNED_OVER_STOP or SIGNED_OVER_ANY: signed over a stop (or any warning)

    def with_days(self, first: date | None, last: date | None, zone: tzinfo | None = None) -> SessionFilter:
        """This filter narrowed to the local days `first`..`last` (inclusive; None leaves that side open)."""
        started_from, started_before = local_day_bounds(first, last, zone)
        return replace(self, started_from=started_from, started_before=started_before)

    @property
    def has_complication_filter(self) -> bool:
        return self.complication_code is not None or self.min_grade is not None


def local_day_bounds(first: date | None, last: date | None,
                     zone: tzinfo | None = None) -> tuple[datetime | None, datetime | None]:
    """[start of `first`, start of the day after `last`) in `zone` (default: this computer's zone), aware."""
    def start_of(day: date) -> datetime:
        naive = datetime.combine(day, time.min)
        return naive.replace(tzinfo=zone) if zone is not None else naive.astimezone()

    return (start_of(first) if first is not None else None,
            start_of(last + timedelta(days=1)) if last is not None else None)


@dataclass(frozen=True)
class PageKey:
    """Where the previous page ended: the last row's (started_at, id); the next page continues below it."""

    started_at: datetime
    id: int

    @classmethod
    def after(cls, row: SessionRow) -> PageKey:
        return cls(row.started_at, row.id)


@dataclass(frozen=True)
class Choice:
    value: str | int
    label: str


@dataclass(frozen=True)
class FilterChoices:
    """What the history's filter lists offer."""

    practitioners: tuple[Choice, ...]
    devices: tuple[Choice, ...]
    areas: tuple[Choice, ...]
    complications: tuple[Choice, ...]
