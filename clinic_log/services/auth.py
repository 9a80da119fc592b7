"""Users and login: argon2 hashes, lockout after 5 failures for 5 minutes, every attempt audited.

The clock is a parameter so lockout timing is tested without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Practitioner, User
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole, allowed
from clinic_log.domain.errors import DomainError, InvalidValue, NotFound
from clinic_log.domain.permissions import require
from clinic_log.services import audit
from clinic_log.services.audit import AuditEvent
from clinic_log.services.clock import utcnow
from clinic_log.services.passwords import hash_password, verify_password

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8
_ANONYMOUS = Actor("login", UserRole.OWNER)  # who the audit names for attempts before anyone is known


class LoginFailed(DomainError):
    """Wrong username or password (deliberately not saying which)."""


class AccountLocked(DomainError):
    """Too many failed attempts; the account opens again at `until` (UTC)."""

    def __init__(self, username: str, until: datetime) -> None:
        self.until = until
        super().__init__(f"{username} is locked after {MAX_FAILURES} failed attempts until "
                         f"{until:%H:%M} UTC; try again then or ask the owner")


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    full_name: str
    role: str
    practitioner_id: int | None


def create_user(db: Database, actor: Actor, username: str, full_name: str, role: str, password: str,
                practitioner_username: str | None = None) -> UserView:
    require(actor, "manage practitioners and devices")
    if role not in set(UserRole):
        raise InvalidValue("role", role, allowed(UserRole))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue("password", "(hidden)", f"at least {MIN_PASSWORD_LENGTH} characters")
    if not username.strip():
        raise InvalidValue("username", username, "a login name")
    hashed = hash_password(password)  # slow by design: outside the write transaction

    def work(session: Session) -> UserView:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise InvalidValue("username", username, "a login name not used by another user")
        practitioner_id = None
        if practitioner_username:
            practitioner_id = session.scalar(select(Practitioner.id)
                                             .where(Practitioner.username == practitioner_username))
            if practitioner_id is None:
                raise NotFound("practitioner", practitioner_username)
        if role == UserRole.PRACTITIONER and practitioner_id is None:
            raise InvalidValue("practitioner", None, "the practitioner record this login belongs to")
        user = User(username=username, full_name=full_name, role=role, password_hash=hashed,
                    practitioner_id=practitioner_id, active=True, failed_logins=0)
        audit.add_created(db, session, actor, user, "user", {"username": username, "role": role})
        return UserView(user.id, user.username, user.full_name, user.role, user.practitioner_id)

    return db.write(work)


def login(db: Database, username: str, password: str, now: datetime | None = None) -> Actor:
    """The acting user for a correct password; counts failures and locks the account after five."""
    moment = now or utcnow()
    with db.reading() as session:
        user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        _record(db, "login_failed", username, {"reason": "unknown user"})
        raise LoginFailed("the username or password is wrong")
    if user.locked_until is not None and user.locked_until > moment:
        raise AccountLocked(username, user.locked_until)
    if not verify_password(user.password_hash, password):
        _failed(db, user.id, moment)
        raise LoginFailed("the username or password is wrong")

    def reset(session: Session) -> None:
        row = session.get(User, user.id)
        assert row is not None
        row.failed_logins, row.locked_until = 0, None
        audit.record(db, session, Actor(username, UserRole(user.role)), AuditEvent("login", "user", str(user.id), {}))

    db.write(reset)
    return Actor(user.username, UserRole(user.role), user.practitioner_id)


def _failed(db: Database, user_id: int, moment: datetime) -> None:
    def work(session: Session) -> None:
        row = session.get(User, user_id)
        assert row is not None
        row.failed_logins += 1
        detail: dict[str, object] = {"failures": row.failed_logins}
        if row.failed_logins >= MAX_FAILURES:
            row.locked_until, row.failed_logins = moment + LOCKOUT, 0
            detail["locked_until"] = row.locked_until
        audit.record(db, session, _ANONYMOUS, AuditEvent("login_failed", "user", str(user_id), detail))

    db.write(work)


def _record(db: Database, action: str, username: str, detail: dict[str, object]) -> None:
    db.write(lambda session: audit.record(db, session, _ANONYMOUS,
                                          AuditEvent(action, "user", username, detail)))
