"""What a signature goes ahead over (signing.go_ahead), and dates as typed on their edges."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clinic_log.domain.dates import parse_day, parse_moment
from clinic_log.domain.enums import Level
from clinic_log.domain.errors import InvalidValue
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


