"""One row per chosen area: depth (mm, 0.05 steps, capped by the device), passes, technique, endpoint, RF energy.

The depth starts at the middle of the area's usual range (rounded to 0.05 mm, kept within the device's range).
RF energy is only enabled for an RF device.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QWidget,
)

from clinic_log.domain.enums import Modality, Technique
from clinic_log.domain.rules import DEPTH_STEP_MM
from clinic_log.domain.values import AreaInput, AreaRef
from clinic_log.services.people import DeviceView
from clinic_log.ui.area_picker import range_text

MAX_DEPTH_MM = 7.0  # the deepest any shipped device reaches (Morpheus8 long tips)
MAX_RF_ENERGY = 100.0
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
        self.depth = QDoubleSpinBox()
        self.depth.setDecimals(2)
        self.depth.setSingleStep(DEPTH_STEP_MM)
        self.depth.setMinimum(DEPTH_STEP_MM)
        self.depth.setSuffix(" mm")
        self.depth.setAccessibleName(f"{name} depth (mm)")
        self.depth.setToolTip(f"Needle depth for {name}: usual {range_text(area)}; Up/Down change it by 0.05 mm")
        self.passes = QSpinBox()
        self.passes.setRange(1, 20)
        self.passes.setAccessibleName(f"{name} passes")
        self.technique = QComboBox()
        self.technique.addItem("—", None)
        for t in Technique:
            self.technique.addItem(t.value, t.value)
        self.technique.setAccessibleName(f"{name} technique")
        self.endpoint = QComboBox()
        self.endpoint.setEditable(True)
        self.endpoint.addItems(ENDPOINTS)
        self.endpoint.setAccessibleName(f"{name} endpoint")
        self.rf_energy = QDoubleSpinBox()
        self.rf_energy.setRange(0.0, MAX_RF_ENERGY)
        self.rf_energy.setDecimals(1)
        self.rf_energy.setSpecialValueText("—")
        self.rf_energy.setAccessibleName(f"{name} RF energy")
        self.rf_energy.setToolTip("Energy level (RF devices only)")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAccessibleName(f"Remove {name}")
        self.remove.setToolTip(f"Remove {name} from this session")
        self.set_device(device)
        self.depth.setValue(default_depth(area, device))

    @property
    def inputs(self) -> list[QWidget]:
        return [self.depth, self.passes, self.technique, self.endpoint, self.rf_energy, self.remove]

    def set_device(self, device: DeviceView | None) -> None:
        self.depth.setMaximum(device.max_depth_mm if device is not None else MAX_DEPTH_MM)
        is_rf = device is not None and device.modality == Modality.RF
        self.rf_energy.setEnabled(is_rf)
        if not is_rf:
            self.rf_energy.setValue(0.0)

    def value(self) -> AreaInput:
        rf = self.rf_energy.value() if self.rf_energy.isEnabled() and self.rf_energy.value() > 0 else None
        endpoint = self.endpoint.currentText().strip() or None
        return AreaInput(self.area.code, round(self.depth.value(), 2), self.passes.value(),
                         self.technique.currentData(), endpoint, rf)

    def state(self) -> dict[str, Any]:
        return {"code": self.area.code, "depth": self.depth.value(), "passes": self.passes.value(),
                "technique": self.technique.currentData(), "endpoint": self.endpoint.currentText(),
                "rf_energy": self.rf_energy.value()}

    def restore(self, state: dict[str, Any]) -> None:
        if isinstance(state.get("depth"), int | float):
            self.depth.setValue(float(state["depth"]))
        if isinstance(state.get("passes"), int):
            self.passes.setValue(state["passes"])
        self.technique.setCurrentIndex(max(0, self.technique.findData(state.get("technique"))))
        self.endpoint.setCurrentText(str(state.get("endpoint") or ""))
        if isinstance(state.get("rf_energy"), int | float):
            self.rf_energy.setValue(float(state["rf_energy"]))


class AreaRows(QWidget):
    """The rows of the chosen areas, in the order chosen. Emits `changed` on any edit, `remove_requested(code)`."""

    changed = Signal()
    remove_requested = Signal(str)

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
        row.depth.valueChanged.connect(self.changed)
        row.passes.valueChanged.connect(self.changed)
        row.technique.currentIndexChanged.connect(self.changed)
        row.endpoint.currentTextChanged.connect(self.changed)
        row.rf_energy.valueChanged.connect(self.changed)
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

    def values(self) -> tuple[AreaInput, ...]:
        return tuple(row.value() for row in self.rows)

    def focus_widgets(self) -> list[QWidget]:
        return [w for row in self.rows for w in row.inputs]
