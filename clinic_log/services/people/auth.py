"""Users and login: argon2 hashes, lockout after 5 failures for 5 minutes, every attempt audited.

Usernames are NFKC-normalised, trimmed and case-folded when created and when typed; names stored before that are
still found by their normalised form. Every login costs one argon2 verification, against a dummy hash when the
username is unknown or deactivated, so timing tells no usernames. Each attempt first takes one of the five allowed
attempts in a single conditional UPDATE, so parallel attempts, from one workstation or several, never check more
than five passwords before the lock. The clock is a parameter so lockout timing is tested without sleeping.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Practitioner, User
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole, allowed
from clinic_log.domain.errors import DomainError, InvalidValue, NotFound
from clinic_log.domain.permissions import Permission
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize, check_login
from clinic_log.services.common.clock import utcnow
from clinic_log.services.people.passwords import (
    DUMMY_HASH,
    MIN_LENGTH,
    RULE,
    PasswordRefused,
    check_new_password,
    hash_password,
    verify_password,
)

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = MIN_LENGTH
PASSWORD_RULE = RULE  # "at least 12 characters, not a common password", for the screens that set passwords
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


_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # control, format (zero-width…), unassigned, line/paragraph
MAX_USERNAME_LENGTH = 80  # the column's size


def username_key(text: str) -> str:
    """The form usernames are compared in: NFKC, case-folded, trimmed. Never refuses (stored names are compared so)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()).strip()


def normalise_username(text: str) -> str:
    """The username stored for `text`; refused when empty, too long, or holding invisible characters or spaces."""
    key = username_key(text)
    if not key:
        raise InvalidValue("username", text, "a login name")
    hidden = list(dict.fromkeys(ch for ch in key if unicodedata.category(ch) in _HIDDEN))
    if hidden:
        names = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}" for ch in hidden)
        raise InvalidValue("username", text, f"a login name without invisible or control characters ({names})")
    if any(ch.isspace() for ch in key):
        raise InvalidValue("username", text, "a login name with no spaces inside")
    if len(key) > MAX_USERNAME_LENGTH:
        raise InvalidValue("username", text, f"a login name of at most {MAX_USERNAME_LENGTH} characters")
    return key


def _name_taken(session: Session, key: str) -> str | None:
    """The stored username (active or not) that reads as `key` once normalised, if any."""
    return next((name for name in session.scalars(select(User.username)) if username_key(name) == key), None)


def has_users(db: Database) -> bool:
    """False only on a brand-new database, before the first-start wizard created the owner."""
    with db.reading() as session:
        return session.scalar(select(User.id).limit(1)) is not None


def list_users(db: Database, actor: Actor) -> list[UserView]:
    """Every login, active ones first, by username."""
    authorize(db, actor, Permission.MANAGE_USERS)
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
    authorize(db, actor, Permission.MANAGE_USERS)

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
    authorize(db, actor, Permission.MANAGE_USERS)
    with db.reading() as session:
        username = _user_row(session, user_id).username
    check_new_password(new_password, username)
    hashed = hash_password(new_password)

    def work(session: Session) -> None:
        row = _user_row(session, user_id)
        row.password_hash, row.failed_logins, row.locked_until = hashed, 0, None
        audit.record(db, session, actor, AuditEvent("password_reset", "user", str(user_id),
                                                    {"username": row.username}))

    db.write(work)


def create_first_owner(db: Database, username: str, full_name: str, password: str) -> Actor:
    """The first start's owner account; refused once any user exists (then the owner adds users)."""
    name = normalise_username(username)
    check_new_password(password, name)
    hashed = hash_password(password)
    first = Actor(name, UserRole.OWNER)

    def work(session: Session) -> Actor:
        if session.scalar(select(User.id).limit(1)) is not None:
            raise InvalidValue("owner", username, "only on a new database: users already exist, log in instead")
        user = User(username=name, full_name=full_name.strip() or name, role=UserRole.OWNER,
                    password_hash=hashed, practitioner_id=None, active=True, failed_logins=0)
        audit.add_created(db, session, first, user, "user", {"username": name, "role": "owner",
                                                             "first_start": True})
        return Actor(name, UserRole.OWNER, user_id=user.id)

    return db.write(work)


def create_user(db: Database, actor: Actor, username: str, full_name: str, role: str, password: str,
                practitioner_username: str | None = None) -> UserView:
    authorize(db, actor, Permission.MANAGE_USERS)
    if role not in set(UserRole):
        raise InvalidValue("role", role, allowed(UserRole))
    name = normalise_username(username)
    check_new_password(password, name)
    hashed = hash_password(password)  # slow by design: outside the write transaction

    def work(session: Session) -> UserView:
        taken = _name_taken(session, name)
        if taken is not None:
            raise InvalidValue("username", username, f"a login name not used by another user ({taken!r} is)")
        practitioner_id = None
        if practitioner_username:
            practitioner_id = session.scalar(select(Practitioner.id)
                                             .where(Practitioner.username == practitioner_username))
            if practitioner_id is None:
                raise NotFound("practitioner", practitioner_username)
        if role == UserRole.PRACTITIONER and practitioner_id is None:
            raise InvalidValue("practitioner", None, "the practitioner record this login belongs to")
        user = User(username=name, full_name=full_name, role=role, password_hash=hashed,
                    practitioner_id=practitioner_id, active=True, failed_logins=0)
        audit.add_created(db, session, actor, user, "user", {"username": name, "role": role})
        return UserView(user.id, user.username, user.full_name, user.role, user.practitioner_id)

    return db.write(work)


@dataclass(frozen=True)
class _Login:
    """What an attempt needs of the user it is for."""

    id: int
    username: str  # as stored: the name on the user's records, even from before usernames were normalised
    role: str
    practitioner_id: int | None
    password_hash: str

    @property
    def actor(self) -> Actor:
        return Actor(self.username, UserRole(self.role), self.practitioner_id, user_id=self.id)


_LOGIN_COLUMNS = (User.id, User.username, User.role, User.practitioner_id, User.password_hash)


def _find_login(session: Session, typed: str) -> _Login | None:
    """The active user `typed` names once both are normalised. Stored names that collide once normalised (from
    before normalising) are told apart by the name typed exactly as stored; otherwise none is chosen (logged)."""
    key = username_key(typed)
    rows = [row for row in session.execute(select(*_LOGIN_COLUMNS).where(User.active.is_(True)))
            if username_key(row.username) == key]
    if len(rows) > 1:
        exact = [row for row in rows if row.username == typed] or [row for row in rows if row.username == typed.strip()]
        if len(exact) != 1:
            log.warning("login %r matches %d users once normalised (%s): none is chosen; type the name exactly as "
                        "stored, or have the owner rename one", typed, len(rows), ", ".join(repr(r.username)
                                                                                         for r in rows))
            return None
        rows = exact
    return _Login(*rows[0]) if rows else None


def _take_attempt(session: Session, user_id: int, moment: datetime) -> int | None:
    """Count one attempt before its password is checked, in one conditional UPDATE: its number, or None when the
    account is locked (then nothing is counted or checked). The attempt that uses up the last one sets the lock
    at once, so no parallel attempt gets through while it is being checked; a right password lifts it again."""
    lapsed = User.locked_until.is_not(None)  # with the WHERE below: a lock that has run out, so counting restarts
    number = case((lapsed, 1), else_=User.failed_logins + 1)
    stmt = (update(User)
            .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= moment))
            .values(failed_logins=number, locked_until=case((number >= MAX_FAILURES, moment + LOCKOUT), else_=None)))
    if session.connection().execute(stmt).rowcount == 0:
        return None
    return session.scalar(select(User.failed_logins).where(User.id == user_id))


def _attempt(db: Database, login: _Login, password: str, moment: datetime, actor: Actor, failed: str,
             wrong_message: str) -> None:
    """Check `password` for `login` within the lockout: counted first, refused unchecked while locked, and
    audited (`failed` names a wrong password's audit action). Returns when the password is right; the caller then
    resets the count (`_succeeded`)."""

    def take(session: Session) -> tuple[int | None, datetime | None]:
        for _ in range(3):  # a lock lifted by another workstation between the refused UPDATE and the read: again
            number = _take_attempt(session, login.id, moment)
            if number is not None:
                return number, None
            until = session.scalar(select(User.locked_until).where(User.id == login.id))
            if until is not None and until > moment:
                audit.record(db, session, actor, AuditEvent("login_refused", "user", str(login.id),
                                                            {"reason": "locked", "locked_until": until}))
                return None, until
        raise NotFound("user", login.id)  # no row to count on (users are deactivated, never deleted)

    number, until = db.write(take)
    if number is None:
        assert until is not None
        raise AccountLocked(login.username, until)
    if verify_password(login.password_hash, password):
        return
    detail: dict[str, Any] = {"failures": number}
    if number >= MAX_FAILURES:
        detail["locked_until"] = moment + LOCKOUT
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(failed, "user", str(login.id), detail)))
    raise LoginFailed(wrong_message)


def _succeeded(session: Session, user_id: int) -> None:
    """A right password: the count of failed attempts starts again and any lock is lifted."""
    session.connection().execute(update(User).where(User.id == user_id).values(failed_logins=0, locked_until=None))


_WRONG = "the username or password is wrong"


def login(db: Database, username: str, password: str, now: datetime | None = None) -> Actor:
    """The acting user for a correct password; counts failures and locks the account after five."""
    moment = now or utcnow()
    with db.reading() as session:
        found = _find_login(session, username)
    if found is None:  # unknown or deactivated: the same argon2 work as a real check, so timing tells nothing
        verify_password(DUMMY_HASH, password)
        _record(db, "login_failed", username, {"reason": "unknown user"})
        raise LoginFailed(_WRONG)
    _attempt(db, found, password, moment, _ANONYMOUS, "login_failed", _WRONG)

    def reset(session: Session) -> None:
        _succeeded(session, found.id)
        audit.record(db, session, found.actor, AuditEvent("login", "user", str(found.id), {}))

    db.write(reset)
    return found.actor


def change_own_password(db: Database, actor: Actor, current: str, new: str, now: datetime | None = None) -> None:
    """The logged-in user replaces their password, giving the current one first. A wrong current password counts
    as a failed login attempt (five lock the account); the audit records the change, never a password."""
    if actor.user_id is None:
        raise InvalidValue("user", actor.username, "a logged-in user: only a login has a password to change")
    check_login(db, actor)  # still active, with the role they logged in with
    with db.reading() as session:
        found = session.execute(select(*_LOGIN_COLUMNS).where(User.id == actor.user_id)).first()
    if found is None:
        raise NotFound("user", actor.user_id)
    login_row = _Login(*found)
    if new == current:
        raise PasswordRefused("the same as the current password", "new password", "choose a different one")
    check_new_password(new, login_row.username)
    _attempt(db, login_row, current, now or utcnow(), actor, "password_change_failed",
             f"current password: it is wrong; after {MAX_FAILURES} wrong passwords in a row the "
             f"account is locked for {int(LOCKOUT.total_seconds() // 60)} minutes")
    hashed = hash_password(new)  # slow by design: outside the write transaction

    def work(session: Session) -> None:
        _succeeded(session, login_row.id)
        session.connection().execute(update(User).where(User.id == login_row.id).values(password_hash=hashed))
        audit.record(db, session, actor, AuditEvent("password_changed", "user", str(login_row.id),
                                                    {"username": login_row.username}))

    db.write(work)


def _record(db: Database, action: str, username: str, detail: dict[str, object]) -> None:
    db.write(lambda session: audit.record(db, session, _ANONYMOUS,
                                          AuditEvent(action, "user", username, detail)))
