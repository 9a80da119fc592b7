"""The older name for a widget's runner on the app's one database worker (see clinic_log.ui.common.operations).

Usage: ``runner = BackgroundRunner(self)``, then ``runner.run("count", lambda: count_sessions(db, flt), on_done,
on_error)``. Callbacks run on the GUI thread. A later call with the same ``key`` supersedes an earlier one
still running: its result is dropped, so a fast typist only ever sees the count for the filter now on screen.
Every runner queues on the same worker (`operations.database_worker()`), so jobs of different widgets run one
after another in the order asked.

Long jobs (exports, aggregates) use ``run_cancellable``: the work gets a ``progress(done, total)`` callable
that reports to the GUI thread and raises `JobCancelled` once `CancelHandle.cancel()` was called; a cancelled
job's result is never delivered. `run_with_progress` (clinic_log.ui.common.progress_dialog) adds the dialog.
New code uses `QueryOp`/`DatabaseOp`, which show failures by default.
"""

from __future__ import annotations

from clinic_log.ui.common.operations import CancelHandle, OpRunner

__all__ = ["BackgroundRunner", "CancelHandle"]


class BackgroundRunner(OpRunner):
    """A widget's jobs on the app's one worker; `wait()` blocks until this runner's jobs have run."""
