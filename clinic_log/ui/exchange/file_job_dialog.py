"""What the Import and Export dialogs share: a File row with Browse…, a result line, and one job in the background
behind a progress dialog with Cancel, the action button disabled while it runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from clinic_log.services.common.progress import Progress
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.progress_dialog import run_with_progress


class FileJobDialog(QDialog):
    """A dialog whose job reads or writes one file. Subclasses set `action_button` (Import, Export), implement
    `choose_file` and start their job with `run_job` once `chosen_path` gave a path."""

    action_button: QPushButton
    cancelled_text = ""  # the result line after Cancel: what was (not) written

    def __init__(self, title: str, result_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._background = BackgroundRunner(self)
        self.file_edit = QLineEdit()
        self.file_edit.setAccessibleName("File")
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setAccessibleName("Browse…")
        self.browse_button.clicked.connect(self.choose_file)
        self.file_label = QLabel("&File")
        self.file_label.setBuddy(self.file_edit)
        self.file_row = QHBoxLayout()
        self.file_row.addWidget(self.file_edit, 1)
        self.file_row.addWidget(self.browse_button)
        self.result_label = QLabel()
        self.result_label.setAccessibleName(result_name)
        self.result_label.setWordWrap(True)

    def add_buttons(self, text: str, name: str, dismiss: QDialogButtonBox.StandardButton,
                    start: Callable[[], None]) -> QDialogButtonBox:
        """The dialog's buttons: `dismiss` (Cancel, Close) and the action (`text`, accessible as `name`) that runs
        `start`; the action becomes `action_button`."""
        self.buttons = QDialogButtonBox(dismiss)
        self.action_button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.action_button.setAccessibleName(name)
        self.buttons.accepted.connect(start)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    def choose_file(self) -> None:
        raise NotImplementedError

    def chosen_path(self, missing: str) -> Path | None:
        """The typed file, or None after saying on the result line what to choose (`missing`), the cursor in
        the File box."""
        text = self.file_edit.text().strip()
        if not text:
            self.result_label.setText(f"File: {missing} (Browse…).")
            self.file_edit.setFocus()
            return None
        return Path(text)

    def run_job(self, running: str, work: Callable[[Progress], Any], done: Callable[[Any], None],
                failed: Callable[[Exception], None]) -> None:
        """Run `work` in the background, `running` on the result line and in the progress dialog; `done` or
        `failed` after it, with the action button enabled again."""
        self.action_button.setEnabled(False)
        self.result_label.setText(running)
        title = self.windowTitle()

        def finished(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def call(value: Any) -> None:
                self.action_button.setEnabled(True)
                callback(value)
            return call

        run_with_progress(self._background, self, title, running, work, finished(done), finished(failed),
                          key=title.casefold(), on_cancel=self._cancelled)

    def _cancelled(self) -> None:
        self.action_button.setEnabled(True)
        self.result_label.setText(self.cancelled_text)

    def wait(self) -> bool:
        return self._background.wait()
