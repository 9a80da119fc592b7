"""The session form's typed, versioned state: it survives JSON, reads every layout older forms stored, and refuses
a newer app's state with one clear line."""

from __future__ import annotations

import json

import pytest

from clinic_log.services.sessions.session_form_state import (
    STATE_VERSION,
    AreaRowState,
    ComplicationRowState,
    ProductsState,
    SessionFormState,
    UnreadableFormState,
)

FULL = SessionFormState(
    session_id=7, session_version=3, started_at="2026-03-31 09:30", practitioner_id=1, supervisor_id=2,
    supervisor_presence="on_site", device_id=4, cartridge_lot="L-1", lot_expires="2027-01-31",
    areas=(AreaRowState("cheeks", "1,5", "2", "stamping", "mild erythema", "", "acne_scars", "facial",
                        (("legacy", "read as Acne scars on Cheeks"),)),),
    products=ProductsState(numbing=True, contact_minutes="20", serum="HA", prp=True, other="a, b"),
    course_index="2", course_total="13", skin_response="oedema",
    complications=(ComplicationRowState("erythema", 1, True, "device", "cooled"),),
    notes="calm", reason="scarring")

# What the form stored before its state had a version (SessionFormDialog.state() until now).
VERSION_1 = {
    "session_id": 7, "version": 3, "started_at": "2026-03-31 09:30", "practitioner_id": 1, "supervisor_id": 2,
    "presence": "on_site", "device_id": 4, "lot": "L-1", "lot_expires": "2027-01-31",
    "areas": [{"code": "cheeks", "depth": "1,5", "passes": "2", "technique": "stamping",
               "endpoint": "mild erythema", "rf_energy": "", "indication": "acne_scars", "tip": "facial",
               "notes": {"legacy": "read as Acne scars on Cheeks"}}],
    "products": {"numbing": True, "contact": "20", "serum": "HA", "prp": True, "other": "a, b"},
    "course": ["2", "13"], "skin_response": "oedema",
    "complications": [{"code": "erythema", "grade": 1, "expected": True, "related": "device", "action": "cooled"}],
    "notes": "calm", "reason": "scarring",
}


def test_a_state_survives_json_unchanged() -> None:
    stored = json.loads(json.dumps(FULL.to_json()))
    assert SessionFormState.from_json(stored) == FULL
    assert stored["state_version"] == STATE_VERSION == FULL.version


def test_an_empty_state_survives_json_unchanged() -> None:
    assert SessionFormState.from_json(json.loads(json.dumps(SessionFormState().to_json()))) == SessionFormState()


def test_a_version_1_state_reads_with_the_domains_names() -> None:
    assert SessionFormState.from_json(VERSION_1) == FULL


def test_version_1_numbers_read_as_the_text_the_field_shows() -> None:
    """The form before typed text stored numbers: spin boxes' 0 meant none for RF energy and the course."""
    state = SessionFormState.from_json({**VERSION_1, "course": [0, 6],
                                        "areas": [{"code": "nose", "depth": 0.3, "passes": 2, "rf_energy": 0.0}],
                                        "products": {"numbing": True, "contact": 30.0}})
    assert state.areas == (AreaRowState("nose", depth_mm="0.3", passes="2", rf_energy=""),)
    assert (state.course_index, state.course_total) == ("", "6")
    assert state.products.contact_minutes == "30"


def test_version_1_values_not_stored_leave_the_forms_own() -> None:
    """A missing text is None (the field keeps its default); a missing expiry is not set; no course empties both;
    numbing without a contact time shows an empty one."""
    state = SessionFormState.from_json({"areas": [{"code": "nose"}], "products": {"numbing": True}})
    assert state.started_at is None and state.lot_expires is None and state.session_version is None
    assert state.areas == (AreaRowState("nose"),)
    assert (state.course_index, state.course_total) == ("", "")
    assert state.products.contact_minutes == ""


def test_a_version_1_iso_start_and_legacy_area_code_are_kept_for_the_form_to_read() -> None:
    state = SessionFormState.from_json({"started_at": "2026-03-31T09:30:00", "areas": [{"code": "acne_scars"}]})
    assert state.started_at == "2026-03-31T09:30:00"
    assert state.areas[0].area_code == "acne_scars"


def test_values_of_the_wrong_kind_are_left_out_not_raised() -> None:
    state = SessionFormState.from_json({**VERSION_1, "practitioner_id": "1", "areas": "cheeks", "course": "x",
                                        "complications": [3, {"code": "", "grade": "2"}]})
    assert state.practitioner_id is None and state.areas == ()
    assert state.complications == (ComplicationRowState(),)


@pytest.mark.parametrize("version", [STATE_VERSION + 1, 99])
def test_a_newer_apps_state_is_refused_with_its_version_named(version: int) -> None:
    with pytest.raises(UnreadableFormState, match=rf"newer version of Clinic Log \(form state version {version}; "
                                                  rf"this one reads up to {STATE_VERSION}\)"):
        SessionFormState.from_json({**FULL.to_json(), "state_version": version})


@pytest.mark.parametrize("data", [[], "text", {"state_version": "2"}, {"state_version": 0}])
def test_something_that_is_no_form_state_is_refused(data: object) -> None:
    with pytest.raises(UnreadableFormState):
        SessionFormState.from_json(data)
