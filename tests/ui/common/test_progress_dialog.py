"""A long job behind the progress dialog: Cancel stops it and its result is dropped."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from clinic_log.services.common.progress import Progress
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.progress_dialog import run_with_progress


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
