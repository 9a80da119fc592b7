"""A long job behind the progress dialog: shown only when the job takes more than a moment, its result or error
delivered once the dialog closed, and Cancel stops the job and drops its result."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from clinic_log.domain.errors import InvalidValue
from clinic_log.services.common.progress import Progress
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.progress_dialog import SHOW_AFTER_MS, JobProgressDialog, run_with_progress


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


def slow_job(qtbot: QtBot, first_report: tuple[int, int] | None) -> tuple[JobProgressDialog, threading.Event,
                                                                      list[tuple[object, bool]]]:
    """A job that reports `first_report` (or nothing) and then works until released."""
    runner = BackgroundRunner()
    release = threading.Event()
    seen: list[tuple[object, bool]] = []

    def work(progress: Progress) -> str:
        if first_report is not None:
            progress(*first_report)
        release.wait(10)
        return "written"

    dialog = run_with_progress(runner, None, "Export", "Exporting…", work,
                               lambda result: seen.append((result, dialog.isVisible())), seen.append)
    return dialog, release, seen


@pytest.mark.parametrize("first_report", [None, (1, 4)], ids=["no report yet", "a quarter done"])
def test_a_job_longer_than_a_moment_shows_the_dialog_and_its_result_comes_once_it_closed(
        qtbot: QtBot, first_report: tuple[int, int] | None) -> None:
    """Shown even by a job that has not reported yet (a client's export never does): else no Cancel either."""
    dialog, release, seen = slow_job(qtbot, first_report)
    try:
        assert not dialog.isVisible()  # a quick job never flashes a dialog
        qtbot.waitUntil(dialog.isVisible, timeout=SHOW_AFTER_MS + 2000)
        assert dialog.windowTitle() == "Export" and dialog.labelText() == "Exporting…"
        if first_report is not None:
            assert (dialog.value(), dialog.maximum()) == first_report
    finally:
        release.set()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [("written", False)]


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
