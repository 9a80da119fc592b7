"""Client search by every handle, duplicate detection, clinical edits and consent status (the client record is in
test_client_record.py, the consent wording in clinic/test_consent_texts.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, UserRole
from clinic_log.domain.errors import ChangedElsewhere, InvalidValue, PermissionDenied
from clinic_log.services.audit.audit_queries import AuditFilter, list_audit
from clinic_log.services.clients import clients
from clinic_log.services.clients.client_search import parse_typed_date, search_clients
from clinic_log.services.clients.clients import ClientDetails, PossibleDuplicate
from clinic_log.services.clients.consents import EXPIRED, NONE, VALID, consent_status, record_consent

RECEPTION = Actor("desk", UserRole.RECEPTION)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def zofia(db: Database, owner: Actor) -> clients.ClientView:
    clients.create_client(db, owner, ClientDetails("P-2", "李", "娜", date(1992, 3, 3), phone="+86 138 0000 0000"))
    clients.create_client(db, owner, ClientDetails("P-3", "Şükrü", "Öztürk", date(1985, 12, 24), phone="0532-111"))
    return clients.create_client(db, owner, ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1),
                                                          phone="+48 501 234 567", fitzpatrick=2))


@pytest.mark.parametrize(("query", "refs"), [
    ("1990-01-01", ["P-1"]), ("1.1.1990", ["P-1"]), ("24/12/1985", ["P-3"]), ("48501234", ["P-1"]),
    ("138 0000", ["P-2"]), ("sukru ozturk", ["P-3"]), ("ÖZTÜRK", ["P-3"]), ("娜", ["P-2"]), ("zofia x", []),
    ("", ["P-1", "P-2", "P-3"]),
])
def test_search_by_name_reference_phone_or_birth_date(db: Database, zofia: clients.ClientView, query: str,
                                                      refs: list[str]) -> None:
    assert sorted(r.client_ref for r in search_clients(db, query)) == refs


def test_search_pages_do_not_overlap(db: Database, zofia: clients.ClientView) -> None:
    first, second = search_clients(db, "", limit=2), search_clients(db, "", limit=2, offset=2)
    assert sorted(r.client_ref for r in first + second) == ["P-1", "P-2", "P-3"]  # order: the database's collation


def test_search_treats_like_wildcards_as_text(db: Database, zofia: clients.ClientView) -> None:
    assert search_clients(db, "%") == [] and search_clients(db, "_") == []


@pytest.mark.parametrize(("typed", "expected"), [("2026-02-28", date(2026, 2, 28)), ("28.2.2026", date(2026, 2, 28)),
                                                 ("2026-02-30", None), ("2026", None), ("Zofia", None)])
def test_typed_dates(typed: str, expected: date | None) -> None:
    assert parse_typed_date(typed) == expected


def test_same_name_and_birth_date_is_a_possible_duplicate(db: Database, owner: Actor,
                                                          zofia: clients.ClientView) -> None:
    twin = ClientDetails("P-9", "ZOFIA", "Lukasiewicz", date(1990, 1, 1))
    with pytest.raises(PossibleDuplicate) as caught:
        clients.create_client(db, owner, twin, allow_duplicate=False)
    assert [m.client_ref for m in caught.value.matches] == ["P-1"]
    assert search_clients(db, "P-9") == []
    created = clients.create_client(db, owner, twin)  # the user confirmed: created anyway
    assert created.client_ref == "P-9"
    other_day = ClientDetails("P-10", "Zofia", "Łukasiewicz", date(1990, 1, 2))
    assert clients.create_client(db, owner, other_day, allow_duplicate=False).client_ref == "P-10"


def test_two_workstations_changing_different_fields_keep_both(db: Database, owner: Actor,
                                                             zofia: clients.ClientView) -> None:
    opened = clients.ClientDetails(zofia.client_ref, zofia.first_name, zofia.last_name, zofia.date_of_birth,
                                   zofia.phone, zofia.email)
    clients.update_details(db, RECEPTION, zofia.id, replace(opened, email="zofia@example.com"), opened_with=opened)
    saved = clients.update_details(db, owner, zofia.id, replace(opened, phone="+48 600 111 222"), opened_with=opened)
    assert (saved.email, saved.phone) == ("zofia@example.com", "+48 600 111 222")  # the desk's e-mail stays
    [change] = [e for e in list_audit(db, owner, AuditFilter(action="changed", actor=owner.username))
                if e.entity == "client"]
    assert '"phone"' in change.detail and "email" not in change.detail


def test_a_field_changed_on_two_workstations_is_refused_naming_it(db: Database, owner: Actor,
                                                                  zofia: clients.ClientView) -> None:
    opened = clients.ClientDetails(zofia.client_ref, zofia.first_name, zofia.last_name, zofia.date_of_birth,
                                   zofia.phone, zofia.email)
    clients.update_details(db, RECEPTION, zofia.id, replace(opened, phone="+48 600 111 111"), opened_with=opened)
    with pytest.raises(ChangedElsewhere, match=r"^phone: changed meanwhile by someone else to '\+48 600 111 111'"):
        clients.update_details(db, owner, zofia.id, replace(opened, phone="+48 600 222 222", email="z@example.com"),
                               opened_with=opened)
    stored = clients.update_details(db, owner, zofia.id, opened, opened_with=opened)  # changes nothing
    assert (stored.phone, stored.email) == ("+48 600 111 111", None)  # nothing of the refused save was written


def test_reception_updates_contact_details_but_not_the_skin_type(db: Database, zofia: clients.ClientView) -> None:
    changed = clients.update_details(db, RECEPTION, zofia.id, ClientDetails(
        "P-1", "Zofia", "Łukasiewicz-Nowak", date(1990, 1, 1), "+48 600 000 000", "z@example.com"))
    assert (changed.last_name, changed.phone, changed.fitzpatrick) == ("Łukasiewicz-Nowak", "+48 600 000 000", 2)
    assert [r.client_ref for r in search_clients(db, "nowak")] == ["P-1"]
    with pytest.raises(PermissionDenied):
        clients.set_fitzpatrick(db, RECEPTION, zofia.id, 5)
    with pytest.raises(PermissionDenied):
        clients.remove_history(db, RECEPTION, 1)
    with pytest.raises(PermissionDenied):
        clients.set_finding_end(db, RECEPTION, 1, date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        record_consent(db, RECEPTION, zofia.id, "Zofia", date(2026, 1, 1))


def test_signature_must_be_a_png(db: Database, owner: Actor, zofia: clients.ClientView) -> None:
    with pytest.raises(InvalidValue, match="signature"):
        record_consent(db, owner, zofia.id, "Zofia", date(2026, 1, 1), signature_png=b"GIF89a")


@pytest.mark.parametrize("purpose", list(ConsentPurpose))
def test_a_consent_dated_after_today_is_refused_and_nothing_stored(db: Database, owner: Actor,
                                                                   zofia: clients.ClientView,
                                                                   purpose: ConsentPurpose) -> None:
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(InvalidValue, match=f"signed on: '{tomorrow.isoformat()}' is not allowed; today or earlier"):
        record_consent(db, owner, zofia.id, "Zófia Łukasiewicz", tomorrow, purpose=purpose)
    assert consent_status(db, zofia.id, tomorrow + timedelta(days=1), purpose).state == NONE
    record_consent(db, owner, zofia.id, "Zófia Łukasiewicz", date.today(), purpose=purpose)  # today is fine


@pytest.mark.parametrize(("today", "state"), [(date(2026, 1, 9), VALID), (date(2027, 1, 9), VALID),
                                              (date(2027, 1, 10), EXPIRED), (date(2027, 1, 11), EXPIRED)])
def test_consent_expires_after_the_validity_period(db: Database, owner: Actor, zofia: clients.ClientView,
                                                   today: date, state: str) -> None:
    assert consent_status(db, zofia.id, today).state == NONE
    record_consent(db, owner, zofia.id, "Zófia Łukasiewicz", date(2026, 1, 10))
    status = consent_status(db, zofia.id, today)
    assert status.state == state and status.expires_on == date(2027, 1, 10)
