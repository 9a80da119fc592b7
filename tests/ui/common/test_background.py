"""The background helper: results arrive on the GUI thread, and only the newest request per key counts."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from clinic_log.ui.common.background import BackgroundRunner


def test_result_is_delivered_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    seen: list[tuple[int, bool]] = []
    worker_threads: list[int] = []

    def work() -> int:
        worker_threads.append(threading.get_ident())
        return 42

    runner.run("k", work, lambda r: seen.append((r, QThread.currentThread().isMainThread())), lambda e: None)
    qtbot.waitUntil(lambda: seen == [(42, True)])
    assert worker_threads and worker_threads[0] != threading.get_ident()


def test_a_newer_request_supersedes_an_older_one(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    release = threading.Event()
    seen: list[str] = []

    def slow() -> str:
        release.wait(5)
        return "old filter"

    runner.run("count", slow, seen.append, lambda e: None)
    runner.run("count", lambda: "new filter", seen.append, lambda e: None)
    release.set()
    qtbot.waitUntil(lambda: seen == ["new filter"])
    runner.wait()
    qtbot.wait(50)
    assert seen == ["new filter"]


def test_errors_reach_the_error_callback(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    errors: list[Exception] = []

    def boom() -> None:
        raise ValueError("database went away")

    runner.run("k", boom, lambda r: None, errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1)
    assert str(errors[0]) == "database went away"
