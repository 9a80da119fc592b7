"""Every session rule on its edges: the day before, of and after a date; 0, the minimum, the maximum and one step more.

Each problem is compared whole — level, code, field and the message the practitioner reads — so a rule that is
downgraded from error to warning, names the wrong field or loses its reason fails here. Equivalent mutants (those no
test can tell apart from the original) are listed with why in docs/mutation.md.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clinic_log.domain.enums import AppliesTo, DecisionKind, Level, Modality, PractitionerRole, Severity
from clinic_log.domain.rules import SessionFacts, assess_session, is_depth_step, override_reason_problem
from clinic_log.domain.values import (
    AreaInput,
    AreaRef,
    ClientFacts,
    ComplicationInput,
    CredentialFacts,
    DecisionFacts,
    DeviceModelRef,
    FindingFacts,
    LotFacts,
    PractitionerFacts,
    Problem,
    SessionInput,
)

E, S, W = Level.ERROR, Level.STOP, Level.WARNING
AREAS = {
    "cheeks": AreaRef("cheeks", "Cheeks", "face", 0.5, 1.0, 1.0, 3.0),
    "forehead": AreaRef("forehead", "Forehead", "face", 0.25, 0.5),  # no RF range on record
    "neck": AreaRef("neck", "Neck", "neck", 0.25, 0.75, 1.0, None),  # half an RF range
}
PEN = DeviceModelRef("Dermapen 4", Modality.MECHANICAL, 0.25, 2.5)
SKINPEN = DeviceModelRef("SkinPen Precision", Modality.MECHANICAL, 0.25, 2.5, min_age=22)
MORPHEUS = DeviceModelRef("Morpheus8", Modality.RF, 0.5, 4.0)
LICENCE = CredentialFacts("licence", "GMC-1", date(2030, 1, 1))
DERM = PractitionerFacts(1, "mb", "Dr Maria Brandt", PractitionerRole.DERMATOLOGIST, False, None, (LICENCE,))
SURGEON = PractitionerFacts(3, "ps", "Dr Paul Stone", PractitionerRole.PLASTIC_SURGEON, False, None, (LICENCE,))
NURSE = PractitionerFacts(2, "jd", "Jane Doyle", PractitionerRole.NURSE, True, 1.5, (LICENCE,))
DAY = date(2026, 7, 1)
ON = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # midday: the same local day in any timezone from UTC-11 to UTC+11
GRADES = {"erythema": 5, "pih": 2}
CONSENT = date(2026, 6, 1)


def facts(*, client: ClientFacts | None = None, practitioner: PractitionerFacts = DERM,
          supervisor: PractitionerFacts | None = None, device: DeviceModelRef | None = PEN,
          lot: LotFacts | None = None, consent_validity: str = "12m") -> SessionFacts:
    return SessionFacts(client=client or ClientFacts(1, "P-1", 2, (), CONSENT), practitioner=practitioner,
                        supervisor=supervisor, device_model=device, areas=AREAS, complication_codes=GRADES,
                        consent_validity=consent_validity, lot=lot)


def entry(*areas: AreaInput, **overrides: object) -> SessionInput:
    values: dict[str, object] = {"client_id": 1, "practitioner_id": 1, "started_at": ON, "device_id": 1,
                                 "areas": areas or (AreaInput("cheeks", 0.75, 2),)}
    values.update(overrides)
    return SessionInput(**values)  # type: ignore[arg-type]


def problems(session: SessionInput, session_facts: SessionFacts) -> list[tuple[Level, str, str, str]]:
    return [(p.level, p.code, p.field, p.message) for p in assess_session(session, session_facts).problems]


def client(fitzpatrick: int | None = 2, *findings: FindingFacts, consent: date | None = CONSENT,
           born: date | None = None) -> ClientFacts:
    return ClientFacts(1, "P-1", fitzpatrick, findings, consent, born)


# --- the practitioner, the supervisor, the presence -----------------------------------------------------------------

@pytest.mark.parametrize(("expires", "stopped"), [
    (date(2026, 6, 30), True),   # expired the day before
    (date(2026, 7, 1), False),   # expires on the session day: still valid that day
    (date(2026, 7, 2), False),
    (None, False),               # a credential that does not expire
])
def test_a_required_credential_stops_only_from_the_day_after_it_expires(expires: date | None, stopped: bool) -> None:
    who = PractitionerFacts(1, "mb", "Dr Maria Brandt", PractitionerRole.DERMATOLOGIST, False, None,
                            (CredentialFacts("licence", "GMC-1", expires),))
    expected = [(S, "credential_expired", "practitioner", "Dr Maria Brandt's licence GMC-1 expired 2026-06-30")]
    assert problems(entry(), facts(practitioner=who)) == (expected if stopped else [])


def test_an_expired_optional_certificate_is_no_stop_but_without_a_required_one_it_warns() -> None:
    who = PractitionerFacts(1, "mb", "Dr Maria Brandt", PractitionerRole.DERMATOLOGIST, False, None,
                            (CredentialFacts("course", "C-9", date(2020, 1, 1), required=False),))
    assert problems(entry(), facts(practitioner=who)) == [
        (W, "credential_missing", "practitioner", "Dr Maria Brandt has no licence or certificate on record")]


def test_supervision_a_nurse_needs_and_who_may_give_it() -> None:
    assert problems(entry(), facts(practitioner=NURSE)) == [
        (W, "supervisor_missing", "supervisor",
         "Jane Doyle (nurse) needs a supervising physician recorded on the session")]
    assert problems(entry(), facts(practitioner=NURSE, supervisor=SURGEON)) == []
    assert problems(entry(), facts(practitioner=NURSE, supervisor=NURSE)) == [
        (E, "supervisor_not_physician", "supervisor",
         "Jane Doyle is a nurse; the supervisor must be a dermatologist or plastic surgeon"),
        (E, "supervisor_is_practitioner", "supervisor", "a practitioner cannot supervise themself")]
    assert problems(entry(), facts(practitioner=DERM, supervisor=SURGEON)) == []


@pytest.mark.parametrize(("presence", "refused"), [(None, False), ("on_site", False), ("reachable", False),
                                                   ("by phone", True), ("", True)])
def test_supervisor_presence_is_one_of_two_words(presence: str | None, refused: bool) -> None:
    expected = [(E, "bad_presence", "supervisor_presence",
                 f"{presence!r} is not allowed; one of on_site, reachable")]
    assert problems(entry(supervisor_presence=presence), facts()) == (expected if refused else [])


# --- the cartridge lot ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expires", "refused"), [
    (date(2026, 6, 30), True), (date(2026, 7, 1), False), (date(2026, 7, 2), False)])
def test_a_lot_may_be_used_up_to_and_on_its_expiry_day(expires: date, refused: bool) -> None:
    expected = [(E, "lot_expired", "cartridge_lot", "lot L1 expired 2026-06-30; use an unexpired cartridge")]
    assert problems(entry(cartridge_lot="L1", lot_expires=expires), facts()) == (expected if refused else [])


def test_a_lot_and_its_expiry_go_together() -> None:
    assert problems(entry(lot_expires=date(2027, 1, 1)), facts()) == [
        (E, "lot_expiry_without_lot", "cartridge_lot",
         "an expiry (2027-01-01) is given without a lot number: type the lot number or clear the expiry")]
    assert problems(entry(cartridge_lot="L1"), facts()) == [
        (E, "lot_expiry_missing", "lot_expires", "enter the expiry of lot L1")]
    assert problems(entry(), facts()) == []


def test_a_known_lot_uses_its_recorded_expiry_and_refuses_another() -> None:
    known = LotFacts("L1", True, date(2026, 6, 30))
    # nothing typed: the recorded expiry counts (expired the day before)
    assert problems(entry(cartridge_lot="L1"), facts(lot=known)) == [
        (E, "lot_expired", "cartridge_lot", "lot L1 expired 2026-06-30; use an unexpired cartridge")]
    fresh = LotFacts("L1", True, date(2027, 1, 1))
    assert problems(entry(cartridge_lot="L1"), facts(lot=fresh)) == []
    assert problems(entry(cartridge_lot="L1", lot_expires=date(2027, 1, 1)), facts(lot=fresh)) == []
    assert problems(entry(cartridge_lot="L1", lot_expires=date(2027, 2, 1)), facts(lot=fresh)) == [
        (E, "lot_expiry_mismatch", "lot_expires",
         "lot L1 is recorded with expiry 2027-01-01, not 2027-02-01: check the box and the lot number")]
    # a new lot (unknown, or known without expiry) takes the typed expiry
    for lot in (LotFacts("L1", False, date(2020, 1, 1)), LotFacts("L1", True, None)):
        assert problems(entry(cartridge_lot="L1", lot_expires=date(2027, 2, 1)), facts(lot=lot)) == []
        assert problems(entry(cartridge_lot="L1"), facts(lot=lot)) == [
            (E, "lot_expiry_missing", "lot_expires", "enter the expiry of lot L1")]


# --- the treated areas ----------------------------------------------------------------------------------------------

STEP_TEXT = "mm is not allowed; a positive depth in steps of 0.05 mm"


@pytest.mark.parametrize(("depth", "expected"), [
    (0.0, [(E, "depth_step", "areas[1].depth_mm", f"0.0 {STEP_TEXT}")]),
    (-0.5, [(E, "depth_step", "areas[1].depth_mm", f"-0.5 {STEP_TEXT}")]),
    (0.05, []), (0.5, []), (1.0, []), (0.73, [(E, "depth_step", "areas[1].depth_mm", f"0.73 {STEP_TEXT}")]),
])
def test_a_depth_is_positive_and_in_steps_of_five_hundredths(depth: float, expected: list[object]) -> None:
    session = entry(AreaInput("cheeks", depth, 1))
    found = [p for p in problems(session, facts(device=None)) if p[1] == "depth_step"]
    assert found == expected


@pytest.mark.parametrize(("depth", "steps"), [(0.05, True), (0.1, True), (0.15, True), (2.35, True),
                                              (0.051, False), (0.07, False)])
def test_depth_steps_tolerate_binary_rounding_only(depth: float, steps: bool) -> None:
    assert is_depth_step(depth) is steps


@pytest.mark.parametrize(("depth", "refused"), [(0.2, True), (0.25, False), (2.5, False), (2.55, True)])
def test_a_depth_inside_the_devices_range_including_both_ends(depth: float, refused: bool) -> None:
    expected = (E, "depth_device", "areas[1].depth_mm",
                f"Cheeks {depth} mm is outside the Dermapen 4's range 0.25–2.5 mm")
    found = [p for p in problems(entry(AreaInput("cheeks", depth, 1)), facts()) if p[1] == "depth_device"]
    assert found == ([expected] if refused else [])


@pytest.mark.parametrize(("depth", "warned"), [(0.45, True), (0.5, False), (1.0, False), (1.05, True)])
def test_the_areas_usual_range_warns_outside_both_ends(depth: float, warned: bool) -> None:
    expected = (W, "depth_area", "areas[1].depth_mm", f"Cheeks {depth} mm is outside the usual 0.5–1.0 mm")
    assert problems(entry(AreaInput("cheeks", depth, 1)), facts()) == ([expected] if warned else [])


@pytest.mark.parametrize(("depth", "warned"), [(0.95, True), (1.0, False), (3.0, False), (3.05, True)])
def test_an_rf_device_uses_the_areas_rf_range(depth: float, warned: bool) -> None:
    expected = (W, "depth_area", "areas[1].depth_mm", f"Cheeks {depth} mm is outside the usual RF 1.0–3.0 mm")
    assert problems(entry(AreaInput("cheeks", depth, 1)), facts(device=MORPHEUS)) == ([expected] if warned else [])


@pytest.mark.parametrize("area", ["forehead", "neck"])
def test_an_area_without_a_whole_rf_range_is_named_with_an_rf_device(area: str) -> None:
    label = AREAS[area].label
    assert problems(entry(AreaInput(area, 1.0, 1)), facts(device=MORPHEUS)) == [
        (W, "depth_area", "areas[1].depth_mm",
         f"{label} has no RF range on record: check 1.0 mm with the device's guide")]


@pytest.mark.parametrize(("depth", "warned"), [(1.45, False), (1.5, False), (1.55, True)])
def test_the_practitioners_depth_cap_allows_the_cap_itself(depth: float, warned: bool) -> None:
    ref = AreaRef("scars", "Scars", "face", 1.0, 2.5)
    session_facts = SessionFacts(client=client(), practitioner=NURSE, supervisor=DERM, device_model=PEN,
                                 areas={"scars": ref}, complication_codes=GRADES)
    expected = (W, "depth_cap", "areas[1].depth_mm", f"Scars {depth} mm is over Jane Doyle's cap of 1.5 mm")
    assert problems(entry(AreaInput("scars", depth, 1)), session_facts) == ([expected] if warned else [])


@pytest.mark.parametrize(("passes", "refused"), [(0, True), (1, False), (2, False), (19, False), (20, False),
                                                 (21, True), (-1, True)])
def test_passes_run_from_1_to_20(passes: int, refused: bool) -> None:
    expected = (E, "passes", "areas[1].passes", f"Cheeks: {passes} passes is not allowed; 1 to 20 passes")
    assert problems(entry(AreaInput("cheeks", 0.75, passes)), facts()) == ([expected] if refused else [])


@pytest.mark.parametrize(("technique", "refused"), [(None, False), ("stamping", False), ("gliding", False),
                                                    ("rolling", False), ("dabbing", True), ("Stamping", True)])
def test_a_technique_is_one_of_three_and_anything_else_is_an_error(technique: str | None, refused: bool) -> None:
    expected = (E, "technique", "areas[1].technique",
                f"{technique!r} is not allowed; one of stamping, gliding, rolling")
    session = entry(AreaInput("cheeks", 0.75, 2, technique=technique))
    assert problems(session, facts()) == ([expected] if refused else [])


def test_a_duplicate_area_is_an_error_on_the_second_line() -> None:
    session = entry(AreaInput("cheeks", 0.75, 1), AreaInput("forehead", 0.25, 1), AreaInput("cheeks", 0.5, 1))
    assert problems(session, facts()) == [(E, "duplicate_area", "areas[3].area", "Cheeks is listed twice")]


def test_an_unknown_area_is_an_error_and_the_next_lines_are_still_checked() -> None:
    session = entry(AreaInput("kneecap", 0.5, 1), AreaInput("cheeks", 0.75, 0), AreaInput("cheeks", 0.75, 1))
    assert problems(session, facts()) == [
        (E, "unknown_area", "areas[1].area", "'kneecap' is not an area; one of cheeks, forehead, neck"),
        (E, "passes", "areas[2].passes", "Cheeks: 0 passes is not allowed; 1 to 20 passes"),
        (E, "duplicate_area", "areas[3].area", "Cheeks is listed twice"),
    ]


def test_a_session_without_areas_is_an_error_and_no_other_check_breaks() -> None:
    assert problems(entry(areas=()), facts(client=client(6))) == [
        (E, "no_areas", "areas", "at least one treated area is required")]
    assert problems(entry(areas=()), facts(client=client(6), device=MORPHEUS)) == [
        (E, "no_areas", "areas", "at least one treated area is required"),
        (W, "pih_risk", "client", "Fitzpatrick VI with an RF device: higher risk of hyperpigmentation (PIH)")]


@pytest.mark.parametrize(("device", "refused"), [(PEN, True), (None, True), (MORPHEUS, False)])
def test_rf_energy_is_an_error_except_on_an_rf_device(device: DeviceModelRef | None, refused: bool) -> None:
    session = entry(AreaInput("cheeks", 1.0, 1, rf_energy=20))
    expected = (E, "rf_energy", "areas[1].rf_energy", "RF energy applies only to RF devices")
    assert [p for p in problems(session, facts(device=device)) if p[1] == "rf_energy"] == (
        [expected] if refused else [])


# --- the course: session k of n -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("index", "total", "expected"), [
    (1, 1, []), (12, 12, []), (None, 12, []), (1, None, []),
    (0, 4, [(E, "course", "course_index", "session number 0 is not allowed; 1 to 12")]),
    (13, None, [(E, "course", "course_index", "session number 13 is not allowed; 1 to 12")]),
    (None, 0, [(E, "course", "course_total", "sessions in the course 0 is not allowed; 1 to 12")]),
    (None, 13, [(E, "course", "course_total", "sessions in the course 13 is not allowed; 1 to 12")]),
    (0, 13, [(E, "course", "course_index", "session number 0 is not allowed; 1 to 12"),
             (E, "course", "course_total", "sessions in the course 13 is not allowed; 1 to 12")]),
    (5, 4, [(E, "course", "course_index", "session 5 of 4: the number is past the course")]),
    (4, 4, []),
])
def test_the_course_position_names_which_number_is_wrong_and_what_is_allowed(
        index: int | None, total: int | None, expected: list[object]) -> None:
    assert problems(entry(course_index=index, course_total=total), facts()) == expected


# --- complications ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "grade", "expected"), [
    ("erythema", 0, [(E, "ctcae_grade", "complications[1].grade", "0 is not allowed; CTCAE grade 1 to 5")]),
    ("erythema", 1, []), ("erythema", 5, []),
    ("erythema", 6, [(E, "ctcae_grade", "complications[1].grade", "6 is not allowed; CTCAE grade 1 to 5")]),
    ("pih", 2, []),
    ("pih", 3, [(E, "ctcae_grade", "complications[1].grade", "3 is not allowed; CTCAE grade 1 to 2 for pih")]),
    ("pih", 0, [(E, "ctcae_grade", "complications[1].grade", "0 is not allowed; CTCAE grade 1 to 2 for pih")]),
    ("hives", 1, [(E, "unknown_complication", "complications[1].type",
                   "'hives' is not a complication type; one of erythema, pih")]),
    ("hives", 6, [(E, "unknown_complication", "complications[1].type",
                   "'hives' is not a complication type; one of erythema, pih"),
                  (E, "ctcae_grade", "complications[1].grade", "6 is not allowed; CTCAE grade 1 to 5")]),
    ("", 2, [(E, "complication_type_missing", "complications[1].type",
              "complication 1: choose the complication type")]),
])
def test_a_complication_has_a_known_type_and_a_grade_up_to_its_highest(code: str, grade: int,
                                                                        expected: list[object]) -> None:
    session = entry(complications=(ComplicationInput(code, grade),))
    assert problems(session, facts()) == expected


def test_each_complication_is_named_by_its_line() -> None:
    session = entry(complications=(ComplicationInput("erythema", 1), ComplicationInput("", 1)))
    assert problems(session, facts()) == [(E, "complication_type_missing", "complications[2].type",
                                           "complication 2: choose the complication type")]


# --- the client: contraindications, age, skin type, consent ----------------------------------------------------------

def _finding(severity: Severity, applies: AppliesTo = AppliesTo.BOTH, noted: date = date(2026, 6, 1),
             code: str = "pregnancy", label: str = "Pregnancy") -> FindingFacts:
    return FindingFacts(code, label, severity, noted, modality=applies)


@pytest.mark.parametrize(("noted", "counts"), [(date(2026, 6, 30), True), (DAY, True), (date(2026, 7, 2), False)])
def test_a_contraindication_noted_on_the_session_day_counts_that_day(noted: date, counts: bool) -> None:
    session_facts = facts(client=client(2, _finding(Severity.ABSOLUTE, noted=noted)))
    expected = [(S, "contraindication_pregnancy", "client", "Pregnancy — absolute (absolute)")]
    assert problems(entry(), session_facts) == (expected if counts else [])


@pytest.mark.parametrize(("applies", "device", "message"), [
    (AppliesTo.BOTH, PEN, "Pregnancy — absolute (absolute)"),
    (AppliesTo.RF, MORPHEUS, "Pregnancy — absolute for RF: no RF treatment (absolute for RF)"),
    (AppliesTo.MECHANICAL, PEN,
     "Pregnancy — absolute for mechanical microneedling: RF only (absolute for mechanical microneedling)"),
    (AppliesTo.RF, PEN, None), (AppliesTo.MECHANICAL, MORPHEUS, None),
])
def test_an_absolute_contraindication_is_a_stop_naming_its_modality(applies: AppliesTo, device: DeviceModelRef,
                                                                     message: str | None) -> None:
    session_facts = facts(client=client(2, _finding(Severity.ABSOLUTE, applies)), device=device)
    session = entry(AreaInput("cheeks", 1.0, 1))
    assert problems(session, session_facts) == ([] if message is None else [
        (S, "contraindication_pregnancy", "client", message)])


def test_a_finding_for_another_modality_does_not_hide_the_next_one() -> None:
    pacemaker = _finding(Severity.ABSOLUTE, AppliesTo.RF, code="implanted_device", label="Pacemaker")
    eczema = _finding(Severity.RELATIVE, code="eczema", label="Eczema")
    assert problems(entry(), facts(client=client(2, pacemaker, eczema))) == [
        (W, "contraindication_eczema", "client", "Eczema — relative, needs physician clearance (relative)")]


def test_a_cleared_relative_contraindication_raises_nothing() -> None:
    cleared = FindingFacts("eczema", "Eczema", Severity.RELATIVE, date(2026, 1, 1), cleared_by="mbrandt")
    assert problems(entry(), facts(client=client(2, cleared))) == []


@pytest.mark.parametrize(("born", "expected"), [
    (date(2008, 7, 2), [(S, "under_age", "client", "P-1 is 17 on 2026-07-01 (born 2008-07-02): under 18")]),
    (date(2008, 7, 1), []),  # 18 that day
    (date(2008, 6, 30), []),
    (DAY, [(S, "under_age", "client", "P-1 is 0 on 2026-07-01 (born 2026-07-01): under 18")]),
    (date(2026, 7, 2), [(E, "born_after_session", "client",
                         "P-1's date of birth 2026-07-02 is after the session: correct the client's record")]),
])
def test_a_client_under_18_on_the_session_day_is_a_stop(born: date, expected: list[object]) -> None:
    assert problems(entry(), facts(client=client(born=born))) == expected


@pytest.mark.parametrize(("born", "warned"), [
    (date(2008, 7, 2), False),   # 17: the under-age stop says it already
    (date(2008, 7, 1), True),    # 18
    (date(2004, 7, 2), True),    # 21
    (date(2004, 7, 1), False),   # 22 that day
    (date(2026, 7, 1), False),   # born that day: under age, not the device's business
])
def test_a_device_for_adults_22_and_over_warns_from_18_to_21(born: date, warned: bool) -> None:
    found = [p for p in problems(entry(), facts(client=client(born=born), device=SKINPEN))
             if p[1] == "device_min_age"]
    age = 18 if born == date(2008, 7, 1) else 21
    expected = (W, "device_min_age", "device",
                f"P-1 is {age}: the SkinPen Precision's label is for adults 22 and over")
    assert found == ([expected] if warned else [])


@pytest.mark.parametrize(("fitzpatrick", "depth", "device", "why"), [
    (3, 1.5, PEN, None), (4, 1.0, PEN, None), (4, 1.05, PEN, "1.05 mm"), (5, 1.5, PEN, "1.5 mm"),
    (6, 1.1, PEN, "1.1 mm"), (1, 1.0, MORPHEUS, None), (2, 1.0, MORPHEUS, None), (3, 1.0, MORPHEUS, None),
    (4, 1.0, MORPHEUS, "an RF device"), (None, 2.0, PEN, None),
])
def test_dark_skin_types_iv_to_vi_warn_above_1_mm_or_with_rf(fitzpatrick: int | None, depth: float,
                                                              device: DeviceModelRef, why: str | None) -> None:
    area = "cheeks" if device is MORPHEUS else "scars"
    areas = {**AREAS, "scars": AreaRef("scars", "Scars", "face", 0.5, 2.5)}
    session_facts = SessionFacts(client=client(fitzpatrick), practitioner=DERM, supervisor=None,
                                 device_model=device, areas=areas, complication_codes=GRADES)
    found = [p for p in problems(entry(AreaInput(area, depth, 1)), session_facts) if p[1] == "pih_risk"]
    numeral = {4: "IV", 5: "V", 6: "VI"}.get(fitzpatrick or 0)
    assert found == ([] if why is None else [
        (W, "pih_risk", "client", f"Fitzpatrick {numeral} with {why}: higher risk of hyperpigmentation (PIH)")])


@pytest.mark.parametrize(("signed", "validity", "expired"), [
    (date(2025, 7, 2), "12m", False), (date(2025, 7, 1), "12m", True), (date(2025, 6, 30), "12m", True),
    (date(2026, 6, 2), "30d", False), (date(2026, 6, 1), "30d", True),
])
def test_consent_is_valid_until_the_day_before_its_window_ends(signed: date, validity: str, expired: bool) -> None:
    expected = (W, "consent_expired", "client",
                f"consent signed {signed.isoformat()} has expired (valid {validity})")
    session_facts = facts(client=client(consent=signed), consent_validity=validity)
    assert problems(entry(), session_facts) == ([expected] if expired else [])


def _noon(day: date) -> datetime:  # noon UTC: the same calendar day in every zone within ±11 h
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def _decision(kind: DecisionKind = DecisionKind.DEFER, *, decided: date = date(2026, 6, 20),
              closed: date | None = None, review_on: date | None = None,
              referred_to: str | None = None) -> DecisionFacts:
    return DecisionFacts(7, kind, "active acne flare", "Dr Maria Brandt", _noon(decided), review_on=review_on,
                         referred_to=referred_to, closed_at=None if closed is None else _noon(closed))


@pytest.mark.parametrize(("decision", "line"), [
    (_decision(review_on=date(2026, 7, 15)),
     "deferred until 2026-07-15: active acne flare (recorded by Dr Maria Brandt)"),
    (_decision(review_on=DAY),
     "deferred, review was due 2026-07-01: active acne flare (recorded by Dr Maria Brandt)"),
    (_decision(DecisionKind.REFERRAL, referred_to="Dr Lee, dermatology"),
     "referred to Dr Lee, dermatology: active acne flare (recorded by Dr Maria Brandt)"),
    (_decision(decided=DAY, review_on=date(2026, 7, 15)),  # decided earlier that day
     "deferred until 2026-07-15: active acne flare (recorded by Dr Maria Brandt)"),
    (_decision(closed=date(2026, 7, 2), review_on=date(2026, 7, 15)),  # closed only after the session
     "deferred until 2026-07-15: active acne flare (recorded by Dr Maria Brandt)"),
    (_decision(closed=DAY, review_on=date(2026, 7, 15)), None),  # closed that day
    (_decision(closed=date(2026, 6, 30), review_on=date(2026, 7, 15)), None),
    (_decision(decided=date(2026, 7, 2), review_on=date(2026, 7, 15)), None),  # decided after the session
])
def test_a_decision_open_on_the_session_day_warns_with_its_line(decision: DecisionFacts, line: str | None) -> None:
    session_facts = facts(client=ClientFacts(1, "P-1", 2, (), CONSENT, decisions=(decision,)))
    assert problems(entry(), session_facts) == ([] if line is None else [(W, "open_decision", "client", line)])


def test_each_open_decision_warns_before_the_consent() -> None:
    deferral = _decision(review_on=date(2026, 7, 15))
    referral = _decision(DecisionKind.REFERRAL, referred_to="Dr Lee")
    session_facts = facts(client=ClientFacts(1, "P-1", 2, (), None, decisions=(deferral, referral)))
    assert problems(entry(), session_facts) == [
        (W, "open_decision", "client", "deferred until 2026-07-15: active acne flare (recorded by Dr Maria Brandt)"),
        (W, "open_decision", "client", "referred to Dr Lee: active acne flare (recorded by Dr Maria Brandt)"),
        (W, "consent_missing", "client", "P-1 has no signed consent on record")]


def test_missing_consent_warns() -> None:
    assert problems(entry(), facts(client=client(consent=None))) == [
        (W, "consent_missing", "client", "P-1 has no signed consent on record")]


def test_all_checks_add_up_in_one_assessment_in_order() -> None:
    session = entry(AreaInput("cheeks", 0.75, 21), complications=(ComplicationInput("erythema", 9),),
                    cartridge_lot="L1")
    session_facts = facts(client=client(2, consent=None, born=date(2004, 7, 2)), device=SKINPEN,
                          practitioner=NURSE)
    assert [(level, code) for level, code, _, _ in problems(session, session_facts)] == [
        (W, "supervisor_missing"), (E, "lot_expiry_missing"), (E, "passes"), (E, "ctcae_grade"),
        (W, "consent_missing"), (W, "device_min_age")]
    assessment = assess_session(session, session_facts)
    assert {p.level for p in assessment.errors} == {E} and {p.level for p in assessment.warnings} == {W}
    assert str(assessment.errors[0]) == "lot_expires: enter the expiry of lot L1"
    assert assessment.to_go_ahead == assessment.warnings
    assert isinstance(assessment.problems[0], Problem)


# --- an override's reason -------------------------------------------------------------------------------------------

SHORT = "say why it is right to go ahead in at least 3 words (15 characters or more)"


@pytest.mark.parametrize(("reason", "problem"), [
    (None, "a reason for overriding the stop is required"),
    ("", "a reason for overriding the stop is required"),
    ("   ", "a reason for overriding the stop is required"),
    ("ok", SHORT),
    ("a bc defghijklm", None),            # 15 characters, 3 words: just enough
    ("a bc defghijkl", SHORT),            # 14 characters
    ("abcdefgh ijklmnopq", SHORT),        # 2 words
    ("  a bc defghijkl  ", SHORT),        # 14 once the spaces around are dropped
    ("patch test done, physician agrees", None),
])
def test_an_override_needs_three_words_and_fifteen_characters(reason: str | None, problem: str | None) -> None:
    assert override_reason_problem(reason) == problem
