"""Clinical numbers as typed: a decimal comma or point read exactly, anything else refused naming the field."""

from __future__ import annotations

import pytest

from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.numbers import decimal_text, is_finite_number, parse_decimal, parse_whole


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


@pytest.mark.parametrize(("typed", "shown"), [("0,5", "0.5"), ("  1.25 ", "1.25"), ("12", "12"), (",5", ".5")])
def test_a_typed_decimal_comma_is_read_as_a_point_without_the_spaces_around(typed: str, shown: str) -> None:
    assert decimal_text(typed) == shown
