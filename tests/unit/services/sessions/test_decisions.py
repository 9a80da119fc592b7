"""Not suitable today → a recorded decision (defer, alternative, referral): validated, audited against the client,
kept by the database, and warned about on every path a session's checks run (form, stored draft, import)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, SessionWarning
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import ChangedMeanwhile, InvalidValue, PermissionDenied, RecordLocked
from clinic_log.domain.signing import WarningsNeedReason
from clinic_log.services.exchange.importer import import_clients, import_practitioners, import_sessions
from clinic_log.services.exchange.subject_access import export_client
from clinic_log.services.sessions import decisions
from clinic_log.services.sessions.decisions import DecisionInput, close_decision, open_decisions, record_decision
from clinic_log.services.sessions.sessions import assess, save_draft, sign_session
from tests.unit.services.helpers import Clinic, make_clinic, session_entry

TODAY = date(2026, 6, 1)
SESSION_DAY = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)  # helpers.session_entry's start


def _decided_at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(decisions, "utcnow", lambda: moment.replace(tzinfo=None))


def _defer(db: Database, clinic: Clinic, review_on: date = date(2026, 9, 15)) -> int:
    return record_decision(db, clinic.derm, clinic.client_id,
                           DecisionInput("defer", "active acne flare", review_on=review_on), TODAY)


def _warnings(db: Database, entry: object) -> list[str]:
    return [p.message for p in assess(db, entry).problems if p.code == "open_decision"]  # type: ignore[arg-type]


@pytest.fixture
def clinic(db: Database, owner: Actor, monkeypatch: pytest.MonkeyPatch) -> Clinic:
    _decided_at(monkeypatch, datetime(2026, 6, 1, 10, 0))
    return make_clinic(db, owner)


def test_a_deferral_warns_a_session_logged_while_it_is_open(db: Database, clinic: Clinic) -> None:
    _defer(db, clinic)
    assert _warnings(db, session_entry(clinic)) == [
        "deferred until 2026-09-15: active acne flare (recorded by Dr Maria Brandt)"]


def test_a_deferral_past_its_review_date_still_warns_until_closed(db: Database, clinic: Clinic) -> None:
    decision = _defer(db, clinic, review_on=date(2026, 6, 20))
    assert _warnings(db, session_entry(clinic)) == [
        "deferred, review was due 2026-06-20: active acne flare (recorded by Dr Maria Brandt)"]
    close_decision(db, clinic.derm, decision, "reviewed, skin clear")
    assert _warnings(db, session_entry(clinic, started_at=datetime(2027, 1, 5, 9, 0, tzinfo=UTC))) == []


def test_a_session_before_the_decision_or_after_its_closing_is_not_warned(
        db: Database, clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> None:
    decision = _defer(db, clinic)
    assert _warnings(db, session_entry(clinic, started_at=datetime(2026, 5, 20, 9, 0, tzinfo=UTC))) == []
    _decided_at(monkeypatch, datetime(2026, 8, 1, 12, 0))  # closed on 1 August
    close_decision(db, clinic.derm, decision, "seen again, fine")
    assert len(_warnings(db, session_entry(clinic))) == 1  # 1 July: still open that day
    assert _warnings(db, session_entry(clinic, started_at=datetime(2026, 8, 2, 9, 0, tzinfo=UTC))) == []


def test_a_referral_warns_naming_who_and_why_and_open_decisions_lists_it(db: Database, clinic: Clinic) -> None:
    record_decision(db, clinic.derm, clinic.client_id,
                    DecisionInput("referral", "suspicious lesion on the left cheek", referred_to="dermatologist"),
                    TODAY)
    assert _warnings(db, session_entry(clinic)) == [
        "referred to dermatologist: suspicious lesion on the left cheek (recorded by Dr Maria Brandt)"]
    (shown,) = open_decisions(db, clinic.client_id, TODAY)
    assert (shown.kind, shown.referred_to) == ("referral", "dermatologist")


def test_a_stored_draft_signed_later_is_warned_about_an_open_decision(db: Database, clinic: Clinic) -> None:
    draft = save_draft(db, clinic.derm, session_entry(clinic))
    record_decision(db, clinic.derm, clinic.client_id,
                    DecisionInput("alternative", "rosacea flares with needling", alternative="LED therapy"), TODAY)
    with pytest.raises(WarningsNeedReason, match=r"alternative suggested \(LED therapy\): rosacea flares"):
        sign_session(db, clinic.derm, draft.id, version=draft.version)
    sign_session(db, clinic.derm, draft.id, reason="client chose to go ahead", version=draft.version)
    with db.reading() as session:
        codes = session.scalars(select(SessionWarning.code).where(SessionWarning.session_id == draft.id)).all()
    assert "open_decision" in codes


def test_an_imported_session_of_a_client_with_an_open_referral_keeps_the_warning(
        db: Database, owner: Actor, samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_practitioners(db, owner, samples / "practitioners.csv")
    client_ids = import_clients(db, owner, samples / "clients.csv")
    assert client_ids.records
    with db.reading() as session:
        client_id = session.execute(text("SELECT id FROM clients WHERE client_ref = 'P-1001'")).scalar_one()
    _decided_at(monkeypatch, datetime(2026, 5, 1, 10, 0))
    record_decision(db, owner, client_id, DecisionInput("referral", "mole changed colour", referred_to="GP"), TODAY)
    import_sessions(db, owner, samples / "sessions.csv")
    with db.reading() as session:
        messages = session.scalars(select(SessionWarning.message).where(SessionWarning.code == "open_decision")).all()
    assert messages and all(m == "referred to GP: mole changed colour (recorded by owner)" for m in messages)


BAD = [  # (input, field named, words of the message)
    (DecisionInput("defer", "acne flare"), "review date", "the date to review"),
    (DecisionInput("defer", "acne flare", review_on=TODAY), "review date", "a date after today"),
    (DecisionInput("defer", "   ", review_on=date(2026, 9, 1)), "reason", "a few words"),
    (DecisionInput("referral", "lesion"), "referred to", "dermatologist, GP"),
    (DecisionInput("referral", "lesion", referred_to="GP\nand more"), "referred to", "line breaks"),
    (DecisionInput("referral", "lesion", referred_to="x" * 201), "referred to", "at most 200"),
    (DecisionInput("referral", "lesion\x00", referred_to="GP"), "reason", "control characters"),
    (DecisionInput("alternative", "rosacea"), "alternative", "the treatment suggested"),
    (DecisionInput("postpone", "rosacea"), "kind", "one of defer, alternative, referral"),
]


@pytest.mark.parametrize(("entry", "field", "words"), BAD)
def test_a_bad_decision_names_its_field_and_nothing_is_written(
        db: Database, clinic: Clinic, entry: DecisionInput, field: str, words: str) -> None:
    with pytest.raises(InvalidValue, match=words) as caught:
        record_decision(db, clinic.derm, clinic.client_id, entry, TODAY)
    assert caught.value.field == field
    assert open_decisions(db, clinic.client_id, TODAY) == ()


def test_reception_may_not_record_or_close_a_decision(db: Database, clinic: Clinic) -> None:
    decision = _defer(db, clinic)
    desk = Actor("desk", UserRole.RECEPTION)
    with pytest.raises(PermissionDenied):
        record_decision(db, desk, clinic.client_id, DecisionInput("referral", "lesion", referred_to="GP"), TODAY)
    with pytest.raises(PermissionDenied):
        close_decision(db, desk, decision, "seen")


def test_closing_twice_is_refused_naming_who_closed_it(db: Database, clinic: Clinic) -> None:
    decision = _defer(db, clinic)
    close_decision(db, clinic.derm, decision, "reviewed, skin clear")
    with pytest.raises(ChangedMeanwhile, match="already closed by mbrandt"):
        close_decision(db, clinic.nurse, decision, "also reviewed")
    with pytest.raises(InvalidValue, match="close note"):
        close_decision(db, clinic.derm, _defer(db, clinic), "  ")


def test_every_write_is_audited_against_the_client(db: Database, clinic: Clinic) -> None:
    decision = _defer(db, clinic)
    close_decision(db, clinic.derm, decision, "reviewed")
    with db.reading() as session:
        rows = session.execute(select(AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id)
                               .where(AuditEntry.action.like("decision %"))).all()
    assert [tuple(r) for r in rows] == [("decision recorded", "client", str(clinic.client_id)),
                                        ("decision closed", "client", str(clinic.client_id))]


def test_the_database_keeps_decisions_and_only_lets_them_close_once(db: Database, clinic: Clinic) -> None:
    decision = _defer(db, clinic)
    for sql, refusal in (
        ("DELETE FROM client_decisions WHERE id = :id", "never deleted"),
        ("UPDATE client_decisions SET reason = 'something else' WHERE id = :id", "only changes by being closed"),
        ("UPDATE client_decisions SET closed_by = 'x' WHERE id = :id", "only changes by being closed"),
    ):
        with pytest.raises(RecordLocked, match=f"refused by the database: .*{refusal}"):
            db.write(lambda session, sql=sql: session.execute(text(sql), {"id": decision}))
    close_decision(db, clinic.derm, decision, "reviewed")
    with pytest.raises(RecordLocked, match="only changes by being closed"):
        db.write(lambda session: session.execute(
            text("UPDATE client_decisions SET close_note = 'changed' WHERE id = :id"), {"id": decision}))
    assert open_decisions(db, clinic.client_id, TODAY) == ()


def test_subject_access_lists_the_clients_decisions_and_their_audit(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    decision = _defer(db, clinic)
    close_decision(db, clinic.nurse, decision, "reviewed, skin clear")
    out = tmp_path / "P-1.json"
    export_client(db, owner, "P-1", "json", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    (row,) = data["tables"]["client_decisions"]
    assert (row["reason"], row["decided_by_name"], row["closed_by_name"]) == (
        "active acne flare", "Dr Maria Brandt", "Jane Doyle")
    actions = {(r["action"], r["entity"]) for r in data["tables"]["audit_log"]}
    assert {("decision recorded", "client"), ("decision closed", "client")} <= actions
