"""The suitability panel and the look-back windows on their edges; who may do what (the permission grid)."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import AppliesTo, PractitionerRole, Severity, UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.domain.permissions import ALLOWED, Permission, may_override_stops, require
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
from clinic_log.domain.windows import add_window, parse_window, window_words

# --- windows ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "window", "end"), [
    (date(2026, 6, 15), "6m", date(2026, 12, 15)),   # ends in December of the same year
    (date(2026, 1, 31), "11m", date(2026, 12, 31)),
    (date(2026, 12, 15), "1m", date(2027, 1, 15)),   # December plus one: January of the next year
    (date(2026, 11, 30), "1m", date(2026, 12, 30)),
    (date(2026, 1, 10), "12m", date(2027, 1, 10)),
    (date(2026, 12, 1), "12m", date(2027, 12, 1)),
    (date(2026, 6, 1), "24m", date(2028, 6, 1)),
    (date(2026, 8, 31), "6m", date(2027, 2, 28)),    # clamped to the month's end
    (date(2027, 8, 31), "6m", date(2028, 2, 29)),    # a leap year's February
    (date(2026, 3, 10), "0m", date(2026, 3, 10)),
    (date(2026, 3, 10), "14d", date(2026, 3, 24)),
    (date(2026, 12, 25), "7d", date(2027, 1, 1)),
    (date(2026, 3, 10), "2w", date(2026, 3, 24)),
    (date(2026, 3, 10), " 4 w ", date(2026, 4, 7)),  # spaces around are ignored
])
def test_a_window_ends_on_the_same_day_of_month_in_the_right_year(start: date, window: str, end: date) -> None:
    assert add_window(start, window) == end


@pytest.mark.parametrize(("window", "words"), [("6m", "6-month"), ("14d", "14-day"), ("2w", "2-week")])
def test_a_window_in_words(window: str, words: str) -> None:
    assert window_words(window) == words


@pytest.mark.parametrize("window", ["", "6", "m", "6y", "-6m", "6 months", "1.5m"])
def test_a_window_that_is_not_a_number_and_unit_is_refused_naming_what_is_allowed(window: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_window(window)
    assert (refused.value.field, refused.value.value) == ("window", window)
    assert refused.value.allowed == "a number followed by d, w or m, e.g. 14d, 2w, 6m"


# --- suitability -----------------------------------------------------------------------------------------------------

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


# --- the permission grid ---------------------------------------------------------------------------------------------

P, R, OWN = UserRole.PRACTITIONER, UserRole.RECEPTION, UserRole.OWNER
GRID = {
    "edit client contact details": {P, R, OWN},
    "edit clinical client records": {P, OWN},
    "log sessions": {P, OWN},
    "sign sessions": {P, OWN},
    "override stops": {P, OWN},
    "countersign sessions": {P, OWN},
    "void sessions": {P, OWN},
    "amend sessions": {P, OWN},
    "view sessions": {P, R, OWN},
    "print aftercare": {P, R, OWN},
    "manage practitioners and devices": {OWN},
    "view practitioners": {P, R, OWN},
    "manage users": {OWN},
    "edit templates and settings": {OWN},
    "import data": {OWN},
    "export data": {OWN},
    "run recalls": {P, OWN},
    "back up and restore": {OWN},
    "view the audit log": {OWN},
    "keep unsaved form drafts": {P, R, OWN},
    "view the dashboard": {OWN},
}


def test_the_permission_grid_is_exactly_the_documented_one() -> None:
    assert {action: set(roles) for action, roles in ALLOWED.items()} == GRID


@pytest.mark.parametrize("action", sorted(GRID))
@pytest.mark.parametrize("role", list(UserRole))
def test_require_allows_the_grid_and_refuses_everything_else_naming_role_and_action(role: UserRole,
                                                                                   action: str) -> None:
    actor = Actor("someone", role)
    permission = Permission(action)  # the sentence is the member's value: what refusals and the audit show
    if role in GRID[action]:
        require(actor, permission)
        return
    with pytest.raises(PermissionDenied) as refused:
        require(actor, permission)
    assert (refused.value.role, refused.value.action) == (role.value, action)
    assert str(refused.value) == f"role {role.value!r} may not {action}"


def test_a_permission_given_as_a_plain_string_is_a_programming_error_naming_what_was_passed() -> None:
    actor = Actor("owner", UserRole.OWNER)
    with pytest.raises(TypeError) as wrong:
        require(actor, "log sessions")  # type: ignore[arg-type]
    assert str(wrong.value) == "require() takes a Permission, not str 'log sessions'"


@pytest.mark.parametrize(("role", "practitioner_role", "may"), [
    (UserRole.OWNER, None, True),
    (UserRole.OWNER, PractitionerRole.NURSE, True),
    (UserRole.PRACTITIONER, PractitionerRole.DERMATOLOGIST, True),
    (UserRole.PRACTITIONER, PractitionerRole.PLASTIC_SURGEON, True),
    (UserRole.PRACTITIONER, PractitionerRole.NURSE, False),
    (UserRole.PRACTITIONER, PractitionerRole.ESTHETICIAN, False),
    (UserRole.PRACTITIONER, None, False),
    (UserRole.RECEPTION, PractitionerRole.DERMATOLOGIST, False),
    (UserRole.RECEPTION, None, False),
])
def test_only_a_physician_or_the_owner_may_override_a_stop(role: UserRole, practitioner_role: PractitionerRole | None,
                                                           may: bool) -> None:
    assert may_override_stops(role, practitioner_role) is may
