"""The record is what happened: lots, stops, authors, versions, live authority and amendments (issue 14).

Each test names a finding of the issue; the services refuse what the screen must never let through, whatever the
screen shows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, CartridgeLot, SessionWarning
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import (
    AuthorityRevoked,
    ChangedMeanwhile,
    InvalidValue,
    PermissionDenied,
    RecordLocked,
)
from clinic_log.domain.values import AreaInput, ComplicationInput
from clinic_log.services.clients import clients
from clinic_log.services.people import auth
from clinic_log.services.sessions.amendments import (
    add_late_complication,
    amend_area_field,
    amend_session_field,
    void_session,
)
from clinic_log.services.sessions.session_queries import SessionFilter, get_session, list_sessions
from clinic_log.services.sessions.sessions import (
    ChecksChanged,
    SessionRejected,
    StopsNeedOverride,
    WarningsNeedReason,
    assess,
    countersign_session,
    log_session,
    override_stops,
    save_draft,
    sign_session,
)
from tests.unit.services.helpers import LOT_EXPIRES, Clinic, make_clinic, session_entry

ON = date(2026, 7, 1)  # the helpers' session day


def _codes(db: Database, entry: object) -> dict[str, str]:
    return {p.code: p.level.value for p in assess(db, entry).problems}  # type: ignore[arg-type]


# --- 2. lots ----------------------------------------------------------------------------------------------------


def test_a_new_lot_has_no_expiry_until_one_is_entered(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    log_session(db, clinic.derm, session_entry(clinic), sign=True)  # lot SP14-1 is on record
    new_lot = session_entry(clinic, cartridge_lot="NEW-9", lot_expires=None)
    problems = {p.code: p.message for p in assess(db, new_lot).errors}
    assert problems == {"lot_expiry_missing": "enter the expiry of lot NEW-9"}
    with pytest.raises(SessionRejected, match="enter the expiry of lot NEW-9"):
        log_session(db, clinic.derm, new_lot, sign=True)
    typed = date(2027, 2, 28)
    saved = log_session(db, clinic.derm, session_entry(clinic, cartridge_lot="NEW-9", lot_expires=typed), sign=True)
    assert get_session(db, saved.id).lot_expires == typed  # the new lot keeps the expiry typed for it


def test_a_known_lot_keeps_its_expiry_and_another_is_refused_naming_both(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    log_session(db, clinic.derm, session_entry(clinic), sign=True)
    other = LOT_EXPIRES + timedelta(days=30)
    wrong = session_entry(clinic, lot_expires=other)
    [error] = assess(db, wrong).errors
    assert error.code == "lot_expiry_mismatch"
    assert f"recorded with expiry {LOT_EXPIRES.isoformat()}, not {other.isoformat()}" in error.message
    with pytest.raises(SessionRejected):
        save_draft(db, clinic.derm, wrong)  # a draft cannot hold a second expiry for one lot either
    with db.reading() as session:
        assert session.scalar(select(CartridgeLot.expires_on).where(CartridgeLot.lot_number == "SP14-1")) \
            == LOT_EXPIRES


def test_an_expiry_without_a_lot_is_its_own_error_never_lot_none(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    [error] = assess(db, session_entry(clinic, cartridge_lot=None, lot_expires=date(2020, 1, 1))).errors
    assert error.code == "lot_expiry_without_lot" and "None" not in error.message
    assert assess(db, session_entry(clinic, cartridge_lot=None, lot_expires=None)).errors == ()


# --- 3. stops ---------------------------------------------------------------------------------------------------


def _isotretinoin(db: Database, owner: Actor, clinic: Clinic) -> None:
    clients.add_finding(db, owner, clinic.client_id, "isotretinoin", date(2026, 1, 10), ends_on=date(2026, 5, 1))


def test_an_absolute_contraindication_is_a_stop_no_nurse_passes_with_ok(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    _isotretinoin(db, owner, clinic)
    nurse_entry = session_entry(clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id,
                                areas=(AreaInput("forehead", 0.5, 2),))
    assert _codes(db, nurse_entry)["contraindication_isotretinoin"] == "stop"
    with pytest.raises(StopsNeedOverride, match="only a dermatologist, a plastic surgeon or the owner") as refused:
        log_session(db, clinic.nurse, nurse_entry, reason="ok", override_reason="ok", sign=True)
    assert not refused.value.may_override
    draft = save_draft(db, clinic.nurse, nurse_entry)  # kept as a draft for a physician to look at
    with pytest.raises(StopsNeedOverride):
        sign_session(db, clinic.nurse, draft.id, reason="ok", override_reason="client says it is fine now")
    with pytest.raises(InvalidValue, match="at least 3 words"):
        override_stops(db, clinic.derm, draft.id, "ok", version=draft.version)
    with pytest.raises(PermissionDenied, match="override a stop"):
        override_stops(db, clinic.nurse, draft.id, "the client stopped the course long ago", version=draft.version)
    override_stops(db, clinic.derm, draft.id, "course stopped early, dose low; reviewed with client",
                   version=draft.version)
    signed = sign_session(db, clinic.nurse, draft.id, version=draft.version)
    assert signed.status == "signed"
    [stop] = get_session(db, draft.id).warnings
    assert (stop.level, stop.overridden_by, stop.reason) == (
        "stop", "mbrandt", "course stopped early, dose low; reviewed with client")


def test_an_override_holds_only_for_the_draft_it_was_given_on(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    _isotretinoin(db, owner, clinic)
    entry = session_entry(clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id,
                          areas=(AreaInput("forehead", 0.5, 2),))
    draft = save_draft(db, clinic.nurse, entry)
    override_stops(db, owner, draft.id, "owner reviewed the dermatology letter", version=draft.version)
    same = save_draft(db, clinic.nurse, entry, draft.id, version=draft.version)
    assert same.version == draft.version  # nothing changed: nothing written, the override still holds
    changed = save_draft(db, clinic.nurse, session_entry(clinic, practitioner_id=clinic.nurse_id,
                                                         supervisor_id=clinic.derm_id,
                                                         areas=(AreaInput("forehead", 0.45, 2),)),
                         draft.id, version=same.version)
    assert changed.version == draft.version + 1
    with pytest.raises(StopsNeedOverride):  # the draft changed after the override: it needs a new one
        sign_session(db, clinic.nurse, draft.id, version=changed.version)


def test_a_client_under_18_on_the_session_day_is_a_stop(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    teen = clients.create_client(db, owner, clients.ClientDetails("T-1", "Ola", "Nowak", date(2009, 7, 2)))
    entry = session_entry(clinic, client_id=teen.id)
    stop = next(p for p in assess(db, entry).stops if p.code == "under_age")
    assert "is 16 on 2026-07-01" in stop.message
    birthday = session_entry(clinic, client_id=teen.id, started_at=datetime(2027, 7, 2, 9, 0, tzinfo=UTC),
                             lot_expires=date(2028, 1, 1))
    assert "under_age" not in _codes(db, birthday)  # 18 on the day
    signed = log_session(db, owner, entry, reason="consent on file", sign=True,
                         override_reason="parental consent and dermatologist letter on file")
    assert signed.status == "signed"


# --- 5. only the author saves or signs a draft --------------------------------------------------------------


def test_a_practitioner_cannot_overwrite_or_sign_another_practitioners_draft(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft = save_draft(db, clinic.derm, session_entry(clinic))
    nurse_typed = session_entry(clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id)
    with pytest.raises(PermissionDenied, match="another practitioner's session"):
        save_draft(db, clinic.nurse, nurse_typed, draft.id)
    with pytest.raises(PermissionDenied, match="another practitioner's session"):
        save_draft(db, clinic.nurse, session_entry(clinic), draft.id)
    with pytest.raises(PermissionDenied, match="another practitioner's session"):
        sign_session(db, clinic.nurse, draft.id)
    with pytest.raises(PermissionDenied):  # nor log one in someone else's name
        log_session(db, clinic.nurse, session_entry(clinic), sign=True)
    assert get_session(db, draft.id).status == "draft"


def test_the_owner_takes_over_a_draft_and_the_audit_says_so(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft = save_draft(db, clinic.derm, session_entry(clinic))
    sign_session(db, owner, draft.id, version=draft.version)
    with db.reading() as session:
        actions = list(session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail)
                                       .where(AuditEntry.entity == "session", AuditEntry.entity_id == str(draft.id))
                                       .order_by(AuditEntry.id)))
    assert [(a, b) for a, b, _ in actions] == [("mbrandt", "created"), ("owner", "taken_over"), ("owner", "signed")]
    assert "mbrandt" in actions[1][2]


# --- 6. versions ------------------------------------------------------------------------------------------------


def test_a_sign_of_a_draft_changed_since_it_was_checked_is_refused(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft = save_draft(db, clinic.derm, session_entry(clinic))
    seen = draft.version
    deeper = session_entry(clinic, areas=(AreaInput("forehead", 0.5, 2), AreaInput("cheeks", 1.5, 3)))
    save_draft(db, clinic.derm, deeper, draft.id, version=seen)  # saved meanwhile (another workstation)
    with pytest.raises(ChangedMeanwhile):
        sign_session(db, clinic.derm, draft.id, reason="checked", version=seen)
    with pytest.raises(ChangedMeanwhile):
        save_draft(db, clinic.derm, session_entry(clinic), draft.id, version=seen)
    assert get_session(db, draft.id).status == "draft"


def test_a_stored_reason_never_covers_a_warning_it_was_not_given_for(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    entry = session_entry(clinic, areas=(AreaInput("forehead", 0.75, 2),))  # outside forehead's usual range
    draft = log_session(db, clinic.derm, entry, reason="scarred forehead, deeper on purpose")
    deeper = session_entry(clinic, areas=(AreaInput("forehead", 1.25, 2),))
    changed = save_draft(db, clinic.derm, deeper, draft.id, version=draft.version)
    with pytest.raises(WarningsNeedReason, match=r"1\.25 mm"):
        sign_session(db, clinic.derm, draft.id, version=changed.version)


def test_signing_refuses_a_warning_the_signer_was_not_shown(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    shown = assess(db, session_entry(clinic)).problems  # what the form showed: nothing
    deeper = session_entry(clinic, areas=(AreaInput("forehead", 1.0, 2),))  # typed just before Ctrl+Enter
    with pytest.raises(ChecksChanged, match=r"Forehead 1\.0 mm"):
        log_session(db, clinic.derm, deeper, reason="a reason for something else", sign=True, shown=shown)


@pytest.mark.parametrize("round_", range(6))
def test_a_draft_save_racing_a_sign_and_a_second_signer_never_changes_a_signed_row(
        db: Database, owner: Actor, round_: int) -> None:
    """Three workstations at once on one draft: its practitioner saves new content, signs, and the owner signs.
    Exactly one wins; a signature seals what was shown at the version signed, and the signed row never changes."""
    clinic = make_clinic(db, owner)
    shown = session_entry(clinic)
    draft = save_draft(db, clinic.derm, shown)
    typed_later = session_entry(clinic, areas=(AreaInput("neck", 0.75, 2),))
    barrier = threading.Barrier(3)
    outcomes: dict[str, str] = {}

    def attempt(label: str, action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            action()
            outcomes[label] = "won"
        except (ChangedMeanwhile, RecordLocked) as exc:
            outcomes[label] = f"refused: {exc}"

    actions: dict[str, Callable[[], object]] = {
        "save": lambda: save_draft(db, clinic.derm, typed_later, draft.id, version=draft.version),
        "sign": lambda: sign_session(db, clinic.derm, draft.id, version=draft.version),
        "owner": lambda: sign_session(db, owner, draft.id, version=draft.version),
    }
    threads = [threading.Thread(target=attempt, args=item) for item in actions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["owner", "save", "sign"], outcomes  # nobody hung or failed otherwise
    winners = [label for label, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    detail = get_session(db, draft.id)
    stored = [(a.area_code, a.depth_mm, a.passes) for a in detail.areas]
    if winners == ["save"]:
        assert detail.status == "draft" and stored == [("neck", 0.75, 2)]
        return
    assert detail.status == "signed" and stored == [(a.area_code, a.depth_mm, a.passes) for a in shown.areas]
    with pytest.raises(RecordLocked):  # and afterwards too: a signed row is only ever amended
        save_draft(db, clinic.derm, typed_later, draft.id)
    assert [(a.area_code, a.depth_mm, a.passes) for a in get_session(db, draft.id).areas] == stored


def test_the_database_refuses_what_the_services_never_do(db: Database, owner: Actor) -> None:
    """The guard triggers, on SQLite and PostgreSQL alike: even SQL written by hand cannot do these."""
    clinic = make_clinic(db, owner)
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    other = clients.create_client(db, owner, clients.ClientDetails("P-9", "Other", "Client"))
    for sql, refusal in (
        ("UPDATE sessions SET client_id = :other, version = version + 1 WHERE id = :sid", "keeps its client"),
        ("UPDATE sessions SET status = 'draft', version = version + 1 WHERE id = :sid", "keeps its client"),
        ("UPDATE sessions SET notes = 'edited' WHERE id = :sid", "raises its version by one"),
        ("DELETE FROM session_areas WHERE session_id = :sid", "never removed"),
        ("DELETE FROM sessions WHERE id = :sid", "never removed"),
        ("UPDATE audit_log SET actor = 'mallory' WHERE id = (SELECT max(id) FROM audit_log)", "append-only"),
        ("DELETE FROM audit_log", "append-only"),
    ):
        with pytest.raises(RecordLocked, match=f"refused by the database: .*{refusal}"):
            db.write(lambda session, sql=sql: session.execute(text(sql), {"other": other.id, "sid": signed.id}))
    detail = get_session(db, signed.id)
    assert (detail.client_id, detail.status, detail.notes, len(detail.areas)) == (clinic.client_id, "signed",
                                                                                  None, 2)


# --- 7. live authority ------------------------------------------------------------------------------------------


def test_a_deactivated_user_is_refused_at_their_next_action(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    auth.create_user(db, owner, "mbrandt", "Dr Maria Brandt", "practitioner", "maria-password-1", "mbrandt")
    maria = auth.login(db, "mbrandt", "maria-password-1")
    draft = save_draft(db, maria, session_entry(clinic))
    told: list[str] = []
    db.revocation_listeners.append(told.append)
    [user] = [u for u in auth.list_users(db, owner) if u.username == "mbrandt"]
    auth.deactivate_user(db, owner, user.id)
    with pytest.raises(AuthorityRevoked, match="mbrandt was deactivated since logging in"):
        sign_session(db, maria, draft.id)
    with pytest.raises(AuthorityRevoked):
        save_draft(db, maria, session_entry(clinic), draft.id)
    with pytest.raises(AuthorityRevoked):
        clients.create_client(db, maria, clients.ClientDetails("P-7", "New", "Client"))
    assert len(told) == 3 and "deactivated" in told[0]
    assert get_session(db, draft.id).status == "draft"


def test_a_user_given_another_role_must_log_in_again(db: Database, owner: Actor) -> None:
    auth.create_user(db, owner, "desk", "Front Desk", "reception", "front-office-pass-1")
    desk = auth.login(db, "desk", "front-office-pass-1")
    with db.writing() as session:
        session.execute(text("UPDATE users SET role = 'owner' WHERE username = 'desk'"))
    with pytest.raises(AuthorityRevoked, match="was given the role 'owner'"):
        clients.create_client(db, desk, clients.ClientDetails("P-8", "A", "B"))


# --- 8. amendments are sessions too ---------------------------------------------------------------------------


def test_an_amendment_passes_the_same_checks_as_a_session(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.nurse, session_entry(clinic, practitioner_id=clinic.nurse_id,
                                                        supervisor_id=clinic.derm_id), sign=True)
    cheeks = get_session(db, saved.id).areas[1]
    with pytest.raises(SessionRejected, match="Cheeks: 500 passes is not allowed; 1 to 20 passes"):
        amend_area_field(db, clinic.nurse, cheeks.id, "passes", "500", "typo")
    with pytest.raises(WarningsNeedReason, match=r"over Jane Doyle's cap of 1\.5 mm"):
        amend_area_field(db, clinic.nurse, cheeks.id, "depth_mm", "1.75", "pen was set deeper than noted")
    for typed in ("nan", "1e309", "inf", "2.5.1", ""):
        with pytest.raises(InvalidValue, match="depth_mm"):
            amend_area_field(db, clinic.nurse, cheeks.id, "depth_mm", typed, "typo")
    amend_area_field(db, clinic.nurse, cheeks.id, "depth_mm", "1,75", "pen was set deeper than noted",
                     warnings_reason="acne scars on the cheeks; supervisor agreed")
    detail = get_session(db, saved.id)
    assert detail.areas[1].depth_mm == 1.75
    assert {(w.code, w.reason) for w in detail.warnings} >= {
        ("depth_cap", "acne scars on the cheeks; supervisor agreed")}


def test_a_countersigned_session_amended_in_a_clinical_field_awaits_countersignature_again(
        db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.nurse, session_entry(clinic, practitioner_id=clinic.nurse_id,
                                                        supervisor_id=clinic.derm_id), sign=True)
    countersign_session(db, clinic.derm, saved.id)
    assert not get_session(db, saved.id).awaiting_countersignature
    amend_session_field(db, clinic.nurse, saved.id, "course_index", "2", "course position corrected")
    assert not get_session(db, saved.id).awaiting_countersignature  # not clinical: the countersignature stays
    add_late_complication(db, clinic.nurse, saved.id, ComplicationInput("erythema", 1, date(2026, 7, 2)),
                          "follow-up call on day 1")
    detail = get_session(db, saved.id)
    assert detail.awaiting_countersignature and detail.countersigned_by is None
    assert detail.amendments[-1].field == "countersigned_by" and detail.amendments[-1].old_value == "mbrandt"


def test_an_amendment_made_on_a_version_seen_before_another_change_is_refused(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    seen = get_session(db, saved.id).version
    amend_session_field(db, owner, saved.id, "notes", "first", "owner's note", version=seen)
    with pytest.raises(ChangedMeanwhile):
        amend_session_field(db, clinic.derm, saved.id, "notes", "second", "my note", version=seen)
    with pytest.raises(ChangedMeanwhile):
        void_session(db, clinic.derm, saved.id, "wrong client", version=seen)
    void_session(db, clinic.derm, saved.id, "wrong client", version=seen + 1)
    with pytest.raises(RecordLocked, match="voided"):
        amend_session_field(db, owner, saved.id, "notes", "third", "after the void")


def test_the_history_finds_sessions_signed_over_a_stop_or_a_warning(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    plain = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    warned = log_session(db, clinic.derm, session_entry(clinic, areas=(AreaInput("forehead", 0.75, 2),)),
                         reason="scarring", sign=True)
    _isotretinoin(db, owner, clinic)
    stopped = log_session(db, owner, session_entry(clinic), sign=True,
                          override_reason="dermatology letter says the course ended early")

    def ids(over: str) -> set[int]:
        return {r.id for r in list_sessions(db, SessionFilter(signed_over=over), limit=50)}

    assert ids("stop") == {stopped.id}
    assert ids("any") == {warned.id, stopped.id} and plain.id not in ids("any")
    with db.reading() as session:
        levels = set(session.scalars(select(SessionWarning.level).where(SessionWarning.session_id == stopped.id)))
    assert levels == {"stop"}
