"""Who is acting: every service call takes one, and permissions are checked against its role."""

from __future__ import annotations

from dataclasses import dataclass

from clinic_log.domain.enums import UserRole


@dataclass(frozen=True)
class Actor:
    username: str
    role: UserRole
    practitioner_id: int | None = None
