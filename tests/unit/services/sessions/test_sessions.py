"""Logging, signing and amending sessions on a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from clinic_log.db.engine import Database
from clinic_log.db.models import SessionWarning, TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import PermissionDenied, RecordLocked
from clinic_log.domain.values import AreaInput, ComplicationInput
from clinic_log.services.sessions.amendments import (
    add_late_complication,
    amend_area_field,
    amend_session_field,
    void_session,
)
from clinic_log.services.sessions.session_queries import SessionFilter, count_sessions, get_session, list_sessions
from clinic_log.services.sessions.sessions import (
    SessionRejected,
    StopsNeedOverride,
    WarningsNeedReason,
    assess,
    countersign_session,
    log_session,
    save_draft,
    sign_session,
)
from tests.unit.services.helpers import make_clinic, session_entry


def test_logged_session_is_stored_with_its_areas_and_products(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    detail = get_session(db, saved.id)
    assert detail.status == "signed" and detail.signed_by == "mbrandt"
    assert [(a.area_code, a.depth_mm, a.passes) for a in detail.areas] == [("forehead", 0.5, 2), ("cheeks", 0.75, 3)]
    assert detail.client_name == "Zofia Łukasiewicz" and detail.lot_number == "SP14-1"


def test_error_refuses_the_session_and_writes_nothing(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    with pytest.raises(SessionRejected, match=r"2\.8 mm is outside the SkinPen Precision's range"):
        log_session(db, clinic.derm, session_entry(clinic, AreaInput("cheeks", 2.8, 2, indication="acne_scars")))
    assert count_sessions(db) == 0


def test_warnings_need_a_reason_which_is_stored(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    entry = session_entry(clinic, AreaInput("forehead", 1.0, 2))  # usual forehead is 0.25–0.5
    with pytest.raises(WarningsNeedReason, match=r"Forehead 1\.0 mm is outside the usual"):
        log_session(db, clinic.derm, entry)
    assert count_sessions(db) == 0
    saved = log_session(db, clinic.derm, entry, reason="thick skin, test patch tolerated")
    with db.reading() as session:
        stored = session.scalars(select(SessionWarning).where(SessionWarning.session_id == saved.id)).all()
    assert [(w.code, w.reason) for w in stored] == [("depth_area", "thick skin, test patch tolerated")]


def test_nurse_without_supervisor_is_warned(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    warnings = assess(db, session_entry(clinic, practitioner_id=clinic.nurse_id)).warnings
    assert "supervisor_missing" in {w.code for w in warnings}
    supervised = session_entry(clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id)
    assert assess(db, supervised).warnings == ()


def test_draft_survives_and_can_be_signed_later(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft = save_draft(db, clinic.derm, session_entry(clinic, AreaInput("cheeks", 0.75, 1)))
    updated = save_draft(db, clinic.derm, session_entry(clinic, AreaInput("cheeks", 1.0, 2)), session_id=draft.id)
    assert updated.id == draft.id
    signed = sign_session(db, clinic.derm, draft.id)
    assert signed.status == "signed"
    assert [a.depth_mm for a in get_session(db, draft.id).areas] == [1.0]


def test_signed_session_cannot_be_changed_in_place(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    with pytest.raises(RecordLocked, match="only amended"):
        save_draft(db, clinic.derm, session_entry(clinic), session_id=saved.id)
    with pytest.raises(RecordLocked):
        sign_session(db, clinic.derm, saved.id)


def test_amendment_keeps_the_original_who_when_and_why(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    area_id = get_session(db, saved.id).areas[1].id
    amend_area_field(db, clinic.derm, area_id, "depth_mm", "1.0", "typo: the pen was set to 1.0 mm")
    amend_session_field(db, clinic.derm, saved.id, "notes", "tolerated well", "added after review")
    add_late_complication(db, clinic.derm, saved.id, ComplicationInput("infection", 2, onset_on=date(2026, 7, 3)),
                          "follow-up call on day 2")
    detail = get_session(db, saved.id)
    assert detail.areas[1].depth_mm == 1.0
    first = detail.amendments[0]
    assert (first.field, first.old_value, first.new_value, first.amended_by, first.reason) == (
        "depth_mm", "0.75", "1.0", "mbrandt", "typo: the pen was set to 1.0 mm")
    assert [c.code for c in detail.complications] == ["infection"] and detail.complications[0].added_by_amendment
    assert len(detail.amendments) == 3


def test_amendment_needs_a_reason_and_a_valid_depth(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    area_id = get_session(db, saved.id).areas[0].id
    with pytest.raises(Exception, match="reason"):
        amend_area_field(db, clinic.derm, area_id, "depth_mm", "0.5", " ")
    with pytest.raises(Exception, match=r"0\.25–2\.5 mm"):
        amend_area_field(db, clinic.derm, area_id, "depth_mm", "3.0", "why")


def test_reception_cannot_log_or_amend(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    reception = Actor("desk", UserRole.RECEPTION)
    with pytest.raises(PermissionDenied, match="reception"):
        log_session(db, reception, session_entry(clinic))
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    with pytest.raises(PermissionDenied):
        amend_session_field(db, reception, saved.id, "notes", "x", "y")


def test_nurse_cannot_sign_the_dermatologists_draft(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft = save_draft(db, clinic.derm, session_entry(clinic))
    with pytest.raises(PermissionDenied):
        sign_session(db, clinic.nurse, draft.id)


def test_list_filters_by_area_and_status(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    log_session(db, clinic.derm, session_entry(clinic, AreaInput("cheeks", 0.75, 1)), sign=True)
    save_draft(db, clinic.derm, session_entry(clinic, AreaInput("forehead", 0.5, 1)))
    assert [r.areas for r in list_sessions(db, SessionFilter(area_code="cheeks"))] == ["cheeks"]
    assert [r.status for r in list_sessions(db, SessionFilter(status="draft"))] == ["draft"]
    assert count_sessions(db) == 2


@pytest.mark.sqlite_only
def test_a_failed_write_leaves_nothing_half_written(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    with db.engine.begin() as conn:  # make area inserts fail after the session row is written
        conn.execute(text("CREATE TRIGGER fail_areas BEFORE INSERT ON session_areas "
                          "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"))
    with pytest.raises(Exception, match="disk trouble"):
        log_session(db, clinic.derm, session_entry(clinic), sign=True)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(TreatmentSession)) == 0


def test_supervised_session_awaits_countersignature_by_its_supervisor(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    entry = session_entry(clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id)
    saved = log_session(db, clinic.nurse, entry, sign=True)
    assert get_session(db, saved.id).awaiting_countersignature
    with pytest.raises(PermissionDenied, match="only the supervising physician"):
        countersign_session(db, clinic.nurse, saved.id)
    countersign_session(db, clinic.derm, saved.id)
    detail = get_session(db, saved.id)
    assert detail.countersigned_by == "mbrandt" and not detail.awaiting_countersignature
    with pytest.raises(RecordLocked, match="already countersigned"):
        countersign_session(db, clinic.derm, saved.id)


def test_a_voided_session_is_not_countersigned(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    entry = session_entry(clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id)
    saved = log_session(db, clinic.nurse, entry, sign=True)
    void_session(db, owner, saved.id, "logged for the wrong client")
    with pytest.raises(RecordLocked, match="voided"):
        countersign_session(db, clinic.derm, saved.id)
    assert get_session(db, saved.id).countersigned_by is None


def test_expired_credential_blocks_signing_except_by_the_owner_with_a_reason(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    with db.writing() as session:
        session.execute(text("UPDATE credentials SET expires_on = '2026-06-30' WHERE practitioner_id = :p"),
                        {"p": clinic.derm_id})
    entry = session_entry(clinic)  # 2026-07-01: the licence expired the day before
    with pytest.raises(StopsNeedOverride, match="expired 2026-06-30") as refused:
        log_session(db, clinic.derm, entry, override_reason="my renewal is in the post", sign=True)
    assert not refused.value.may_override  # a physician, but nobody overrides a stop about their own licence
    draft = save_draft(db, clinic.derm, entry)  # nothing typed is lost: it stays a draft
    with pytest.raises(StopsNeedOverride, match="own credential"):
        sign_session(db, clinic.derm, draft.id, override_reason="my renewal is in the post")
    with pytest.raises(StopsNeedOverride, match="at least 3 words"):
        sign_session(db, owner, draft.id, override_reason="ok")
    signed = sign_session(db, owner, draft.id, override_reason="renewal confirmed by the council by phone")
    assert signed.status == "signed"
    [stop] = get_session(db, draft.id).warnings
    assert (stop.code, stop.level, stop.reason, stop.overridden_by) == (
        "credential_expired", "stop", "renewal confirmed by the council by phone", "owner")
