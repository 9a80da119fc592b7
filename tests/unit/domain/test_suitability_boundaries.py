"""The suitability panel on its edges."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_log.domain.enums import AppliesTo, Severity
from clinic_log.domain.suitability import (
    CAUTIONS,
    NOT_SUITABLE,
    SUITABLE,
    Reason,
    assess_suitability,
    finding_reason,
    fitzpatrick_reason,
)
from clinic_log.domain.values import FindingFacts


def finding(severity: Severity = Severity.ABSOLUTE, noted: date = date(2026, 6, 1), ends: date | None = None,
            window: str | None = None, applies: AppliesTo = AppliesTo.BOTH, cleared_by: str | None = None,
            note: str | None = None) -> FindingFacts:
    return FindingFacts("pregnancy", "Pregnancy", severity, noted, ends, window, cleared_by, note, applies)


@pytest.mark.parametrize(("on", "verdict"), [
    (date(2026, 5, 31), SUITABLE),       # the day before it was noted
    (date(2026, 6, 1), NOT_SUITABLE),    # the day it was noted
    (date(2026, 6, 2), NOT_SUITABLE),
])
def test_a_contraindication_noted_on_the_day_shows_in_the_panel_that_day(on: date, verdict: str) -> None:
    assert assess_suitability((finding(),), 2, on).verdict == verdict


@pytest.mark.parametrize(("on", "applies"), [
    (date(2026, 8, 31), True), (date(2026, 9, 1), True), (date(2026, 9, 2), False)])
def test_a_finding_without_a_window_applies_through_the_day_it_ended(on: date, applies: bool) -> None:
    resolved = finding(Severity.RELATIVE, ends=date(2026, 9, 1))
    reason = finding_reason(resolved, on)
    assert (reason is not None) is applies


@pytest.mark.parametrize(("severity", "applies", "text"), [
    (Severity.ABSOLUTE, AppliesTo.BOTH, "Pregnancy — absolute"),
    (Severity.ABSOLUTE, AppliesTo.RF, "Pregnancy — absolute for RF: no RF treatment"),
    (Severity.ABSOLUTE, AppliesTo.MECHANICAL, "Pregnancy — absolute for mechanical microneedling: RF only"),
    (Severity.RELATIVE, AppliesTo.BOTH, "Pregnancy — relative, needs physician clearance"),
    (Severity.RELATIVE, AppliesTo.RF, "Pregnancy — relative, needs physician clearance"),
    (Severity.RELATIVE, AppliesTo.MECHANICAL, "Pregnancy — relative, needs physician clearance"),
])
def test_a_reason_names_severity_and_modality(severity: Severity, applies: AppliesTo, text: str) -> None:
    assert finding_reason(finding(severity, applies=applies), date(2026, 7, 1)) == Reason(
        "pregnancy", severity, text, False)


@pytest.mark.parametrize(("severity", "note", "text", "cleared"), [
    (Severity.RELATIVE, "patch test fine", "Pregnancy — cleared by mbrandt: patch test fine", True),
    (Severity.RELATIVE, None, "Pregnancy — cleared by mbrandt", True),
    (Severity.RELATIVE, "", "Pregnancy — cleared by mbrandt", True),
    (Severity.ABSOLUTE, "patch test fine", "Pregnancy — absolute", False),  # nobody clears an absolute one
])
def test_a_clearance_names_who_and_why_and_never_lifts_an_absolute(severity: Severity, note: str | None, text: str,
                                                                     cleared: bool) -> None:
    reason = finding_reason(finding(severity, cleared_by="mbrandt", note=note), date(2026, 7, 1))
    assert reason == Reason("pregnancy", severity, text, cleared)


@pytest.mark.parametrize(("fitzpatrick", "numeral"), [(None, None), (1, None), (2, None), (3, None), (4, "IV"),
                                                      (5, "V"), (6, "VI")])
def test_fitzpatrick_iv_to_vi_are_a_caution_in_the_panel(fitzpatrick: int | None, numeral: str | None) -> None:
    expected = None if numeral is None else Reason(
        "fitzpatrick_pih", Severity.RELATIVE, f"Fitzpatrick {numeral} — PIH risk above 1.0 mm or with RF", True)
    assert fitzpatrick_reason(fitzpatrick) == expected
    result = assess_suitability((), fitzpatrick, date(2026, 7, 1))
    assert result.verdict == (SUITABLE if expected is None else CAUTIONS)
    assert result.reasons == (() if expected is None else (expected,))


@pytest.mark.parametrize(("findings", "verdict"), [
    ((), SUITABLE),
    ((finding(Severity.RELATIVE),), CAUTIONS),
    ((finding(Severity.RELATIVE, cleared_by="mbrandt"),), CAUTIONS),  # cleared: still shown as a caution
    ((finding(applies=AppliesTo.RF),), CAUTIONS),          # RF only: mechanical treatment is still possible
    ((finding(applies=AppliesTo.MECHANICAL),), CAUTIONS),
    ((finding(),), NOT_SUITABLE),
    ((finding(Severity.RELATIVE), finding()), NOT_SUITABLE),
])
def test_the_verdict_is_not_suitable_only_for_an_absolute_finding_for_both(findings: tuple[FindingFacts, ...],
                                                                          verdict: str) -> None:
    assert assess_suitability(findings, 2, date(2026, 7, 1)).verdict == verdict


def test_a_window_ending_in_december_is_named_with_its_year() -> None:
    iso = FindingFacts("isotretinoin", "Isotretinoin", Severity.ABSOLUTE, date(2026, 1, 5), date(2026, 6, 15), "6m")
    assert assess_suitability((iso,), 2, date(2026, 12, 14)).reasons == (Reason(
        "isotretinoin", Severity.ABSOLUTE, "Isotretinoin stopped 2026-06-15 — 6-month window ends 2026-12-15"),)
    assert assess_suitability((iso,), 2, date(2026, 12, 15)).verdict == SUITABLE
