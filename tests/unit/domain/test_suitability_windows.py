"""Suitability on the day before, the day of and the day after each time-bound window ends, and clearance."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clinic_log.domain.enums import Severity
from clinic_log.domain.suitability import CAUTIONS, NOT_SUITABLE, SUITABLE, assess_suitability
from clinic_log.domain.values import FindingFacts

DONE = date(2026, 3, 10)  # procedure day / "stopped on" day


def time_bound(code: str, label: str, severity: Severity, window: str) -> FindingFacts:
    return FindingFacts(code, label, severity, noted_on=DONE - timedelta(days=30), ends_on=DONE, window=window)


# (finding, first day the window no longer applies, verdict while it applies)
WINDOWS = [
    (time_bound("isotretinoin", "Isotretinoin", Severity.ABSOLUTE, "6m"), date(2026, 9, 10), NOT_SUITABLE),
    (time_bound("recent_resurfacing", "Recent chemical peel / laser / dermabrasion", Severity.RELATIVE, "14d"),
     date(2026, 3, 24), CAUTIONS),
    (time_bound("botulinum_toxin", "Botulinum toxin in the area", Severity.RELATIVE, "14d"), date(2026, 3, 24),
     CAUTIONS),
    (time_bound("filler", "Filler in the area", Severity.RELATIVE, "4w"), date(2026, 4, 7), CAUTIONS),
    (time_bound("retinoids", "Retinoids (stop 5 days before)", Severity.RELATIVE, "5d"), date(2026, 3, 15),
     CAUTIONS),
]


@pytest.mark.parametrize(("finding", "window_end", "while_active"), WINDOWS, ids=[w[0].code for w in WINDOWS])
def test_window_applies_until_the_day_before_it_ends(finding: FindingFacts, window_end: date,
                                                     while_active: str) -> None:
    before = assess_suitability((finding,), 2, window_end - timedelta(days=1))
    assert before.verdict == while_active
    assert before.reasons[0].text.endswith(f"window ends {window_end.isoformat()}")
    assert assess_suitability((finding,), 2, window_end).verdict == SUITABLE
    assert assess_suitability((finding,), 2, window_end + timedelta(days=1)).verdict == SUITABLE


@pytest.mark.parametrize(("finding", "window_end", "while_active"), WINDOWS, ids=[w[0].code for w in WINDOWS])
def test_window_applies_on_the_procedure_day(finding: FindingFacts, window_end: date, while_active: str) -> None:
    assert assess_suitability((finding,), 2, DONE).verdict == while_active


def test_time_bound_finding_without_an_end_date_is_ongoing() -> None:
    ongoing = FindingFacts("isotretinoin", "Isotretinoin", Severity.ABSOLUTE, date(2026, 1, 5), window="6m")
    result = assess_suitability((ongoing,), 2, date(2030, 1, 1))
    assert result.verdict == NOT_SUITABLE
    assert result.reasons[0].text == "Isotretinoin — ongoing (noted 2026-01-05)"


KELOID = FindingFacts("keloid_history", "History of keloid or hypertrophic scarring", Severity.RELATIVE,
                      date(2019, 5, 1))


def test_keloid_history_without_clearance_needs_a_physician() -> None:
    result = assess_suitability((KELOID,), 3, date(2026, 9, 1))
    assert result.verdict == CAUTIONS
    [reason] = result.reasons
    assert not reason.cleared
    assert reason.text == "History of keloid or hypertrophic scarring — relative, needs physician clearance"


def test_keloid_history_cleared_by_a_physician_names_who_and_why() -> None:
    cleared = FindingFacts(KELOID.code, KELOID.label, KELOID.severity, KELOID.noted_on, cleared_by="mbrandt",
                           cleared_note="test patch healed flat")
    [reason] = assess_suitability((cleared,), 3, date(2026, 9, 1)).reasons
    assert reason.cleared
    assert reason.text == "History of keloid or hypertrophic scarring — cleared by mbrandt: test patch healed flat"


def test_absolute_outweighs_relative() -> None:
    iso = WINDOWS[0][0]
    assert assess_suitability((KELOID, iso), 2, DONE).verdict == NOT_SUITABLE


def test_no_findings_and_light_skin_is_suitable() -> None:
    result = assess_suitability((), 3, date(2026, 9, 1))
    assert (result.verdict, result.reasons) == (SUITABLE, ())
