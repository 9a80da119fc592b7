"""File → Import…: the owner imports a CSV in the background; a refused file lists its problems by line; Cancel
stores nothing; roles that may not import do not see the menu item."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.common.progress import Progress
from clinic_log.services.exchange import importer
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.exchange.import_dialog import ImportDialog
from clinic_log.ui.shell.main_window import MainWindow
from tests.ui.dialogs import opens
from tests.ui.file_job_helpers import run_job
from tests.ui.window_helpers import make_window


def choose(combo: object, key: str) -> None:
    from PySide6.QtWidgets import QComboBox

    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(key))


def open_import(qtbot: QtBot, window: MainWindow) -> ImportDialog:
    assert window.import_action.isVisible()
    with opens(qtbot, ImportDialog, window) as opened:
        window.import_action.trigger()
    return opened.widget


def import_file(qtbot: QtBot, dialog: ImportDialog, kind: str, path: Path) -> str:
    """Import `path` as `kind` and return the result line shown once Import can be clicked again."""
    choose(dialog.kind_combo, kind)
    dialog.file_edit.setText(str(path))
    return run_job(qtbot, dialog)


def test_the_owner_imports_the_sample_files_in_order_and_the_list_shows_them(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, samples: Path, raw: sqlite3.Connection) -> None:
    window = make_window(qtbot, db, user, db_path)
    dialog = open_import(qtbot, window)
    for kind in ("practitioners", "clients"):
        assert import_file(qtbot, dialog, kind, samples / f"{kind}.csv").startswith("Imported ")
    choose(dialog.kind_combo, "sessions")
    assert dialog.skip_check.isVisible()
    assert import_file(qtbot, dialog, "sessions", samples / "sessions.csv") == \
        "Imported 5 sessions from 6 rows of sessions.csv."
    assert raw.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 5
    dialog.skip_check.setChecked(True)  # the same file again: every session is already there
    assert import_file(qtbot, dialog, "sessions", samples / "sessions.csv").endswith(
        "Skipped 5 sessions already in the database (lines 2, 4, 5, 6, 7).")
    dialog.close()


def test_a_refused_file_lists_its_problems_by_line_and_writes_nothing(
        qtbot: QtBot, user: UserSession, sample_db: Database, db_path: Path, tmp_path: Path, samples: Path,
        raw: sqlite3.Connection) -> None:
    window = make_window(qtbot, sample_db, user, db_path)
    dialog = open_import(qtbot, window)
    rows = (samples / "sessions.csv").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([rows[0], *(r.replace("2026-06", "2025-06").replace(",0.5,", ",nan,")
                                         for r in rows[1:]), rows[1] + ",extra"]) + "\n", encoding="utf-8")
    before = raw.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    assert import_file(qtbot, dialog, "sessions", bad).startswith("Not imported: the file has problems")
    assert dialog.problems_view.isVisible()
    assert dialog.problems_view.toPlainText().splitlines() == [
        "line 2: depth_mm: 'nan' is not a number; a depth in mm, e.g. 0.75, written with digits and one decimal "
        "point or comma",
        "line 8: row: 15 cells, but the header has 14; quote a cell that holds a comma (\"like, this\") and give "
        "every row one cell per column"]
    assert raw.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == before
    assert import_file(qtbot, dialog, "sessions", tmp_path) == \
        f"Not imported: {tmp_path}: is a folder, not a CSV file; nothing was imported"
    assert not dialog.problems_view.isVisible()
    dialog.close()


def test_cancel_stops_the_import_and_says_nothing_was_stored(qtbot: QtBot, user: UserSession, db: Database,
                                                             db_path: Path, samples: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[tuple[int, int]] = []

    def endless(db: Database, actor: Actor, path: Path, *, skip_existing: bool = False,
                progress: Progress) -> importer.ImportResult:
        while True:  # as a long file would, until Cancel makes `progress` raise JobCancelled
            progress(500, 1000)
            reported.append((500, 1000))

    monkeypatch.setattr(importer, "import_sessions", endless)
    window = make_window(qtbot, db, user, db_path)
    dialog = open_import(qtbot, window)
    choose(dialog.kind_combo, "sessions")
    dialog.file_edit.setText(str(samples / "sessions.csv"))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: len(reported) > 0)
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")  # the progress dialog's
    cancel.click()
    assert dialog.wait()
    assert dialog.result_label.text() == "Import cancelled; nothing of the file was stored."
    assert dialog.import_button.isEnabled()
    dialog.close()


@pytest.mark.parametrize("role", [UserRole.PRACTITIONER, UserRole.RECEPTION])
def test_only_roles_that_may_import_see_file_import(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                                   role: UserRole) -> None:
    window = make_window(qtbot, db, user, db_path)
    assert window.import_action.isVisible()
    window.apply_actor(Actor("someone", role))
    assert not window.import_action.isVisible()


def test_an_import_refreshes_every_page_including_those_on_other_tabs(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, samples: Path) -> None:
    from clinic_log.ui.clients.clients_page import ClientsPage
    from clinic_log.ui.people.practitioners_page import PractitionersPage

    window = make_window(qtbot, db, user, db_path)
    clients_page = window.pages.page("clients")  # built, on a tab not shown
    practitioners_page = window.pages.page("practitioners")
    assert isinstance(clients_page, ClientsPage) and isinstance(practitioners_page, PractitionersPage)
    assert clients_page.model.rowCount() == 0 and practitioners_page.model.rowCount() == 0
    names_before = window.page.filter_bar.practitioner_combo.count()
    dialog = open_import(qtbot, window)
    for kind in ("practitioners", "clients"):
        assert import_file(qtbot, dialog, kind, samples / f"{kind}.csv").startswith("Imported ")
    dialog.close()
    assert window.page.filter_bar.practitioner_combo.count() == names_before + 4  # the tab on show: at once
    window.pages.show_page("clients")
    assert clients_page.model.rowCount() == 5
    window.pages.show_page("practitioners")
    assert practitioners_page.model.rowCount() == 4
