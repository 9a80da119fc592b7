"""Which contraindication findings apply on a given date, with the reason in words.

The same computation feeds the client's suitability panel and the session warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clinic_log.domain.enums import AppliesTo, Severity
from clinic_log.domain.values import FindingFacts
from clinic_log.domain.windows import add_window, window_words

SUITABLE = "suitable"
CAUTIONS = "suitable with cautions"
NOT_SUITABLE = "not suitable today"


@dataclass(frozen=True)
class Reason:
    code: str
    severity: Severity
    text: str
    cleared: bool = False


@dataclass(frozen=True)
class Suitability:
    verdict: str
    reasons: tuple[Reason, ...]


def finding_reason(finding: FindingFacts, on: date) -> Reason | None:
    """The reason a finding gives on `on`, or None when it does not apply that day."""
    if finding.noted_on > on:
        return None
    if finding.window is not None:
        # Time-bound: active from noted_on until the window after it stopped has passed.
        if finding.ends_on is None:
            text = f"{finding.label} — ongoing (noted {finding.noted_on.isoformat()})"
        else:
            window_end = add_window(finding.ends_on, finding.window)
            if on >= window_end:
                return None
            text = (
                f"{finding.label} stopped {finding.ends_on.isoformat()} — "
                f"{window_words(finding.window)} window ends {window_end.isoformat()}"
            )
    else:
        if finding.ends_on is not None and on > finding.ends_on:
            return None
        text = f"{finding.label} — {finding.severity.value}"
        if finding.severity is Severity.ABSOLUTE and finding.modality is AppliesTo.RF:
            text += " for RF: no RF treatment"
        elif finding.severity is Severity.ABSOLUTE and finding.modality is AppliesTo.MECHANICAL:
            text += " for mechanical microneedling: RF only"
        if finding.severity is Severity.RELATIVE:
            text += ", needs physician clearance"
    cleared = finding.severity is Severity.RELATIVE and finding.cleared_by is not None
    if cleared:
        text = f"{finding.label} — cleared by {finding.cleared_by}" + (
            f": {finding.cleared_note}" if finding.cleared_note else ""
        )
    return Reason(finding.code, finding.severity, text, cleared)


def fitzpatrick_reason(fitzpatrick: int | None) -> Reason | None:
    if fitzpatrick is not None and fitzpatrick >= 4:
        numeral = ("I", "II", "III", "IV", "V", "VI")[fitzpatrick - 1]
        return Reason(
            "fitzpatrick_pih",
            Severity.RELATIVE,
            f"Fitzpatrick {numeral} — PIH risk above 1.0 mm or with RF",
            cleared=True,  # a caution, never a block
        )
    return None


def assess_suitability(
    findings: tuple[FindingFacts, ...], fitzpatrick: int | None, on: date
) -> Suitability:
    reasons = [r for f in findings if (r := finding_reason(f, on)) is not None]
    if (fitz := fitzpatrick_reason(fitzpatrick)) is not None:
        reasons.append(fitz)
    everything = {f.code for f in findings if f.modality is AppliesTo.BOTH}
    if any(r.severity is Severity.ABSOLUTE and r.code in everything for r in reasons):
        verdict = NOT_SUITABLE
    elif any(not r.cleared for r in reasons) or reasons:
        verdict = CAUTIONS
    else:
        verdict = SUITABLE
    return Suitability(verdict, tuple(reasons))


# One line for each Fitzpatrick skin type (shown beside the choice in the consultation form).
FITZPATRICK_DESCRIPTIONS = {
    1: "pale white skin; always burns, never tans",
    2: "white skin; usually burns, tans minimally",
    3: "light brown skin; sometimes burns mildly, tans gradually",
    4: "moderate brown skin; rarely burns, tans well — PIH risk",
    5: "dark brown skin; very rarely burns, tans easily — PIH risk",
    6: "deeply pigmented dark brown to black skin; never burns — PIH risk",
}
