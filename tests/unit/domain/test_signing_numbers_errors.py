"""What a signature goes ahead over (signing.go_ahead), numbers and dates as typed on their edges, and the one line
each domain error shows the user."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clinic_log.domain.dates import parse_day, parse_moment
from clinic_log.domain.enums import Level, Technique, allowed
from clinic_log.domain.errors import (
    AuthorityRevoked,
    ChangedElsewhere,
    ImportRefused,
    InvalidValue,
    LineProblem,
    NotFound,
    PermissionDenied,
)
from clinic_log.domain.numbers import is_finite_number, parse_decimal, parse_whole
from clinic_log.domain.signing import (
    NOT_ALLOWED,
    OWN_CREDENTIAL,
    ChecksChanged,
    GoneAhead,
    Override,
    StopsNeedOverride,
    WarningsNeedReason,
    go_ahead,
    key,
)
from clinic_log.domain.values import Problem

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
EARLIER = datetime(2026, 6, 30, 9, 0, tzinfo=UTC)
STOP = Problem(Level.STOP, "contraindication_pregnancy", "client", "Pregnancy — absolute (absolute)")
CRED = Problem(Level.STOP, "credential_expired", "practitioner", "licence GMC-1 expired 2026-06-30")
WARN = Problem(Level.WARNING, "consent_missing", "client", "P-1 has no signed consent on record")
WARN2 = Problem(Level.WARNING, "depth_cap", "areas[1].depth_mm", "over the cap")
ERROR = Problem(Level.ERROR, "passes", "areas[1].passes", "0 passes is not allowed")
GOOD = "patch test done, physician agrees"


def sign(problems: list[Problem], **kwargs: object) -> list[GoneAhead]:
    values: dict[str, object] = {"actor": "mbrandt", "may_override": True, "now": NOW, "reason": None,
                                 "override_reason": None}
    values.update(kwargs)
    return go_ahead(problems, **values)  # type: ignore[arg-type]


# --- signing ---------------------------------------------------------------------------------------------------------

def test_nothing_to_go_ahead_over_signs_with_nothing_recorded() -> None:
    assert sign([]) == []
    assert sign([ERROR]) == []  # errors are refused before signing is asked; they are never gone ahead over


def test_a_warning_needs_a_reason_and_keeps_it_without_the_spaces_around() -> None:
    with pytest.raises(WarningsNeedReason) as refused:
        sign([WARN, WARN2], reason="   ")
    assert refused.value.warnings == (WARN, WARN2)
    assert str(refused.value) == ("a reason is required to go ahead with these warnings: "
                                  "P-1 has no signed consent on record; over the cap")
    assert sign([WARN], reason="  client consented verbally  ") == [GoneAhead(WARN, "client consented verbally")]


def test_a_stored_reason_is_reused_only_for_the_warnings_it_was_given_for() -> None:
    stored = frozenset({key(WARN)})
    assert key(WARN) == ("consent_missing", "P-1 has no signed consent on record")
    assert sign([WARN], stored_reason=" as discussed ", stored=stored) == [GoneAhead(WARN, "as discussed")]
    with pytest.raises(WarningsNeedReason):
        sign([WARN, WARN2], stored_reason="as discussed", stored=stored)
    # a reason typed now wins over the stored one
    assert sign([WARN], reason="typed now", stored_reason="as discussed", stored=stored) == [
        GoneAhead(WARN, "typed now")]


def test_a_stop_is_overridden_now_by_a_physician_with_a_reason_of_a_few_words() -> None:
    assert sign([STOP, WARN], override_reason=f"  {GOOD} ", reason="fine") == [
        GoneAhead(STOP, GOOD, "mbrandt", NOW), GoneAhead(WARN, "fine")]


@pytest.mark.parametrize(("override_reason", "problem"), [
    (None, "a reason for overriding the stop is required"),
    ("ok", "say why it is right to go ahead in at least 3 words (15 characters or more)"),
])
def test_a_stop_without_a_good_reason_is_refused_saying_why(override_reason: str | None, problem: str) -> None:
    with pytest.raises(StopsNeedOverride) as refused:
        sign([STOP], override_reason=override_reason)
    assert (refused.value.stops, refused.value.may_override) == ((STOP,), True)
    assert str(refused.value) == f"stop — Pregnancy — absolute (absolute): {problem}"


def test_a_stop_is_refused_to_whoever_may_not_override() -> None:
    with pytest.raises(StopsNeedOverride) as refused:
        sign([STOP], may_override=False, override_reason=GOOD)
    assert (refused.value.stops, refused.value.may_override) == ((STOP,), False)
    assert str(refused.value) == f"stop — Pregnancy — absolute (absolute): {NOT_ALLOWED}"


def test_nobody_overrides_a_stop_about_their_own_credential() -> None:
    with pytest.raises(StopsNeedOverride) as refused:
        sign([CRED], own_session=True, override_reason=GOOD)
    assert (refused.value.stops, refused.value.may_override) == ((CRED,), False)
    assert str(refused.value).endswith(OWN_CREDENTIAL)
    assert sign([CRED], own_session=False, override_reason=GOOD) == [GoneAhead(CRED, GOOD, "mbrandt", NOW)]
    assert sign([STOP], own_session=True, override_reason=GOOD) == [GoneAhead(STOP, GOOD, "mbrandt", NOW)]


def test_an_override_recorded_on_the_draft_lets_anyone_sign_and_names_who_gave_it() -> None:
    recorded = {key(STOP): Override("given on the draft by the doctor", "drstone", EARLIER)}
    assert sign([STOP], may_override=False, overrides=recorded) == [
        GoneAhead(STOP, "given on the draft by the doctor", "drstone", EARLIER)]
    # one stop with an override on record, one without: the one without still needs a reason
    with pytest.raises(StopsNeedOverride) as refused:
        sign([STOP, CRED], overrides=recorded)
    assert refused.value.stops == (CRED,)
    assert sign([STOP, CRED], overrides=recorded, override_reason=GOOD) == [
        GoneAhead(STOP, "given on the draft by the doctor", "drstone", EARLIER), GoneAhead(CRED, GOOD, "mbrandt", NOW)]


def test_a_problem_the_signer_was_not_shown_is_refused() -> None:
    with pytest.raises(ChecksChanged) as refused:
        sign([STOP, WARN], shown=frozenset({key(STOP)}), override_reason=GOOD, reason="fine")
    assert refused.value.unseen == (WARN,)
    assert str(refused.value) == ("the checks changed since they were shown — P-1 has no signed consent on record: "
                                  "look at them and sign again")
    shown = frozenset({key(STOP), key(WARN)})
    assert len(sign([STOP, WARN], shown=shown, override_reason=GOOD, reason="fine")) == 2
    with pytest.raises(ChecksChanged):
        sign([WARN], shown=frozenset(), reason="fine")


# --- numbers ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "value"), [("0,5", 0.5), (" 0.75 ", 0.75), ("1", 1.0), (".5", 0.5), ("2.", 2.0),
                                              ("123456789012", 123456789012.0)])
def test_a_decimal_is_read_exactly_with_a_point_or_a_comma(typed: str, value: float) -> None:
    assert parse_decimal(typed, "depth", "a depth in mm") == value


@pytest.mark.parametrize(("typed", "allowed_text"), [
    ("", "enter a depth in mm"), ("   ", "enter a depth in mm"),
    ("1,000.5", "a depth in mm, written with digits and one decimal point or comma"),
    ("nan", "a depth in mm, written with digits and one decimal point or comma"),
    ("1e309", "a depth in mm, written with digits and one decimal point or comma"),
    ("-1", "a depth in mm, written with digits and one decimal point or comma"),
    ("1234567890123", "a depth in mm, written with digits and one decimal point or comma"),  # 13 digits
])
def test_a_decimal_that_is_not_one_is_refused_naming_the_field(typed: str, allowed_text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_decimal(typed, "depth", "a depth in mm")
    assert (refused.value.field, refused.value.value, refused.value.allowed) == ("depth", typed, allowed_text)


@pytest.mark.parametrize(("typed", "value"), [("0", 0), (" 20 ", 20), ("123456789012", 123456789012)])
def test_a_whole_number_is_read_exactly(typed: str, value: int) -> None:
    assert parse_whole(typed, "passes", "a number of passes") == value


@pytest.mark.parametrize(("typed", "allowed_text"), [
    ("", "enter a number of passes"), (" ", "enter a number of passes"),
    ("2.5", "a number of passes, written with digits only"), ("-1", "a number of passes, written with digits only"),
    ("1234567890123", "a number of passes, written with digits only"),
])
def test_a_whole_number_that_is_not_one_is_refused(typed: str, allowed_text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_whole(typed, "passes", "a number of passes")
    assert (refused.value.field, refused.value.value, refused.value.allowed) == ("passes", typed, allowed_text)


@pytest.mark.parametrize(("value", "finite"), [(1, True), (0.5, True), (float("nan"), False), (float("inf"), False),
                                               (True, False), ("1", False), (None, False)])
def test_only_real_finite_numbers_count_as_numbers(value: object, finite: bool) -> None:
    assert is_finite_number(value) is finite


# --- dates on their edges ---------------------------------------------------------------------------------------------

def test_a_date_up_to_forty_characters_is_read_and_longer_is_refused_as_too_long() -> None:
    padded = "2027-03-31".center(40)
    assert parse_day(padded, "day", "a date") == date(2027, 3, 31)
    with pytest.raises(InvalidValue) as refused:
        parse_day(padded + " ", "day", "a date")
    assert str(refused.value) == f"day: {padded + ' '!r} is not allowed; too long for a date; enter a date, " \
                                 "written yyyy-mm-dd or d.m.yyyy"
    moment = "2027-03-31 09:30".center(40)
    assert parse_moment(moment, "at", "a time") == datetime(2027, 3, 31, 9, 30)
    with pytest.raises(InvalidValue) as refused:
        parse_moment(moment + " ", "at", "a time")
    assert refused.value.allowed == "too long for a date and time; enter a time"


@pytest.mark.parametrize(("typed", "allowed_text"), [
    ("", "enter a date"), ("  ", "enter a date"),
    ("0000-01-01", "year 0 does not exist; enter a date"),
    ("27-3-31", "write the year with all four digits; enter a date, written yyyy-mm-dd or d.m.yyyy"),
])
def test_a_day_refused_with_what_is_wrong(typed: str, allowed_text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_day(typed, "day", "a date")
    assert (refused.value.field, refused.value.value, refused.value.allowed) == ("day", typed, allowed_text)


def test_year_one_is_the_first_year_there_is() -> None:
    assert parse_day("0001-01-01", "day", "a date") == date(1, 1, 1)


@pytest.mark.parametrize(("typed", "allowed_text"), [
    ("", "enter a time"), ("   ", "enter a time"),
    ("09:30", "the date is missing; enter a time"),
    ("2027-03-31", "the time is missing (such as 2027-03-31 09:30); enter a time"),
    ("2027-03-31 09:30 10:00", "write one date and one time; enter a time"),
    ("2027-03-31 09:30:60", "second 60 does not exist (seconds run 00–59); enter a time"),
    ("27-3-31 09:30", "write the year with all four digits; enter a time, written yyyy-mm-dd or d.m.yyyy"),
])
def test_a_moment_refused_with_what_is_wrong(typed: str, allowed_text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_moment(typed, "at", "a time")
    assert (refused.value.field, refused.value.value, refused.value.allowed) == ("at", typed, allowed_text)


def test_second_59_is_the_last_second() -> None:
    assert parse_moment("2027-03-31 09:30:59", "at", "a time") == datetime(2027, 3, 31, 9, 30, 59)


# --- the one line each error shows -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "shown"), [(None, "(empty)"), ("", "(empty)"), ("x", "'x'"), (0, "0"),
                                              (2.5, "2.5")])
def test_an_invalid_value_names_field_value_and_what_is_allowed(value: object, shown: str) -> None:
    error = InvalidValue("depth", value, "a depth in mm")
    assert str(error) == f"depth: {shown} is not allowed; a depth in mm"
    assert (error.field, error.value, error.allowed) == ("depth", value, "a depth in mm")


def test_other_domain_errors_say_what_and_where() -> None:
    missing = NotFound("client", 7)
    assert (str(missing), missing.what, missing.key) == ("client 7 not found", "client", 7)
    denied = PermissionDenied("reception", "sign sessions")
    assert (str(denied), denied.role, denied.action) == ("role 'reception' may not sign sessions", "reception",
                                                         "sign sessions")
    revoked = AuthorityRevoked("jdoyle", "was deactivated")
    assert str(revoked) == "jdoyle was deactivated since logging in: nothing was done; log in again"
    assert (revoked.role, revoked.action) == ("", "was deactivated")
    refused = ImportRefused([LineProblem(3, "depth", "not a number"), LineProblem(5, "date", "missing")])
    assert str(refused) == ("2 problem(s), nothing was imported:\n"
                            "line 3: depth: not a number\nline 5: date: missing")
    assert refused.problems == [LineProblem(3, "depth", "not a number"), LineProblem(5, "date", "missing")]


@pytest.mark.parametrize(("theirs", "yours", "message"), [
    ("Anna", "", "name: changed meanwhile by someone else to 'Anna'; yours, (empty), is not saved yet — check it "
                 "and save again to keep yours"),
    (None, 3, "name: changed meanwhile by someone else to (empty); yours, 3, is not saved yet — check it and save "
              "again to keep yours"),
])
def test_a_field_changed_elsewhere_shows_both_values(theirs: object, yours: object, message: str) -> None:
    error = ChangedElsewhere("name", theirs, yours)
    assert (str(error), error.field, error.theirs, error.yours) == (message, "name", theirs, yours)


def test_an_enums_allowed_values_in_words() -> None:
    assert allowed(Technique) == "one of stamping, gliding, rolling"


def test_several_stops_or_unseen_problems_are_listed_in_one_line() -> None:
    with pytest.raises(StopsNeedOverride) as refused:
        sign([STOP, CRED], may_override=False)
    assert str(refused.value) == (f"stop — Pregnancy — absolute (absolute); licence GMC-1 expired 2026-06-30: "
                                  f"{NOT_ALLOWED}")
    with pytest.raises(ChecksChanged) as changed:
        sign([STOP, WARN], shown=frozenset(), override_reason=GOOD, reason="fine")
    assert str(changed.value) == ("the checks changed since they were shown — Pregnancy — absolute (absolute); "
                                  "P-1 has no signed consent on record: look at them and sign again")


def test_a_too_long_moment_or_an_impossible_date_alone_names_field_and_what_was_typed() -> None:
    typed = "2027-03-31 09:30".center(41)
    with pytest.raises(InvalidValue) as refused:
        parse_moment(typed, "at", "a time")
    assert (refused.value.field, refused.value.value) == ("at", typed)
    with pytest.raises(InvalidValue) as refused:
        parse_moment("2027-02-30", "at", "a time")
    assert (refused.value.field, refused.value.value, refused.value.allowed) == (
        "at", "2027-02-30", "2027-02-30 is not a date (February 2027 has 28 days); enter a time")


def test_a_value_that_is_not_text_is_shown_as_the_user_would_write_it() -> None:
    assert str(InvalidValue("day", date(2026, 7, 1), "a date")) == "day: 2026-07-01 is not allowed; a date"
    assert str(ChangedElsewhere("born", date(2000, 1, 2), None)).startswith(
        "born: changed meanwhile by someone else to 2000-01-02; yours, (empty),")
