"""The Backups dialog: the backups kept beside the database, with Back up now, Verify and Restore…, an encrypted
copy for another place, and a restore from any file (an encrypted one asks for its passphrase).

Backing up, verifying and restoring run off the GUI thread through BackgroundRunner; on PostgreSQL the
dialog only says that backups are made on the server.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError
from clinic_log.services.backup.backup import (
    PASSPHRASE_MIN,
    BackupResult,
    backup,
    check_passphrase,
    is_encrypted,
    restore,
    verify_file,
)
from clinic_log.services.backup.backup_schedule import (
    KEEP_DAILY,
    KEEP_MONTHLY,
    BackupInfo,
    backup_now,
    list_backups,
)
from clinic_log.services.common.files import backups_dir
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.operations import EVERYTHING, changes
from clinic_log.ui.common.user_session import UserSession

COLUMNS = ("Kind", "Date", "Size", "File")
_BYTES_PER_MB = 1024 * 1024
_COLUMN_PADDING = 18
_POSTGRES_TEXT = ("This database is on a PostgreSQL server: backups are made on the server with pg_dump "
                  "(ask whoever looks after the server). Back up now, Verify and Restore work only with a "
                  "database file.")


def size_text(size_bytes: int) -> str:
    return f"{size_bytes / _BYTES_PER_MB:.1f} MB"


def date_text(info: BackupInfo) -> str:
    """The day a backup holds, as its file name says (a monthly backup: its month)."""
    if info.kind == "monthly":
        return info.taken.strftime("%B %Y")
    if info.kind == "manual":
        return info.taken.strftime("%Y-%m-%d %H:%M:%S")
    return info.taken.strftime("%Y-%m-%d")


def describe(info: BackupInfo) -> str:
    """'the daily backup of 2026-11-25', for messages."""
    return f"the {info.kind} backup of {date_text(info)}"


def error_text(exc: Exception) -> str:
    """A domain error says what is wrong in words; anything else is named and logged by the runner."""
    if isinstance(exc, DomainError):
        return str(exc)
    return f"{type(exc).__name__}: {exc} (details are in the log file)"


def _item(text: str, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _button(label: str) -> QPushButton:
    """A push button whose accessible name is its visible label (without the & of the shortcut)."""
    button = QPushButton(label)
    button.setAccessibleName(label.replace("&", ""))
    button.setAutoDefault(False)  # Enter must never start a restore
    return button


class PassphraseDialog(QDialog):
    """Asks for a backup's passphrase, hidden as it is typed; twice for a new encrypted copy."""

    def __init__(self, purpose: str, confirm: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Passphrase")
        self.setAccessibleName("Passphrase")
        about = QLabel(purpose)
        about.setWordWrap(True)
        about.setAccessibleName(purpose)
        self._first = self._field("Passphrase")
        self._again = self._field("Passphrase again") if confirm else None
        self._problem = QLabel()
        self._problem.setWordWrap(True)
        self._problem.setVisible(False)
        self._problem.setStyleSheet("color: #b00020;")
        rule = QLabel(f"At least {PASSPHRASE_MIN} characters (a few words are easiest to remember). Nobody can "
                      "open the copy without it: keep it apart from the copy." if confirm else
                      "The passphrase the copy was made with.")
        rule.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Passphrase", self._first)
        if self._again is not None:
            form.addRow("Passphrase again", self._again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        for standard, name in ((QDialogButtonBox.StandardButton.Ok, "OK"),
                               (QDialogButtonBox.StandardButton.Cancel, "Cancel")):
            buttons.button(standard).setAccessibleName(name)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(rule)
        layout.addWidget(self._problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("m") * 32)
        for label in self.findChildren(QLabel):  # the form's row labels too
            label.setAccessibleName(label.text())

    @staticmethod
    def _field(name: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        return field

    def passphrase(self) -> str:
        return self._first.text()

    def accept(self) -> None:
        """OK only with a passphrase (the same twice, long enough, for a new copy); else say what is wrong."""
        problem = None
        if not self._first.text():
            problem = "Type the passphrase."
        elif self._again is not None and self._again.text() != self._first.text():
            problem = "The two passphrases do not match: type the same passphrase twice."
        elif self._again is not None:
            try:
                check_passphrase(self._first.text())
            except DomainError as exc:
                problem = f"{str(exc)[:1].upper()}{str(exc)[1:]}."
        if problem is None:
            super().accept()
            return
        self._problem.setText(problem)
        self._problem.setAccessibleName(problem)
        self._problem.setVisible(True)


def ask_passphrase(parent: QWidget, purpose: str, confirm: bool) -> str | None:
    """The passphrase typed, or None when the user cancelled."""
    dialog = PassphraseDialog(purpose, confirm, parent)
    try:
        return dialog.passphrase() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


class BackupsDialog(QDialog):
    """Lists the backups beside the database and makes, verifies or restores one."""

    def __init__(self, db: Database, user: UserSession, runner: BackgroundRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner or BackgroundRunner(self)
        self._actor = user.actor  # whoever opened it makes, verifies and restores (and the audit names them)
        self._backups: list[BackupInfo] = []
        self._busy = False
        self.setWindowTitle("Backups")
        self.setAccessibleName("Backups")
        self._build()
        if self._on_server:
            self._show_postgres()
        else:
            self._show_folder()
            self.refresh()

    @property
    def _on_server(self) -> bool:
        return self._db.sqlite_path is None

    # building ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self._where = QLabel()
        self._where.setWordWrap(True)
        self._where.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._table = self._build_table()
        self._status = QLabel()
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._backup_button = _button("&Back up now")
        self._verify_button = _button("&Verify")
        self._restore_button = _button("&Restore…")
        self._encrypted_button = _button("&Encrypted copy for another place…")
        self._restore_file_button = _button("Restore from a &file…")
        self._close_button = _button("Close")
        self._close_button.setDefault(True)
        self._backup_button.clicked.connect(self.back_up_now)
        self._verify_button.clicked.connect(self.verify_selected)
        self._restore_button.clicked.connect(self.restore_selected)
        self._encrypted_button.clicked.connect(self.encrypted_copy)
        self._restore_file_button.clicked.connect(self.restore_from_file)
        self._close_button.clicked.connect(self.reject)
        self.setLayout(self._layout())
        self.setTabOrder(self._table, self._backup_button)
        self.setTabOrder(self._backup_button, self._verify_button)
        self.setTabOrder(self._verify_button, self._restore_button)
        self.setTabOrder(self._restore_button, self._encrypted_button)
        self.setTabOrder(self._encrypted_button, self._restore_file_button)
        self.setTabOrder(self._restore_file_button, self._close_button)
        self.resize(760, 460)

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setAccessibleName("Backups")
        table.setHorizontalHeaderLabels(list(COLUMNS))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        table.itemSelectionChanged.connect(self._update_buttons)
        return table

    def _layout(self) -> QVBoxLayout:
        buttons = QHBoxLayout()
        for button in (self._backup_button, self._verify_button, self._restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self._close_button)
        elsewhere = QHBoxLayout()
        for button in (self._encrypted_button, self._restore_file_button):
            elsewhere.addWidget(button)
        elsewhere.addStretch(1)
        layout = QVBoxLayout()
        layout.addWidget(self._where)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._status)
        layout.addLayout(buttons)
        layout.addLayout(elsewhere)
        return layout

    def _show_postgres(self) -> None:
        self._set_label(self._where, _POSTGRES_TEXT)
        self._table.hide()
        self._update_buttons()
        self.resize(self.width(), self.sizeHint().height())

    def _show_folder(self) -> None:
        self._set_label(self._where, (
            f"Backups are kept in {backups_dir(self._db)}, readable by your account only. The newest {KEEP_DAILY} "
            f"daily and {KEEP_MONTHLY} monthly backups are kept, older ones are deleted automatically; backups made "
            "with Back up now are kept until you delete them. A copy that leaves this computer should be an "
            "encrypted one."))

    # the list ------------------------------------------------------------------------------------------

    def refresh(self, select: Path | None = None) -> None:
        """Re-read the backups folder (a few file stats) and select `select`, else the newest backup."""
        self._backups = list_backups(self._db)
        self._table.setRowCount(len(self._backups))
        for row, info in enumerate(self._backups):
            self._fill_row(row, info)
        self._fit_columns()
        rows = [i for i, b in enumerate(self._backups) if b.path == select] or [0]
        if self._backups:
            self._table.selectRow(rows[0])
        elif not self._busy:
            self._set_status("No backups yet. One is made at the first start of each day, or now with "
                             "Back up now.")
        self._update_buttons()

    def _fill_row(self, row: int, info: BackupInfo) -> None:
        values = (info.kind.capitalize(), date_text(info), size_text(info.size_bytes), info.path.name)
        for column, value in enumerate(values):
            self._table.setItem(row, column, _item(value, align_right=COLUMNS[column] == "Size"))

    def _fit_columns(self) -> None:
        """Each column as wide as its widest cell plus some air (the file name takes the rest)."""
        for column in range(len(COLUMNS) - 1):
            self._table.resizeColumnToContents(column)
            self._table.setColumnWidth(column, self._table.columnWidth(column) + _COLUMN_PADDING)

    def selected_backup(self) -> BackupInfo | None:
        rows = self._table.selectionModel().selectedRows()
        return self._backups[rows[0].row()] if rows else None

    # actions -------------------------------------------------------------------------------------------

    def back_up_now(self) -> None:
        if self._busy or self._on_server:
            return
        self._start("Backing up… the database stays usable meanwhile.")
        self._runner.run("backups:backup", lambda: backup_now(self._db, self._actor),
                         self._backed_up, lambda exc: self._failed("The backup could not be made", exc))

    def _backed_up(self, result: BackupResult) -> None:
        self._finish(f"Backed up and verified: {result.path.name} ({size_text(result.size_bytes)}).")
        self.refresh(select=result.path)

    def verify_selected(self) -> None:
        info = self.selected_backup()
        if self._busy or info is None:
            return
        self._start(f"Verifying {info.path.name}…")
        self._runner.run("backups:verify", lambda: verify_file(info.path),
                         lambda problem: self._verified(info, problem),
                         lambda exc: self._failed("The backup could not be verified", exc))

    def _verified(self, info: BackupInfo, problem: str | None) -> None:
        if problem is None:
            self._finish(f"OK: {info.path.name} is a complete Clinic Log database that can be restored.")
        else:
            self._finish(f"Not usable: {problem}. Do not restore from {info.path.name}.")

    def restore_selected(self) -> None:
        info = self.selected_backup()
        if self._busy or info is None:
            return
        self._restore(info.path, describe(info), info)

    def restore_from_file(self) -> None:
        """Restore any backup file (one carried back from another place); an encrypted one asks its passphrase."""
        if self._busy or self._on_server:
            return
        name, _ = QFileDialog.getOpenFileName(self, "Restore from a file", str(backups_dir(self._db) or ""),
                                              "Clinic Log backups (*.sqlite3 *.age);;All files (*)")
        if name:
            self._restore(Path(name), Path(name).name, None)

    def _restore(self, path: Path, description: str, info: BackupInfo | None) -> None:
        passphrase = None
        if is_encrypted(path):
            passphrase = ask_passphrase(self, f"{path.name} is encrypted. Type its passphrase to restore it.",
                                        confirm=False)
            if passphrase is None:
                return
        if not self._confirm_restore(description):
            return
        self._start(f"Restoring {description}… please wait.")
        self._runner.run("backups:restore", lambda: restore(self._db, self._actor, path, passphrase=passphrase),
                         lambda safety: self._restored(description, info, safety),
                         lambda exc: self._failed("The backup was not restored", exc))

    def _confirm_restore(self, description: str) -> bool:
        answer = QMessageBox.question(
            self, "Restore backup",
            f"Replace the current database with {description}?\n\n"
            f"Everything entered after that backup was made will no longer be shown. The current database "
            f"will be kept as a safety copy beside it, so nothing is lost.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _restored(self, description: str, info: BackupInfo | None, safety: Path | None) -> None:
        kept = f"The previous database is kept as {safety}." if safety else ""
        self._finish(f"Restored {description}. {kept}".strip())
        changes.announce(EVERYTHING)  # the live database was replaced: every page reads it again
        self.refresh(select=info.path if info else None)
        QMessageBox.information(
            self, "Restore finished",
            f"The database now holds {description}." + (
                f"\n\nThe database as it was before the restore is kept as a safety copy:\n{safety}" if safety
                else ""))

    def encrypted_copy(self) -> None:
        """An encrypted backup (age, with a passphrase typed twice) in a file the user chooses: for a copy that
        leaves this computer."""
        if self._busy or self._on_server:
            return
        live = Path(self._db.sqlite_path or "clinic.sqlite3")
        name, _ = QFileDialog.getSaveFileName(self, "Encrypted copy for another place",
                                              f"{live.stem}-{date.today().isoformat()}.sqlite3.age",
                                              "Encrypted backups (*.age)")
        if not name:
            return
        passphrase = ask_passphrase(self, "Choose a passphrase for the encrypted copy. Without it the copy cannot "
                                          "be opened: keep it somewhere safe, apart from the copy.", confirm=True)
        if passphrase is None:
            return
        target = Path(name)
        self._start(f"Writing an encrypted copy to {target}…")
        self._runner.run("backups:encrypted", lambda: backup(self._db, self._actor, target, passphrase=passphrase),
                         self._encrypted_written, lambda exc: self._failed("The encrypted copy was not made", exc))

    def _encrypted_written(self, result: BackupResult) -> None:
        self._finish(f"Encrypted copy written to {result.path} ({size_text(result.size_bytes)}), readable by your "
                     "account only. It opens only with its passphrase.")

    def _failed(self, what: str, exc: Exception) -> None:
        message = f"{what}: {error_text(exc)}"
        self._finish(message)
        QMessageBox.warning(self, "Backups", message)

    # state ---------------------------------------------------------------------------------------------

    def _start(self, message: str) -> None:
        self._busy = True
        self._set_status(message)
        self._update_buttons()

    def _finish(self, message: str) -> None:
        self._busy = False
        self._set_status(message)
        self._update_buttons()

    def _update_buttons(self) -> None:
        usable = not self._busy and not self._on_server
        chosen = usable and self.selected_backup() is not None
        self._backup_button.setEnabled(usable)
        self._verify_button.setEnabled(chosen)
        self._restore_button.setEnabled(chosen)
        self._encrypted_button.setEnabled(usable)
        self._restore_file_button.setEnabled(usable)
        self._close_button.setEnabled(not self._busy)

    def _set_status(self, text: str) -> None:
        self._set_label(self._status, text)

    @staticmethod
    def _set_label(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setAccessibleName(text)

    def status_text(self) -> str:
        return self._status.text()

    def reject(self) -> None:
        """Escape and Close do nothing while a backup or restore is running (it must finish first)."""
        if not self._busy:
            super().reject()
