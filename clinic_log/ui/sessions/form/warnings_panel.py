"""The live check of the session being typed, at three levels: errors (fix before signing), stops (a physician or
the owner overrides, with a reason of a few words) and warnings (a reason), each in words; the two reason boxes and
one line saying what happened on the last save."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QVBoxLayout, QWidget

from clinic_log.domain.enums import Level
from clinic_log.domain.rules import OVERRIDE_MIN_WORDS
from clinic_log.domain.values import Problem

ERROR_COLOUR = QColor("#b00020")
STOP_COLOUR = QColor("#b00020")
WARNING_COLOUR = QColor("#8a5a00")
COLOURS = {Level.ERROR: ERROR_COLOUR, Level.STOP: STOP_COLOUR, Level.WARNING: WARNING_COLOUR}
ORDER = {Level.ERROR: 0, Level.STOP: 1, Level.WARNING: 2}
FIELD_NAMES = {"cartridge_lot": "Cartridge lot", "supervisor": "Supervisor", "practitioner": "Practitioner",
               "client": "Client", "areas": "Areas", "device": "Device", "lot_expires": "Lot expiry",
               "supervisor_presence": "Supervisor presence"}


def problem_text(problem: Problem) -> str:
    if problem.level is Level.STOP:
        return f"STOP: {problem.message}"
    return f"{Level(problem.level).label}: {problem.message}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


class WarningsPanel(QWidget):
    """`may_override` says whether the user at the form may override stops (a physician or the owner)."""

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
        self.override = QPlainTextEdit()
        self.override.setTabChangesFocus(True)
        self.override.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.override.setAccessibleName("Override the stop (physician or owner)")
        self.override.setPlaceholderText(f"why it is safe to go ahead, in at least {OVERRIDE_MIN_WORDS} words")
        self.override.setToolTip("A stop is overridden only by a dermatologist, a plastic surgeon or the owner; the "
                                 "reason and who gave it are stored with the session (Alt+O)")
        self.override_label = QLabel("&Override the stop (physician or owner)")
        self.override_label.setBuddy(self.override)
        self.override_label.setWordWrap(True)
        self.override_label.setStyleSheet(f"color: {STOP_COLOUR.name()}; font-weight: bold;")
        self.stop_note = QLabel()
        self.stop_note.setWordWrap(True)
        self.stop_note.setAccessibleName("Who may override")
        self.may_override = False
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Save status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.override_label)
        layout.addWidget(self.stop_note)
        layout.addWidget(self.override)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.status)
        self.problems: tuple[Problem, ...] = ()
        self.reason.textChanged.connect(lambda: self.reason_changed.emit(self.reason.toPlainText()))
        self.override.textChanged.connect(lambda: self.reason_changed.emit(self.override.toPlainText()))
        self._sync_reason()

    def set_may_override(self, may: bool) -> None:
        self.may_override = may
        self._sync_reason()

    def show_problems(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        self.list.clear()
        for problem in sorted(self.problems, key=lambda p: ORDER[Level(p.level)]):
            item = QListWidgetItem(problem_text(problem))
            item.setForeground(QBrush(COLOURS[Level(problem.level)]))
            font = item.font()
            font.setBold(problem.level is Level.STOP)
            item.setFont(font)
            item.setToolTip(f"{FIELD_NAMES.get(problem.field.split('[')[0], problem.field)}: {problem.message}")
            self.list.addItem(item)
        errors = sum(p.level is Level.ERROR for p in self.problems)
        stops = sum(p.level is Level.STOP for p in self.problems)
        warnings = sum(p.level is Level.WARNING for p in self.problems)
        if not self.problems:
            self.summary.setText("No problems found: ready to sign.")
        else:
            parts = []
            if errors:
                parts.append(f"{_count(errors, 'error')} (must be fixed before signing)")
            if stops:
                parts.append(f"{_count(stops, 'stop')} (a physician or the owner must override)")
            if warnings:
                parts.append(f"{_count(warnings, 'warning')} (type a reason to go ahead)")
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

    def override_text(self) -> str:
        return self.override.toPlainText().strip()

    def messages(self) -> list[str]:
        return [item.text() for n in range(self.list.count()) if (item := self.list.item(n)) is not None]

    def _sync_reason(self) -> None:
        needed = any(p.level is Level.WARNING for p in self.problems)
        self.reason_label.setText("&Reason for saving with warnings" + (" (required)" if needed else ""))
        stopped = any(p.level is Level.STOP for p in self.problems)
        for widget in (self.override_label, self.stop_note):
            widget.setVisible(stopped)
        self.override.setVisible(stopped and self.may_override)
        self.override_label.setText("&Override the stop (physician or owner)" if self.may_override
                                    else "Stop: a physician or the owner must override it")
        self.stop_note.setText(
            f"You may override it: say why it is safe to go ahead, in at least {OVERRIDE_MIN_WORDS} words."
            if self.may_override else
            "Only a dermatologist, a plastic surgeon or the owner may override a stop: save the draft (Ctrl+S) and "
            "ask one of them to override it in the session's view; then sign it.")

    def set_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_COLOUR.name()};" if error else "")
        self.status.setText(text)
