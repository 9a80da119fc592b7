"""Demo data: only into an empty database or one demo made, with logins that work with the documented passwords,
clients who signed the clinic's current wording, sessions sealed, and the counts it reports true."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, Client, Consent, SessionArea, TreatmentSession, User
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import DomainError, PermissionDenied
from clinic_log.services.audit.integrity import check_database
from clinic_log.services.clinic import consent_texts
from clinic_log.services.exchange.demo import DEMO_PASSWORDS, generate_demo
from clinic_log.services.people import auth
from clinic_log.services.people.passwords import check_new_password
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import make_clinic, session_entry

T0 = datetime(2026, 11, 25, 9, 0)


@pytest.fixture
def clinic_db(db: Database, owner: Actor) -> Database:
    """A clinic with one signed session (areas, a seal) and a client."""
    made = make_clinic(db, owner)
    log_session(db, made.derm, session_entry(made), sign=True)
    return db


def test_demo_clients_signed_the_clinics_current_consent_wording(db: Database, owner: Actor) -> None:
    current = consent_texts.save_consent_text(db, owner, "Consent v2: I agree to microneedling as explained today.")
    generate_demo(db, owner, clients=20, sessions=30, seed=2)
    with db.reading() as session:
        signed = set(session.execute(select(Consent.text_version, Consent.text_snapshot)).all())
    assert signed == {(current.version, current.body)}


def test_demo_data_is_refused_in_a_database_holding_a_clinics_records(clinic_db: Database, owner: Actor) -> None:
    with pytest.raises(DomainError, match="demo data"):
        generate_demo(clinic_db, owner, clients=2, sessions=2)
    with clinic_db.reading() as session:
        assert session.scalars(select(User.username)).all() == []
        assert not session.scalars(select(AuditEntry).where(AuditEntry.entity == "demo")).all()


def test_demo_data_may_be_added_again_to_a_database_it_made(db: Database, owner: Actor) -> None:
    generate_demo(db, owner, clients=3, sessions=5)
    generate_demo(db, owner, clients=2, sessions=4, seed=2)
    with db.reading() as session:
        assert len(session.scalars(select(AuditEntry).where(AuditEntry.entity == "demo")).all()) == 2


def test_every_demo_user_logs_in_with_the_documented_password(db: Database, owner: Actor) -> None:
    generate_demo(db, owner, clients=2, sessions=2)
    roles = {role: auth.login(db, {"practitioner": "mbrandt"}.get(role, role), password, now=T0).role
             for role, password in DEMO_PASSWORDS.items()}
    assert roles == {"owner": UserRole.OWNER, "reception": UserRole.RECEPTION,
                     "practitioner": UserRole.PRACTITIONER}
    # Each has a person's name for the Users page and the audit trail, not the login name again.
    assert {(u.username, u.full_name) for u in auth.list_users(db, owner)} == {
        ("owner", "Helen Marsh"), ("reception", "Sam Okafor"), ("mbrandt", "Dr Maria Brandt")}


def test_the_demo_passwords_meet_the_length_and_common_password_rule() -> None:
    for password in DEMO_PASSWORDS.values():
        check_new_password(password)


def test_the_counts_reported_are_the_rows_added(db: Database, owner: Actor) -> None:
    made = generate_demo(db, owner, clients=7, sessions=25, seed=3)
    with db.reading() as session:
        counted = tuple(session.scalar(select(func.count()).select_from(model)) for model in (
            Client, TreatmentSession, SessionArea))
    assert (made.clients, made.sessions, made.areas) == counted
    assert made.practitioners == 6 and (made.clients, made.sessions) == (7, 25)
    assert check_database(db) == []  # every demo session is sealed


@pytest.mark.parametrize("role", [UserRole.PRACTITIONER, UserRole.RECEPTION])
def test_only_the_owner_adds_demo_data(db: Database, role: UserRole) -> None:
    with pytest.raises(PermissionDenied):
        generate_demo(db, Actor("someone", role), clients=2, sessions=2)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == 0
