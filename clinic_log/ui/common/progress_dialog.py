"""Run a long job in the background behind a window-modal progress dialog with Cancel (exports, aggregates).

The dialog appears only when the job takes longer than a moment; Cancel stops the job at its next progress
report and its result is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from clinic_log.services.common.progress import Progress
from clinic_log.ui.common.background import BackgroundRunner, CancelHandle

SHOW_AFTER_MS = 400


class JobProgressDialog(QProgressDialog):
    """The dialog of one job; `handle` cancels it."""

    def __init__(self, title: str, text: str, parent: QWidget | None) -> None:
        super().__init__(text, "Cancel", 0, 0, parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(SHOW_AFTER_MS)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setAccessibleName(title)
        self.handle: CancelHandle | None = None
        self.setValue(0)  # starts the clock: shown after SHOW_AFTER_MS even if the job never reports progress

    def show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.setMaximum(total)
            self.setValue(min(done, total))
        else:  # unknown total: a busy indicator
            self.setMaximum(0)
            self.setValue(0)


def run_with_progress(runner: BackgroundRunner, parent: QWidget | None, title: str, text: str,
                      work: Callable[[Progress], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[Exception], None], key: str | None = None,
                      on_cancel: Callable[[], None] | None = None) -> JobProgressDialog:
    """Start `work(progress)` off the GUI thread; `on_done`/`on_error` run on the GUI thread after the dialog
    closes. Cancel (or Esc) stops the job and neither callback runs."""
    dialog = JobProgressDialog(title, text, parent)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        dialog.canceled.disconnect()
        dialog.reset()  # stops the clock: a job that ended in time shows no dialog
        dialog.close()
        dialog.deleteLater()
        callback(value)

    handle = runner.run_cancellable(key or f"progress:{title}", work, lambda r: finish(on_done, r),
                                    lambda e: finish(on_error, e), dialog.show_progress)
    dialog.handle = handle
    dialog.canceled.connect(handle.cancel)
    if on_cancel is not None:
        dialog.canceled.connect(on_cancel)
    dialog.canceled.connect(dialog.deleteLater)
    return dialog
