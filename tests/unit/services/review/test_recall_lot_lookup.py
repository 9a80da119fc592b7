"""A recall finds the lot however its number is typed, suggests the lots that contain what was typed, and lists
each client's phone and e-mail: the recall exists to contact them (issue 20: `FDA9AA` gave "not found")."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import NotFound
from clinic_log.services.clients import clients
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.review.recall import export_recall, lot_suggestions, recall_lot
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import CONSENT_SIGNED_ON, Clinic, make_clinic, session_entry


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    """Two sessions with lot LOT-FDA9AA-3 (one for a client with phone and e-mail), one with LOT-FDA9AB-1."""
    clinic = make_clinic(db, owner)
    reachable = clients.create_client(db, owner, clients.ClientDetails(
        "P-2", "Arina", "Petrova", date(1985, 5, 5), phone="+48 501 234 567", email="arina@example.org"))
    record_consent(db, owner, reachable.id, "Arina Petrova", CONSENT_SIGNED_ON)
    log_session(db, clinic.derm, session_entry(clinic, cartridge_lot="LOT-FDA9AA-3"), sign=True)
    log_session(db, clinic.derm, session_entry(clinic, client_id=reachable.id, cartridge_lot="LOT-FDA9AA-3"),
                sign=True)
    log_session(db, clinic.derm, session_entry(clinic, cartridge_lot="LOT-FDA9AB-1"), sign=True)
    return clinic


def test_the_lot_number_in_any_case_finds_the_lot(db: Database, owner: Actor, clinic: Clinic) -> None:
    assert {r.client_ref for r in recall_lot(db, owner, "lot-fda9aa-3")} == {"P-1", "P-2"}
    assert {r.client_ref for r in recall_lot(db, owner, "  LOT-fda9AA-3 ")} == {"P-1", "P-2"}


def test_part_of_a_lot_number_is_not_taken_for_the_lot_but_the_lots_containing_it_are_named(
        db: Database, owner: Actor, clinic: Clinic) -> None:
    with pytest.raises(NotFound) as refused:
        recall_lot(db, owner, "fda9a")
    assert str(refused.value) == ("cartridge lot 'fda9a' not found; lots whose number contains it: LOT-FDA9AA-3, "
                                  "LOT-FDA9AB-1")
    with pytest.raises(NotFound) as nothing_like_it:
        recall_lot(db, owner, "XYZ")
    assert str(nothing_like_it.value) == "cartridge lot 'XYZ' not found; no lot number contains it"


def test_suggestions_list_the_lots_containing_what_was_typed_in_any_case(
        db: Database, owner: Actor, clinic: Clinic) -> None:
    assert lot_suggestions(db, owner, "FDA9AA") == ["LOT-FDA9AA-3"]
    assert lot_suggestions(db, owner, "fda9") == ["LOT-FDA9AA-3", "LOT-FDA9AB-1"]
    assert lot_suggestions(db, owner, "%") == []  # a wildcard is matched as typed


def test_the_recall_csv_has_each_clients_phone_and_email(db: Database, owner: Actor, clinic: Clinic,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "recall.csv"
    assert export_recall(db, owner, "lot-fda9aa-3", out) == 4  # two sessions of two areas each
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    contact = {(r["client_ref"], r["phone"], r["email"]) for r in rows}
    # a number starting with + would be a formula to a spreadsheet: it is kept as text (Excel hides the apostrophe)
    assert contact == {("P-1", "", ""), ("P-2", "'+48 501 234 567", "arina@example.org")}
