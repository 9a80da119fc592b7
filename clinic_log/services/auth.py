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
from clinic_log.services import audit
from clinic_log.services.audit import AuditEvent
from clinic_log.services.authority import authorize
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
    active: bool = True
    locked_until: datetime | None = None  # naive UTC, as stored
    practitioner_name: str | None = None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue("password", "(hidden)", f"at least {MIN_PASSWORD_LENGTH} characters")


def has_users(db: Database) -> bool:
    """False only on a brand-new database, before the first-start wizard created the owner."""
    with db.reading() as session:
        return session.scalar(select(User.id).limit(1)) is not None


def list_users(db: Database, actor: Actor) -> list[UserView]:
    """Every login, active ones first, by username."""
    authorize(db, actor, "manage users")
    stmt = (select(User, Practitioner.full_name).outerjoin(Practitioner, Practitioner.id == User.practitioner_id)
            .order_by(User.active.desc(), User.username))
    with db.reading() as session:
        return [UserView(u.id, u.username, u.full_name, u.role, u.practitioner_id, u.active, u.locked_until, name)
                for u, name in session.execute(stmt)]


def _user_row(session: Session, user_id: int) -> User:
    row = session.get(User, user_id)
    if row is None:
        raise NotFound("user", user_id)
    return row


def deactivate_user(db: Database, actor: Actor, user_id: int) -> None:
    """The user can no longer log in; their name stays on everything they recorded."""
    authorize(db, actor, "manage users")

    def work(session: Session) -> None:
        row = _user_row(session, user_id)
        if row.username == actor.username:
            raise InvalidValue("user", row.username, "another user: you cannot deactivate your own login")
        if not row.active:
            raise InvalidValue("user", row.username, "an active user (this one is already deactivated)")
        if row.role == UserRole.OWNER and _active_owners(session) <= 1:
            raise InvalidValue("user", row.username, "a user other than the last active owner")
        row.active = False
        audit.record(db, session, actor, AuditEvent("deactivated", "user", str(user_id), {"username": row.username}))

    db.write(work)


def _active_owners(session: Session) -> int:
    return len(list(session.scalars(select(User.id).where(User.role == UserRole.OWNER, User.active.is_(True)))))


def reset_password(db: Database, actor: Actor, user_id: int, new_password: str) -> None:
    """Set a new password (the owner tells it to the user) and lift any lockout."""
    authorize(db, actor, "manage users")
    _check_password(new_password)
    hashed = hash_password(new_password)

    def work(session: Session) -> None:
        row = _user_row(session, user_id)
        row.password_hash, row.failed_logins, row.locked_until = hashed, 0, None
        audit.record(db, session, actor, AuditEvent("password_reset", "user", str(user_id),
                                                    {"username": row.username}))

    db.write(work)


def create_first_owner(db: Database, username: str, full_name: str, password: str) -> Actor:
    """The first start's owner account; refused once any user exists (then the owner adds users)."""
    _check_password(password)
    if not username.strip():
        raise InvalidValue("username", username, "a login name")
    hashed = hash_password(password)
    first = Actor(username.strip(), UserRole.OWNER)

    def work(session: Session) -> Actor:
        if session.scalar(select(User.id).limit(1)) is not None:
            raise InvalidValue("owner", username, "only on a new database: users already exist, log in instead")
        user = User(username=first.username, full_name=full_name.strip() or first.username, role=UserRole.OWNER,
                    password_hash=hashed, practitioner_id=None, active=True, failed_logins=0)
        audit.add_created(db, session, first, user, "user", {"username": first.username, "role": "owner",
                                                             "first_start": True})
        return Actor(first.username, UserRole.OWNER, user_id=user.id)

    return db.write(work)


def create_user(db: Database, actor: Actor, username: str, full_name: str, role: str, password: str,
                practitioner_username: str | None = None) -> UserView:
    authorize(db, actor, "manage users")
    if role not in set(UserRole):
        raise InvalidValue("role", role, allowed(UserRole))
    _check_password(password)
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
        _record(db, "login_refused", str(user.id), {"reason": "locked", "locked_until": user.locked_until})
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
    return Actor(user.username, UserRole(user.role), user.practitioner_id, user_id=user.id)


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
