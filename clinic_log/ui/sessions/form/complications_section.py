"""Complications noted during the session: type, CTCAE grade (with the grade's meaning), expected or not,
relatedness and the action taken. Later complications are added by amendment, not here.

A new complication has no type until one is chosen (typing its first letters in the focused type box chooses it);
`added` tells the form which box to bring into view.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic_log.domain.enums import CTCAE_GRADES, Relatedness
from clinic_log.domain.values import ComplicationInput
from clinic_log.services.sessions.session_form_data import ComplicationTypeView
from clinic_log.services.sessions.session_form_state import ComplicationRowState

NO_TYPE = "Choose the type…"


class ComplicationRow:
    def __init__(self, number: int, types: Sequence[ComplicationTypeView]) -> None:
        prefix = f"Complication {number}"
        self.types = types
        self.kind = QComboBox()
        self.kind.addItem(NO_TYPE, None)
        for t in types:
            self.kind.addItem(f"{t.label} ({t.category})", t.code)
        self.kind.setAccessibleName(f"{prefix} type")
        self.grade = QComboBox()
        for grade in CTCAE_GRADES:
            self.grade.addItem(f"Grade {grade}", grade)
        self.grade.setAccessibleName(f"{prefix} CTCAE grade")
        self.grade_text = QLabel()
        self.grade_text.setWordWrap(True)
        self.grade_text.setAccessibleName(f"{prefix} grade meaning")
        self.expected = QComboBox()
        self.expected.addItem("expected", True)
        self.expected.addItem("unexpected", False)
        self.expected.setAccessibleName(f"{prefix} expected")
        self.related = QComboBox()
        self.related.addItem("—", None)
        for r in Relatedness:
            self.related.addItem(f"related to {r.value}", r.value)
        self.related.setAccessibleName(f"{prefix} relatedness")
        self.action = QLineEdit()
        self.action.setPlaceholderText("action taken")
        self.action.setAccessibleName(f"{prefix} action")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAccessibleName(f"Remove complication {number}")
        self.grade.currentIndexChanged.connect(self._show_grade)
        self.kind.currentIndexChanged.connect(self._default_expected)
        self._show_grade()
        self._default_expected()

    @property
    def inputs(self) -> list[QWidget]:
        return [self.kind, self.grade, self.expected, self.related, self.action, self.remove]

    def _show_grade(self) -> None:
        self.grade_text.setText(CTCAE_GRADES[int(self.grade.currentData())])

    def _default_expected(self) -> None:
        chosen = next((t for t in self.types if t.code == self.kind.currentData()), None)
        if chosen is not None:
            self.expected.setCurrentIndex(0 if chosen.category == "expected" else 1)

    def value(self) -> ComplicationInput:
        """The complication as chosen; code "" while no type is chosen (the checks then ask for one)."""
        code = self.kind.currentData()
        return ComplicationInput(code if isinstance(code, str) else "", int(self.grade.currentData()),
                                 expected=bool(self.expected.currentData()), relatedness=self.related.currentData(),
                                 action=self.action.text().strip() or None)

    def state(self) -> ComplicationRowState:
        return ComplicationRowState(code=self.kind.currentData(), grade=self.grade.currentData(),
                                    expected=self.expected.currentData(), relatedness=self.related.currentData(),
                                    action=self.action.text())

    def restore(self, state: ComplicationRowState) -> None:
        code = state.code
        self.kind.setCurrentIndex(max(0, self.kind.findData(code)) if code else 0)
        self.grade.setCurrentIndex(max(0, self.grade.findData(state.grade)))
        self.expected.setCurrentIndex(max(0, self.expected.findData(state.expected)))
        self.related.setCurrentIndex(max(0, self.related.findData(state.relatedness)))
        self.action.setText(state.action)


class ComplicationsSection(QWidget):
    """Emits `changed` on any edit and `added(type_box)` when the user adds a complication (to scroll it in)."""

    changed = Signal()
    added = Signal(QWidget)

    def __init__(self, types: Sequence[ComplicationTypeView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._types = types
        self.rows: list[ComplicationRow] = []
        self.add_button = QPushButton("Add &complication")
        self.add_button.setAccessibleName("Add complication")
        self.add_button.setAutoDefault(False)  # Enter in another field of the form must not add one
        self.add_button.setToolTip("Record a complication seen during the session (Alt+C)")
        self.add_button.clicked.connect(lambda: self.add())
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setColumnStretch(5, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addWidget(self.add_button)

    def add(self, state: ComplicationRowState | None = None) -> ComplicationRow:
        row = ComplicationRow(len(self.rows) + 1, self._types)
        if state is not None:
            row.restore(state)
        for signal in (row.kind.currentIndexChanged, row.grade.currentIndexChanged, row.expected.currentIndexChanged,
                       row.related.currentIndexChanged, row.action.textChanged):
            signal.connect(self.changed)
        row.remove.clicked.connect(lambda: self.remove(row))
        self.rows.append(row)
        self._relayout()
        row.kind.setFocus()
        if state is None:
            # Lay the form out now, so whoever shows the new row (the form scrolls to it) sees where it is.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            self.added.emit(row.kind)
        self.changed.emit()
        return row

    def remove(self, row: ComplicationRow) -> None:
        kept = [r.state() for r in self.rows if r is not row]
        self.clear()
        for state in kept:
            self.add(state)
        self.changed.emit()

    def clear(self) -> None:
        for row in self.rows:
            for widget in (*row.inputs, row.grade_text):
                self._grid.removeWidget(widget)
                widget.hide()  # at once (the deferred delete waits for the event loop)
                widget.deleteLater()
        self.rows = []

    def _relayout(self) -> None:
        for n, row in enumerate(self.rows):
            for column, widget in enumerate(row.inputs[:4]):
                self._grid.addWidget(widget, 2 * n, column)
            self._grid.addWidget(row.action, 2 * n, 4, 1, 2)
            self._grid.addWidget(row.remove, 2 * n, 6)
            self._grid.addWidget(row.grade_text, 2 * n + 1, 1, 1, 5)
            for widget in (*row.inputs, row.grade_text):
                widget.show()  # at once, so focus can move to the new row before the event loop runs

    def focus_widgets(self) -> list[QWidget]:
        return [w for row in self.rows for w in row.inputs] + [self.add_button]

    def values(self) -> tuple[ComplicationInput, ...]:
        return tuple(row.value() for row in self.rows)

    def state(self) -> tuple[ComplicationRowState, ...]:
        return tuple(row.state() for row in self.rows)

    def restore(self, states: Sequence[ComplicationRowState]) -> None:
        self.clear()
        for state in states:
            self.add(state)
