"""Settings → Reference data: the owner exports the clinical tables for review and loads them back; refused files
show every problem line and change nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import Area
from clinic_log.services.clinic.reference_files import FILES
from clinic_log.ui.clinic.reference_data_actions import export_to, load_from
from clinic_log.ui.common.user_session import UserSession


def _parent(qtbot: QtBot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    return parent


def _periorbital_min(db: Database) -> float:
    with db.reading() as session:
        return session.scalar(select(Area.usual_min_mm).where(Area.code == "periorbital")) or 0.0


def test_export_then_load_a_reviewed_range(qtbot: QtBot, user: UserSession, db: Database, tmp_path: Path) -> None:
    parent = _parent(qtbot)
    tmp_path = tmp_path / "review"
    tmp_path.mkdir()
    box = export_to(parent, db, user, tmp_path)
    assert box.icon() is QMessageBox.Icon.Information and "6 files written" in box.text()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    areas = tmp_path / "areas.csv"
    areas.write_text(areas.read_text("utf-8").replace("periorbital,Periorbital (around the eyes),face,0.25,",
                                                      "periorbital,Periorbital (around the eyes),face,0.3,"), "utf-8")
    box = load_from(parent, db, user, tmp_path)
    assert box.icon() is QMessageBox.Icon.Information
    assert "0 row(s) added, 1 changed" in box.text()
    assert _periorbital_min(db) == 0.3


def test_refused_files_list_their_problems_and_change_nothing(qtbot: QtBot, user: UserSession, db: Database,
                                                              tmp_path: Path) -> None:
    parent = _parent(qtbot)
    tmp_path = tmp_path / "review"
    tmp_path.mkdir()
    export_to(parent, db, user, tmp_path)
    areas = tmp_path / "areas.csv"
    areas.write_text(areas.read_text("utf-8").replace("periorbital,Periorbital (around the eyes),face,0.25,",
                                                      "periorbital,Periorbital (around the eyes),face,0.3mm,"),
                     "utf-8")
    box = load_from(parent, db, user, tmp_path)
    assert box.icon() is QMessageBox.Icon.Warning
    assert "refused; nothing was changed. 1 problem(s)" in box.text()
    assert "areas.csv: usual_min_mm: '0.3mm' is not allowed" in box.informativeText()
    assert _periorbital_min(db) == 0.25


def test_a_folder_without_reference_files_is_one_sentence(qtbot: QtBot, user: UserSession, db: Database,
                                                          tmp_path: Path) -> None:
    parent = _parent(qtbot)
    box = load_from(parent, db, user, tmp_path / "none")
    assert box.icon() is QMessageBox.Icon.Warning
    assert box.text().startswith("Nothing was loaded: folder: ") and "an existing folder" in box.text()
    (tmp_path / "none").mkdir()
    box = load_from(parent, db, user, tmp_path / "none")
    assert box.text().startswith("Nothing was loaded: folder: ") and "areas.csv" in box.text()
