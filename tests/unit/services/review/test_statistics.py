"""The Wilson score interval behind every rate the owner sees: published values, the edges, and a count that
cannot be a proportion refused."""

from __future__ import annotations

import pytest

from clinic_log.services.review.statistics import rate, wilson_interval


def test_wilson_interval_matches_published_values() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson_interval(1, 3)  # a rate from 3 sessions: almost anything is possible
    assert (low, high) == (pytest.approx(0.0615, abs=1e-4), pytest.approx(0.7923, abs=1e-4))
    low, high = wilson_interval(50, 1000)
    assert (low, high) == (pytest.approx(0.0381, abs=1e-4), pytest.approx(0.0653, abs=1e-4))
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_all_events_reach_exactly_one_and_the_interval_narrows_with_more_sessions() -> None:
    low, high = wilson_interval(10, 10)
    assert high == 1.0 and low == pytest.approx(0.7225, abs=1e-4)
    few, many = wilson_interval(1, 10), wilson_interval(100, 1000)
    assert many[1] - many[0] < few[1] - few[0]


@pytest.mark.parametrize(("events", "total"), [(-1, 10), (11, 10)])
def test_more_events_than_sessions_or_fewer_than_none_is_refused(events: int, total: int) -> None:
    with pytest.raises(ValueError, match=r"events must be between 0 and total \(10\)"):
        wilson_interval(events, total)


def test_a_rate_of_no_sessions_reads_as_zero_with_the_whole_range_possible() -> None:
    empty = rate(0, 0)
    assert (empty.value, empty.low, empty.high) == (0.0, 0.0, 1.0)
    three = rate(1, 3)
    assert three.value == pytest.approx(1 / 3) and three.low < three.value < three.high
