"""Contraindications by modality, RF area ranges, a device's minimum age and each complication's highest grade."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clinic_log.domain.enums import AppliesTo, Modality, PractitionerRole, Severity
from clinic_log.domain.rules import SessionFacts, assess_session
from clinic_log.domain.suitability import NOT_SUITABLE, assess_suitability
from clinic_log.domain.values import (
    AreaInput,
    AreaRef,
    ClientFacts,
    ComplicationInput,
    CredentialFacts,
    DeviceModelRef,
    FindingFacts,
    PractitionerFacts,
    SessionInput,
)

AREAS = {
    "periorbital": AreaRef("periorbital", "Periorbital", "face", 0.25, 0.5, 0.5, 1.0),
    "cheeks": AreaRef("cheeks", "Cheeks", "face", 0.5, 1.0, 1.0, 3.0),
    "abdomen": AreaRef("abdomen", "Abdomen", "body", 1.0, 2.5, 2.0, 7.0),
}
SKINPEN = DeviceModelRef("SkinPen Precision", Modality.MECHANICAL, 0.25, 2.5, min_age=22)
DERMAPEN = DeviceModelRef("Dermapen 4", Modality.MECHANICAL, 0.2, 3.0)
MORPHEUS = DeviceModelRef("Morpheus8", Modality.RF, 0.5, 7.0)
DERM = PractitionerFacts(1, "mb", "Dr Maria Brandt", PractitionerRole.DERMATOLOGIST, False, None,
                         (CredentialFacts("licence", "GMC-1", date(2030, 1, 1)),))
ON = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
DAY = ON.date()
GRADES = {"erythema": 5, "pih": 2, "dryness": 3, "allergic_reaction": 5}


def _facts(device: DeviceModelRef | None, *findings: FindingFacts, born: date | None = None) -> SessionFacts:
    client = ClientFacts(1, "P-1", 2, findings, date(2026, 6, 1), born)
    return SessionFacts(client=client, practitioner=DERM, supervisor=None, device_model=device, areas=AREAS,
                        complication_codes=GRADES)


def _entry(*areas: AreaInput, complications: tuple[ComplicationInput, ...] = ()) -> SessionInput:
    return SessionInput(client_id=1, practitioner_id=1, started_at=ON,
                        areas=areas or (AreaInput("cheeks", 1.0, 2),), complications=complications)


def _finding(code: str, severity: Severity, applies: AppliesTo, noted: date = date(2026, 6, 1),
             ends: date | None = None, window: str | None = None) -> FindingFacts:
    return FindingFacts(code, code.replace("_", " "), severity, noted, ends, window, modality=applies)


# contraindication × modality × window: (finding, device) → the level raised, or None
CASES = [
    # a pacemaker stops RF and means nothing to a mechanical pen
    (_finding("implanted_device", Severity.ABSOLUTE, AppliesTo.RF), MORPHEUS, "stop"),
    (_finding("implanted_device", Severity.ABSOLUTE, AppliesTo.RF), DERMAPEN, None),
    (_finding("gold_allergy", Severity.ABSOLUTE, AppliesTo.RF), MORPHEUS, "stop"),
    (_finding("gold_allergy", Severity.ABSOLUTE, AppliesTo.RF), SKINPEN, None),
    # with no device chosen yet every finding counts (the careful reading)
    (_finding("implanted_device", Severity.ABSOLUTE, AppliesTo.RF), None, "stop"),
    (_finding("pregnancy", Severity.ABSOLUTE, AppliesTo.BOTH), DERMAPEN, "stop"),
    (_finding("pregnancy", Severity.ABSOLUTE, AppliesTo.BOTH), MORPHEUS, "stop"),
    (_finding("eczema", Severity.RELATIVE, AppliesTo.BOTH), MORPHEUS, "warning"),
    # a window: waxing 5 days; it counts until the day the window ends, which is free again
    (_finding("waxing", Severity.RELATIVE, AppliesTo.BOTH, date(2026, 6, 20), date(2026, 6, 27), "5d"),
     DERMAPEN, "warning"),
    (_finding("waxing", Severity.RELATIVE, AppliesTo.BOTH, date(2026, 6, 20), date(2026, 6, 26), "5d"),
     DERMAPEN, None),
    # noted on the session day: it counts that day
    (_finding("sunburn", Severity.ABSOLUTE, AppliesTo.BOTH, DAY), DERMAPEN, "stop"),
    (_finding("sunburn", Severity.ABSOLUTE, AppliesTo.BOTH, date(2026, 7, 2)), DERMAPEN, None),
]


@pytest.mark.parametrize(("finding", "device", "level"), CASES)
def test_a_contraindication_counts_only_for_its_modality_and_inside_its_window(
        finding: FindingFacts, device: DeviceModelRef | None, level: str | None) -> None:
    result = assess_session(_entry(), _facts(device, finding))
    code = f"contraindication_{finding.code}"
    raised = {p.level.value for p in result.problems if p.code == code}
    assert raised == ({level} if level else set())


def test_an_rf_only_stop_names_rf_and_leaves_mechanical_treatment_possible_today() -> None:
    pacemaker = _finding("implanted_device", Severity.ABSOLUTE, AppliesTo.RF)
    [stop] = assess_session(_entry(), _facts(MORPHEUS, pacemaker)).stops
    assert "RF" in stop.message
    verdict = assess_suitability((pacemaker,), 2, DAY)
    assert verdict.verdict != NOT_SUITABLE
    assert any("no RF" in r.text for r in verdict.reasons)
    both = _finding("pregnancy", Severity.ABSOLUTE, AppliesTo.BOTH)
    assert assess_suitability((both,), 2, DAY).verdict == NOT_SUITABLE


@pytest.mark.parametrize(("area", "depth", "warned"), [
    ("periorbital", 4.0, True),   # a Morpheus8 at 4 mm around the eyes
    ("periorbital", 1.0, False),
    ("periorbital", 1.05, True),
    ("cheeks", 0.95, True),
    ("cheeks", 3.0, False),
    ("cheeks", 3.05, True),
    ("abdomen", 7.0, False),      # a body tip: deep is right there
])
def test_rf_depths_are_checked_against_the_areas_rf_range(area: str, depth: float, warned: bool) -> None:
    result = assess_session(_entry(AreaInput(area, depth, 1)), _facts(MORPHEUS))
    assert ("depth_area" in {w.code for w in result.warnings}) is warned
    assert not result.errors


def test_an_area_without_an_rf_range_is_named_when_treated_with_rf() -> None:
    areas = {**AREAS, "scalp": AreaRef("scalp", "Scalp", "head", 0.5, 1.0)}
    facts = SessionFacts(client=ClientFacts(1, "P-1", 2, (), date(2026, 6, 1)), practitioner=DERM, supervisor=None,
                         device_model=MORPHEUS, areas=areas, complication_codes=GRADES)
    [warning] = [w for w in assess_session(_entry(AreaInput("scalp", 1.0, 1)), facts).warnings
                 if w.code == "depth_area"]
    assert "no RF range" in warning.message


@pytest.mark.parametrize(("born", "warned"), [
    (date(2004, 7, 2), True),    # 21, one day short of 22
    (date(2004, 7, 1), False),   # 22 that day
])
def test_a_device_labelled_for_adults_22_and_over_warns_below_that_age(born: date, warned: bool) -> None:
    result = assess_session(_entry(), _facts(SKINPEN, born=born))
    assert ("device_min_age" in {w.code for w in result.warnings}) is warned
    assert "device_min_age" not in {w.code for w in assess_session(_entry(), _facts(DERMAPEN, born=born)).warnings}


@pytest.mark.parametrize(("code", "grade", "refused"), [
    ("pih", 2, False), ("pih", 3, True), ("dryness", 3, False), ("dryness", 4, True),
    ("allergic_reaction", 4, False), ("erythema", 5, False),
])
def test_a_grade_above_the_terms_highest_is_refused(code: str, grade: int, refused: bool) -> None:
    result = assess_session(_entry(complications=(ComplicationInput(code, grade),)), _facts(DERMAPEN))
    errors = [e for e in result.errors if e.code == "ctcae_grade"]
    assert bool(errors) is refused
    if refused:
        assert f"1 to {GRADES[code]}" in errors[0].message


@pytest.mark.parametrize(("index", "total", "errors"), [
    (None, None, 0), (1, 1, 0), (12, 12, 0), (3, 6, 0), (None, 12, 0), (1, None, 0),
    (0, 4, 1), (13, None, 1), (None, 13, 1), (5, 4, 1), (0, 13, 2),
])
def test_a_course_position_is_session_1_to_12_and_not_past_its_course(index: int | None, total: int | None,
                                                                       errors: int) -> None:
    entry = SessionInput(client_id=1, practitioner_id=1, started_at=ON, areas=(AreaInput("cheeks", 1.0, 2),),
                         course_index=index, course_total=total)
    assert [e.code for e in assess_session(entry, _facts(DERMAPEN)).errors] == ["course"] * errors
