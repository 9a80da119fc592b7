"""Look-back windows ("6m", "14d", "2w") on their edges: where they end, how they read, what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.windows import add_window, parse_window, window_words


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
