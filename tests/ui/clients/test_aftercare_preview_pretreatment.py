"""Pre-treatment sheet… on the client page: the sheet is previewed with the client's own findings, then saved or
printed; each save and print is one audit row against the client, opening the preview records nothing; reception
may print it too. The consultation form's own button is tested with the form (test_consultation_form.py)."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.ui.clients.aftercare_preview import PretreatmentPreviewDialog
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.clients_page import ClientsPage
from clinic_log.ui.common.user_session import UserSession
from tests.ui.dialogs import opens

TODAY = date(2026, 9, 1)


def pretreatment_audit(raw: sqlite3.Connection) -> list[tuple[str, str, str, dict[str, object]]]:
    return [(action, actor, entity_id, json.loads(detail)) for action, actor, entity_id, detail in raw.execute(
        "SELECT action, actor, entity_id, detail FROM audit_log WHERE entity = 'client' "
        "AND action IN ('printed', 'saved') ORDER BY id")]


@pytest.fixture
def client_id(db: Database, owner: Actor) -> int:
    cid = clients.create_client(db, owner, ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1))).id
    clients.add_finding(db, owner, cid, "hsv_history", date(2025, 1, 1))
    clients.add_finding(db, owner, cid, "isotretinoin", date(2026, 5, 1), ends_on=date.today() + timedelta(days=30))
    return cid


def client_page(qtbot: QtBot, user: UserSession, db: Database, cid: int) -> ClientPage:
    page = ClientsPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    return page.open_client(cid)


def open_preview(qtbot: QtBot, page: ClientPage) -> PretreatmentPreviewDialog:
    assert page.pretreatment_button.accessibleName() == "Pre-treatment sheet…"
    with opens(qtbot, PretreatmentPreviewDialog, page) as opened:
        qtbot.mouseClick(page.pretreatment_button, Qt.MouseButton.LeftButton)
    dialog = opened.widget
    qtbot.waitUntil(lambda: dialog.document.status() == QPdfDocument.Status.Ready, timeout=15000)
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled())
    return dialog


def test_save_writes_the_clients_sheet_and_records_the_save(qtbot: QtBot, user: UserSession, db: Database,
                                                            client_id: int, raw: sqlite3.Connection, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    page = client_page(qtbot, user, db, client_id)
    dialog = open_preview(qtbot, page)
    assert dialog.windowTitle() == "Before treatment — Zófia Łukasiewicz"
    assert dialog.status_label.text() == "1 page · template version 1"
    assert pretreatment_audit(raw) == []  # a preview records nothing
    offered: list[str] = []

    def choose(_parent: object, _caption: str, suggested: str, _filter: str) -> tuple[str, str]:
        offered.append(suggested)
        return str(tmp_path / "before"), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert Path(offered[0]).name == f"pretreatment-P-1-{date.today():%Y-%m-%d}.pdf"
    written = tmp_path / "before.pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(written.read_bytes())).pages).split())
    assert "Zófia Łukasiewicz" in text and "You have had cold sores" in text and "We can treat you from" in text
    assert dialog.status_label.text() == f"Saved as {written}"
    assert pretreatment_audit(raw) == [("saved", "owner", str(client_id), {
        "kind": "pre-treatment sheet", "template_version": 1, "modality": "mechanical"})]


def test_print_goes_to_the_printer_and_is_recorded_once(qtbot: QtBot, user: UserSession, db: Database, client_id: int,
                                                        raw: sqlite3.Connection, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = open_preview(qtbot, client_page(qtbot, user, db, client_id))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # the device boundary: print to a PDF file
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    dialog.printer = printer
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: 0)  # Cancel
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert pretreatment_audit(raw) == [] and not (tmp_path / "printed.pdf").exists()
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: 1)  # Print
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 1
    assert [row[:3] for row in pretreatment_audit(raw)] == [("printed", "owner", str(client_id))]


def test_reception_may_print_the_sheet(qtbot: QtBot, user: UserSession, db: Database, client_id: int,
                                       raw: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch,
                                       tmp_path: Path) -> None:
    desk = Actor("desk", UserRole.RECEPTION)
    user.sign_in(desk)
    page = client_page(qtbot, user, db, client_id)
    assert page.pretreatment_button.isEnabled() and not page.new_session_button.isVisibleTo(page)
    dialog = open_preview(qtbot, page)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a, **_k: (str(tmp_path / "desk.pdf"), "")))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [row[:2] for row in pretreatment_audit(raw)] == [("saved", "desk")]


