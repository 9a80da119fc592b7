"""Client records: search in any script, duplicate refs, who may change what, suitability."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.domain.suitability import CAUTIONS, NOT_SUITABLE
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.people.people import PractitionerDetails, create_practitioner

RECEPTION = Actor("desk", UserRole.RECEPTION)


@pytest.fixture
def zofia(db: Database, owner: Actor) -> clients.ClientView:
    clients.create_client(db, owner, ClientDetails("P-2", "李", "娜", date(1992, 3, 3), phone="+86 138 0000 0000"))
    return clients.create_client(db, owner, ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1),
                                                          phone="+48 501 234 567", fitzpatrick=2))


@pytest.mark.parametrize(("query", "ref"), [("zofia", "P-1"), ("LUKASIEWICZ", "P-1"), ("李", "P-2"),
                                            ("p-1", "P-1"), ("501 234", "P-1")])
def test_search_finds_clients_by_any_part(db: Database, zofia: clients.ClientView, query: str, ref: str) -> None:
    assert [c.client_ref for c in clients.find_clients(db, query)] == [ref]


def test_duplicate_reference_is_refused(db: Database, owner: Actor, zofia: clients.ClientView) -> None:
    with pytest.raises(InvalidValue, match="client_ref: 'P-1' is not allowed"):
        clients.create_client(db, owner, ClientDetails("P-1", "Other", "Person"))


def test_reception_edits_contact_details_but_not_findings(db: Database, zofia: clients.ClientView) -> None:
    updated = clients.update_contact(db, RECEPTION, zofia.id, "+48 600 000 000", "z@example.com")
    assert updated.phone == "+48 600 000 000"
    with pytest.raises(PermissionDenied, match="reception"):
        clients.add_finding(db, RECEPTION, zofia.id, "eczema", date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        clients.add_history(db, RECEPTION, zofia.id, "allergy", "nickel", date(2026, 1, 1))


def test_only_a_physician_clears_a_relative_contraindication(db: Database, owner: Actor,
                                                              zofia: clients.ClientView) -> None:
    finding = clients.add_finding(db, owner, zofia.id, "keloid_history", date(2025, 1, 1))
    assert clients.suitability(db, zofia.id, date(2026, 1, 1)).verdict == CAUTIONS
    nurse = create_practitioner(db, owner, PractitionerDetails("jd", "Jane Doyle", "nurse", True, 1.5))
    with pytest.raises(PermissionDenied, match="physicians only"):
        clients.clear_finding(db, Actor("jd", UserRole.PRACTITIONER, nurse.id), finding, "looks fine")
    derm = create_practitioner(db, owner, PractitionerDetails("mb", "Dr Maria Brandt", "dermatologist", False, 3.0))
    clients.clear_finding(db, Actor("mb", UserRole.PRACTITIONER, derm.id), finding, "test patch healed well")
    [reason] = clients.suitability(db, zofia.id, date(2026, 1, 1)).reasons
    assert reason.cleared and "cleared by mb: test patch healed well" in reason.text


def test_absolute_contraindication_makes_client_unsuitable(db: Database, owner: Actor,
                                                           zofia: clients.ClientView) -> None:
    clients.add_finding(db, owner, zofia.id, "isotretinoin", date(2026, 1, 1), ends_on=date(2026, 8, 1))
    assert clients.suitability(db, zofia.id, date(2027, 1, 31)).verdict == NOT_SUITABLE
    assert clients.suitability(db, zofia.id, date(2027, 2, 1)).verdict != NOT_SUITABLE


def test_unknown_contraindication_lists_the_allowed_codes(db: Database, owner: Actor,
                                                          zofia: clients.ClientView) -> None:
    with pytest.raises(InvalidValue, match="one of ablative_resurfacing, active_acne, anticoagulants"):
        clients.add_finding(db, owner, zofia.id, "sunburnt", date(2026, 1, 1))
