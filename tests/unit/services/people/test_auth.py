"""Login: right password lets in with the user's role; five failures lock the account for five minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, User
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.services.people import auth
from clinic_log.services.people.auth import AccountLocked, LoginFailed, create_user, login
from tests.unit.services.helpers import make_clinic

T0 = datetime(2026, 11, 25, 9, 0)


def test_login_returns_the_users_role_and_practitioner(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    create_user(db, owner, "mbrandt", "Dr Maria Brandt", "practitioner", "correct horse battery", "mbrandt")
    actor = login(db, "mbrandt", "correct horse battery", now=T0)
    assert (actor.username, actor.role, actor.practitioner_id) == ("mbrandt", UserRole.PRACTITIONER, clinic.derm_id)
    with db.reading() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "mbrandt"))
    assert stored is not None and stored.startswith("$argon2") and "correct horse battery" not in stored


def test_wrong_password_does_not_say_which_part_was_wrong(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")
    for username in ("desk", "nobody"):
        with pytest.raises(LoginFailed, match="username or password is wrong"):
            login(db, username, "guess", now=T0)


def test_five_failures_lock_for_five_minutes(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")
    for n in range(5):
        with pytest.raises(LoginFailed):
            login(db, "desk", "wrong", now=T0 + timedelta(seconds=n))
    with pytest.raises(AccountLocked, match="until 09:05 UTC"):
        login(db, "desk", "reception-pass-1", now=T0 + timedelta(minutes=4, seconds=59))
    assert login(db, "desk", "reception-pass-1", now=T0 + timedelta(minutes=5, seconds=5)).role is UserRole.RECEPTION


def test_success_resets_the_failure_count(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(db, "desk", "wrong", now=T0)
    login(db, "desk", "reception-pass-1", now=T0)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(db, "desk", "wrong", now=T0)
    assert login(db, "desk", "reception-pass-1", now=T0).username == "desk"


def test_attempts_are_audited(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")
    with pytest.raises(LoginFailed):
        login(db, "desk", "wrong", now=T0)
    login(db, "desk", "reception-pass-1", now=T0)
    with db.reading() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "user")))
    assert actions[-2:] == ["login_failed", "login"]


def test_only_the_owner_creates_users_with_a_real_password(db: Database, owner: Actor) -> None:
    with pytest.raises(PermissionDenied):
        create_user(db, Actor("desk", UserRole.RECEPTION), "x", "X", "reception", "long enough pass")
    with pytest.raises(InvalidValue, match="at least 12 characters"):
        create_user(db, owner, "x", "X", "reception", "short")
    with pytest.raises(InvalidValue, match="practitioner record"):
        create_user(db, owner, "x", "X", "practitioner", "long enough pass")


# --- issue 15, item 7: password rule, own password, usernames, timing, atomic lockout -------------------------------

STRONG = "plum-orchard-lantern"
NEW = "quiet-harbour-ferns"


@pytest.mark.parametrize(("password", "reason"), [
    (" " * 8, "too short"),
    ("password", "too short"),
    ("eleven-char", "too short"),
    (" " * 12, "only spaces"),
    (" \t" * 6, "only spaces"),
    ("zzzzzzzzzzzzzzzz", "one character repeated"),
    ("password1234", "most common passwords"),
    ("PassWord1234", "most common passwords"),
    ("ｐａｓｓｗｏｒｄ１２３４", "most common passwords"),  # full-width letters: the same after NFKC
    ("qwerty123456", "most common passwords"),
    ("summer2024!!!", "most common passwords"),  # a common password with digits and symbols added
    ("frontdesk", "too short"),
    ("frontdesk-2026", "contains the username"),
    ("FRONTDESK1234", "contains the username"),
], ids=["8 spaces", "password", "11 characters", "12 spaces", "spaces and tabs", "one letter", "common",
        "common in capitals", "common in full width", "keyboard walk", "common padded", "username", "username padded",
        "username in capitals"])
def test_a_weak_password_is_refused_with_the_reason(db: Database, owner: Actor, password: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason) as refused:
        auth.create_user(db, owner, "frontdesk", "Front desk", "reception", password)
    assert "at least 12 characters, not a common password" in str(refused.value)
    assert not any(u.username == "frontdesk" for u in auth.list_users(db, owner))


def test_a_long_uncommon_password_is_accepted(db: Database, owner: Actor) -> None:
    for n, password in enumerate((STRONG, "Tr0ub4dor&3-horse", "zofia łukasiewicz 1990", "12 chars ok!")):
        auth.create_user(db, owner, f"user{n}", "User", "reception", password)
        assert auth.login(db, f"user{n}", password, now=T0).username == f"user{n}"


def test_every_way_of_setting_a_password_uses_the_one_rule(db: Database) -> None:
    with pytest.raises(InvalidValue, match="most common passwords"):
        auth.create_first_owner(db, "ada", "Ada Owner", "password1234")
    ada = auth.create_first_owner(db, "ada", "Ada Owner", STRONG)
    with pytest.raises(InvalidValue, match="most common passwords"):
        auth.create_user(db, ada, "desk", "Front desk", "reception", "iloveyou1234")
    desk = auth.create_user(db, ada, "desk", "Front desk", "reception", STRONG)
    with pytest.raises(InvalidValue, match="too short"):
        auth.reset_password(db, ada, desk.id, " " * 8)
    with pytest.raises(InvalidValue, match="contains the username"):
        auth.reset_password(db, ada, desk.id, "desk-at-the-front")
    desk_login = auth.login(db, "desk", STRONG, now=T0)
    with pytest.raises(InvalidValue, match="most common passwords"):
        auth.change_own_password(db, desk_login, STRONG, "qwerty123456", now=T0)
    assert auth.login(db, "desk", STRONG, now=T0).username == "desk"


def user_audit(db: Database) -> list[AuditEntry]:
    with db.reading() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.entity == "user").order_by(AuditEntry.id)))


def test_a_user_changes_their_own_password_and_the_audit_never_shows_it(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", STRONG)
    desk = login(db, "desk", STRONG, now=T0)
    auth.change_own_password(db, desk, STRONG, NEW, now=T0)
    with pytest.raises(LoginFailed):
        login(db, "desk", STRONG, now=T0)
    assert login(db, "desk", NEW, now=T0).user_id == desk.user_id
    changed = [e for e in user_audit(db) if e.action == "password_changed"]
    assert [(e.actor, e.entity_id) for e in changed] == [("desk", str(desk.user_id))]
    assert not any(secret in e.detail for e in user_audit(db) for secret in (STRONG, NEW))


def test_changing_your_own_password_needs_a_login_and_a_new_password(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", STRONG)
    desk = login(db, "desk", STRONG, now=T0)
    with pytest.raises(InvalidValue, match="new password: the same as the current password"):
        auth.change_own_password(db, desk, STRONG, STRONG, now=T0)
    with pytest.raises(InvalidValue, match="logged-in user"):
        auth.change_own_password(db, owner, STRONG, NEW, now=T0)  # the command line's actor has no password


def test_a_wrong_current_password_counts_towards_the_lockout(db: Database, owner: Actor) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", STRONG)
    desk = login(db, "desk", STRONG, now=T0)
    for _ in range(4):
        with pytest.raises(LoginFailed, match="current password"):
            auth.change_own_password(db, desk, "not-my-password-1", NEW, now=T0)
    with pytest.raises(LoginFailed):
        login(db, "desk", "still-not-my-password", now=T0)
    with pytest.raises(AccountLocked):
        login(db, "desk", STRONG, now=T0 + timedelta(minutes=1))
    with pytest.raises(AccountLocked):
        auth.change_own_password(db, desk, STRONG, NEW, now=T0 + timedelta(minutes=1))
    failures = [e for e in user_audit(db) if e.action == "password_change_failed"]
    assert [(e.actor, e.entity_id) for e in failures] == [("desk", str(desk.user_id))] * 4


def test_usernames_are_stored_trimmed_case_folded_and_nfkc_normalised(db: Database, owner: Actor) -> None:
    view = create_user(db, owner, "  Ｆront.Desk ", "Front desk", "reception", STRONG)  # a full-width F
    assert view.username == "front.desk"
    for typed in ("front.desk", "FRONT.DESK", " Front.Desk  ", "ｆｒｏｎｔ.ｄｅｓｋ"):
        assert login(db, typed, STRONG, now=T0).username == "front.desk"


def test_the_first_owners_username_is_normalised_too(db: Database) -> None:
    assert auth.create_first_owner(db, " Ada.Owner ", "Ada", STRONG).username == "ada.owner"
    assert login(db, "ADA.OWNER", STRONG, now=T0).username == "ada.owner"


@pytest.mark.parametrize(("username", "reason"), [
    ("", "a login name"),
    ("   ", "a login name"),
    ("ad\u200bmin", "invisible or control characters"),  # zero-width space (Cf)
    ("\u200badmin", "invisible or control characters"),
    ("ad\u00admin", "invisible or control characters"),  # soft hyphen (Cf)
    ("bell\x07", "invisible or control characters"),  # Cc
    ("line\u2028two", "invisible or control characters"),  # Zl
    ("para\u2029two", "invisible or control characters"),  # Zp
    ("jo hn", "no spaces"),
    ("jo\u00a0hn", "no spaces"),  # a no-break space
    ("jo\thn", "invisible or control characters"),
], ids=["empty", "spaces", "zero-width space", "leading zero-width", "soft hyphen", "bell", "line separator",
        "paragraph separator", "space", "no-break space", "tab"])
def test_a_username_with_invisible_characters_or_spaces_is_refused(db: Database, owner: Actor, username: str,
                                                                  reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        create_user(db, owner, username, "Someone", "reception", STRONG)
    with pytest.raises(InvalidValue, match=reason):
        auth.create_first_owner(db, username, "Someone", STRONG)
    assert auth.list_users(db, owner) == []


def test_a_username_differing_only_in_case_or_form_is_a_duplicate(db: Database, owner: Actor) -> None:
    create_user(db, owner, "owner", "Owner", "owner", STRONG)
    for same in ("Owner", "OWNER ", "ｏｗｎｅｒ", " owner"):
        with pytest.raises(InvalidValue, match="not used by another user"):
            create_user(db, owner, same, "Another", "reception", NEW)
    assert [u.username for u in auth.list_users(db, owner)] == ["owner"]


def add_stored_user(db: Database, username: str, password: str, active: bool = True) -> int:
    """A user as a database from before usernames were normalised may hold it."""
    from clinic_log.services.people.passwords import hash_password

    def work(session: Session) -> int:
        user = User(username=username, full_name=username, role="reception", password_hash=hash_password(password),
                    practitioner_id=None, active=active, failed_logins=0)
        session.add(user)
        session.flush()
        return user.id

    return db.write(work)


def test_a_stored_username_from_before_normalising_still_logs_in_under_its_own_name(db: Database) -> None:
    add_stored_user(db, "Legacy.Desk ", STRONG)
    actor = login(db, "legacy.desk", STRONG, now=T0)
    assert actor.username == "Legacy.Desk "  # the name on its records and drafts stays as it was
    assert login(db, "LEGACY.DESK", STRONG, now=T0).user_id == actor.user_id


def test_stored_usernames_that_collide_once_normalised_are_left_and_logged(db: Database, owner: Actor,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    add_stored_user(db, "dup", STRONG)
    add_stored_user(db, "Dup", NEW)
    assert login(db, "dup", STRONG, now=T0).username == "dup"  # typed exactly as stored: that one
    assert login(db, "Dup", NEW, now=T0).username == "Dup"
    with caplog.at_level("WARNING", logger="clinic_log.services.people.auth"), pytest.raises(LoginFailed):
        login(db, "DUP", STRONG, now=T0)
    assert "2 users" in caplog.text
    with pytest.raises(InvalidValue, match="not used by another user"):
        create_user(db, owner, "dUp", "Third", "reception", STRONG)


def counted_verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password verification login makes, by the hash it checks against."""
    from clinic_log.services.people import passwords

    checked: list[str] = []

    def counting(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return passwords.verify_password(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counting)
    return checked


def test_an_unknown_or_deactivated_username_costs_the_same_argon2_check(db: Database, owner: Actor,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    create_user(db, owner, "desk", "Front desk", "reception", STRONG)
    gone = create_user(db, owner, "gone", "Gone", "reception", STRONG)
    auth.deactivate_user(db, owner, gone.id)
    checked = counted_verifications(monkeypatch)
    for username in ("desk", "nobody", "gone"):
        with pytest.raises(LoginFailed, match="username or password is wrong"):
            login(db, username, "wrong-password-9", now=T0)
    assert len(checked) == 3  # one argon2 verification each, known or not
    parameters = {h.split("$")[3] for h in checked}
    assert parameters == {"m=19456,t=2,p=1"}  # the dummy hash costs what a real one does


def test_twelve_parallel_wrong_attempts_verify_at_most_five_and_lock(db: Database, owner: Actor,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from clinic_log.services.people import passwords

    create_user(db, owner, "desk", "Front desk", "reception", STRONG)
    attempts = 12
    state = threading.Condition()
    counts = {"verifying": 0, "finished": 0}

    def verify_when_all_are_in(password_hash: str, password: str) -> bool:
        # Hold each verification until every attempt is either verifying or finished, so all attempts overlap.
        with state:
            counts["verifying"] += 1
            state.notify_all()
            state.wait_for(lambda: counts["verifying"] + counts["finished"] >= attempts, timeout=60)
        return passwords.verify_password(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", verify_when_all_are_in)
    start = threading.Barrier(attempts)
    outcomes: list[str] = []

    def attempt() -> None:
        start.wait(timeout=60)
        try:
            login(db, "desk", "wrong-password-9", now=T0)
            outcomes.append("logged in")
        except (LoginFailed, AccountLocked) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            with state:
                counts["finished"] += 1
                state.notify_all()

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert counts["verifying"] <= auth.MAX_FAILURES
    assert sorted(outcomes) == ["AccountLocked"] * (attempts - auth.MAX_FAILURES) + ["LoginFailed"] * auth.MAX_FAILURES
    with pytest.raises(AccountLocked):
        login(db, "desk", STRONG, now=T0 + timedelta(minutes=1))
    actions = [e.action for e in user_audit(db)]
    assert actions.count("login_failed") == auth.MAX_FAILURES
    assert actions.count("login_refused") == attempts - auth.MAX_FAILURES + 1  # every attempt is audited
