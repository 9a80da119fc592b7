"""The body site and the indication are apart (an indication's own range replaces the site's), RF tips have their
own depth ranges, and RF energy is above zero in its device's unit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clinic_log.domain.enums import Level, Modality, PractitionerRole
from clinic_log.domain.rules import SessionFacts, assess_session
from clinic_log.domain.values import (
    AreaInput,
    AreaRef,
    ClientFacts,
    CredentialFacts,
    DeviceModelRef,
    IndicationRef,
    PractitionerFacts,
    SessionInput,
    TipRef,
)

AREAS = {
    "periorbital": AreaRef("periorbital", "Periorbital", "face", 0.25, 0.5, 0.5, 1.0),
    "cheeks": AreaRef("cheeks", "Cheeks", "face", 0.5, 1.0, 1.0, 3.0),
    "abdomen": AreaRef("abdomen", "Abdomen", "body", 1.0, 2.0, 2.0, 7.0),
}
INDICATIONS = {
    "acne_scars": IndicationRef("acne_scars", "Acne scars", "cheeks", 1.5, 2.0, 1.5, 3.5),
    "rejuvenation": IndicationRef("rejuvenation", "Fine lines / rejuvenation"),
    "stretch_marks": IndicationRef("stretch_marks", "Stretch marks", "abdomen", 1.0, 2.5, 2.0, 7.0),
}
TIPS = (TipRef("prime", "Prime", 0.5, 3.0, "face"), TipRef("facial", "Facial", 0.5, 4.0, "face"),
        TipRef("body", "Body", 1.0, 7.0, "body"))
MORPHEUS = DeviceModelRef("Morpheus8", Modality.RF, 0.5, 7.0, energy_unit="level", tips=TIPS)
DERMAPEN = DeviceModelRef("Dermapen 4", Modality.MECHANICAL, 0.2, 3.0)
DERM = PractitionerFacts(1, "mb", "Dr Maria Brandt", PractitionerRole.DERMATOLOGIST, False, None,
                         (CredentialFacts("licence", "GMC-1", date(2030, 1, 1)),))
ON = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def _problems(device: DeviceModelRef | None, *areas: AreaInput,
              indications: dict[str, IndicationRef] = INDICATIONS) -> dict[str, tuple[Level, str, str]]:
    facts = SessionFacts(client=ClientFacts(1, "P-1", 2, (), date(2026, 6, 1), date(1990, 1, 1)),
                         practitioner=DERM, supervisor=None, device_model=device, areas=AREAS,
                         complication_codes={}, indications=indications)
    entry = SessionInput(client_id=1, practitioner_id=1, started_at=ON, areas=areas)
    found = assess_session(entry, facts).problems
    return {p.code: (p.level, p.field, p.message) for p in found
            if p.code not in {"no_consent", "consent_expired", "no_device", "no_lot"}}


@pytest.mark.parametrize(("depth", "warned"), [(1.45, True), (1.5, False), (2.0, False), (2.05, True)])
def test_acne_scars_on_the_cheeks_are_checked_against_the_indications_range(depth: float, warned: bool) -> None:
    found = _problems(DERMAPEN, AreaInput("cheeks", depth, 2, indication="acne_scars"))
    assert ("depth_area" in found) is warned
    if warned:
        assert found["depth_area"][2] == (f"Cheeks — acne scars {depth} mm is outside the usual 1.5–2.0 mm")


def test_the_same_depth_on_the_cheeks_without_an_indication_is_outside_the_sites_range() -> None:
    assert _problems(DERMAPEN, AreaInput("cheeks", 1.5, 2))["depth_area"][2] == (
        "Cheeks 1.5 mm is outside the usual 0.5–1.0 mm")


def test_an_indication_without_a_range_of_its_own_keeps_the_sites() -> None:
    found = _problems(DERMAPEN, AreaInput("cheeks", 1.5, 2, indication="rejuvenation"))
    assert found["depth_area"][2] == "Cheeks — fine lines / rejuvenation 1.5 mm is outside the usual 0.5–1.0 mm"
    assert "depth_area" not in _problems(DERMAPEN, AreaInput("cheeks", 1.0, 2, indication="rejuvenation"))


@pytest.mark.parametrize(("device", "half"), [
    (DERMAPEN, IndicationRef("scars", "Scars", usual_min_mm=1.5)),
    (DERMAPEN, IndicationRef("scars", "Scars", usual_max_mm=2.0)),
    (MORPHEUS, IndicationRef("scars", "Scars", rf_min_mm=0.5)),
    (MORPHEUS, IndicationRef("scars", "Scars", rf_max_mm=0.5)),
])
def test_an_indication_with_half_a_range_keeps_the_sites_whole_one(device: DeviceModelRef,
                                                                    half: IndicationRef) -> None:
    depth, usual = (1.5, "usual 0.5–1.0") if device is DERMAPEN else (0.5, "usual RF 1.0–3.0")
    found = _problems(device, AreaInput("cheeks", depth, 1, indication="scars"), indications={"scars": half})
    assert found["depth_area"] == (Level.WARNING, "areas[1].depth_mm",
                                   f"Cheeks — scars {depth} mm is outside the {usual} mm")


def test_stretch_marks_with_rf_use_the_indications_rf_range() -> None:
    assert "depth_area" not in _problems(MORPHEUS, AreaInput("abdomen", 6.0, 1, indication="stretch_marks",
                                                             tip="body"))
    found = _problems(MORPHEUS, AreaInput("abdomen", 1.5, 1, indication="stretch_marks", tip="body"))
    assert found["depth_area"][2] == "Abdomen — stretch marks 1.5 mm is outside the usual RF 2.0–7.0 mm"


def test_an_unknown_indication_is_an_error_naming_the_known_ones() -> None:
    level, field, message = _problems(DERMAPEN, AreaInput("cheeks", 1.0, 2, indication="tattoo"))[
        "unknown_indication"]
    assert (level, field) == (Level.ERROR, "areas[1].indication")
    assert message == "'tattoo' is not an indication; one of acne_scars, rejuvenation, stretch_marks"


def test_the_same_site_twice_is_allowed_for_two_indications_but_not_for_one() -> None:
    two = _problems(DERMAPEN, AreaInput("cheeks", 1.0, 2, indication="rejuvenation"),
                    AreaInput("cheeks", 1.5, 2, indication="acne_scars"))
    assert "duplicate_area" not in two
    same = _problems(DERMAPEN, AreaInput("cheeks", 1.5, 2, indication="acne_scars"),
                     AreaInput("cheeks", 1.75, 2, indication="acne_scars"))
    assert same["duplicate_area"][:2] == (Level.ERROR, "areas[2].area")


# tip × depth: (tip, depth) → the tip's range named when the depth is outside it
@pytest.mark.parametrize(("tip", "depth", "error"), [
    ("prime", 3.0, None), ("prime", 3.05, "Prime tip's range 0.5–3.0 mm"), ("facial", 4.0, None),
    ("facial", 4.05, "Facial tip's range 0.5–4.0 mm"), ("body", 0.95, "Body tip's range 1.0–7.0 mm"),
    ("body", 1.0, None), ("body", 7.0, None),
])
def test_the_depth_is_within_the_tips_own_range(tip: str, depth: float, error: str | None) -> None:
    found = _problems(MORPHEUS, AreaInput("abdomen", depth, 1, tip=tip))
    assert found.get("depth_tip") == (None if error is None else (
        Level.ERROR, "areas[1].depth_mm", f"Abdomen {depth} mm is outside the Morpheus8 {error}"))
    assert "depth_device" not in found  # within the device's own range: the tip is what is wrong


def test_a_body_tip_up_to_7_mm_is_no_device_error_and_a_facial_tip_at_7_mm_is() -> None:
    assert not {"depth_device", "depth_tip"} & set(_problems(MORPHEUS, AreaInput("abdomen", 7.0, 1, tip="body")))
    assert "depth_tip" in _problems(MORPHEUS, AreaInput("abdomen", 7.0, 1, tip="facial"))


def test_morpheus8_at_4_mm_on_the_periorbital_area_warns() -> None:
    found = _problems(MORPHEUS, AreaInput("periorbital", 4.0, 1, tip="facial"))
    assert found["depth_area"][:2] == (Level.WARNING, "areas[1].depth_mm")
    assert "depth_tip" not in found


def test_a_body_tip_on_the_face_is_a_warning() -> None:
    found = _problems(MORPHEUS, AreaInput("cheeks", 2.0, 1, tip="body"))
    assert found["tip_region"] == (Level.WARNING, "areas[1].tip",
                                   "the Morpheus8 Body tip is made for the body, not the face: Cheeks")
    assert "tip_region" not in _problems(MORPHEUS, AreaInput("abdomen", 2.0, 1, tip="body"))


def test_a_tip_the_device_does_not_have_or_without_a_device_is_an_error() -> None:
    assert _problems(MORPHEUS, AreaInput("cheeks", 2.0, 1, tip="nano"))["unknown_tip"] == (
        Level.ERROR, "areas[1].tip", "'nano' is not a tip of the Morpheus8; its tips: prime, facial, body")
    assert _problems(DERMAPEN, AreaInput("cheeks", 1.0, 1, tip="prime"))["unknown_tip"][2] == (
        "'prime' is not a tip of the Dermapen 4; its tips: none on record")
    assert _problems(None, AreaInput("cheeks", 1.0, 1, tip="prime"))["tip_device"] == (
        Level.ERROR, "areas[1].tip", "tip 'prime' is recorded without a device; choose the device")


@pytest.mark.parametrize(("energy", "error"), [(0.0, True), (-1.0, True), (0.05, False), (40.0, False)])
def test_rf_energy_is_above_zero_and_named_in_the_devices_unit(energy: float, error: bool) -> None:
    found = _problems(MORPHEUS, AreaInput("cheeks", 2.0, 1, rf_energy=energy, tip="facial"))
    assert found.get("rf_energy") == (None if not error else (
        Level.ERROR, "areas[1].rf_energy", f"Cheeks: RF energy {energy} level is not allowed; above 0"))


def test_rf_energy_on_a_device_without_a_unit_on_record_is_named_without_one() -> None:
    unitless = DeviceModelRef("Morpheus8", Modality.RF, 0.5, 7.0, tips=TIPS)
    found = _problems(unitless, AreaInput("cheeks", 2.0, 1, rf_energy=0.0, tip="facial"))
    assert found["rf_energy"] == (Level.ERROR, "areas[1].rf_energy", "Cheeks: RF energy 0.0 is not allowed; above 0")
