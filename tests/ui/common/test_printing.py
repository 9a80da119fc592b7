"""Printing a PDF the app built: every page (or the range chosen) painted on the printer on the PDF's own paper,
nothing when the print dialog is cancelled, and a failure told in one line. The printer is a PDF file (no paper
printer on a test machine); the print dialog is answered at its exec."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from clinic_log.ui.common.printing import ask_and_print, printer_for, printer_name


@pytest.fixture
def document(tmp_path: Path, qtbot: QtBot) -> QPdfDocument:
    """A three-page A5 PDF, loaded."""
    path = tmp_path / "sheet.pdf"
    drawing = canvas.Canvas(str(path), pagesize=A5)
    for page in range(3):
        drawing.drawString(72, 500, f"page {page + 1}")
        drawing.showPage()
    drawing.save()
    loaded = QPdfDocument()
    assert loaded.load(str(path)) == QPdfDocument.Error.None_
    return loaded


def to_file(printer: QPrinter, path: Path) -> QPrinter:
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(40)  # coarse pages: quick, the same paper
    return printer


def test_every_page_is_printed_on_the_pdfs_own_paper(qtbot: QtBot, document: QPdfDocument, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    printer = to_file(printer_for(None, document, "Sheet — P-1"), tmp_path / "out.pdf")
    assert printer.docName() == "Sheet — P-1" and printer.fullPage()
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: 1)
    assert ask_and_print(parent, printer, document, "sheet")
    pages = pypdf.PdfReader(tmp_path / "out.pdf").pages
    assert len(pages) == 3 and all(page.images for page in pages)
    assert [round(float(v)) for v in pages[0].mediabox.upper_right] == [round(A5[0]), round(A5[1])]
    assert printer_name(printer) == str(tmp_path / "out.pdf")


def test_a_chosen_page_range_prints_only_those_pages(qtbot: QtBot, document: QPdfDocument, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    printer = to_file(printer_for(None, document, "Sheet"), tmp_path / "out.pdf")

    def choose_pages_2_to_3(_self: QPrintDialog) -> int:
        printer.setFromTo(2, 3)
        return 1

    monkeypatch.setattr(QPrintDialog, "exec", choose_pages_2_to_3)
    assert ask_and_print(parent, printer, document, "sheet")
    assert len(pypdf.PdfReader(tmp_path / "out.pdf").pages) == 2


@pytest.mark.qt_log_ignore(r"QPainter::begin\(\): Returned false")  # what Qt says when the device will not start
def test_cancel_prints_nothing_and_a_failed_print_says_where(qtbot: QtBot, document: QPdfDocument, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    printer = to_file(printer_for(None, document, "Sheet"), tmp_path / "out.pdf")
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: 0)
    assert not ask_and_print(parent, printer, document, "sheet")
    assert not (tmp_path / "out.pdf").exists()

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: told.append(text))
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: 1)
    printer.setOutputFileName(str(tmp_path / "no such folder" / "out.pdf"))  # the device refuses to start
    assert not ask_and_print(parent, printer, document, "sheet")
    assert told == [f"The sheet could not be printed on {tmp_path / 'no such folder' / 'out.pdf'}."]
