"""Start the desktop app: QApplication, the database, a login (or the first-start wizard on an empty database),
the main window, then the event loop.

Unattended starts log in with CLINIC_LOG_LOGIN_USER / CLINIC_LOG_LOGIN_PASSWORD (see `login_dialog`): the
password is checked as in the dialog.

Start-up stays light: Qt Core/Gui/Widgets and the SQLAlchemy services only (no reportlab, Alembic unless a
migration is pending, QtCharts or QtPdf). With ``CLINIC_LOG_EXIT_AFTER_SHOWN=1`` the app prints
``shown <seconds>`` once the main window is on screen with its first rows, then exits with 0; the seconds
count from ``CLINIC_LOG_T0`` (a ``time.time()`` value the caller took before starting the process). Without
``CLINIC_LOG_T0`` it prints ``shown`` alone. Benchmarks use this to time start-up.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import DomainError
from clinic_log.services.auth import has_users
from clinic_log.services.clinic_settings import read_clinic_name
from clinic_log.services.database import prepare_database
from clinic_log.services.reminders import expiring_credentials
from clinic_log.ui.background import BackgroundRunner
from clinic_log.ui.current_user import sign_in
from clinic_log.ui.fonts import add_fallback_fonts
from clinic_log.ui.main_window import APP_NAME, MainWindow
from clinic_log.ui.startup_checks import start_background_checks

EXIT_AFTER_SHOWN_ENV = "CLINIC_LOG_EXIT_AFTER_SHOWN"
T0_ENV = "CLINIC_LOG_T0"
EXIT_CANNOT_OPEN = 2
STARTUP_CHECKS_DELAY_MS = 3000
_EXPOSE_WAIT_S = 10.0  # give up waiting for the window system after this long, and report anyway


def run_gui(db_location: str) -> int:
    """Run the app on the database at `db_location` (file path or URL) until the main window closes."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    add_fallback_fonts()
    try:
        db = prepare_database(db_location)
    except (DomainError, OSError) as exc:
        show_open_error(db_location, exc)
        return EXIT_CANNOT_OPEN
    try:
        actor = log_in_at_start(db)
        if actor is None:
            return 0
        sign_in(actor)
        window = MainWindow(db, db_location)
        window.show()
        # Wait until the user has the window: on a large file the check and the backup read every page,
        # and doing that during start-up slowed the first second and held up a quick exit.
        runner = BackgroundRunner(window)
        QTimer.singleShot(STARTUP_CHECKS_DELAY_MS, lambda: start_background_checks(window, db, runner))
        if os.environ.get(EXIT_AFTER_SHOWN_ENV) == "1":
            deadline = time.monotonic() + _EXPOSE_WAIT_S
            QTimer.singleShot(0, lambda: _report_when_shown(window, deadline))
        return app.exec()
    finally:
        db.dispose()


def log_in_at_start(db: Database) -> Actor | None:
    """The first-start wizard on a database without users, else the login; None when the user gave up."""
    from clinic_log.ui.login_dialog import LoginDialog, login_from_environment

    if not has_users(db):
        from clinic_log.ui.first_start_wizard import FirstStartWizard

        wizard = FirstStartWizard(db)
        return wizard.actor if wizard.exec() == FirstStartWizard.DialogCode.Accepted else None
    prompt = "Log in to continue."
    try:
        actor = login_from_environment(db)
    except DomainError as exc:
        actor, prompt = None, f"The login from the environment was refused: {exc}"
    if actor is None:
        dialog = LoginDialog(db, clinic_name=read_clinic_name(db), prompt=prompt)
        if dialog.exec() != LoginDialog.DialogCode.Accepted:
            return None
        actor = dialog.actor
    if actor is not None:
        remind_credentials(db, actor)
    return actor


def remind_credentials(db: Database, actor: Actor, parent: QWidget | None = None) -> QMessageBox | None:
    """At a practitioner's login: their credentials expiring within 90 days (or expired), if any."""
    if actor.role is not UserRole.PRACTITIONER or actor.practitioner_id is None:
        return None
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
    t0 = os.environ.get(T0_ENV)
    print(f"shown {time.time() - float(t0):.3f}" if t0 else "shown", flush=True)
    QCoreApplication.exit(0)
