"""Run slow service calls off the GUI thread and deliver the result by signal (one helper for the app).

Usage: ``runner = BackgroundRunner(self)``, then ``runner.run("count", lambda: count_sessions(db, flt), on_done,
on_error)``. Callbacks run on the GUI thread. A later call with the same ``key`` supersedes an earlier one still
running: its result is dropped, so a fast typist only ever sees the count for the filter now on screen.

Long jobs (exports, aggregates) use ``run_cancellable``: the work gets a ``progress(done, total)`` callable
that reports to the GUI thread and raises `JobCancelled` once `CancelHandle.cancel()` was called; a cancelled
job's result is never delivered. `run_with_progress` (clinic_log.ui.progress_dialog) adds the dialog.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from clinic_log.domain.errors import DomainError
from clinic_log.services.progress import JobCancelled, Progress

log = logging.getLogger(__name__)
PROGRESS_INTERVAL_S = 0.05


class _Bridge(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class CancelHandle:
    """Ask a running job to stop; its `progress` call raises `JobCancelled` at the next report."""

    def __init__(self, on_cancel: Callable[[], None]) -> None:
        self._event = threading.Event()
        self._on_cancel = on_cancel

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        if not self._event.is_set():
            self._event.set()
            self._on_cancel()


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], bridge: _Bridge) -> None:
        super().__init__()
        self._work = work
        self._bridge = bridge

    def run(self) -> None:
        try:
            result = self._work()
        except JobCancelled:
            log.info("background job cancelled")
            return
        except DomainError as exc:  # a refusal the user is shown (bad input, a rule): no traceback in the log
            log.info("background job refused: %s", exc)
            self._emit(self._bridge.failed, exc)
        except Exception as exc:  # delivered to the GUI thread, which decides what to show
            log.exception("background job failed")
            self._emit(self._bridge.failed, exc)
        else:
            self._emit(self._bridge.finished, result)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the app is shutting down and the receiver is gone: nobody to tell
            log.info("background result dropped at shutdown")


class BackgroundRunner(QObject):
    """Owns the bridges of running jobs so their signals survive until delivered."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest: dict[str, int] = {}
        self._bridges: set[_Bridge] = set()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one database worker: jobs run in the order asked

    def run(self, key: str, work: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None], *, bridge: _Bridge | None = None) -> None:
        ticket = self._latest.get(key, 0) + 1
        self._latest[key] = ticket
        bridge = bridge or _Bridge()  # created on the GUI thread, so its slots run there
        self._bridges.add(bridge)

        def deliver(result: Any, callback: Callable[[Any], None]) -> None:
            if not shiboken6.isValid(self):  # the page that asked was closed meanwhile
                return
            self._bridges.discard(bridge)
            if self._latest.get(key) == ticket:
                callback(result)

        bridge.finished.connect(lambda result: deliver(result, on_done))
        bridge.failed.connect(lambda exc: deliver(exc, on_error))
        self._pool.start(_Job(work, bridge))

    def run_cancellable(self, key: str, work: Callable[[Progress], Any], on_done: Callable[[Any], None],
                        on_error: Callable[[Exception], None],
                        on_progress: Callable[[int, int], None] | None = None) -> CancelHandle:
        """Like `run`, for a job that reports progress and can be cancelled through the returned handle."""
        bridge = _Bridge()
        if on_progress is not None:
            bridge.progressed.connect(on_progress)

        def supersede() -> None:  # a cancelled job's late result must not be shown
            self._latest[key] = self._latest.get(key, 0) + 1

        handle = CancelHandle(supersede)

        last_report = [0.0]

        def progress(done: int, total: int) -> None:
            if handle.cancelled:
                raise JobCancelled
            now = time.monotonic()
            if now - last_report[0] < PROGRESS_INTERVAL_S and done != total:
                return  # a job reporting every row must not flood the GUI thread with signals
            last_report[0] = now
            with contextlib.suppress(RuntimeError):  # shutting down: nobody watches
                bridge.progressed.emit(done, total)

        self.run(key, lambda: work(progress), on_done, on_error, bridge=bridge)
        return handle

    def wait(self, msecs: int = 30000) -> bool:
        """Block until queued jobs finish (used at shutdown and by tests)."""
        return self._pool.waitForDone(msecs)
