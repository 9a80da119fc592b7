"""The filter of a session list (history page, exports): a plain value, importable without SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SessionFilter:
    client_id: int | None = None
    practitioner_id: int | None = None
    device_id: int | None = None
    area_code: str | None = None
    date_from: date | None = None  # inclusive, UTC day
    date_to: date | None = None  # inclusive, UTC day
    complication_code: str | None = None
    status: str | None = None
    text: str | None = None
