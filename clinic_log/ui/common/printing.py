"""Printing a PDF the app built (a client sheet, a photo comparison): the printer set to the PDF's paper, the
print dialog, and each page painted on the printer. Imported only when something is first printed (QtPdf and
QtPrintSupport stay out of the app's start)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QMessageBox, QWidget

MAX_PRINT_DPI = 300  # an A4 page is a 35 MB image at 300 dpi (140 MB at 600): sharp text, bounded memory


def print_pdf(document: QPdfDocument, printer: QPrinter) -> bool:
    """Paint each page of `document` (or the range chosen in the print dialog) on `printer`.

    Each page is rendered to an image at the printer's resolution (at most MAX_PRINT_DPI) and scaled onto the
    whole paper, keeping its proportions; the sheet's own margins stay as designed. False if printing failed.
    """
    first, last = 0, document.pageCount() - 1
    if printer.fromPage() > 0:  # a page range was chosen (pages count from 1)
        first, last = printer.fromPage() - 1, min(printer.toPage() - 1, last)
    painter = QPainter()
    if last < first or not painter.begin(printer):
        return False
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        for page in range(first, last + 1):
            if page > first and not printer.newPage():
                return False
            points = document.pagePointSize(page)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image = document.render(page, size)
            if image.isNull():
                return False
            area = painter.viewport()
            painter.drawImage(QRect(QPoint(0, 0), size.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)),
                              image)
    finally:
        ended = painter.end()
    return ended


def printer_name(printer: QPrinter) -> str:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return printer.outputFileName()
    return printer.printerName() or "the printer"


def printer_for(printer: QPrinter | None, document: QPdfDocument, name: str) -> QPrinter:
    """`printer` (a new one at the first print: afterwards it keeps the user's choices) on the document's paper,
    printing the whole page (the document brings its own margins), named `name` in the print queue."""
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        paper = document.pagePointSize(0)
        printer.setPageSize(QPageSize(paper, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setFullPage(True)
    printer.setDocName(name)
    return printer


def ask_and_print(parent: QWidget, printer: QPrinter, document: QPdfDocument, what: str) -> bool:
    """The print dialog for `what` ("aftercare sheet"), then every page chosen on the printer; a failure is told in
    a message. True once printed, False when cancelled or failed."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"Print {what}")
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setMinMax(1, document.pageCount())
    if not dialog.exec():
        return False
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        printed = print_pdf(document, printer)
    finally:
        QGuiApplication.restoreOverrideCursor()
    if not printed:
        QMessageBox.warning(parent, "Print", f"The {what} could not be printed on {printer_name(printer)}.")
    return printed
