"""A long job behind the progress dialog: its error reaches only the error callback, the bar never overflows,
and Cancel stops the job and drops its result."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from clinic_log.domain.errors import InvalidValue
from clinic_log.services.common.progress import Progress
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.progress_dialog import JobProgressDialog, run_with_progress


def test_cancel_stops_a_long_job_and_drops_its_result(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    started, stopped = threading.Event(), threading.Event()
    results: list[object] = []
    cancelled: list[bool] = []

    def work(progress: Progress) -> str:
        started.set()
        try:
            for done in range(10**9):
                progress(done, 0)
                started.wait(0.001)
        finally:
            stopped.set()
        return "finished"

    dialog = run_with_progress(runner, None, "Long job", "Working…", work, results.append, results.append,
                               on_cancel=lambda: cancelled.append(True))
    qtbot.waitUntil(started.is_set)
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    cancel.click()
    qtbot.waitUntil(stopped.is_set)
    runner.wait()
    assert cancelled == [True] and results == []


def test_a_failed_job_reaches_only_the_error_callback(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    done: list[object] = []
    failed: list[Exception] = []

    def work(progress: Progress) -> None:
        raise InvalidValue("month", "2026-13", "a month from 01 to 12")

    run_with_progress(runner, None, "Export", "Writing…", work, done.append, failed.append)
    qtbot.waitUntil(lambda: bool(failed))
    assert done == [] and str(failed[0]).startswith("month: '2026-13' is not allowed")


def test_progress_past_the_total_stays_full_and_an_unknown_total_is_a_busy_bar(qtbot: QtBot) -> None:
    dialog = JobProgressDialog("Export", "Writing…", None)
    qtbot.addWidget(dialog)
    dialog.show_progress(12, 10)
    assert (dialog.value(), dialog.maximum()) == (10, 10)
    dialog.show_progress(5, 0)
    assert (dialog.minimum(), dialog.maximum()) == (0, 0)  # busy: no number pretends to know
