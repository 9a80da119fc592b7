"""The operations pipeline: one worker for the app, results on the GUI thread, failures shown, records changed."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.operations import (
    CLIENTS,
    SESSIONS,
    DatabaseOp,
    QueryOp,
    changes,
    database_worker,
    on_records_changed,
    runner_of,
)
from clinic_log.ui.sessions.history_page import SessionHistoryPage
from tests.unit.services.helpers import make_clinic, session_entry


def _widget(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _box(parent: QWidget, qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox) is not None)
    box = parent.findChild(QMessageBox)
    assert isinstance(box, QMessageBox)
    return box


def test_ops_of_two_widgets_run_on_the_one_worker_of_the_app(qtbot: QtBot, db: Database) -> None:
    threads: list[int] = []
    done: list[str] = []

    def work(name: str) -> str:
        threads.append(threading.get_ident())
        return name

    first, second, third = _widget(qtbot), _widget(qtbot), _widget(qtbot)
    QueryOp(db, first, "First", lambda _db: work("first"), done.append).run_in_background()
    QueryOp(db, second, "Second", lambda _db: work("second"), done.append).run_in_background()
    BackgroundRunner(third).run("k", lambda: work("third"), done.append, lambda _e: None)
    qtbot.waitUntil(lambda: len(done) == 3)
    assert done == ["first", "second", "third"]  # one worker: in the order asked
    assert len(set(threads)) == 1 and threads[0] != threading.get_ident()
    assert database_worker() is database_worker() and database_worker().maxThreadCount() == 1


def test_success_runs_on_the_gui_thread_with_the_database_passed(qtbot: QtBot, db: Database) -> None:
    seen: list[tuple[bool, bool]] = []
    parent = _widget(qtbot)
    QueryOp(db, parent, "Read", lambda given: given is db,
            lambda same: seen.append((same, QThread.currentThread().isMainThread()))).run_in_background()
    qtbot.waitUntil(lambda: seen == [(True, True)])


def test_a_refusal_shows_its_message_titled_by_the_op(qtbot: QtBot, db: Database) -> None:
    parent = _widget(qtbot)

    def refuse(_db: Database) -> None:
        raise DomainError("Depth 3.5 mm is beyond the device's 2.5 mm")

    QueryOp(db, parent, "Save session", refuse, lambda _r: None).run_in_background()
    box = _box(parent, qtbot)
    assert box.windowTitle() == "Save session"
    assert box.text() == "Depth 3.5 mm is beyond the device's 2.5 mm"
    assert box.isVisible() and box.windowModality() != Qt.WindowModality.ApplicationModal  # open(), not exec()


def test_an_unexpected_error_is_logged_with_its_traceback_and_shown_in_one_line(
        qtbot: QtBot, db: Database, caplog: pytest.LogCaptureFixture) -> None:
    parent = _widget(qtbot)

    def broken(_db: Database) -> None:
        raise RuntimeError("disk I/O error\nwhile reading page 7")

    with caplog.at_level(logging.ERROR, logger="clinic_log.ui.common.operations"):
        QueryOp(db, parent, "Count sessions", broken, lambda _r: None).run_in_background()
        box = _box(parent, qtbot)
    assert box.text() == "Count sessions could not be done: disk I/O error"
    logged = [r for r in caplog.records if r.name == "clinic_log.ui.common.operations" and r.exc_info]
    assert logged and "disk I/O error" in str(logged[0].exc_info[1])  # type: ignore[index]


def test_a_caller_may_handle_the_failure_itself(qtbot: QtBot, db: Database) -> None:
    parent = _widget(qtbot)
    failed: list[Exception] = []

    def broken(_db: Database) -> None:
        raise RuntimeError("gone")

    QueryOp(db, parent, "Read", broken, lambda _r: None, failure=failed.append).run_in_background()
    qtbot.waitUntil(lambda: len(failed) == 1)
    runner_of(parent).wait()
    qtbot.wait(20)
    assert parent.findChild(QMessageBox) is None


def test_a_superseded_op_result_is_dropped(qtbot: QtBot, db: Database) -> None:
    parent = _widget(qtbot)
    release = threading.Event()
    seen: list[str] = []

    def slow(_db: Database) -> str:
        release.wait(5)
        return "old filter"

    QueryOp(db, parent, "Count", slow, seen.append, key="count").run_in_background()
    QueryOp(db, parent, "Count", lambda _db: "new filter", seen.append, key="count").run_in_background()
    release.set()
    qtbot.waitUntil(lambda: seen == ["new filter"])
    assert runner_of(parent).wait()
    qtbot.wait(50)
    assert seen == ["new filter"]


def test_same_key_on_another_widget_does_not_supersede(qtbot: QtBot, db: Database) -> None:
    seen: list[str] = []
    one, other = _widget(qtbot), _widget(qtbot)
    QueryOp(db, one, "Count", lambda _db: "a", seen.append, key="count").run_in_background()
    QueryOp(db, other, "Count", lambda _db: "b", seen.append, key="count").run_in_background()
    qtbot.waitUntil(lambda: sorted(seen) == ["a", "b"])


def test_a_write_announces_the_kinds_it_changed_after_success(qtbot: QtBot, db: Database) -> None:
    order: list[str] = []
    parent = _widget(qtbot)
    parent.show()
    on_records_changed(parent, {SESSIONS}, lambda: order.append("changed"))
    with qtbot.waitSignal(changes.changed) as blocker:
        DatabaseOp(db, parent, "Sign", lambda _db: 7, lambda r: order.append(f"success {r}"),
                   kinds={SESSIONS, CLIENTS}).run_in_background()
    assert blocker.args == [frozenset({SESSIONS, CLIENTS})]
    assert order == ["success 7", "changed"]


def test_a_failed_write_announces_nothing(qtbot: QtBot, db: Database) -> None:
    parent = _widget(qtbot)
    parent.show()
    heard: list[object] = []
    on_records_changed(parent, {SESSIONS}, lambda: heard.append(1))

    def refuse(_db: Database) -> None:
        raise DomainError("refused")

    DatabaseOp(db, parent, "Sign", refuse, lambda _r: None, kinds={SESSIONS}).run_in_background()
    _box(parent, qtbot)
    assert heard == []


def test_a_subscribed_page_refreshes_only_for_kinds_it_shows(qtbot: QtBot) -> None:
    page = _widget(qtbot)
    page.show()
    refreshed: list[int] = []
    on_records_changed(page, {SESSIONS}, lambda: refreshed.append(1))
    changes.announce({CLIENTS})
    assert refreshed == []
    changes.announce({SESSIONS, CLIENTS})
    assert refreshed == [1]


def test_a_hidden_page_refreshes_once_when_it_is_shown_again(qtbot: QtBot) -> None:
    page = _widget(qtbot)
    refreshed: list[int] = []
    on_records_changed(page, {SESSIONS}, lambda: refreshed.append(1))
    changes.announce({SESSIONS})
    changes.announce({SESSIONS})
    assert refreshed == []  # another tab: no work for a page nobody sees
    page.show()
    assert refreshed == [1]
    page.hide()
    page.show()
    assert refreshed == [1]


def test_the_sessions_page_shows_a_session_written_by_an_op(qtbot: QtBot, db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    page = SessionHistoryPage(db)
    qtbot.addWidget(page)
    page.show()
    before = page.model.rowCount()
    DatabaseOp(db, page, "Log session", lambda d: log_session(d, clinic.derm, session_entry(clinic), sign=True),
               lambda _saved: None, kinds={SESSIONS}).run_in_background()
    qtbot.waitUntil(lambda: page.model.rowCount() == before + 1)


@pytest.mark.parametrize(("error", "shown"), [
    (RuntimeError(), "Export could not be done: RuntimeError"),
    (OSError("\n\n[Errno 28] No space left on device\n"),
     "Export could not be done: [Errno 28] No space left on device"),
    (DomainError(""), "Export was refused."),
])
def test_a_failure_without_words_still_says_something(qtbot: QtBot, db: Database, error: Exception,
                                                       shown: str) -> None:
    parent = _widget(qtbot)

    def fail(_db: Database) -> None:
        raise error

    QueryOp(db, parent, "Export", fail, lambda _r: None).run_in_background()
    assert _box(parent, qtbot).text() == shown
