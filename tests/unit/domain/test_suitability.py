"""Suitability on the edges of contraindication windows."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_log.domain.enums import Severity
from clinic_log.domain.suitability import CAUTIONS, NOT_SUITABLE, SUITABLE, assess_suitability
from clinic_log.domain.values import FindingFacts

ISO = FindingFacts("isotretinoin", "Isotretinoin", Severity.ABSOLUTE, date(2026, 1, 10), date(2026, 8, 1), "6m")


@pytest.mark.parametrize(("on", "verdict"), [
    (date(2027, 1, 31), NOT_SUITABLE), (date(2027, 2, 1), SUITABLE), (date(2027, 2, 2), SUITABLE),
])
def test_isotretinoin_window_edges(on: date, verdict: str) -> None:
    assert assess_suitability((ISO,), 2, on).verdict == verdict


def test_isotretinoin_reason_names_the_window_end() -> None:
    [reason] = assess_suitability((ISO,), 2, date(2026, 9, 1)).reasons
    assert reason.text == "Isotretinoin stopped 2026-08-01 — 6-month window ends 2027-02-01"


def test_relative_contraindication_needs_clearance_until_cleared() -> None:
    keloid = FindingFacts("keloid_history", "History of keloid scarring", Severity.RELATIVE, date(2020, 1, 1))
    result = assess_suitability((keloid,), 2, date(2026, 9, 1))
    assert result.verdict == CAUTIONS
    assert result.reasons[0].text == "History of keloid scarring — relative, needs physician clearance"
    cleared = FindingFacts("keloid_history", "History of keloid scarring", Severity.RELATIVE, date(2020, 1, 1),
                           cleared_by="mbrandt", cleared_note="small test patch fine")
    assert assess_suitability((cleared,), 2, date(2026, 9, 1)).reasons[0].cleared


def test_finding_noted_after_the_day_does_not_apply() -> None:
    assert assess_suitability((ISO,), 2, date(2026, 1, 9)).verdict == SUITABLE


def test_dark_skin_type_is_a_caution() -> None:
    result = assess_suitability((), 5, date(2026, 9, 1))
    assert result.verdict == CAUTIONS and "Fitzpatrick V — PIH risk above 1.0 mm" in result.reasons[0].text
