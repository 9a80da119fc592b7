"""The client's record in one read: consultation lines, findings and the suitability judged from them, the
clinic's contraindication list, decisions by reference, and each opening audited as access to the record."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.suitability import NOT_SUITABLE, SUITABLE
from clinic_log.services.audit.audit_queries import AuditFilter, list_audit
from clinic_log.services.clients import clients
from clinic_log.services.clients.client_record import (
    client_decisions,
    client_record,
    contraindication_kinds,
    open_client_record,
)
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.sessions.decisions import DecisionInput, close_decision, record_decision
from tests.unit.services.helpers import make_clinic

DESK = Actor("desk", UserRole.RECEPTION)


@pytest.fixture
def zofia(db: Database, owner: Actor) -> clients.ClientView:
    return clients.create_client(db, owner, ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1),
                                                          phone="+48 501 234 567", fitzpatrick=2))


def test_consultation_is_stored_and_read_back(db: Database, owner: Actor, zofia: clients.ClientView) -> None:
    clients.set_fitzpatrick(db, owner, zofia.id, 5)
    clients.add_history(db, owner, zofia.id, "medication", "Isotretinoin 20 mg", date(2026, 1, 5))
    gone = clients.add_history(db, owner, zofia.id, "concern", "typo", date(2026, 1, 5))
    clients.add_history(db, owner, zofia.id, "outcome", "Smoother acne scars", date(2026, 1, 5))
    clients.remove_history(db, owner, gone)
    iso = clients.add_finding(db, owner, zofia.id, "isotretinoin", date(2026, 1, 5))
    record = client_record(db, zofia.id, date(2026, 9, 1))
    assert record.suitability.verdict == NOT_SUITABLE
    assert record.suitability.reasons[0].text == "Isotretinoin — ongoing (noted 2026-01-05)"
    clients.set_finding_end(db, owner, iso, date(2026, 8, 1))
    record = client_record(db, zofia.id, date(2026, 9, 1))
    assert [r.text for r in record.suitability.reasons] == [
        "Isotretinoin stopped 2026-08-01 — 6-month window ends 2027-02-01",
        "Fitzpatrick V — PIH risk above 1.0 mm or with RF"]
    assert [h.text for h in record.history] == ["Isotretinoin 20 mg", "Smoother acne scars"]
    assert record.client.fitzpatrick == 5
    with pytest.raises(InvalidValue, match="ends_on"):
        clients.set_finding_end(db, owner, iso, date(2025, 12, 31))
    clients.remove_finding(db, owner, iso)
    clients.set_fitzpatrick(db, owner, zofia.id, 2)
    assert client_record(db, zofia.id, date(2026, 9, 1)).suitability.verdict == SUITABLE


def test_contraindication_list_puts_absolute_first(db: Database) -> None:
    kinds = contraindication_kinds(db)
    assert len(kinds) == 34
    assert {k.severity.value for k in kinds[:16]} == {"absolute"}
    assert {k.severity.value for k in kinds[16:]} == {"relative"}
    assert {k.code for k in kinds if k.time_bound} == {"isotretinoin", "light_peel", "ablative_resurfacing",
                                                        "botulinum_toxin", "filler", "waxing", "retinoids"}
    assert {k.code for k in kinds if k.modality.value == "rf"} == {"implanted_device", "metal_implants_area",
                                                                   "gold_allergy"}


def _viewed(db: Database, owner: Actor) -> list[tuple[str, str | None, str]]:
    return [(r.actor, r.entity_id, r.detail) for r in list_audit(db, owner, AuditFilter(action="viewed"))]


def test_decisions_by_reference_list_the_open_ones_first_and_the_reading_is_audited(db: Database,
                                                                                    owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    today = date.today()
    closed = record_decision(db, clinic.derm, clinic.client_id,
                             DecisionInput("referral", "mole changed colour", referred_to="GP"), today)
    close_decision(db, clinic.derm, closed, "seen by the GP, benign")
    still_open = record_decision(db, clinic.derm, clinic.client_id,
                                 DecisionInput("alternative", "wants a peel first", alternative="light peel"), today)
    client_record(db, clinic.client_id, today)  # the plain read (checks, sheets) is not an opening
    assert _viewed(db, owner) == []
    found = client_decisions(db, owner, "P-1", today, "decisions command")
    assert found.client_id == clinic.client_id
    assert [d.id for d in found.decisions] == [still_open, closed]
    assert [d.id for d in open_client_record(db, DESK, clinic.client_id, today).open_decisions] == [still_open]
    assert _viewed(db, owner) == [("desk", str(clinic.client_id), '{"where": "client page"}'),
                                  ("owner", str(clinic.client_id), '{"where": "decisions command"}')]


def test_a_blank_or_unknown_reference_or_client_is_named_and_nothing_is_audited(db: Database, owner: Actor,
                                                                                zofia: clients.ClientView) -> None:
    with pytest.raises(InvalidValue, match="client reference"):
        client_decisions(db, owner, "  ", date(2026, 7, 1), "decisions command")
    with pytest.raises(NotFound, match="client P-404 not found"):
        client_decisions(db, owner, "P-404", date(2026, 7, 1), "decisions command")
    with pytest.raises(NotFound, match="client"):
        open_client_record(db, owner, zofia.id + 100, date(2026, 7, 1))
    assert _viewed(db, owner) == []
