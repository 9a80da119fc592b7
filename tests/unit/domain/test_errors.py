"""The one line each domain error shows the user: what field, what was wrong, what is allowed."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_log.domain.errors import (
    AuthorityRevoked,
    ChangedElsewhere,
    ChangedMeanwhile,
    DatabaseProblem,
    DomainError,
    ImportRefused,
    InvalidValue,
    LineProblem,
    NotFound,
    PermissionDenied,
    RecordLocked,
)


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


def test_a_value_that_is_not_text_is_shown_as_the_user_would_write_it() -> None:
    assert str(InvalidValue("day", date(2026, 7, 1), "a date")) == "day: 2026-07-01 is not allowed; a date"
    assert str(ChangedElsewhere("born", date(2000, 1, 2), None)).startswith(
        "born: changed meanwhile by someone else to 2000-01-02; yours, (empty),")


@pytest.mark.parametrize("error", [
    InvalidValue("depth", "x", "a depth in mm"), NotFound("client", 7), PermissionDenied("reception", "sign"),
    AuthorityRevoked("jdoyle", "was deactivated"), ChangedMeanwhile("changed"), RecordLocked("signed"),
    ChangedElsewhere("name", "a", "b"), DatabaseProblem("full disk"), ImportRefused([LineProblem(1, "c", "p")]),
], ids=lambda error: type(error).__name__)
def test_every_refusal_is_a_domain_error_the_screens_show_in_its_own_words(error: Exception) -> None:
    assert isinstance(error, DomainError)


def test_a_revoked_login_is_refused_wherever_a_missing_permission_is() -> None:
    """Callers that catch PermissionDenied (a page that hides itself) also catch a login deactivated meanwhile."""
    with pytest.raises(PermissionDenied):
        raise AuthorityRevoked("jdoyle", "was given another role")
