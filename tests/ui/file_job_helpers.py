"""Run an Import or Export dialog's job the way a user watches it: the action button is off while the job runs
and comes back with the result line (no signal in production code just for tests)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from clinic_log.ui.exchange.file_job_dialog import FileJobDialog


def run_job(qtbot: QtBot, dialog: FileJobDialog, timeout: int = 20000) -> str:
    """Click the dialog's action button, wait until it can be clicked again and return the result line shown."""
    dialog.action_button.click()
    assert not dialog.action_button.isEnabled(), f"no job started: {dialog.result_label.text()}"
    qtbot.waitUntil(dialog.action_button.isEnabled, timeout=timeout)
    return dialog.result_label.text()
