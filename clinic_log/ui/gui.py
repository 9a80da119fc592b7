"""Start the desktop app: QApplication, the database, the main window, then the event loop.

Start-up stays light: Qt Core/Gui/Widgets and plain sqlite3 for the first screen (services/startup_queries.py);
SQLAlchemy's ORM and the services load off the GUI thread once the window is up (no reportlab, Alembic unless a
migration is pending, QtCharts or QtPdf). With ``CLINIC_LOG_EXIT_AFTER_SHOWN=1`` the app prints
``shown <seconds>`` once the main window is on screen with its first rows, then exits with 0; the seconds
count from ``CLINIC_LOG_T0`` (a ``time.time()`` value the caller took before starting the process). Without
``CLINIC_LOG_T0`` it prints ``shown`` alone. Benchmarks use this to time start-up.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from clinic_log.domain.errors import DomainError
from clinic_log.services.database import prepare_database
from clinic_log.services.startup_queries import load_services
from clinic_log.ui.background import BackgroundRunner
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
        window = MainWindow(db, db_location)
        window.show()
        # Wait until the user has the window: on a large file the check and the backup read every page,
        # and doing that during start-up slowed the first second and held up a quick exit.
        runner = BackgroundRunner(window)
        QTimer.singleShot(0, lambda: runner.run("load-services", load_services, lambda _: None, lambda _exc: None))
        QTimer.singleShot(STARTUP_CHECKS_DELAY_MS, lambda: start_background_checks(window, db, runner))
        if os.environ.get(EXIT_AFTER_SHOWN_ENV) == "1":
            deadline = time.monotonic() + _EXPOSE_WAIT_S
            QTimer.singleShot(0, lambda: _report_when_shown(window, deadline))
        return app.exec()
    finally:
        db.dispose()


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
