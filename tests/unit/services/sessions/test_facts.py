"""The facts the clinical rules need are built by one set of builders (services/sessions/facts.py),
whichever loader fetched
their rows: the form's (an entry being typed or saved), the stored draft's (signing, amendments) and the import's
bulk cache. One stored session must therefore give the same facts through all three."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.rules import SessionFacts, assess_session
from clinic_log.domain.values import AreaInput, ComplicationInput, SessionInput
from clinic_log.services.clients import clients
from clinic_log.services.clients.client_record import client_record
from clinic_log.services.devices import devices
from clinic_log.services.exchange.importer import SessionLookups
from clinic_log.services.sessions import facts
from clinic_log.services.sessions.decisions import DecisionInput, close_decision, record_decision
from clinic_log.services.sessions.draft_input import OrmReader, load_draft, load_record
from clinic_log.services.sessions.sessions import save_draft
from tests.unit.services.helpers import Clinic, make_clinic, session_entry

TODAY = date.today()


def _as_the_rules_look(found: SessionFacts, entry: SessionInput) -> SessionFacts:
    """The facts with the reference maps cut to the codes the entry uses: a loader may read every area, indication
    and complication type (the form, the import) or only those the session names (signing)."""

    def used(refs: Mapping[str, object], codes: set[str | None]) -> dict[str, object]:
        return {code: ref for code, ref in refs.items() if code in codes}

    return replace(found, areas=used(found.areas, {a.area_code for a in entry.areas}),
                   indications=used(found.indications, {a.indication for a in entry.areas}),
                   complication_codes=used(found.complication_codes, {c.code for c in entry.complications}))


def _rich_draft(db: Database, owner: Actor, clinic: Clinic) -> int:
    """A nurse's draft with every kind of fact: a supervisor, an RF device with a tip, a lot, an indication, a
    complication, and a client with findings (one cleared), a consent and decisions (one closed, one open)."""
    clients.add_finding(db, owner, clinic.client_id, "isotretinoin", TODAY - timedelta(days=400),
                        ends_on=TODAY - timedelta(days=300))
    cleared = clients.add_finding(db, owner, clinic.client_id, "eczema", TODAY - timedelta(days=20))
    clients.clear_finding(db, clinic.derm, cleared, "calm skin, no flare, checked today")
    closed = record_decision(db, clinic.derm, clinic.client_id,
                             DecisionInput("referral", "mole changed colour", referred_to="GP"), TODAY)
    close_decision(db, clinic.derm, closed, "seen by the GP, benign")
    record_decision(db, clinic.derm, clinic.client_id,
                    DecisionInput("defer", "tan fading", review_on=TODAY + timedelta(days=14)), TODAY)
    rf = devices.add_device(db, owner, "Morpheus8", "M8-1")
    entry = session_entry(
        clinic, AreaInput("abdomen", 2.5, 1, rf_energy=30, indication="stretch_marks", tip="body"),
        AreaInput("cheeks", 1.0, 1, rf_energy=20, tip="facial"),
        practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id, supervisor_presence="on_site",
        device_id=rf.id, complications=(ComplicationInput("erythema", 1, TODAY),))
    return save_draft(db, clinic.nurse, entry).id


@pytest.fixture
def stored(db: Database, owner: Actor) -> int:
    return _rich_draft(db, owner, make_clinic(db, owner))


def test_one_stored_session_gives_the_same_facts_through_the_form_the_stored_draft_and_the_import(
        db: Database, stored: int) -> None:
    with db.reading() as session:
        record = load_record(OrmReader(session), stored)
        entry = record.entry
        through_form = facts.for_entry(session, entry)
        through_import = SessionLookups(session).session_facts(entry)
    through_signing = db.write_direct(lambda transaction: load_draft(transaction, stored).facts)
    assert record.facts == through_signing  # the same selects, in an ORM session or on the driver connection
    expected = _as_the_rules_look(through_form, entry)
    assert _as_the_rules_look(through_signing, entry) == expected
    assert _as_the_rules_look(through_import, entry) == expected
    # Every kind of fact was there to compare.
    assert expected.supervisor is not None and expected.practitioner.credentials
    assert expected.device_model is not None and expected.device_model.tip("body") is not None
    assert expected.lot is not None and expected.lot.known
    assert len(expected.client.findings) == 2 and expected.client.consent_signed_on is not None
    assert {d.closed_by for d in expected.client.decisions} == {"mbrandt", None}
    assert expected.areas.keys() == {"abdomen", "cheeks"} and expected.indications.keys() == {"stretch_marks"}
    assert expected.complication_codes == {"erythema": 5}
    assert assess_session(entry, through_signing) == assess_session(entry, through_form) \
        == assess_session(entry, through_import)


def test_a_builder_change_shows_in_every_path(db: Database, stored: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each loader only fetches rows: what a fact is made of is decided by the one builder in
    services/sessions/facts.py."""
    build = facts.practitioner_facts_of

    def marked(row: object, credentials: object) -> object:
        return replace(build(row, credentials), full_name="(built once)")  # type: ignore[arg-type]

    monkeypatch.setattr(facts, "practitioner_facts_of", marked)
    with db.reading() as session:
        entry = load_record(OrmReader(session), stored).entry
        found = [facts.for_entry(session, entry), SessionLookups(session).session_facts(entry)]
    found.append(db.write_direct(lambda transaction: load_draft(transaction, stored).facts))
    assert [(f.practitioner.full_name, f.supervisor and f.supervisor.full_name) for f in found] == [
        ("(built once)", "(built once)")] * 3


def test_the_client_page_judges_suitability_on_the_same_finding_facts_as_the_session_rules(
        db: Database, stored: int) -> None:
    """The client page's suitability box and a session's contraindication checks read each finding through the one
    builder: a cleared finding is cleared in both, and an ended isotretinoin course ends on the same day in both."""
    with db.reading() as session:
        entry = load_record(OrmReader(session), stored).entry
        through_form = facts.for_entry(session, entry)
    record = client_record(db, entry.client_id, TODAY)
    assert tuple(line.facts for line in record.findings) == through_form.client.findings
    assert {(f.code, f.cleared_by) for f in through_form.client.findings} == {
        ("isotretinoin", None), ("eczema", "mbrandt")}
