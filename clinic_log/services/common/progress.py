"""Progress and cancellation for long service calls, without Qt: a callable the service calls now and then.

A long service takes ``progress: Progress`` and calls ``progress(done, total)`` (``total`` 0 when unknown).
The caller's callable may show the numbers, and raises `JobCancelled` when the user asked to stop; the
service lets it propagate (files are written atomically, so nothing half-written is left).
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]


class JobCancelled(Exception):
    """The user cancelled the job; not an error to show."""


def no_progress(done: int, total: int) -> None:
    """The default: nobody watches, nothing can cancel."""
