"""What Import and Export share: no file chosen is said and nothing runs; while the job runs its button is
disabled; done, failed or cancelled, the button is usable again and the result line says what happened."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from clinic_log.services.common.progress import Progress
from clinic_log.ui.exchange.file_job_dialog import FileJobDialog


class CopyDialog(FileJobDialog):
    """A file job as small as can be: it reports the file's size (or fails for a missing file)."""

    cancelled_text = "Copy cancelled; nothing was written."

    def __init__(self) -> None:
        super().__init__("Copy", "Copy result")
        self.action_button = QPushButton("Copy")
        self.release = threading.Event()
        self.release.set()

    def choose_file(self) -> None:  # pragma: no cover - a file dialog is not opened in tests
        pass

    def start(self) -> None:
        path = self.chosen_path("choose the file to copy")
        if path is None:
            return

        def work(progress: Progress) -> int:
            self.release.wait(5)
            progress(1, 1)
            return path.stat().st_size

        self.run_job(f"Copying {path.name}…", work, lambda size: self.result_label.setText(f"{size} bytes"),
                     lambda exc: self.result_label.setText(f"Not copied: {type(exc).__name__}"))


def make(qtbot: QtBot) -> CopyDialog:
    dialog = CopyDialog()
    qtbot.addWidget(dialog)
    return dialog


def test_no_file_chosen_is_said_and_nothing_runs(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.show()
    dialog.file_edit.setText("   ")
    dialog.start()
    assert dialog.result_label.text() == "File: choose the file to copy (Browse…)."
    assert dialog.action_button.isEnabled() and not dialog.findChildren(QMessageBox)


def test_the_button_waits_for_the_job_and_the_result_line_says_what_was_done(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make(qtbot)
    source = tmp_path / "notes.txt"
    source.write_text("twelve bytes", encoding="utf-8")
    dialog.file_edit.setText(f"  {source}  ")  # spaces around a pasted path are not part of it
    dialog.release.clear()
    dialog.start()
    assert not dialog.action_button.isEnabled() and dialog.result_label.text() == "Copying notes.txt…"
    dialog.release.set()
    qtbot.waitUntil(lambda: dialog.result_label.text() == "12 bytes")
    assert dialog.action_button.isEnabled()


def test_a_failed_job_gives_the_button_back_with_the_reason(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make(qtbot)
    dialog.file_edit.setText(str(tmp_path / "missing.txt"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result_label.text() == "Not copied: FileNotFoundError")
    assert dialog.action_button.isEnabled()
    assert dialog.wait()
