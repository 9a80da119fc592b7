"""The suitability panel: today's verdict for a client (suitable / with cautions / not suitable) and each reason.

The verdict comes from the same `assess_suitability` the session warnings use. Colours are soft backgrounds
behind dark text, and the verdict is always written out, so it reads the same without colour.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from clinic_log.domain.enums import Severity
from clinic_log.domain.suitability import CAUTIONS, NOT_SUITABLE, SUITABLE, Reason, Suitability

VERDICT_WORDS = {SUITABLE: "Suitable", CAUTIONS: "Suitable with cautions", NOT_SUITABLE: "Not suitable today"}
# (background, border) per verdict; text stays near-black for contrast
VERDICT_COLOURS = {SUITABLE: ("#e3f4e6", "#2e7d32"), CAUTIONS: ("#fff4d6", "#b26a00"),
                   NOT_SUITABLE: ("#fde4e4", "#c62828")}


def reason_prefix(reason: Reason) -> str:
    if reason.code == "fitzpatrick_pih":
        return "!"  # a caution that never blocks (marked cleared in the domain), not a clearance
    if reason.cleared:
        return "✓"
    return "✕" if reason.severity is Severity.ABSOLUTE else "!"


class SuitabilityPanel(QFrame):
    """Shows one `Suitability`; `show_result` replaces what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suitabilityPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel("Suitability today")
        self.verdict_label = QLabel()
        self.verdict_label.setAccessibleName("Suitability")
        font = QFont(self.verdict_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.verdict_label.setFont(font)
        self.reasons_label = QLabel()
        self.reasons_label.setAccessibleName("Suitability reasons")
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextFormat(Qt.TextFormat.PlainText)
        self.reasons_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.reasons_label)
        self._verdict = ""

    @property
    def verdict_text(self) -> str:
        return self.verdict_label.text()

    @property
    def reason_lines(self) -> list[str]:
        text = self.reasons_label.text()
        return [line[2:] for line in text.splitlines()] if text and self._verdict != SUITABLE else []

    def show_result(self, result: Suitability) -> None:
        self._verdict = result.verdict
        self.verdict_label.setText(VERDICT_WORDS[result.verdict])
        if result.reasons:
            self.reasons_label.setText("\n".join(f"{reason_prefix(r)} {r.text}" for r in result.reasons))
        else:
            self.reasons_label.setText("No contraindications on record for today.")
        background, border = VERDICT_COLOURS[result.verdict]
        self.setStyleSheet(f"#suitabilityPanel {{ background: {background}; border: 2px solid {border};"
                           " border-radius: 6px; }"
                           " #suitabilityPanel QLabel { color: #1b1b1b; background: transparent; }")
