"""How areas, tips, energies and recorded decisions read wherever they are shown (domain/values.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from clinic_log.domain.enums import DecisionKind
from clinic_log.domain.values import DecisionFacts, area_name, energy_text, tip_name

NOON_1ST = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # noon UTC: the same calendar day in every zone within ±11 h
NOON_5TH = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def test_an_area_is_its_site_with_the_indication_beside_it_in_lower_case() -> None:
    assert area_name("Cheeks") == "Cheeks"
    assert area_name("Cheeks", None) == "Cheeks"
    assert area_name("Cheeks", "") == "Cheeks"
    assert area_name("Cheeks", "Acne scars (atrophic)") == "Cheeks — acne scars (atrophic)"


def test_a_tip_is_named_with_its_device_when_the_device_is_known() -> None:
    assert tip_name("Morpheus8", "Facial (24 pins)") == "Morpheus8 Facial (24 pins) tip"
    assert tip_name(None, "Body (40 pins)") == "Body (40 pins) tip"
    assert tip_name("", "Body (40 pins)") == "Body (40 pins) tip"


def test_energy_keeps_the_typed_figure_and_its_unit() -> None:
    assert energy_text(30.0, "level") == "30 level"
    assert energy_text(12.5, "W") == "12.5 W"
    assert energy_text(12.5, None) == "12.5"


DEFERRAL = DecisionFacts(id=7, kind=DecisionKind.DEFER, reason="active acne flare", decided_by="Dr Maria Bauer",
                         decided_at=NOON_1ST, review_on=date(2026, 12, 15))


def _deferral(**changes: Any) -> DecisionFacts:
    return replace(DEFERRAL, **changes)


def test_a_decision_is_open_from_the_day_it_was_made_until_the_day_it_is_closed() -> None:
    open_one = _deferral()
    assert not open_one.open_on(date(2026, 11, 30))
    assert open_one.open_on(date(2026, 12, 1))
    assert open_one.open_on(date(2027, 6, 1))  # a passed review date does not close it
    closed = _deferral(closed_at=NOON_5TH, closed_by="Dr X")
    assert closed.open_on(date(2026, 12, 4))
    assert not closed.open_on(date(2026, 12, 5))
    assert not closed.open_on(date(2026, 12, 6))


@pytest.mark.parametrize(("decision", "day", "line"), [
    (_deferral(), date(2026, 12, 2),
     "deferred until 2026-12-15: active acne flare (recorded by Dr Maria Bauer)"),
    (_deferral(), date(2026, 12, 15),
     "deferred, review was due 2026-12-15: active acne flare (recorded by Dr Maria Bauer)"),
    (_deferral(review_on=None), date(2026, 12, 2),
     "deferred until ?: active acne flare (recorded by Dr Maria Bauer)"),
    (_deferral(kind=DecisionKind.REFERRAL, review_on=None, referred_to="Dr Lee, dermatology"), date(2026, 12, 2),
     "referred to Dr Lee, dermatology: active acne flare (recorded by Dr Maria Bauer)"),
    (_deferral(kind=DecisionKind.ALTERNATIVE, review_on=None, alternative="LED therapy"), date(2026, 12, 2),
     "alternative suggested (LED therapy): active acne flare (recorded by Dr Maria Bauer)"),
])
def test_a_decision_reads_as_one_line(decision: DecisionFacts, day: date, line: str) -> None:
    assert decision.describe(day) == line


def test_a_closed_decision_says_when_by_whom_and_why() -> None:
    assert _deferral().closed_words() is None
    assert _deferral(closed_at=NOON_5TH, closed_by="Dr X").closed_words() == "closed 2026-12-05 by Dr X"
    assert _deferral(closed_at=NOON_5TH).closed_words() == "closed 2026-12-05 by ?"
    assert (_deferral(closed_at=NOON_5TH, closed_by="Dr X", close_note="reviewed, skin clear").closed_words()
            == "closed 2026-12-05 by Dr X: reviewed, skin clear")


def test_a_list_shows_an_open_decision_as_it_reads_today_and_a_closed_one_as_it_read_when_closed() -> None:
    assert _deferral().summary(date(2026, 12, 20)) == (
        "deferred, review was due 2026-12-15: active acne flare (recorded by Dr Maria Bauer)")
    closed = _deferral(closed_at=NOON_5TH, closed_by="Dr X", close_note="skin clear")
    assert closed.summary(date(2026, 12, 4)) == (
        "deferred until 2026-12-15: active acne flare (recorded by Dr Maria Bauer)")
    assert closed.summary(date(2026, 12, 20)) == (
        "deferred until 2026-12-15: active acne flare (recorded by Dr Maria Bauer)"
        " — closed 2026-12-05 by Dr X: skin clear")
