"""Signing a draft: the lean re-check refuses and warns exactly as logging the same entry does."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, SessionWarning, TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue, NotFound, RecordLocked
from clinic_log.domain.values import AreaInput
from clinic_log.services.common import audit
from clinic_log.services.common.audit import verify_chain
from clinic_log.services.sessions.draft_input import OrmReader
from clinic_log.services.sessions.seals import seal_of
from clinic_log.services.sessions.sessions import (
    SessionRejected,
    WarningsNeedReason,
    assess,
    log_session,
    save_draft,
    sign_session,
)
from tests.unit.services.helpers import make_clinic, rich_entry, session_entry


def _stored(db: Database, session_id: int) -> tuple[str, str | None, list[tuple[str, str, str]]]:
    with db.reading() as session:
        row = session.get(TreatmentSession, session_id)
        assert row is not None
        warnings = [(w.code, w.message, w.reason) for w in session.scalars(
            select(SessionWarning).where(SessionWarning.session_id == session_id).order_by(SessionWarning.id))]
        return row.status, row.warnings_reason, warnings


def _last_audit(db: Database) -> tuple[str, str | None, dict[str, object]]:
    with db.reading() as session:
        row = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        return row.action, row.entity_id, json.loads(row.detail)


def _seal(db: Database, session_id: int) -> str:
    with db.reading() as session:
        return seal_of(OrmReader(session), session_id)


def test_signing_stores_the_same_warnings_reason_and_audit_detail_as_logging(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    entry = rich_entry(db, owner, clinic)
    reason = "eczema quiescent; physician on site"
    logged = log_session(db, clinic.nurse, entry, reason=reason, sign=True)
    draft_id = save_draft(db, clinic.nurse, entry).id
    with pytest.raises(WarningsNeedReason, match=r"Cheeks 1\.75 mm is over Jane Doyle's cap of 1\.5 mm"):
        sign_session(db, clinic.nurse, draft_id)
    assert _stored(db, draft_id)[0] == "draft"
    signed = sign_session(db, clinic.nurse, draft_id, reason=reason)
    assert signed.warnings == logged.warnings and signed.status == "signed"
    assert _stored(db, draft_id) == _stored(db, logged.id)
    action, entity_id, detail = _last_audit(db)
    assert (action, entity_id) == ("signed", str(draft_id))
    assert detail.pop("seal") == _seal(db, draft_id)  # the signed content, sealed in the chained audit row
    assert detail == {"warnings": [w.code for w in logged.warnings], "reason": reason}
    assert list(verify_chain(db)) == []


def test_a_draft_whose_depth_is_outside_the_device_range_is_still_refused(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    scars = AreaInput("cheeks", 2.8, 2, indication="acne_scars")
    draft_id = save_draft(db, clinic.derm, session_entry(clinic, scars)).id
    with pytest.raises(SessionRejected, match=r"Cheeks — acne scars \(atrophic\) 2\.8 mm is outside the SkinPen "
                                              r"Precision's range 0\.25–2\.5 mm"):
        sign_session(db, clinic.derm, draft_id, reason="deep scars")
    assert _stored(db, draft_id) == ("draft", None, [])
    assert _last_audit(db)[0] == "created"


def test_a_draft_saved_with_warnings_signs_with_its_reason_and_keeps_one_set_of_warnings(
        db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    entry = session_entry(clinic, AreaInput("forehead", 1.0, 2))  # usual forehead is 0.25–0.5
    draft = log_session(db, clinic.derm, entry, reason="thick skin")  # a draft with its warning stored
    signed = sign_session(db, clinic.derm, draft.id)
    assert [w.code for w in signed.warnings] == ["depth_area"]
    status, reason, warnings = _stored(db, draft.id)
    assert (status, reason) == ("signed", "thick skin")
    assert warnings == [("depth_area", "Forehead 1.0 mm is outside the usual 0.25–0.5 mm", "thick skin")]
    detail = _last_audit(db)[2]
    assert detail.pop("seal") == _seal(db, draft.id)
    assert detail == {"warnings": ["depth_area"], "reason": "thick skin"}


def test_signing_with_a_device_taken_out_of_service_is_refused(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft_id = save_draft(db, clinic.derm, session_entry(clinic)).id
    with db.writing() as session:
        session.execute(text("UPDATE devices SET in_service = :no WHERE id = :d"), {"no": False, "d": clinic.device_id})
    with pytest.raises(InvalidValue, match=r"SPP-1.*a device that is in service"):
        sign_session(db, clinic.derm, draft_id)
    assert _stored(db, draft_id)[0] == "draft"


def test_only_an_existing_draft_can_be_signed(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft_id = save_draft(db, clinic.derm, session_entry(clinic)).id
    sign_session(db, clinic.derm, draft_id)
    with pytest.raises(RecordLocked, match="only amended"):
        sign_session(db, clinic.derm, draft_id)
    with pytest.raises(NotFound):
        sign_session(db, clinic.derm, draft_id + 100)
    with db.reading() as session:
        signed_rows = session.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "signed")).all()
    assert signed_rows == [str(draft_id)]


def test_a_draft_without_areas_is_refused_at_signing(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft_id = save_draft(db, clinic.derm, session_entry(clinic, areas=())).id
    with pytest.raises(SessionRejected, match="at least one treated area is required"):
        sign_session(db, clinic.derm, draft_id)
    assert _stored(db, draft_id)[0] == "draft"


def test_a_signature_that_fails_half_way_leaves_the_draft_and_its_warnings_as_they_were(
        db: Database, owner: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing writes on the driver connection (Database.write_direct): its writes still commit together or not."""
    clinic = make_clinic(db, owner)
    draft = log_session(db, clinic.derm, session_entry(clinic, AreaInput("forehead", 1.0, 2)), reason="thick skin")
    before = _stored(db, draft.id)

    def audit_fails(*args: object) -> None:
        raise RuntimeError("the audit row could not be written")

    with monkeypatch.context() as patch:
        patch.setattr(audit, "record_direct", audit_fails)
        with pytest.raises(RuntimeError, match="audit row"):
            sign_session(db, clinic.derm, draft.id)  # warnings replaced and status set before the audit row
    assert _stored(db, draft.id) == before == ("draft", "thick skin", [
        ("depth_area", "Forehead 1.0 mm is outside the usual 0.25–0.5 mm", "thick skin")])
    assert sign_session(db, clinic.derm, draft.id).status == "signed"
    assert list(verify_chain(db)) == []


def test_two_workstations_signing_at_once_sign_each_draft_once_and_keep_the_chain_whole(
        db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    shared = save_draft(db, clinic.derm, session_entry(clinic)).id
    own = [save_draft(db, clinic.derm, session_entry(clinic)).id for _ in range(2)]
    barrier = threading.Barrier(4)
    outcomes: dict[str, str] = {}

    def sign(label: str, session_id: int) -> None:
        barrier.wait()
        try:
            outcomes[label] = sign_session(db, clinic.derm, session_id).status
        except RecordLocked:
            outcomes[label] = "refused: already signed"

    threads = [threading.Thread(target=sign, args=(label, sid)) for label, sid in
               (("a", shared), ("b", shared), ("c", own[0]), ("d", own[1]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted([outcomes["a"], outcomes["b"]]) == ["refused: already signed", "signed"]
    assert (outcomes["c"], outcomes["d"]) == ("signed", "signed")
    with db.reading() as session:
        signed = sorted(session.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "signed")))
    assert signed == sorted(str(i) for i in (shared, *own))
    assert list(verify_chain(db)) == []


def test_an_evening_session_west_of_utc_is_checked_on_its_local_day_when_signed(
        db: Database, owner: Actor, local_zone_los_angeles: None) -> None:
    """20:00 on 31 December in Los Angeles is already 1 January in UTC, as the session is stored. The lot
    expires on 31 December: usable that evening, so signing must not call it expired."""
    clinic = make_clinic(db, owner)
    evening = datetime(2026, 12, 31, 20, 0).astimezone()  # the computer's zone: Los Angeles
    entry = session_entry(clinic, started_at=evening, lot_expires=date(2026, 12, 31))
    assert "lot_expired" not in {p.code for p in assess(db, entry).problems}  # the live check in the form
    draft_id = save_draft(db, clinic.derm, entry).id
    assert sign_session(db, clinic.derm, draft_id).status == "signed"
    late = save_draft(db, clinic.derm, session_entry(clinic, started_at=datetime(2027, 1, 1, 0, 30).astimezone(),
                                                      lot_expires=date(2026, 12, 31))).id
    with pytest.raises(SessionRejected, match="expired"):
        sign_session(db, clinic.derm, late)  # half past midnight: the next local day, the lot has expired
