"""File → Export…: the Times choice reaches the file, and a target that cannot be written is refused in the
dialog with the reason, leaving the old file as it was."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clinic.clinic_settings import save_settings
from clinic_log.services.photos.photos import add_photos
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.exchange.export_dialog import ExportDialog
from tests.ui.dialogs import opens
from tests.ui.file_job_helpers import run_job
from tests.ui.sessions.test_history_page import choose
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import clinic_with_photo_consent
from tests.unit.services.photos.photo_files import plain


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
    assert run_job(qtbot, dialog).startswith("Exported ")
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
    assert run_job(qtbot, dialog).startswith("Not exported: output:")
    assert "read-only; choose another name or make it writable" in dialog.result_label.text()
    assert out.read_text(encoding="utf-8") == "keep me" and not list(tmp_path.glob("*.part"))
    dialog.close()


def test_photos_go_into_a_fhir_export_only_when_ticked(qtbot: QtBot, user: UserSession, db: Database, owner: Actor,
                                                       db_path: Path, tmp_path: Path) -> None:
    save_settings(db, owner, {"fhir.identifier_system": "https://clinic.example/fhir"})
    clinic_with_photo_consent(db, owner)
    assert add_photos(db, owner, "P-1", [plain(tmp_path / "a.png", "PNG")]).summary == "1 stored, 0 refused"
    dialog = open_dialog(qtbot, user, db, db_path)
    assert dialog.photos_check.accessibleName() == "Photos" and not dialog.photos_check.isEnabled()  # CSV first
    choose(dialog.format_combo, "fhir")
    kinds = {}
    for ticked in (False, True):
        dialog.photos_check.setChecked(ticked)
        out = tmp_path / f"bundle-{ticked}.json"
        dialog.file_edit.setText(str(out))
        assert run_job(qtbot, dialog).startswith("Exported ")
        kinds[ticked] = [e["resource"]["resourceType"] for e in json.loads(out.read_text(encoding="utf-8"))
                         .get("entry", [])]
    assert kinds == {False: [], True: ["Media", "Patient"]}
    choose(dialog.format_combo, "csv")
    assert not dialog.photos_check.isEnabled() and not dialog.photos_check.isChecked()
    dialog.close()
