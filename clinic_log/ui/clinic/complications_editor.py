"""An editable table of the paragraph an aftercare sheet prints for each complication type."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_log.services.clinic.templates import ComplicationParagraph
from clinic_log.ui.common.widgets import paragraph_table

LABEL, TEXT = 0, 1
HEADERS = ("Complication", "Paragraph on the sheet")
_CODE = Qt.ItemDataRole.UserRole


class ComplicationsEditor(QWidget):
    """One row per complication type; `paragraphs()` reads the edits as the template stores them (code → text).

    A row left empty is not stored: the sheet then prints the complication type's own instructions.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = "Complications"
        hint = QLabel("Printed under “About what we noted today” for each complication recorded on the session. "
                      "Leave a paragraph empty to print the complication type's standard instructions.")
        hint.setWordWrap(True)
        self.table = paragraph_table("Complication paragraphs", HEADERS, self, "Post-inflammatory hyperpigm")
        self.table.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)

    def set_paragraphs(self, paragraphs: Sequence[ComplicationParagraph]) -> None:
        self.table.setRowCount(0)
        for row, paragraph in enumerate(paragraphs):
            self.table.insertRow(row)
            label = QTableWidgetItem(paragraph.label)
            label.setData(_CODE, paragraph.code)
            label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
            label.setToolTip(paragraph.code)
            text = QTableWidgetItem(paragraph.text)
            for item in (label, text):
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.table.setItem(row, LABEL, label)
            self.table.setItem(row, TEXT, text)

    def paragraphs(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            code = self.code_at(row)
            item = self.table.item(row, TEXT)
            text = item.text().strip() if item is not None else ""
            if code and text:
                result[code] = text
        return result

    def code_at(self, row: int) -> str:
        item = self.table.item(row, LABEL)
        return str(item.data(_CODE)) if item is not None else ""

    def set_paragraph(self, code: str, text: str) -> None:
        """Replace the paragraph of `code` (as typing it in would)."""
        item = self.table.item(self.row_of(code), TEXT)
        if item is not None:
            item.setText(text)

    def row_of(self, code: str) -> int:
        for row in range(self.table.rowCount()):
            if self.code_at(row) == code:
                return row
        raise KeyError(code)

    def select_paragraph(self, code: str) -> None:
        """Put the cursor in `code`'s paragraph, e.g. to show a problem with it."""
        try:
            row = self.row_of(code)
        except KeyError:
            self.table.setFocus()
            return
        self.table.setCurrentCell(row, TEXT)
        item = self.table.item(row, TEXT)
        if item is not None:
            self.table.scrollToItem(item)
        self.table.setFocus()
