"""UI work that touches the database, run on the app's one database worker (after Anki's aqt/operations).

``QueryOp(db, parent, "Audit suggestions", lambda db: audit_choices(db, owner), show).run_in_background()``
reads; ``DatabaseOp(..., kinds={SESSIONS})`` writes and, once it succeeded, announces the kinds of records it
changed on `changes` (one "records changed" event the pages subscribe to with `on_records_changed`). The work
runs on one app-wide worker thread (`database_worker()`), in the order asked; `success` runs on the GUI thread.
A failure is shown by default: a `DomainError`'s message in a message box titled by the op's name, anything
else as "<name> could not be done: <one line>" with its traceback in the log; pass `failure=` to handle it
yourself. An op with a `key` supersedes an earlier one of the same parent and key: only the newest result is
delivered. Long jobs that report progress and can be cancelled go through `OpRunner.run_cancellable`.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from clinic_log.domain.errors import DomainError
from clinic_log.services.common.progress import JobCancelled, Progress

if TYPE_CHECKING:  # the start-up path must not pay for SQLAlchemy
    from clinic_log.db.engine import Database

log = logging.getLogger(__name__)
PROGRESS_INTERVAL_S = 0.05

# kinds of records a change can touch; pages refresh when a kind they show is among them
SESSIONS = "sessions"
CLIENTS = "clients"
PEOPLE = "people"  # practitioners and users
REFERENCE = "reference"  # devices, products, areas, templates
AUDIT = "audit"
PHOTOS = "photos"  # a client's photos (added, voided)
EVERYTHING = frozenset({SESSIONS, CLIENTS, PEOPLE, REFERENCE, AUDIT, PHOTOS})  # an import, a restore


class RecordsChanged(QObject):
    """The one "records changed" event: `changed` carries the frozenset of kinds that changed, whether here or on
    another workstation (ui/common/workstation_changes.py); `changed_elsewhere` also carries the audit rows
    (`Change`s) of another workstation's changes, for the banners of the records they name. While those are
    announced `from_elsewhere` is True, so a page can leave an open record alone rather than reload it under
    the user's typing."""

    changed = Signal(object)
    changed_elsewhere = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.from_elsewhere = False

    def announce(self, kinds: Iterable[str], *, elsewhere: bool = False) -> None:
        """Tell every subscribed page that records of these kinds changed (call on the GUI thread)."""
        found = frozenset(kinds)
        if found:
            self.from_elsewhere = elsewhere
            try:
                self.changed.emit(found)
            finally:
                self.from_elsewhere = False

    def announce_elsewhere(self, rows: tuple[Any, ...]) -> None:
        """Tell the open records' banners which records another workstation changed (GUI thread)."""
        if rows:
            self.changed_elsewhere.emit(rows)


changes = RecordsChanged()


class _Subscription(QObject):
    """A page's interest in some kinds; a child of the page, so it goes (and disconnects) with it. A hidden page
    (another tab, behind the login) is refreshed when it is next shown, once, rather than at every change."""

    def __init__(self, page: QWidget, kinds: frozenset[str], refresh: Callable[[], None]) -> None:
        super().__init__(page)
        self._page = page
        self._kinds = kinds
        self._refresh = refresh
        self._stale = False
        changes.changed.connect(self._on_changed)
        page.installEventFilter(self)

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if not self._kinds & kinds or not shiboken6.isValid(self._page):
            return
        if self._page.isVisible():
            self._refresh()
        else:
            self._stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self._stale:
            self._stale = False
            self._refresh()
        return False


def on_records_changed(page: QWidget, kinds: Iterable[str], refresh: Callable[[], None]) -> None:
    """Call `refresh()` whenever records of one of `kinds` change, for as long as `page` lives (while the page
    is hidden, once when it is shown again)."""
    _Subscription(page, frozenset(kinds), refresh)


class _Worker(QObject):
    """The app's one database worker: a pool of one thread, so jobs run in the order asked."""

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)


_worker: _Worker | None = None


def database_worker() -> QThreadPool:
    """The one pool every op runs on, created with (and owned by) the application on first use."""
    global _worker
    if _worker is None or not shiboken6.isValid(_worker):
        _worker = _Worker(QCoreApplication.instance())
    return _worker.pool


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


class _Pending:
    """How many jobs of one runner are queued or running, so the runner can wait for its own jobs only."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    def add(self) -> None:
        with self._idle:
            self._count += 1

    def done(self) -> None:
        with self._idle:
            self._count -= 1
            self._idle.notify_all()

    def wait(self, msecs: int) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, msecs / 1000)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], bridge: _Bridge, pending: _Pending) -> None:
        super().__init__()
        self._work = work
        self._bridge = bridge
        self._pending = pending

    def run(self) -> None:
        try:
            result = self._work()
        except JobCancelled:
            log.info("background job cancelled")
        except DomainError as exc:  # a refusal the user is shown (bad input, a rule): no traceback in the log
            log.info("background job refused: %s", exc)
            self._emit(self._bridge.failed, exc)
        except Exception as exc:  # delivered to the GUI thread, which shows it
            log.exception("background job failed")
            self._emit(self._bridge.failed, exc)
        else:
            self._emit(self._bridge.finished, result)
        finally:
            self._pending.done()

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the app is shutting down and the receiver is gone: nobody to tell
            log.info("background result dropped at shutdown")


class OpRunner(QObject):
    """One widget's jobs on the app's worker: supersedes by key and keeps the bridges until delivered."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest: dict[str, int] = {}
        self._bridges: set[_Bridge] = set()
        self._pending = _Pending()

    def run(self, key: str, work: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None], *, bridge: _Bridge | None = None) -> None:
        """Run `work()` on the worker; `on_done(result)` or `on_error(exc)` on the GUI thread, unless a later
        call with the same `key` came meanwhile (then this result is dropped)."""
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
        self._pending.add()
        database_worker().start(_Job(work, bridge, self._pending))

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
        """Block until this runner's queued jobs have run (at a dialog's close, and in tests)."""
        return self._pending.wait(msecs)


def show_failure(parent: QWidget | None, name: str, exc: Exception) -> QMessageBox:
    """Show what went wrong, without blocking: a refusal's own words, or one line of an unexpected error."""
    if isinstance(exc, DomainError):
        text = str(exc).strip() or f"{name} was refused."
    else:
        log.error("%s could not be done", name, exc_info=exc)
        first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        text = f"{name} could not be done: {first}"
    box = QMessageBox(QMessageBox.Icon.Warning, name, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def runner_of(parent: QObject) -> OpRunner:
    """The runner that holds `parent`'s ops (one per widget, made on first use, gone with the widget)."""
    found = parent.findChild(OpRunner, "ops", Qt.FindChildOption.FindDirectChildrenOnly)
    if isinstance(found, OpRunner):
        return found
    runner = OpRunner(parent)
    runner.setObjectName("ops")
    return runner


T = TypeVar("T")
_unkeyed = itertools.count()


class QueryOp(Generic[T]):
    """Read on the worker: `op(db)` there, `success(result)` on the GUI thread, failures shown unless
    `failure` is given. `key` makes a later op of the same parent and key supersede this one."""

    def __init__(self, db: Database, parent: QWidget, name: str, op: Callable[[Database], T],
                 success: Callable[[T], Any], *, failure: Callable[[Exception], Any] | None = None,
                 key: str | None = None) -> None:
        self._db = db
        self._parent = parent
        self.name = name
        self._op = op
        self._success = success
        self._failure = failure
        self._key = key or f"op-{next(_unkeyed)}"

    def run_in_background(self) -> None:
        db, op = self._db, self._op
        runner_of(self._parent).run(self._key, lambda: op(db), self._succeeded, self._failed)

    def _succeeded(self, result: T) -> None:
        self._success(result)

    def _failed(self, exc: Exception) -> None:
        if self._failure is not None:
            self._failure(exc)
        else:
            show_failure(self._parent, self.name, exc)


class DatabaseOp(QueryOp[T]):
    """A write: like `QueryOp`, and after success announces `kinds` on `changes` so the pages refresh."""

    def __init__(self, db: Database, parent: QWidget, name: str, op: Callable[[Database], T],
                 success: Callable[[T], Any], *, kinds: Iterable[str],
                 failure: Callable[[Exception], Any] | None = None, key: str | None = None) -> None:
        super().__init__(db, parent, name, op, success, failure=failure, key=key)
        self.kinds = frozenset(kinds)

    def _succeeded(self, result: T) -> None:
        try:
            super()._succeeded(result)
        finally:  # the records changed even if showing the result went wrong
            changes.announce(self.kinds)
