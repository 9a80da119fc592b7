"""The main window: wires the session history page, the menus, toolbar, shortcuts and the status bar.

The aftercare preview and template dialogs are imported when first opened (QtPdf, QtPrintSupport and reportlab
would slow the start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QToolBar, QToolButton, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.services.backup.database import database_location, database_name
from clinic_log.services.sessions.session_views import SessionDetail, SessionRow
from clinic_log.services.sessions.startup_queries import FirstScreen
from clinic_log.ui.common.operations import SESSIONS, changes
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import with_keys
from clinic_log.ui.common.workstation_changes import WorkstationWatch
from clinic_log.ui.people.idle_lock import SessionGuard
from clinic_log.ui.sessions.history_page import SessionHistoryPage
from clinic_log.ui.sessions.session_launcher import SessionLauncher
from clinic_log.ui.shell.page_host import PageHost, PageSpec

if TYPE_CHECKING:
    from clinic_log.ui.clients.aftercare_preview import AftercarePreviewDialog
    from clinic_log.ui.clients.client_timeline import ClientTimelineDialog
    from clinic_log.ui.clinic.aftercare_template_dialog import AftercareTemplateDialog
    from clinic_log.ui.exchange.export_dialog import ExportDialog
    from clinic_log.ui.exchange.import_dialog import ImportDialog
    from clinic_log.ui.sessions.client_picker import ClientPickerDialog
    from clinic_log.ui.sessions.form.session_form import SessionFormDialog
    from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog

APP_NAME = "Clinic Log"


class MainWindow(QMainWindow):
    """Clinic Log's main window: it wires the pages, the menus and the dialogs they open."""

    def __init__(self, db: Database, user: UserSession, location: str, parent: QWidget | None = None, *,
                 first_screen: FirstScreen | None = None) -> None:
        """`user`: who is logged in (the shell's one holder; nobody yet when the window opens behind the first
        login); the pages and dialogs the window builds act as its actor.

        `first_screen`: what the first screen reads through (plain sqlite3 on an SQLite file until the caller
        says the services are loaded, as ui/shell/gui.py does); a new one when not given."""
        super().__init__(parent)
        self._db, self._user, self._location = db, user, location
        self.first_screen = first_screen or FirstScreen(db)
        self.setWindowTitle(f"{APP_NAME} — {database_name(location)}")
        self.guard = SessionGuard(self, db, user, self.first_screen)  # idle auto-lock and File → Switch user…
        self.pages = PageHost()
        self.pages.install_shortcuts(self)  # Ctrl+1… for the tabs (Alt mnemonics belong to the filters and menus)
        self._register_pages()
        history = self.pages.show_page("sessions")
        assert isinstance(history, SessionHistoryPage)
        self.page = history
        self.setCentralWidget(self.pages)

        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Session count")
        self.location_label = QLabel(database_location(location))
        self.location_label.setToolTip("The database this window shows")
        self.location_label.setAccessibleName("Database")
        self.statusBar().addWidget(self.summary_label, 1)
        self.user_label = QLabel()
        self.user_label.setToolTip("Who is logged in (File → Switch user…, Ctrl+L)")
        self.user_label.setAccessibleName("Logged in as")
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.location_label)
        self.workstations = WorkstationWatch(db, self)  # started by gui.run_gui; says on the status bar when lost
        self.page.summary_changed.connect(self.summary_label.setText)
        self.pages.currentChanged.connect(lambda _: self._show_summary())
        self.page.session_activated.connect(self.open_session)
        self._build_menus()
        self._build_toolbar()
        self.page.update_summary()
        self.page.view.setFocus()  # arrows and Enter work at once; Ctrl+F jumps to the notes filter
        self.switch_user_action.triggered.connect(self.guard.switch_user)
        self.guard.locked_changed.connect(lambda _: self._show_summary())
        user.changed.connect(self.apply_actor)

        self.session_launcher = SessionLauncher(self._db, user, self)
        # whoever takes over is offered the session forms they left unsaved (theirs only)
        self.guard.user_changed.connect(lambda _: self.session_launcher.offer_unsaved_sessions())
        self.session_launcher.signed.connect(self._on_session_signed)
        if user.signed_in:
            self.apply_actor(user.actor)
            QTimer.singleShot(0, self.session_launcher, self.session_launcher.offer_unsaved_sessions)
        else:  # opened before the first login (see gui.run_gui): nothing shown or usable until someone logs in
            self.pages.setVisible(False)
            self.menuBar().setEnabled(False)
            self.toolbar.setEnabled(False)
            self.guard.first_login.connect(self._after_first_login)

        self.resize(1280, 760)
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            self.resize(min(1280, available.width()), min(760, available.height()))

    def _register_pages(self) -> None:
        """Every page of the window, in tab order. A page is built the first time its tab is shown."""
        from clinic_log.ui.shell.people_pages import audit_page, devices_page, practitioners_page, users_page

        self.pages.add_page(PageSpec("sessions", "Sessions",
                                     lambda: SessionHistoryPage(self._db, first_screen=self.first_screen),
                                     Permission.VIEW_SESSIONS))
        self.pages.add_page(PageSpec("clients", "Clients", self._build_clients_page))  # every role
        self.pages.add_page(PageSpec("recall", "Recall", self._build_recall_page, Permission.RUN_RECALLS))
        self.pages.add_page(PageSpec("dashboard", "Dashboard", self._build_dashboard_page, Permission.VIEW_DASHBOARD))
        self.pages.add_page(PageSpec("practitioners", "Practitioners",
                                     lambda: practitioners_page(self._db, self._user), Permission.VIEW_PRACTITIONERS))
        self.pages.add_page(PageSpec("devices", "Devices and lots", lambda: devices_page(self._db, self._user),
                                     Permission.MANAGE_DEVICES))
        self.pages.add_page(PageSpec("users", "Users", lambda: users_page(self._db, self._user),
                                     Permission.MANAGE_USERS))
        self.pages.add_page(PageSpec("audit", "Audit", lambda: audit_page(self._db, self._user),
                                     Permission.VIEW_AUDIT_LOG))

    def _build_clients_page(self) -> QWidget:
        from clinic_log.ui.clients.clients_page import ClientsPage  # built when the tab is first shown

        page = ClientsPage(self._db, self._user)
        page.new_session_requested.connect(self.new_session)  # "New session…" on a client's page
        return page

    def _build_recall_page(self) -> QWidget:
        from clinic_log.ui.review.recall_page import RecallPage  # review pages load when first shown

        page = RecallPage(self._db, self._user)
        page.session_activated.connect(self.open_session)
        return page

    def _build_dashboard_page(self) -> QWidget:
        from clinic_log.ui.review.dashboard_page import DashboardPage

        return DashboardPage(self._db, self._user)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.backups_action = QAction("&Backups…", self)
        self.backups_action.triggered.connect(self.open_backups)
        file_menu.addAction(self.backups_action)
        self.switch_user_action = QAction("S&witch user…", self)
        self.switch_user_action.setShortcut(QKeySequence("Ctrl+L"))
        self.switch_user_action.setToolTip("Lock and log in as another user (Ctrl+L)")
        file_menu.addAction(self.switch_user_action)
        self.change_password_action = QAction("Change &password…", self)
        self.change_password_action.setToolTip("Set a new password for your own login")
        self.change_password_action.triggered.connect(self.open_change_password)
        file_menu.addAction(self.change_password_action)
        self.export_action = QAction("&Export…", self)
        self.export_action.setToolTip("Export sessions (CSV, JSON, FHIR) or one client's data; owner only")
        self.export_action.triggered.connect(self.open_export)
        file_menu.addAction(self.export_action)
        self.import_action = QAction("&Import…", self)
        self.import_action.setToolTip("Import practitioners, clients or sessions from a CSV file; owner only")
        self.import_action.triggered.connect(self.open_import)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
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

        self.open_action = QAction("&Open session", self)  # Enter or a double-click on a row does the same
        self.open_action.triggered.connect(self.open_selected_session)
        self.aftercare_action = QAction("&Aftercare…", self)
        self.aftercare_action.setIconText("Aftercare…")  # tool buttons would drop the "…" of the text
        self.aftercare_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
        self.aftercare_action.setToolTip(with_keys("Preview, print or save the selected session's aftercare sheet",
                                                   self.aftercare_action.shortcut()))
        self.aftercare_action.triggered.connect(self.open_aftercare_for_selection)
        self.new_session_action = QAction("&New session…", self)
        self.new_session_action.setIconText("New session…")
        self.new_session_action.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.new_session_action.setToolTip(with_keys("Log a treatment: choose the client, then the form opens",
                                                     self.new_session_action.shortcut()))
        self.new_session_action.triggered.connect(lambda: self.new_session())
        session_menu = self.menuBar().addMenu("&Session")
        session_menu.addAction(self.new_session_action)
        session_menu.addAction(self.open_action)
        session_menu.addAction(self.aftercare_action)
        self.timeline_action = QAction("Client &timeline…", self)
        self.timeline_action.setToolTip("All sessions of the selected session's client, with depths over time")
        self.timeline_action.triggered.connect(self.open_timeline_for_selection)
        session_menu.addAction(self.timeline_action)
        self.page.view.addActions([self.open_action, self.aftercare_action, self.timeline_action])  # context menu
        self.page.selection_changed.connect(self._on_selection_changed)
        self._on_selection_changed(self.page.selected_session() is not None)

        settings_menu = self.menuBar().addMenu("Se&ttings")
        self.template_action = QAction("Aftercare &template…", self)
        self.template_action.triggered.connect(self.open_template_editor)
        settings_menu.addAction(self.template_action)
        self.consent_text_action = QAction("&Consent text…", self)
        self.consent_text_action.triggered.connect(self.open_consent_text_editor)
        settings_menu.addAction(self.consent_text_action)
        self.clinic_settings_action = QAction("&Clinic settings…", self)
        self.clinic_settings_action.triggered.connect(self.open_clinic_settings)
        settings_menu.addAction(self.clinic_settings_action)
        reference_menu = settings_menu.addMenu("&Reference data")
        self.reference_export_action = QAction("&Export for review…", self)
        self.reference_export_action.triggered.connect(self._export_reference)
        reference_menu.addAction(self.reference_export_action)
        self.reference_load_action = QAction("&Load reviewed files…", self)
        self.reference_load_action.triggered.connect(self._load_reference)
        reference_menu.addAction(self.reference_load_action)
        self._settings_menu = settings_menu

        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = QAction("&About Clinic Log…", self)
        self.about_action.setToolTip("The version, the database and the data folder this window uses")
        self.about_action.triggered.connect(self.open_about)
        help_menu.addAction(self.about_action)

    def open_about(self) -> QWidget:
        from clinic_log.ui.shell.about_dialog import AboutDialog

        dialog = AboutDialog(self._location, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _export_reference(self) -> None:
        from clinic_log.ui.clinic.reference_data_actions import ask_and_export

        ask_and_export(self, self._db, self._user)

    def _load_reference(self) -> None:
        from clinic_log.ui.clinic.reference_data_actions import ask_and_load

        ask_and_load(self, self._db, self._user)

    def open_consent_text_editor(self) -> QWidget:
        """The owner edits the consent wording (a new version each save) and its validity period."""
        from clinic_log.ui.clinic.consent_text_dialog import ConsentTextDialog

        dialog = ConsentTextDialog(self._db, self._user, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _show_summary(self) -> None:
        """The count describes the Sessions tab's list: shown only with it, and never behind the lock."""
        self.summary_label.setVisible(not self.guard.locked and self.pages.currentWidget() is self.page.parentWidget())

    def _after_first_login(self, actor: Actor) -> None:
        self.menuBar().setEnabled(True)
        self.toolbar.setEnabled(True)
        self.session_launcher.offer_unsaved_sessions()

    def apply_actor(self, actor: Actor) -> None:
        """Show the tabs and menu actions the logged-in user's role may use (the services refuse the rest)."""
        self.pages.show_roles(actor.role)
        current = self.pages.currentWidget()
        if current is not None and not self.pages.isTabVisible(self.pages.indexOf(current)):
            self.pages.show_page("sessions")
        for action, permission in ((self.backups_action, Permission.BACK_UP_AND_RESTORE),
                                   (self.template_action, Permission.EDIT_SETTINGS),
                                   (self.clinic_settings_action, Permission.EDIT_SETTINGS),
                                   (self.export_action, Permission.EXPORT_DATA),
                                   (self.import_action, Permission.IMPORT_DATA),
                                   (self.new_session_action, Permission.LOG_SESSIONS)):
            action.setVisible(actor.role in ALLOWED[permission])
        self._settings_menu.menuAction().setVisible(actor.role in ALLOWED[Permission.EDIT_SETTINGS])
        self.user_label.setText(f"{actor.username} ({actor.role.value})")

    def open_clinic_settings(self) -> None:
        from clinic_log.ui.clinic.clinic_settings_dialog import ClinicSettingsDialog

        dialog = ClinicSettingsDialog(self._db, self._user, parent=self)
        if dialog.exec() == ClinicSettingsDialog.DialogCode.Accepted:
            self.guard.set_idle_minutes(dialog.idle_minutes)

    def open_change_password(self) -> QWidget:
        """The logged-in user sets a new password for their own login (every role may)."""
        from clinic_log.ui.people.change_password_dialog import ChangePasswordDialog

        dialog = ChangePasswordDialog(self._db, self._user, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.statusBar().showMessage("Your password is changed.", 10_000))
        dialog.open()
        return dialog

    def open_backups(self) -> None:
        """List, make, verify and restore backups; after a restore every view reloads."""
        from clinic_log.ui.backup.backups_dialog import BackupsDialog  # loaded when first used

        dialog = BackupsDialog(self._db, self._user, parent=self)
        dialog.exec()

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Actions")
        self.toolbar.setObjectName("actionsToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addAction(self.new_session_action)
        self.toolbar.addAction(self.aftercare_action)
        self.addToolBar(self.toolbar)
        button = self.toolbar.widgetForAction(self.aftercare_action)
        assert isinstance(button, QToolButton)
        button.setAutoRaise(False)  # framed: reception should see at once that it is a button
        button.setAccessibleName("Aftercare…")
        self.aftercare_button = button

    def _on_selection_changed(self, selected: bool) -> None:
        self.open_action.setEnabled(selected)
        self.aftercare_action.setEnabled(selected)
        self.timeline_action.setEnabled(selected)

    @property
    def session_count_text(self) -> str:
        return self.summary_label.text()

    def open_selected_session(self) -> None:
        row = self.page.selected_session()
        if row is not None:
            self.open_session(row.id)

    def open_aftercare_for_selection(self) -> AftercarePreviewDialog | None:
        row = self.page.selected_session()
        return self.open_aftercare(row) if row is not None else None

    def open_aftercare(self, session: SessionRow | SessionDetail,
                       parent: QWidget | None = None) -> AftercarePreviewDialog:
        """Preview the session's aftercare sheet, ready to print or save (window-modal over `parent`)."""
        from clinic_log.ui.clients.aftercare_preview import AftercarePreviewDialog

        dialog = AftercarePreviewDialog(self._db, self._user, session, parent=parent or self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_export(self) -> ExportDialog:
        from clinic_log.ui.exchange.export_dialog import ExportDialog

        row = self.page.selected_session()  # a subject-access export starts from the selected client
        dialog = ExportDialog(self._db, self._user, parent=self, client_ref=row.client_ref if row is not None else "")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_import(self) -> ImportDialog:
        """File → Import…: once a file is stored, every page shows its records."""
        from clinic_log.ui.exchange.import_dialog import ImportDialog

        dialog = ImportDialog(self._db, self._user, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_timeline_for_selection(self) -> ClientTimelineDialog | None:
        row = self.page.selected_session()
        return self.open_client_timeline(session_id=row.id) if row is not None else None

    def open_client_timeline(self, client_id: int | None = None,
                             session_id: int | None = None) -> ClientTimelineDialog | None:
        """All sessions of a client (or of a session's client) with depths over time; the client page may call it."""
        from clinic_log.ui.clients.client_timeline import show_client_timeline

        dialog = show_client_timeline(self._db, self._user, self, client_id=client_id, session_id=session_id)
        if dialog is not None:
            dialog.session_activated.connect(self.open_session)
        return dialog

    def open_template_editor(self) -> AftercareTemplateDialog | None:
        from clinic_log.ui.clinic.aftercare_template_dialog import AftercareTemplateDialog

        try:
            dialog = AftercareTemplateDialog(self._db, self._user, parent=self)
        except DomainError as exc:
            QMessageBox.warning(self, APP_NAME, f"The aftercare template cannot be edited: {exc}")
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_session(self, session_id: int) -> SessionDetailDialog | None:
        """Show one session read-only (window-modal, so the list stays readable behind it)."""
        from clinic_log.services.sessions.session_queries import get_session  # the ORM loads after the window shows

        try:
            detail = get_session(self._db, session_id)
        except DomainError as exc:  # e.g. deleted meanwhile by another workstation
            QMessageBox.warning(self, APP_NAME, f"Session {session_id} cannot be shown: {exc}")
            return None
        from clinic_log.services.clients.client_record import audit_viewed

        audit_viewed(self._db, self._user.actor, detail.client_id, f"session {session_id}")
        from clinic_log.ui.photos.session_photos import SessionPhotosBox
        from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog

        dialog = SessionDetailDialog(detail, self, db=self._db, user=self._user)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.add_section(SessionPhotosBox(self._db, self._user, detail.client_ref, detail.client_name, detail.id,
                                            {a.area_code: a.label for a in detail.areas}))
        dialog.aftercare_requested.connect(lambda: self.open_aftercare(dialog.detail, parent=dialog))
        dialog.edit_requested.connect(self.session_launcher.edit_draft)
        dialog.changed.connect(lambda _id: changes.announce({SESSIONS}))
        dialog.open()
        return dialog

    def new_session(self, client_id: int | None = None) -> SessionFormDialog | ClientPickerDialog | None:
        """Log a session: without a client first a quick picker, then the form (one per client)."""
        return self.session_launcher.new_session(client_id)

    def _on_session_signed(self, session_id: int) -> None:
        self.open_session(session_id)  # a signed session opens read-only
