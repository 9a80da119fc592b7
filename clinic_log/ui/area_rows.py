"""One row per chosen area: depth (mm), passes, technique, endpoint, RF energy.

Numbers are kept exactly as typed (see number_field): a depth beyond the device's range stays as typed and the checks
say so; changing the device never changes a depth. A new row's depth starts at the middle of the area's usual range
(rounded to 0.05 mm, within the device's range at that moment). Enter in a depth goes to the next area's depth.
RF energy is only enabled for an RF device.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QScrollArea, QToolButton, QWidget

from clinic_log.domain.enums import Level, Modality, Technique
from clinic_log.domain.rules import DEPTH_STEP_MM
from clinic_log.domain.values import AreaInput, AreaRef, Problem
from clinic_log.services.people import DeviceView
from clinic_log.ui.area_picker import range_text
from clinic_log.ui.number_field import NumberField, WholeNumberField
from clinic_log.ui.typed_field import problem_message

RF_ENERGY_STEP = "0.5"
ENDPOINTS = ("", "mild erythema", "moderate erythema", "pinpoint bleeding", "uniform erythema")
_HEADERS = ("Area", "Depth (mm)", "Passes", "Technique", "Endpoint", "RF energy", "")


def default_depth(area: AreaRef, device: DeviceView | None) -> float:
    """The middle of the usual range in 0.05 mm steps, within the device's range."""
    steps = round((area.usual_min_mm + area.usual_max_mm) / 2 / DEPTH_STEP_MM + 1e-9)
    depth = round(steps * DEPTH_STEP_MM, 2)
    if device is not None:
        depth = min(max(depth, device.min_depth_mm), device.max_depth_mm)
    return depth


class AreaRow:
    """The inputs of one area (their accessible names start with the area's label)."""

    def __init__(self, area: AreaRef, device: DeviceView | None) -> None:
        self.area = area
        name = area.label
        self.label = QLabel(f"{name}\n(usual {range_text(area)})")
        self.depth = NumberField(f"{name} depth", "a depth in mm such as 0.75", repr(DEPTH_STEP_MM),
                                 floor=repr(DEPTH_STEP_MM))
        self.depth.setAccessibleName(f"{name} depth (mm)")
        self.passes = WholeNumberField(f"{name} passes", "a whole number of passes such as 2", "1", floor="1",
                                       hint="Passes over the area; Up/Down change it by 1")
        self.passes.setAccessibleName(f"{name} passes")
        self.passes.setText("1")
        self.technique = QComboBox()
        self.technique.addItem("—", None)
        for t in Technique:
            self.technique.addItem(t.value, t.value)
        self.technique.setAccessibleName(f"{name} technique")
        self.endpoint = QComboBox()
        self.endpoint.setEditable(True)
        self.endpoint.addItems(ENDPOINTS)
        self.endpoint.setAccessibleName(f"{name} endpoint")
        self.rf_energy = NumberField(f"{name} RF energy", "an energy level such as 12.5", RF_ENERGY_STEP,
                                     required=False)
        self.rf_energy.setPlaceholderText("—")
        self.rf_energy.setAccessibleName(f"{name} RF energy")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAccessibleName(f"Remove {name}")
        self.remove.setToolTip(f"Remove {name} from this session")
        self.set_device(device)
        self.depth.set_number(default_depth(area, device))

    @property
    def inputs(self) -> list[QWidget]:
        return [self.depth, self.passes, self.technique, self.endpoint, self.rf_energy, self.remove]

    def set_device(self, device: DeviceView | None) -> None:
        """Says the device's range next to the depth and enables RF energy for an RF device; the depth and the
        energy typed stay as they are (an energy typed for an RF device is not stored with another device)."""
        within = f"; the device reaches {device.min_depth_mm:g}–{device.max_depth_mm:g} mm" if device else ""
        self.depth.set_hint(f"Needle depth for {self.area.label}: usual {range_text(self.area)}{within}. "
                            "Up/Down change it by 0.05 mm; Enter goes to the next area's depth")
        is_rf = device is not None and device.modality == Modality.RF
        self.rf_energy.setEnabled(is_rf)
        self.rf_energy.set_hint("Energy level (RF devices only)" if is_rf else
                                "Energy level: RF devices only; not stored with the device chosen")

    def value(self) -> AreaInput | None:
        """The area as typed, exactly; None while its depth or passes cannot be read (see typing_problems)."""
        depth, passes = self.depth.value(), self.passes.value()
        if depth is None or passes is None:
            return None
        rf = self.rf_energy.value() if self.rf_energy.isEnabled() else None
        endpoint = self.endpoint.currentText().strip() or None
        return AreaInput(self.area.code, depth, passes, self.technique.currentData(), endpoint, rf)

    def typing_problems(self, n: int) -> list[Problem]:
        """One error per number of this row (the n-th, from 1) whose text cannot be read."""
        fields = [(self.depth, "depth_mm"), (self.passes, "passes")]
        if self.rf_energy.isEnabled():
            fields.append((self.rf_energy, "rf_energy"))
        return [Problem(Level.ERROR, "typed_value", f"areas[{n}].{name}", problem_message(problem))
                for field, name in fields if (problem := field.problem()) is not None]

    def state(self) -> dict[str, Any]:
        return {"code": self.area.code, "depth": self.depth.text(), "passes": self.passes.text(),
                "technique": self.technique.currentData(), "endpoint": self.endpoint.currentText(),
                "rf_energy": self.rf_energy.text()}

    def restore(self, state: dict[str, Any]) -> None:
        """Puts back the texts typed (or the numbers saved by the previous version, whose RF energy 0 meant none)."""
        for field, key in ((self.depth, "depth"), (self.passes, "passes"), (self.rf_energy, "rf_energy")):
            saved = state.get(key)
            if key == "rf_energy" and not isinstance(saved, str) and saved == 0:
                saved = ""  # the previous version's spin box showed 0 as "—": no energy
            field.restore(saved)
        self.technique.setCurrentIndex(max(0, self.technique.findData(state.get("technique"))))
        self.endpoint.setCurrentText(str(state.get("endpoint") or ""))


class AreaRows(QWidget):
    """The rows of the chosen areas, in the order chosen. Emits `changed` on any edit, `remove_requested(code)`."""

    changed = Signal()
    remove_requested = Signal(str)
    last_depth_entered = Signal()  # Enter in the last area's depth: the form goes back to the area box

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        for column, text in enumerate(_HEADERS):
            header = QLabel(f"<b>{text}</b>")
            self._grid.addWidget(header, 0, column)
        self._grid.setColumnStretch(4, 1)
        self.empty_label = QLabel("No area chosen yet: click the map or type an area above.")
        self._grid.addWidget(self.empty_label, 1, 0, 1, len(_HEADERS))
        self.rows: list[AreaRow] = []
        self._device: DeviceView | None = None

    def codes(self) -> list[str]:
        return [row.area.code for row in self.rows]

    def row(self, code: str) -> AreaRow | None:
        return next((r for r in self.rows if r.area.code == code), None)

    def add(self, area: AreaRef) -> AreaRow:
        existing = self.row(area.code)
        if existing is not None:
            return existing
        row = AreaRow(area, self._device)
        row.depth.textChanged.connect(self.changed)
        row.passes.textChanged.connect(self.changed)
        row.technique.currentIndexChanged.connect(self.changed)
        row.endpoint.currentTextChanged.connect(self.changed)
        row.rf_energy.textChanged.connect(self.changed)
        row.depth.entered.connect(lambda: self._depth_entered(row))
        row.remove.clicked.connect(lambda: self.remove_requested.emit(area.code))
        self.rows.append(row)
        self._relayout()
        self.changed.emit()
        return row

    def remove(self, code: str) -> None:
        row = self.row(code)
        if row is None:
            return
        self.rows.remove(row)
        for widget in (row.label, *row.inputs):
            self._grid.removeWidget(widget)
            widget.hide()  # at once: a deferred delete waits for the event loop, and the row must not linger
            widget.deleteLater()
        self._relayout()
        self.changed.emit()

    def _relayout(self) -> None:
        self.empty_label.setVisible(not self.rows)
        for n, row in enumerate(self.rows, start=2):
            for column, widget in enumerate((row.label, *row.inputs)):
                self._grid.addWidget(widget, n, column)
                widget.show()  # now, not when the event loop next runs: a fast typist's Tab must reach it

    def set_device(self, device: DeviceView | None) -> None:
        self._device = device
        for row in self.rows:
            row.set_device(device)
        self.changed.emit()

    def _depth_entered(self, row: AreaRow) -> None:
        """Enter in a depth: the next area's depth, its text selected so typing replaces it."""
        if row not in self.rows:
            return
        index = self.rows.index(row)
        if index + 1 == len(self.rows):
            self.last_depth_entered.emit()
            return
        depth = self.rows[index + 1].depth
        depth.setFocus(Qt.FocusReason.TabFocusReason)
        depth.selectAll()
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:  # a long list of areas: the depth is brought into view, as Tab would
            parent.ensureWidgetVisible(depth)

    def values(self) -> tuple[AreaInput, ...]:
        """The areas as typed, leaving out those whose depth or passes cannot be read (see typing_problems)."""
        return tuple(value for row in self.rows if (value := row.value()) is not None)

    def typing_problems(self) -> list[Problem]:
        """An error for each number typed in the rows that cannot be read (an empty depth, "1,2,3" restored)."""
        return [problem for n, row in enumerate(self.rows, start=1) for problem in row.typing_problems(n)]

    def focus_widgets(self) -> list[QWidget]:
        return [w for row in self.rows for w in row.inputs]
