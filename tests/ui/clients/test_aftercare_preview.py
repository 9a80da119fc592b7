"""Reception prints aftercare in two clicks: Today narrows the list, Aftercare… previews the sheet, Print or Save.

Every print and every save is one audit row; opening the preview records nothing.
"""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QAbstractButton, QFileDialog
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clinic.templates import latest_template, save_template
from clinic_log.services.sessions.session_views import SessionRow
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.clients.aftercare_preview import PREPARING, AftercarePreviewDialog
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.session_table_model import Column
from clinic_log.ui.shell.main_window import MainWindow
from tests.ui.dialogs import opens
from tests.ui.window_helpers import make_window, shown_ids
from tests.unit.services.helpers import make_clinic, session_entry


def click_row(qtbot: QtBot, window: MainWindow, client_ref: str) -> int:
    """Click (once) the row of `client_ref`'s session; returns its session id."""
    model, view = window.page.model, window.page.view
    row = next(r for r in range(model.rowCount()) if model.index(r, Column.CLIENT_REF).data() == client_ref)
    index = model.index(row, Column.CLIENT)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    return model.session_id(row)


def open_preview(qtbot: QtBot, window: MainWindow, client_ref: str) -> AftercarePreviewDialog:
    """Click 1 selects the row, click 2 is Aftercare… in the toolbar; waits until the sheet is shown."""
    click_row(qtbot, window, client_ref)
    with opens(qtbot, AftercarePreviewDialog, window) as opened:
        qtbot.mouseClick(window.aftercare_button, Qt.MouseButton.LeftButton)
    dialog = opened.widget
    qtbot.waitUntil(lambda: dialog.document.status() == QPdfDocument.Status.Ready, timeout=15000)
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled())
    return dialog


def aftercare_audit(raw: sqlite3.Connection) -> list[tuple[str, str, str, dict[str, object]]]:
    return [(action, actor, entity_id, json.loads(detail)) for action, actor, entity_id, detail in raw.execute(
        "SELECT action, actor, entity_id, detail FROM audit_log WHERE entity = 'aftercare' ORDER BY id")]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_today_shows_only_todays_sessions(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                          owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    earlier = log_session(db, clinic.derm, session_entry(clinic), sign=True)  # 1 July 2026
    today = log_session(db, clinic.derm, session_entry(clinic, started_at=datetime.now(UTC)), sign=True)
    window = make_window(qtbot, db, user, db_path)
    bar = window.page.filter_bar
    assert shown_ids(window) == {earlier.id, today.id}

    qtbot.mouseClick(bar.today_button, Qt.MouseButton.LeftButton)

    assert bar.today_button.isChecked()
    assert (bar.from_edit.value(), bar.to_edit.value()) == (date.today(), date.today())
    assert shown_ids(window) == {today.id}
    qtbot.waitUntil(lambda: window.session_count_text == "1 session")

    qtbot.mouseClick(bar.today_button, Qt.MouseButton.LeftButton)
    assert not bar.today_button.isChecked()
    assert bar.from_edit.value() is None and bar.to_edit.value() is None
    assert shown_ids(window) == {earlier.id, today.id}
    qtbot.waitUntil(lambda: window.session_count_text == "2 sessions")


def test_select_and_aftercare_opens_the_sheet_ready_to_print(qtbot: QtBot, user: UserSession, sample_db: Database,
                                                             db_path: Path, raw: sqlite3.Connection) -> None:
    window = make_window(qtbot, sample_db, user, db_path)
    click_row(qtbot, window, "P-1001")
    with opens(qtbot, AftercarePreviewDialog, window) as opened:
        qtbot.mouseClick(window.aftercare_button, Qt.MouseButton.LeftButton)
    dialog = opened.widget
    assert dialog.windowTitle() == "Aftercare — Amélie Durand"
    assert dialog.message.text() == PREPARING  # rendered in the background
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()

    qtbot.waitUntil(lambda: dialog.document.status() == QPdfDocument.Status.Ready, timeout=15000)
    assert dialog.document.pageCount() >= 1
    assert dialog.stack.currentWidget() is dialog.view
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    assert "template version 3" in dialog.status_label.text()
    assert aftercare_audit(raw) == []  # looking is not printing


def test_ctrl_p_the_context_menu_and_the_tooltip_offer_aftercare(qtbot: QtBot, user: UserSession, sample_db: Database,
                                                                  db_path: Path) -> None:
    window = make_window(qtbot, sample_db, user, db_path)
    action = window.aftercare_action
    assert action in window.page.view.actions()
    assert window.page.view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert "Ctrl+P" in window.aftercare_button.toolTip()
    assert window.aftercare_button.accessibleName() == "Aftercare…"
    assert action.isEnabled()

    window.page.view.clearSelection()
    assert not action.isEnabled()
    click_row(qtbot, window, "P-1002")
    assert action.isEnabled()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with opens(qtbot, AftercarePreviewDialog, window) as opened:
        qtbot.keyClick(window.page.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert opened.widget.windowTitle() == "Aftercare — Bartłomiej Wiśniewski"

    window.page.filter_bar.notes_edit.setText("no such words anywhere")
    qtbot.waitUntil(lambda: window.page.model.rowCount() == 0)
    assert not action.isEnabled()


def test_save_pdf_writes_the_sheet_and_records_the_save(qtbot: QtBot, user: UserSession, sample_db: Database,
                                                        db_path: Path, raw: sqlite3.Connection, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, sample_db, user, db_path)
    dialog = open_preview(qtbot, window, "P-1001")
    session_id = dialog.session_id
    offered: list[str] = []

    def choose(_parent: object, _caption: str, suggested: str, _filter: str) -> tuple[str, str]:
        offered.append(suggested)
        return str(tmp_path / "for Amélie"), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert Path(offered[0]).name == "aftercare-P-1001-2026-06-02.pdf"
    written = tmp_path / "for Amélie.pdf"
    text = pdf_text(written.read_bytes())
    assert "Amélie Durand" in text and "Forehead" in text
    assert dialog.status_label.text() == f"Saved as {written}"
    assert aftercare_audit(raw) == [("saved", user.actor.username, str(session_id), {"template_version": 3})]


def test_print_paints_every_page_on_the_printer_and_records_one_print(qtbot: QtBot, user: UserSession,
                                                                      sample_db: Database, db_path: Path,
                                                                      raw: sqlite3.Connection, tmp_path: Path,
                                                                      owner: Actor,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    body = latest_template(sample_db).body
    long_steps = [{"when": f"Day {n}", "text": "Keep the treated skin clean, cool and out of the sun. " * 6}
                  for n in range(1, 25)]
    save_template(sample_db, owner, {**body, "modalities": {"mechanical": long_steps, "rf": long_steps}})
    window = make_window(qtbot, sample_db, user, db_path)
    dialog = open_preview(qtbot, window, "P-1005")
    assert dialog.document.pageCount() >= 2
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    dialog.printer = printer

    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: 0)  # Cancel
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert not (tmp_path / "printed.pdf").exists()
    assert aftercare_audit(raw) == []

    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: 1)  # Print
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)

    printed = (tmp_path / "printed.pdf").read_bytes()
    pages = PdfReader(io.BytesIO(printed)).pages
    assert len(pages) == dialog.document.pageCount()
    assert all(page.images for page in pages)  # each page carries the rendered sheet
    assert len(printed) > 20_000
    assert dialog.status_label.text() == f"Sent to {tmp_path / 'printed.pdf'}"
    assert aftercare_audit(raw) == [("printed", user.actor.username, str(dialog.session_id),
                                     {"template_version": 4})]


def test_the_session_dialog_opens_the_aftercare_preview(qtbot: QtBot, user: UserSession, sample_db: Database,
                                                        db_path: Path) -> None:
    window = make_window(qtbot, sample_db, user, db_path)
    session_id = click_row(qtbot, window, "P-1002")
    detail = window.open_session(session_id)
    assert detail is not None
    assert detail.aftercare_button.accessibleName() == "Aftercare…"
    assert "Ctrl+P" in detail.aftercare_button.toolTip()
    with opens(qtbot, AftercarePreviewDialog, detail) as opened:
        qtbot.mouseClick(detail.aftercare_button, Qt.MouseButton.LeftButton)
    preview = opened.widget
    assert preview.parent() is detail and preview.session_id == session_id
    qtbot.waitUntil(lambda: preview.is_ready, timeout=15000)


def test_a_session_that_cannot_be_rendered_says_why(qtbot: QtBot, user: UserSession, sample_db: Database) -> None:
    gone = SessionRow(999, datetime(2026, 6, 2, tzinfo=UTC), "P-9", "Nobody", "", None, "", 0, "signed")
    dialog = AftercarePreviewDialog(sample_db, user, gone)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "could not be prepared" in dialog.message.text())
    assert "999" in dialog.message.text()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()


def test_every_button_is_named_as_it_reads(qtbot: QtBot, user: UserSession, sample_db: Database, db_path: Path) -> None:
    window = make_window(qtbot, sample_db, user, db_path)
    dialog = open_preview(qtbot, window, "P-1001")
    buttons = dialog.findChildren(QAbstractButton)
    assert {b.accessibleName() for b in buttons} == {"Print…", "Save PDF…", "Close"}
    for button in buttons:
        assert button.accessibleName() == button.text().replace("&", "")
    assert "Ctrl+P" in dialog.print_button.toolTip() and "Ctrl+S" in dialog.save_button.toolTip()
