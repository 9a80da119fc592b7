"""File → Export…: the Times choice reaches the file, and a target that cannot be written is refused in the
dialog with the reason, leaving the old file as it was."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.exchange.export_dialog import ExportDialog
from tests.ui.dialogs import opens
from tests.ui.sessions.test_history_page import choose
from tests.ui.window_helpers import make_window


def open_dialog(qtbot: QtBot, user: UserSession, db: Database, db_path: Path) -> ExportDialog:
    window = make_window(qtbot, db, user, db_path)
    with opens(qtbot, ExportDialog, window) as opened:
        window.export_action.trigger()
    return opened.widget


def test_times_choice_is_written_into_the_csv(qtbot: QtBot, user: UserSession, demo_db: Database, db_path: Path,
                                              tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, user, demo_db, db_path)
    assert [dialog.times_combo.itemData(i) for i in range(dialog.times_combo.count())] == ["local", "utc"]
    assert dialog.times_combo.accessibleName() == "Times"
    choose(dialog.format_combo, "fhir")
    assert not dialog.times_combo.isEnabled()  # FHIR keeps its own time rules
    choose(dialog.format_combo, "csv")
    choose(dialog.times_combo, "utc")
    out = tmp_path / "sessions.csv"
    dialog.file_edit.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        dialog.export_button.click()
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows and {r["time_zone"] for r in rows} == {"UTC"}
    assert all(r["started_at"].endswith("+00:00") for r in rows)
    dialog.close()


def test_a_read_only_target_is_refused_with_its_reason(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                       db_path: Path, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, user, demo_db, db_path)
    out = tmp_path / "old.csv"
    out.write_text("keep me", encoding="utf-8")
    out.chmod(0o444)
    dialog.file_edit.setText(str(out))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled() and dialog.result_label.text() != "Exporting…",
                    timeout=20000)
    assert dialog.result_label.text().startswith("Not exported: output:")
    assert "read-only; choose another name or make it writable" in dialog.result_label.text()
    assert out.read_text(encoding="utf-8") == "keep me" and not list(tmp_path.glob("*.part"))
    dialog.close()
