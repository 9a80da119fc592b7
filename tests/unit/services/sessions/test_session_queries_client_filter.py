"""The history's client filter takes what reception types: part of a reference or of a name, any case, with or
without accents (issue 20: `d-0000021`, `Zofia`, `D-00000` all gave "No sessions match")."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.sessions.session_filter import SessionFilter
from clinic_log.services.sessions.session_queries import count_sessions, list_sessions
from clinic_log.services.sessions.sessions import save_draft
from tests.unit.services.helpers import CONSENT_SIGNED_ON, Clinic, make_clinic, session_entry


@pytest.fixture
def two_clients(db: Database, owner: Actor) -> tuple[Clinic, int]:
    """Zofia Łukasiewicz (P-1) with one session, Arina Petrova (D-0000021) with two."""
    clinic = make_clinic(db, owner)
    other = clients.create_client(db, owner, clients.ClientDetails("D-0000021", "Arina", "Petrova",
                                                                   date(1985, 5, 5)))
    record_consent(db, owner, other.id, "Arina Petrova", CONSENT_SIGNED_ON)
    save_draft(db, clinic.derm, session_entry(clinic))
    for _ in range(2):
        save_draft(db, clinic.derm, session_entry(clinic, client_id=other.id))
    return clinic, other.id


@pytest.mark.parametrize(("typed", "expected"), [
    ("d-0000021", 2),  # the reference in lower case
    ("D-00000", 2),  # part of the reference
    ("Zofia", 1),  # a first name
    ("lukasiewicz", 1),  # a surname typed without its accent
    ("ŁUKASIEWICZ zofia", 1),  # both names, any order, any case
    ("petrova arina", 2),
    ("P-", 1),  # Arina's reference has no "p-"
    ("nobody", 0),
])
def test_part_of_a_reference_or_name_in_any_case_finds_the_clients_sessions(
        db: Database, two_clients: tuple[Clinic, int], typed: str, expected: int) -> None:
    flt = SessionFilter(client=typed)
    assert count_sessions(db, flt) == expected
    assert len(list_sessions(db, flt)) == expected


def test_a_percent_sign_or_underscore_is_matched_as_typed_not_as_a_wildcard(
        db: Database, two_clients: tuple[Clinic, int]) -> None:
    assert count_sessions(db, SessionFilter(client="%")) == 0
    assert count_sessions(db, SessionFilter(client="_")) == 0


def test_a_whole_reference_in_any_case_means_that_client_only(
        db: Database, owner: Actor, two_clients: tuple[Clinic, int]) -> None:
    """D-0000021 is also the start of D-00000210: the typed reference means its own client, not both."""
    clinic, _ = two_clients
    longer = clients.create_client(db, owner, clients.ClientDetails("D-00000210", "Ola", "Nowak", date(1991, 1, 1)))
    record_consent(db, owner, longer.id, "Ola Nowak", CONSENT_SIGNED_ON)
    save_draft(db, clinic.derm, session_entry(clinic, client_id=longer.id))
    assert count_sessions(db, SessionFilter(client="d-0000021")) == 2
    assert count_sessions(db, SessionFilter(client="D-00000210")) == 1
    assert count_sessions(db, SessionFilter(client="D-000002")) == 3  # part of both references
