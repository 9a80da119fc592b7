"""Login: right password lets in with the user's role; five failures lock the account for five minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, User
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.services.auth import AccountLocked, LoginFailed, create_user, login
from tests.unit.services.helpers import make_clinic

T0 = datetime(2026, 11, 25, 9, 0)


def test_login_returns_the_users_role_and_practitioner(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    create_user(db, owner, "mbrandt", "Dr Maria Brandt", "practitioner", "correct horse", "mbrandt")
    actor = login(db, "mbrandt", "correct horse", now=T0)
    assert (actor.username, actor.role, actor.practitioner_id) == ("mbrandt", UserRole.PRACTITIONER, clinic.derm_id)
    with db.reading() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "mbrandt"))
    assert stored is not None and stored.startswith("$argon2") and "correct horse" not in stored


def test_wrong_password_does_not_say_which_part_was_wrong(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", "reception-1")
    for username in ("desk", "nobody"):
        with pytest.raises(LoginFailed, match="username or password is wrong"):
            login(db, username, "guess", now=T0)


def test_five_failures_lock_for_five_minutes(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", "reception-1")
    for n in range(5):
        with pytest.raises(LoginFailed):
            login(db, "desk", "wrong", now=T0 + timedelta(seconds=n))
    with pytest.raises(AccountLocked, match="until 09:05 UTC"):
        login(db, "desk", "reception-1", now=T0 + timedelta(minutes=4, seconds=59))
    assert login(db, "desk", "reception-1", now=T0 + timedelta(minutes=5, seconds=5)).role is UserRole.RECEPTION


def test_success_resets_the_failure_count(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", "reception-1")
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(db, "desk", "wrong", now=T0)
    login(db, "desk", "reception-1", now=T0)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(db, "desk", "wrong", now=T0)
    assert login(db, "desk", "reception-1", now=T0).username == "desk"


def test_attempts_are_audited(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", "reception-1")
    with pytest.raises(LoginFailed):
        login(db, "desk", "wrong", now=T0)
    login(db, "desk", "reception-1", now=T0)
    with db.reading() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "user")))
    assert actions[-2:] == ["login_failed", "login"]


def test_only_the_owner_creates_users_with_a_real_password(db: Database, owner: Actor) -> None:
    with pytest.raises(PermissionDenied):
        create_user(db, Actor("desk", UserRole.RECEPTION), "x", "X", "reception", "long enough")
    with pytest.raises(InvalidValue, match="at least 8 characters"):
        create_user(db, owner, "x", "X", "reception", "short")
    with pytest.raises(InvalidValue, match="practitioner record"):
        create_user(db, owner, "x", "X", "practitioner", "long enough")
