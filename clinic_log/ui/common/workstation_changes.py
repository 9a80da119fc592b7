"""Changes other workstations made, brought to this one: the watch that reads them and the banner open records show.

`WorkstationWatch` (the main window owns one) opens a `ChangeFeed` on the database worker and, on SQLite, asks it
every 500 ms whether another connection committed (`PRAGMA data_version`); on PostgreSQL a `ChangeListener`
thread wakes it when the server NOTIFYs a new audit row. What was changed is announced as the kinds of records
it touched on `operations.changes`, so every page refreshes as after its own writes, and the rows themselves on
`changes.changed_elsewhere` for the banners. The status bar says when the PostgreSQL connection is lost and back.

`ChangedElsewhereBanner` sits at the top of an open record (a client's page, a session, a practitioner): when another
workstation changes that record it says who and when and offers Reload; it never reloads by itself under the user's
typing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QWidget

from clinic_log.ui.common import operations
from clinic_log.ui.common.operations import AUDIT, CLIENTS, EVERYTHING, PEOPLE, REFERENCE, SESSIONS, runner_of

if TYPE_CHECKING:  # the start-up path must not pay for SQLAlchemy
    from clinic_log.db.engine import Database
    from clinic_log.services.common.change_feed import Change, ChangeFeed, ChangeListener, FeedRead

log = logging.getLogger(__name__)
POLL_MS = 500
LOST = "Database connection lost — reconnecting…"
RECONNECTED = "Database connection back: reconnected"
RECONNECTED_SHOWN_MS = 10_000

# the kinds of records an audit row's entity stands for (besides AUDIT, which every row is)
_KINDS: dict[str, frozenset[str]] = {}
for _kind, _entities in ((SESSIONS, ("session", "sessions", "amendment", "complication", "aftercare")),
                         (CLIENTS, ("client", "clients", "finding", "consent", "decision", "medical_history")),
                         (PEOPLE, ("practitioner", "practitioners", "user", "credential")),
                         (REFERENCE, ("device", "lot", "cartridge_lot", "reference", "template", "aftercare_template",
                                      "pretreatment_template", "consent_text", "setting", "settings", "indication"))):
    for _entity in _entities:
        _KINDS[_entity] = _KINDS.get(_entity, frozenset()) | {_kind}
# a whole database changed hands: an import of a file, demo data, a restore
_WHOLESALE = frozenset({"demo", "database"})


def kinds_of(changes: Iterable[Change]) -> frozenset[str]:
    """The kinds of records these audit rows say changed: AUDIT for any row; the record's own kind too unless
    the row only says someone looked, printed or logged in. An entity not known here refreshes everything."""
    found: set[str] = set()
    for change in changes:
        found.add(AUDIT)
        if not change.changes_records:
            continue
        if change.entity in _WHOLESALE or change.entity not in _KINDS:
            return EVERYTHING
        found |= _KINDS[change.entity]
    return frozenset(found)


class WorkstationWatch(QObject):
    """Brings other workstations' changes to this one (see the module's docstring). `start()` once the window is
    up; stops with its parent. `connection_changed` carries "lost" and "reconnected" (PostgreSQL)."""

    connection_changed = Signal(str)
    _notified = Signal()  # from the listener thread: read now (queued to the GUI thread)

    def __init__(self, db: Database, window: QMainWindow, poll_ms: int = POLL_MS) -> None:
        super().__init__(window)
        self._db = db
        self._window = window
        self._feed: ChangeFeed | None = None
        self._listener: ChangeListener | None = None
        self._checking = False
        self._again = False
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.check)
        self._notified.connect(self.check)
        self.connection_changed.connect(self._show_connection)

    @property
    def watching(self) -> bool:
        """True once changes made elsewhere reach this window (the feed is open; on PostgreSQL, LISTEN is on)."""
        if self._feed is None:
            return False
        return self._listener is None or self._listener.listening.is_set()

    def start(self) -> None:
        """Open the feed on the database worker, then watch. The feed's module is imported there too: it loads the
        ORM, which on the GUI thread held up the window's first paint by a quarter of a second."""
        db = self._db

        def open_feed() -> ChangeFeed:
            from clinic_log.services.common.change_feed import ChangeFeed

            return ChangeFeed(db)

        runner_of(self).run("open-feed", open_feed, self._opened,
                            lambda exc: log.warning("watching other workstations' changes failed to start: %s", exc))

    def stop(self) -> None:
        self._timer.stop()
        self._stop_listener()
        if self._feed is not None:
            feed, self._feed = self._feed, None
            runner_of(self).run("close-feed", feed.close, lambda _: None, lambda _: None)

    def _opened(self, feed: ChangeFeed) -> None:
        self._feed = feed
        if self._db.is_sqlite:
            self._timer.start()
            return
        from clinic_log.services.common.change_feed import ChangeListener

        def notified() -> None:  # on the listener's thread
            feed.notify()
            self._emit(self._notified)

        self._listener = ChangeListener(self._db, notified, lambda state: self._emit(self.connection_changed, state))
        self._listener.start()

    @staticmethod
    def _emit(signal: Any, *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the window is gone (shutting down): nobody to tell
            signal.emit(*args)

    def _stop_listener(self) -> None:
        if self._listener is not None:
            listener, self._listener = self._listener, None
            listener.stop()

    def check(self) -> None:
        """Ask the feed (on the worker) whether anything changed and, if so, what; one question at a time."""
        feed = self._feed
        if feed is None:
            return
        if self._checking:
            self._again = True
            return
        self._checking = True

        def read() -> FeedRead | None:
            return feed.read() if feed.maybe_changed() else None

        runner_of(self).run("check", read, self._deliver, self._failed)

    def _failed(self, exc: Exception) -> None:
        log.info("reading other workstations' changes failed: %s", exc)  # the next notification tries again
        self._done()

    def _deliver(self, found: FeedRead | None) -> None:
        self._done()
        if found is None:
            return
        operations.changes.announce(EVERYTHING if found.overflow else kinds_of(found.changes), elsewhere=True)
        records = tuple(c for c in found.changes if c.changes_records)
        if records:
            operations.changes.announce_elsewhere(records)

    def _done(self) -> None:
        self._checking = False
        if self._again:
            self._again = False
            self.check()

    def _show_connection(self, state: str) -> None:
        bar = self._window.statusBar()
        if state == "lost":
            bar.showMessage(LOST)
        else:
            bar.showMessage(RECONNECTED, RECONNECTED_SHOWN_MS)


def _local(change: Change) -> str:
    from datetime import UTC

    at = change.at if change.at.tzinfo else change.at.replace(tzinfo=UTC)  # stored in UTC
    return at.astimezone().strftime("%H:%M")


class ChangedElsewhereBanner(QFrame):
    """"Changed by <user> at <time> on another workstation — Reload", shown while the record `concerns` names is
    open and another workstation changed it; Reload calls `reload` and hides the banner."""

    def __init__(self, concerns: Callable[[Change], bool], reload: Callable[[], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changedElsewhereBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#changedElsewhereBanner { background: #fff4ce; border: 1px solid #c19c00; }")
        self._concerns = concerns
        self._reload = reload
        self.label = QLabel()
        self.label.setAccessibleName("Changed on another workstation")
        self.label.setWordWrap(True)
        self.reload_button = QPushButton("&Reload")
        self.reload_button.setAccessibleName("Reload")
        self.reload_button.setToolTip("Show the record as it is stored now (what you typed and did not save is "
                                      "kept as a draft)")
        self.reload_button.setAutoDefault(False)
        self.reload_button.clicked.connect(self.reload)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.reload_button)
        self.setVisible(False)
        operations.changes.changed_elsewhere.connect(self._on_changes)

    def _on_changes(self, changes: tuple[Change, ...]) -> None:
        if not shiboken6.isValid(self):
            return
        mine = [c for c in changes if self._concerns(c)]
        if not mine:
            return
        last = mine[-1]
        self.label.setText(f"Changed by {last.actor} at {_local(last)} on another workstation")
        self.setVisible(True)

    def reload(self) -> None:
        self.setVisible(False)
        self._reload()
