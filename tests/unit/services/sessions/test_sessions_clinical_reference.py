"""The reviewed reference data at work through the services (issue 17): a pacemaker stops RF and only RF, RF depths
meet the areas' RF ranges, a SkinPen client under 22 warns, a grade above a term's highest is refused — and a
draft's stored checks and an import see the same facts as the form."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.values import AreaInput, ComplicationInput
from clinic_log.services.clients import clients
from clinic_log.services.devices import devices
from clinic_log.services.sessions.sessions import (
    SessionRejected,
    StopsNeedOverride,
    assess,
    log_session,
    save_draft,
    sign_session,
)
from tests.unit.services.helpers import make_clinic, session_entry


def _levels(db: Database, entry: object) -> dict[str, str]:
    return {p.code: p.level.value for p in assess(db, entry).problems}  # type: ignore[arg-type]


def test_a_pacemaker_stops_an_rf_session_and_not_a_mechanical_one(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    morpheus = devices.add_device(db, owner, "Morpheus8", "M8-1")
    clients.add_finding(db, owner, clinic.client_id, "implanted_device", date(2026, 1, 10))
    rf = session_entry(clinic, AreaInput("cheeks", 2.0, 1), device_id=morpheus.id)
    assert _levels(db, rf)["contraindication_implanted_device"] == "stop"
    assert "contraindication_implanted_device" not in _levels(db, session_entry(clinic))
    # signing a stored draft re-reads its facts another way (driver SQL): the stop holds there too
    draft = save_draft(db, clinic.derm, rf)
    with pytest.raises(StopsNeedOverride, match="Pacemaker"):
        sign_session(db, clinic.derm, draft.id, reason="deep scarring needs it", version=draft.version)
    mechanical = save_draft(db, clinic.derm, session_entry(clinic))
    sign_session(db, clinic.derm, mechanical.id, version=mechanical.version)


def test_a_morpheus8_at_4_mm_around_the_eyes_warns_and_a_body_tip_at_7_mm_is_no_error(
        db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    morpheus = devices.add_device(db, owner, "Morpheus8", "M8-1")
    eyes = session_entry(clinic, AreaInput("periorbital", 4.0, 1), device_id=morpheus.id)
    assert _levels(db, eyes)["depth_area"] == "warning"
    belly = session_entry(clinic, AreaInput("abdomen", 7.0, 1, indication="stretch_marks", tip="body"),
                          device_id=morpheus.id)
    assert "depth_area" not in _levels(db, belly) and "depth_device" not in _levels(db, belly)


def test_periorbital_at_half_a_millimetre_is_usual_with_a_pen(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    assert "depth_area" not in _levels(db, session_entry(clinic, AreaInput("periorbital", 0.5, 1)))


def test_a_skinpen_client_of_21_warns_the_device_is_labelled_for_22_and_over(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    young = clients.create_client(db, owner, clients.ClientDetails("P-2", "Ana", "Ruiz", date(2005, 1, 1)))
    entry = session_entry(clinic, client_id=young.id)
    assert _levels(db, entry)["device_min_age"] == "warning"


def test_hyperpigmentation_of_grade_3_is_refused_when_signing(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    entry = session_entry(clinic, complications=(ComplicationInput("pih", 3, date(2026, 7, 1)),))
    with pytest.raises(SessionRejected, match="CTCAE grade 1 to 2 for pih"):
        log_session(db, clinic.derm, entry, sign=True)
