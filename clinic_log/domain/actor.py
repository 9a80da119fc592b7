"""Who is acting: every service call takes one, and permissions are checked against its role.

An actor from a login carries the user's id: every service call re-reads that user (still active, same role and
practitioner), so a deactivated user's next action is refused. Actors without a login are the command line, which
acts as the operating-system user who owns the database file (and tests).
"""

from __future__ import annotations

from dataclasses import dataclass

from clinic_log.domain.enums import UserRole


@dataclass(frozen=True)
class Actor:
    username: str
    role: UserRole
    practitioner_id: int | None = None
    user_id: int | None = None
