"""The main window: wires the session history page, the menus, shortcuts and the status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QWidget
from sqlalchemy.engine import make_url

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError
from clinic_log.services.session_queries import get_session
from clinic_log.ui.history_page import SessionHistoryPage
from clinic_log.ui.session_detail_dialog import SessionDetailDialog

APP_NAME = "Clinic Log"


def database_name(location: str) -> str:
    """Short name for the title bar: the file name, or the database name of a URL."""
    if "://" in location:
        url = make_url(location)
        return url.database or url.host or url.drivername
    return Path(location).name


def database_location(location: str) -> str:
    """Full location for the status bar, without any password."""
    if "://" in location:
        return make_url(location).render_as_string(hide_password=True)
    return str(Path(location).resolve())


class MainWindow(QMainWindow):
    """Clinic Log's main window. Emits `detail_dialog_opened` with each session dialog it opens."""

    detail_dialog_opened = Signal(object)  # SessionDetailDialog

    def __init__(self, db: Database, location: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.setWindowTitle(f"{APP_NAME} — {database_name(location)}")
        self.page = SessionHistoryPage(db)
        self.setCentralWidget(self.page)

        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Session count")
        self.location_label = QLabel(database_location(location))
        self.location_label.setToolTip("The database this window shows")
        self.location_label.setAccessibleName("Database")
        self.statusBar().addWidget(self.summary_label, 1)
        self.statusBar().addPermanentWidget(self.location_label)
        self.page.summary_changed.connect(self.summary_label.setText)
        self.page.session_activated.connect(self.open_session)
        self._build_menus()
        self.page.update_summary()
        self.page.view.setFocus()  # arrows and Enter work at once; Ctrl+F jumps to the notes filter

        self.resize(1280, 760)
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            self.resize(min(1280, available.width()), min(760, available.height()))

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        view_menu = self.menuBar().addMenu("&View")
        self.find_action = QAction("&Find in notes", self)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.triggered.connect(self.page.filter_bar.focus_notes)
        self.refresh_action = QAction("&Refresh", self)
        self.refresh_action.setShortcut(QKeySequence("F5"))
        self.refresh_action.triggered.connect(self.page.refresh)
        self.clear_action = QAction("&Clear filters", self)
        self.clear_action.triggered.connect(self.page.filter_bar.clear)
        for action in (self.find_action, self.refresh_action, self.clear_action):
            view_menu.addAction(action)

    @property
    def session_count_text(self) -> str:
        return self.summary_label.text()

    def open_session(self, session_id: int) -> SessionDetailDialog | None:
        """Show one session read-only (window-modal, so the list stays readable behind it)."""
        try:
            detail = get_session(self._db, session_id)
        except DomainError as exc:  # e.g. deleted meanwhile by another workstation
            QMessageBox.warning(self, APP_NAME, f"Session {session_id} cannot be shown: {exc}")
            return None
        dialog = SessionDetailDialog(detail, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.detail_dialog_opened.emit(dialog)
        return dialog
