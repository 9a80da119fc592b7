"""The suitability panel: today's verdict written out (so it reads the same without colour) on its own soft
colour, and each reason on a line marked ✕ (absolute), ! (a caution) or ✓ (cleared by a physician)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from clinic_log.domain.enums import Severity
from clinic_log.domain.suitability import CAUTIONS, NOT_SUITABLE, SUITABLE, Reason, Suitability
from clinic_log.ui.clients.suitability_panel import SuitabilityPanel

PACEMAKER = Reason("pacemaker", Severity.ABSOLUTE, "Pacemaker — no RF")
ECZEMA = Reason("eczema", Severity.RELATIVE, "Eczema in the area")
KELOID_CLEARED = Reason("keloid_history", Severity.RELATIVE, "Keloid history — cleared by mb", cleared=True)
PIH = Reason("fitzpatrick_pih", Severity.RELATIVE, "Fitzpatrick V — PIH risk above 1.0 mm", cleared=True)


@pytest.fixture
def panel(qtbot: QtBot) -> SuitabilityPanel:
    widget = SuitabilityPanel()
    qtbot.addWidget(widget)
    return widget


@pytest.mark.parametrize(("verdict", "words", "background"), [
    (SUITABLE, "Suitable", "#e3f4e6"),
    (CAUTIONS, "Suitable with cautions", "#fff4d6"),
    (NOT_SUITABLE, "Not suitable today", "#fde4e4"),
])
def test_the_verdict_is_written_out_on_its_own_colour(panel: SuitabilityPanel, verdict: str, words: str,
                                                      background: str) -> None:
    panel.show_result(Suitability(verdict, (ECZEMA,)))
    assert panel.verdict_label.text() == words
    assert f"background: {background}" in panel.styleSheet()
    assert "color: #1b1b1b" in panel.styleSheet()  # the text stays near-black on every colour


def test_each_reason_is_a_line_marked_by_what_it_means(panel: SuitabilityPanel) -> None:
    panel.show_result(Suitability(NOT_SUITABLE, (PACEMAKER, ECZEMA, KELOID_CLEARED, PIH)))
    assert panel.reasons_label.text().splitlines() == [
        "✕ Pacemaker — no RF",
        "! Eczema in the area",
        "✓ Keloid history — cleared by mb",
        "! Fitzpatrick V — PIH risk above 1.0 mm",  # a caution that never blocks, not a physician's clearance
    ]
    assert panel.reason_lines == [r.text for r in (PACEMAKER, ECZEMA, KELOID_CLEARED, PIH)]


def test_no_reasons_says_nothing_is_on_record_and_a_new_result_replaces_the_old(panel: SuitabilityPanel) -> None:
    panel.show_result(Suitability(NOT_SUITABLE, (PACEMAKER,)))
    panel.show_result(Suitability(SUITABLE, ()))
    assert panel.verdict_label.text() == "Suitable"
    assert panel.reasons_label.text() == "No contraindications on record for today."
    assert panel.reason_lines == []
