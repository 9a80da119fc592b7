"""Start the desktop app: QApplication, the database, a login (or the first-start wizard on an empty database),
the main window, then the event loop.

Unattended starts log in with CLINIC_LOG_LOGIN_USER / CLINIC_LOG_LOGIN_PASSWORD (see `login_dialog`): the
password is checked as in the dialog.

Start-up stays light: Qt Core/Gui/Widgets and plain sqlite3 for the first screen (services/sessions/startup_queries.py);
SQLAlchemy's ORM and the services load off the GUI thread once the window is up (no reportlab, Alembic unless a
migration is pending, QtCharts or QtPdf). With ``CLINIC_LOG_EXIT_AFTER_SHOWN=1`` the app prints
``shown <seconds>`` once the main window is on screen with its first rows (behind the login when nobody is
logged in yet, then also ``unlocked <seconds>`` once the login is accepted), then exits with 0; the seconds
count from ``CLINIC_LOG_T0`` (a ``time.time()`` value the caller took before starting the process). Without
``CLINIC_LOG_T0`` it prints ``shown`` alone. Benchmarks use this to time start-up.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Literal

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import DomainError
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.sessions.startup_queries import FirstScreen, load_services
from clinic_log.ui.backup.startup_checks import start_background_checks
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.fonts import add_fallback_fonts
from clinic_log.ui.common.icons import app_icon
from clinic_log.ui.common.operations import database_worker, runner_of
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.shell.demo_mode import (
    SET_UP_CLINIC,
    demo_database_path,
    open_demo_clinic_showing_progress,
    show_demo_banner,
)
from clinic_log.ui.shell.main_window import APP_NAME, MainWindow

log = logging.getLogger(__name__)
EXIT_AFTER_SHOWN_ENV = "CLINIC_LOG_EXIT_AFTER_SHOWN"
T0_ENV = "CLINIC_LOG_T0"
EXIT_CANNOT_OPEN = 2
EXPLORE: Literal["explore"] = "explore"  # the first start's answer "look around in a demo clinic first"
STARTUP_CHECKS_DELAY_MS = 3000
SHUTDOWN_WAIT_MS = 30_000
_EXPOSE_WAIT_S = 10.0  # give up waiting for the window system after this long, and report anyway


def run_gui(db_location: str) -> int:
    """Run the app on the database at `db_location` (file path or URL) until the main window closes; a demo
    clinic's "Set up my clinic…" comes back here, to the first start on the clinic's own database."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setWindowIcon(app_icon())  # every window's, dialogs included
    add_fallback_fonts()
    while True:
        app.setApplicationDisplayName("")  # a demo left behind says so no more
        code = _run_window(app, db_location)
        if code != SET_UP_CLINIC:
            return code


def _run_window(app: QApplication, db_location: str) -> int:
    try:
        db = prepare_database(db_location)
    except (DomainError, OSError) as exc:
        show_open_error(db_location, exc)
        return EXIT_CANNOT_OPEN
    user = UserSession()  # who is logged in: a fresh holder for each window, so a demo clinic's owner never
    # carries over to the clinic's own database; the window passes it to what it builds
    location, demo = db_location, False
    try:
        first_screen = FirstScreen(db)  # plain sqlite3 until the services are loaded (preload_services)
        if not first_screen.reader.has_users():  # a new clinic: the wizard creates it and its owner, then logged in
            owner = first_start(db)
            if owner is None:
                return 0
            if owner == EXPLORE:  # a demo clinic in a file of its own; the clinic's database stays empty
                db.dispose()
                try:
                    db, owner = open_demo_clinic_showing_progress(db_location)
                except (DomainError, OSError) as exc:
                    show_open_error(str(demo_database_path()), exc)
                    return EXIT_CANNOT_OPEN
                location, demo = str(demo_database_path()), True
                first_screen = FirstScreen(db)
            assert isinstance(owner, Actor)
            user.sign_in(owner)
        window = MainWindow(db, user, location, first_screen=first_screen)
        if demo:
            show_demo_banner(window, location)
        window.show()
        if not user.signed_in:  # the window and its first rows wait behind the login
            window.guard.first_login.connect(lambda actor: remind_credentials(db, actor, window))
            window.guard.lock_at_start()
        # Wait until the user has the window: on a large file the check and the backup read every page,
        # and doing that during start-up slowed the first second and held up a quick exit.
        runner = BackgroundRunner(window)
        QTimer.singleShot(0, lambda: preload_services(window, first_screen))
        QTimer.singleShot(0, window.workstations.start)  # other workstations' changes, on the worker
        QTimer.singleShot(STARTUP_CHECKS_DELAY_MS, lambda: start_background_checks(window, db, runner))
        if os.environ.get(EXIT_AFTER_SHOWN_ENV) == "1":
            deadline = time.monotonic() + _EXPOSE_WAIT_S
            QTimer.singleShot(0, lambda: _report_when_shown(window, deadline))
        code = app.exec()
        window.workstations.stop()
        return code
    finally:
        database_worker().waitForDone(SHUTDOWN_WAIT_MS)  # a save still running finishes before the engine goes
        db.dispose()


def preload_services(window: QMainWindow, first_screen: FirstScreen,
                     load: Callable[[], None] = load_services) -> None:
    """Load the ORM and services off the GUI thread, then have the first screen read through them. Nothing waits
    for it (each use imports what it needs), so a failure is logged at WARNING and said on the status bar rather
    than put in a message box; the first screen then keeps reading the file plainly."""

    def failed(exc: Exception) -> None:
        log.warning("preloading the services failed", exc_info=exc)
        window.statusBar().showMessage(f"Could not prepare the app in the background ({exc}); the first screens "
                                       "may open slowly. The log file has the details.", 30_000)

    runner_of(window).run("load-services", load, lambda _: first_screen.services_loaded(), failed)


def first_start(db: Database) -> Actor | Literal["explore"] | None:
    """The first-start wizard (clinic details and the owner's account): the new owner, EXPLORE when the user chose
    to look around in a demo clinic first, None when they gave up."""
    from clinic_log.ui.clinic.first_start_wizard import FirstStartWizard

    wizard = FirstStartWizard(db)
    result = wizard.exec()
    if result == FirstStartWizard.EXPLORE:
        return EXPLORE
    return wizard.actor if result == FirstStartWizard.DialogCode.Accepted else None


def remind_credentials(db: Database, actor: Actor, parent: QWidget | None = None) -> QMessageBox | None:
    """At a practitioner's login: their credentials expiring within 90 days (or expired), if any."""
    if actor.role is not UserRole.PRACTITIONER or actor.practitioner_id is None:
        return None
    from clinic_log.services.review.reminders import expiring_credentials

    due = expiring_credentials(db, date.today(), practitioner_id=actor.practitioner_id)
    if not due:
        return None
    lines = [f"• {c.kind} {c.number}: " + (f"expired on {c.expires_on.isoformat()}" if c.days_left < 0
                                           else f"expires on {c.expires_on.isoformat()} ({c.days_left} days)")
             for c in due]
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, "Your credentials need renewing:", parent=parent)
    box.setInformativeText("\n".join(lines) + "\n\nAn expired required credential blocks signing sessions. "
                           "Give the renewed document to the owner.")
    box.exec()
    return box


def show_open_error(location: str, exc: Exception) -> None:
    """Tell the user the database cannot be opened, and why."""
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, f"Clinic Log cannot open the database\n{location}")
    box.setInformativeText(str(exc))
    box.exec()


def _report_when_shown(window: MainWindow, deadline: float) -> None:
    handle = window.windowHandle()
    exposed = handle is not None and handle.isExposed()
    ready = window.isVisible() and exposed and window.page.model.first_page_loaded
    if not ready and time.monotonic() < deadline:
        QTimer.singleShot(1, lambda: _report_when_shown(window, deadline))
        return
    _report("shown")
    if window.guard.locked:  # behind the first login: also report when the password was accepted
        window.guard.first_login.connect(lambda _actor: _report("unlocked", then_exit=True))
        return
    QCoreApplication.exit(0)


def _report(event: str, then_exit: bool = False) -> None:
    t0 = os.environ.get(T0_ENV)
    print(f"{event} {time.time() - float(t0):.3f}" if t0 else event, flush=True)
    if then_exit:
        QCoreApplication.exit(0)
