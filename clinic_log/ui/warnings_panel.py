"""The live check of the session being typed: each error (blocks saving) and warning (needs a reason) in words,
the reason box, and one line saying what happened on the last save."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QVBoxLayout, QWidget

from clinic_log.domain.values import Problem

ERROR_COLOUR = QColor("#b00020")
WARNING_COLOUR = QColor("#8a5a00")
FIELD_NAMES = {"cartridge_lot": "Cartridge lot", "supervisor": "Supervisor", "practitioner": "Practitioner",
               "client": "Client", "areas": "Areas", "device": "Device", "lot_expires": "Lot expiry",
               "supervisor_presence": "Supervisor presence"}


def problem_text(problem: Problem) -> str:
    kind = "Error" if problem.level == "error" else "Warning"
    return f"{kind}: {problem.message}"


class WarningsPanel(QWidget):
    reason_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>Checks</b>")
        self.summary = QLabel("Checking…")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Check summary")
        self.list = QListWidget()
        self.list.setAccessibleName("Warnings and errors")
        self.list.setWordWrap(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.reason.setAccessibleName("Reason for saving with warnings")
        self.reason.setPlaceholderText("why it is right to go ahead")
        self.reason.setToolTip("Required when there are warnings; stored on the session (Alt+R)")
        self.reason_label = QLabel("&Reason for saving with warnings")
        self.reason_label.setBuddy(self.reason)
        self.reason_label.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Save status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.status)
        self.problems: tuple[Problem, ...] = ()
        self.reason.textChanged.connect(lambda: self.reason_changed.emit(self.reason.toPlainText()))
        self._sync_reason()

    def show_problems(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        self.list.clear()
        for problem in sorted(self.problems, key=lambda p: p.level != "error"):
            item = QListWidgetItem(problem_text(problem))
            item.setForeground(QBrush(ERROR_COLOUR if problem.level == "error" else WARNING_COLOUR))
            item.setToolTip(f"{FIELD_NAMES.get(problem.field.split('[')[0], problem.field)}: {problem.message}")
            self.list.addItem(item)
        errors = sum(p.level == "error" for p in self.problems)
        warnings = len(self.problems) - errors
        if not self.problems:
            self.summary.setText("No problems found: ready to sign.")
        else:
            parts = []
            if errors:
                parts.append(f"{errors} error{'s' * (errors != 1)} (must be fixed before saving)")
            if warnings:
                parts.append(f"{warnings} warning{'s' * (warnings != 1)} (type a reason to go ahead)")
            self.summary.setText("; ".join(parts) + ".")
        self._sync_reason()

    def show_failure(self, message: str) -> None:
        """The check itself could not run (e.g. a device just taken out of service)."""
        self.problems = ()
        self.list.clear()
        item = QListWidgetItem(f"Error: {message}")
        item.setForeground(QBrush(ERROR_COLOUR))
        self.list.addItem(item)
        self.summary.setText("The session cannot be checked as it is.")

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def messages(self) -> list[str]:
        return [item.text() for n in range(self.list.count()) if (item := self.list.item(n)) is not None]

    def _sync_reason(self) -> None:
        needed = any(p.level == "warning" for p in self.problems)
        self.reason_label.setText("&Reason for saving with warnings" + (" (required)" if needed else ""))

    def set_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_COLOUR.name()};" if error else "")
        self.status.setText(text)
