"""User management, practitioner and credential edits and voiding: each change audited (clinic settings: clinic/
test_clinic_settings.py; demo logins: exchange/test_demo.py)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import ChangedElsewhere, InvalidValue, PermissionDenied, RecordLocked
from clinic_log.services.people import auth, people
from clinic_log.services.people.auth import AccountLocked, LoginFailed
from clinic_log.services.review.reminders import expiring_credentials
from clinic_log.services.sessions import amendments
from clinic_log.services.sessions.session_queries import get_session, list_sessions
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import LICENCE_EXPIRES, make_clinic, session_entry

T0 = datetime(2026, 11, 25, 9, 0)


def audit_actions(db: Database, entity: str) -> list[tuple[str, str, dict[str, object]]]:
    with db.reading() as session:
        return [(r.actor, r.action, json.loads(r.detail)) for r in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id))]


def test_the_first_owner_is_created_once_and_can_log_in(db: Database) -> None:
    assert not auth.has_users(db)
    first = auth.create_first_owner(db, "ada", "Ada Owner", "first-owner-1")
    assert (first.username, first.role, first.practitioner_id) == ("ada", UserRole.OWNER, None)
    assert first.user_id is not None  # the owner's later actions are checked against the stored login
    assert auth.has_users(db)
    assert auth.login(db, "ada", "first-owner-1", now=T0).role is UserRole.OWNER
    with pytest.raises(InvalidValue, match="users already exist"):
        auth.create_first_owner(db, "eve", "Eve", "another-owner-1")


def test_a_locked_account_opens_again_after_five_minutes_and_each_refusal_is_audited(db: Database,
                                                                                     owner: Actor) -> None:
    auth.create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")
    for n in range(5):
        with pytest.raises(LoginFailed):
            auth.login(db, "desk", "guess", now=T0 + timedelta(seconds=n))
    with pytest.raises(AccountLocked) as locked:
        auth.login(db, "desk", "reception-pass-1", now=T0 + timedelta(minutes=4, seconds=59))
    assert locked.value.until == T0 + timedelta(seconds=4) + auth.LOCKOUT
    assert auth.login(db, "desk", "reception-pass-1", now=T0 + timedelta(minutes=5, seconds=5)).username == "desk"
    actions = [a for _, a, _ in audit_actions(db, "user")]
    assert actions.count("login_failed") == 5 and actions.count("login_refused") == 1 and actions[-1] == "login"


def test_reset_password_lifts_the_lockout_and_the_old_password_stops_working(db: Database, owner: Actor) -> None:
    desk = auth.create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")
    for _ in range(5):
        with pytest.raises(LoginFailed):
            auth.login(db, "desk", "guess", now=T0)
    auth.reset_password(db, owner, desk.id, "brand-new-pass")
    with pytest.raises(LoginFailed):
        auth.login(db, "desk", "reception-pass-1", now=T0)
    assert auth.login(db, "desk", "brand-new-pass", now=T0).username == "desk"
    with pytest.raises(InvalidValue, match="at least 12 characters"):
        auth.reset_password(db, owner, desk.id, "short")


def test_a_deactivated_user_cannot_log_in_and_the_last_owner_stays(db: Database, owner: Actor) -> None:
    boss = auth.create_user(db, owner, "boss", "Boss", "owner", "chief-pass-0001")
    desk = auth.create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")
    auth.deactivate_user(db, owner, desk.id)
    with pytest.raises(LoginFailed):
        auth.login(db, "desk", "reception-pass-1", now=T0)
    listed = {u.username: u.active for u in auth.list_users(db, owner)}
    assert listed == {"boss": True, "desk": False}
    with pytest.raises(InvalidValue, match="your own login"):
        auth.deactivate_user(db, Actor("boss", UserRole.OWNER), boss.id)
    with pytest.raises(InvalidValue, match="last active owner"):
        auth.deactivate_user(db, owner, boss.id)


def test_practitioner_edits_and_credentials_are_audited_with_old_and_new(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    people.update_practitioner(db, owner, clinic.nurse_id, "Jane Doyle-Smith", "nurse", True, 1.0)
    added = people.add_credential(db, owner, clinic.nurse_id, people.CredentialInput(
        "microneedling certificate", "MN-77", date(2027, 3, 1), "Academy", date(2025, 3, 1)))
    people.update_credential(db, owner, added.id, people.CredentialInput(
        "microneedling certificate", "MN-77", date(2029, 3, 1), "Academy", date(2025, 3, 1)))
    [nurse] = [p for p in people.practitioner_records(db, owner) if p.id == clinic.nurse_id]
    assert (nurse.full_name, nurse.depth_cap_mm) == ("Jane Doyle-Smith", 1.0)
    assert {c.number: c.expires_on for c in nurse.credentials} == {"NMC-1": LICENCE_EXPIRES,
                                                                   "MN-77": date(2029, 3, 1)}
    [(_, _, practitioner_change)] = [a for a in audit_actions(db, "practitioner") if a[1] == "updated"]
    assert practitioner_change["full_name"] == {"old": "Jane Doyle", "new": "Jane Doyle-Smith"}
    [(_, _, credential_change)] = [a for a in audit_actions(db, "credential") if a[1] == "updated"]
    assert credential_change == {"expires_on": {"old": "2027-03-01", "new": "2029-03-01"}}
    with pytest.raises(InvalidValue, match="on or after the issue date"):
        people.add_credential(db, owner, clinic.nurse_id, people.CredentialInput(
            "licence", "X", date(2020, 1, 1), issued_on=date(2021, 1, 1)))


def test_a_deactivated_practitioner_is_no_longer_reminded(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    soon = LICENCE_EXPIRES - timedelta(days=22)
    assert {c.username for c in expiring_credentials(db, soon)} == {"mbrandt", "jdoyle"}
    assert [c.username for c in expiring_credentials(db, soon, practitioner_id=clinic.nurse_id)] == ["jdoyle"]
    people.set_practitioner_active(db, owner, clinic.nurse_id, False)
    assert {c.username for c in expiring_credentials(db, soon)} == {"mbrandt"}


def test_void_keeps_the_session_marks_it_and_stops_amendments(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    with pytest.raises(InvalidValue, match="reason for the void is required"):
        amendments.void_session(db, clinic.derm, saved.id, "  ")
    with pytest.raises(PermissionDenied):  # a nurse may not void a dermatologist's session
        amendments.void_session(db, clinic.nurse, saved.id, "wrong client")
    amendments.void_session(db, clinic.derm, saved.id, "entered for the wrong client")
    detail = get_session(db, saved.id)
    assert detail.is_void and detail.voided_by == "mbrandt"
    assert detail.status_text == "VOID — voided by mbrandt: entered for the wrong client"
    assert [(a.field, a.old_value, a.new_value, a.reason) for a in detail.amendments] == [
        ("status", "signed", "void", "entered for the wrong client")]
    assert [r.status for r in list_sessions(db) if r.id == saved.id] == ["void"]
    with db.reading() as session:
        assert session.get(TreatmentSession, saved.id) is not None  # never deleted
    with pytest.raises(RecordLocked, match="voided"):
        amendments.amend_session_field(db, owner, saved.id, "notes", "x", "late note")
    assert [a for _, a, _ in audit_actions(db, "session")][-1] == "voided"


def test_a_physician_may_amend_another_practitioners_session_but_not_a_nurse(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    nurse_session = log_session(db, clinic.nurse, session_entry(
        clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id, supervisor_presence="on_site"),
        sign=True)
    derm_session = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    amendments.amend_session_field(db, clinic.derm, nurse_session.id, "notes", "checked", "supervisor review")
    with pytest.raises(PermissionDenied):
        amendments.amend_session_field(db, clinic.nurse, derm_session.id, "notes", "x", "why")
    assert amendments.may_amend(clinic.derm, clinic.nurse_id, actor_is_physician=True)
    assert not amendments.may_amend(clinic.nurse, clinic.derm_id, actor_is_physician=False)
    assert not amendments.may_amend(Actor("desk", UserRole.RECEPTION), clinic.derm_id, False)
    assert amendments.is_physician(db, clinic.derm_id) and not amendments.is_physician(db, clinic.nurse_id)


def test_two_owners_editing_a_practitioner_keep_each_others_changes_or_are_told(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    opened = people.PractitionerDetails("jdoyle", "Jane Doyle", "nurse", True, 1.5)
    people.update_practitioner(db, owner, clinic.nurse_id, "Jane Doyle", "nurse", True, 1.0, opened_with=opened)
    merged = people.update_practitioner(db, owner, clinic.nurse_id, "Jane Doyle-Smith", "nurse", True, 1.5,
                                        opened_with=opened)
    assert (merged.full_name, merged.depth_cap_mm) == ("Jane Doyle-Smith", 1.0)  # the other cap stays
    with pytest.raises(ChangedElsewhere, match=r"^depth cap \(mm\): changed meanwhile by someone else to 1.0"):
        people.update_practitioner(db, owner, clinic.nurse_id, "Jane Doyle", "nurse", True, 2.0, opened_with=opened)
