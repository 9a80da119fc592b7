"""Progress for long service calls: with nobody watching the reports are ignored and nothing cancels; a cancel is
its own exception, never mistaken for a refusal or a failure to show the user."""

from __future__ import annotations

import pytest

from clinic_log.domain.errors import DomainError
from clinic_log.services.common.progress import JobCancelled, Progress, no_progress


def _count_to(total: int, progress: Progress) -> int:
    """A long job as the services write one: report after each step, let a cancel propagate."""
    done = 0
    for done in range(1, total + 1):
        progress(done, total)
    return done


def test_without_a_watcher_a_long_job_runs_to_its_end() -> None:
    assert _count_to(1000, no_progress) == 1000
    assert no_progress(5, 0) is None  # an unknown total is fine too


def test_a_cancel_stops_the_job_at_its_next_report_and_is_not_a_refusal() -> None:
    seen: list[tuple[int, int]] = []

    def cancel_after_three(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 3:
            raise JobCancelled

    with pytest.raises(JobCancelled) as cancelled:
        _count_to(10, cancel_after_three)
    assert seen == [(1, 10), (2, 10), (3, 10)]
    assert not isinstance(cancelled.value, DomainError)  # not shown to the user as a refusal's words
