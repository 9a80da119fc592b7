"""One row per chosen body site: depth (mm), passes, technique, endpoint, indication, tip, RF energy.

Numbers are kept exactly as typed (see number_field): a depth beyond the device's range stays as typed and the checks
say so; changing the device never changes a depth. A new row's depth starts at the middle of the area's usual range
(rounded to 0.05 mm, within the device's range at that moment). Enter in a depth goes to the next area's depth.
RF energy is only enabled for an RF device, and its header names the model's unit ("Energy (level)").
The indication says why the site is treated (blank: none recorded). A Tip choice shows only for a model with tips;
changing the device to one without the chosen tip clears it and says so on the row (never silently). Depth comes
first in each row (the value typed every time), so Tab goes depth, passes, technique, endpoint, indication, tip,
energy, remove; Enter in a depth still goes to the next area's depth.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QScrollArea, QToolButton, QWidget

from clinic_log.domain.enums import Level, Modality, Technique
from clinic_log.domain.rules import DEPTH_STEP_MM, usual_range
from clinic_log.domain.values import AreaInput, AreaRef, DeviceModelRef, IndicationRef, Problem, TipRef
from clinic_log.services.devices.devices import DeviceView
from clinic_log.services.sessions.session_form_state import AreaRowState
from clinic_log.ui.common.number_field import NumberField, WholeNumberField
from clinic_log.ui.common.typed_field import problem_message
from clinic_log.ui.sessions.form.area_picker import range_text

RF_ENERGY_STEP = "0.5"
ENDPOINTS = ("", "mild erythema", "moderate erythema", "pinpoint bleeding", "uniform erythema")
_HEADERS = ("Area", "Depth (mm)", "Passes", "Technique", "Endpoint", "Indication", "Tip", "RF energy", "")
TIP_COLUMN, ENERGY_COLUMN = 6, 7
NOTE_STYLE = "color: #8a5a00;"
PROBLEM_STYLE = "QComboBox { border: 2px solid #b00020; }"


def tip_text(tip: TipRef) -> str:
    """"Facial (24 pins) 0.5–4.0 mm": the tip and the depths it reaches."""
    return f"{tip.label} {tip.min_depth_mm:.1f}–{tip.max_depth_mm:.1f} mm"


def _narrow(combo: QComboBox, chars: int) -> None:
    """The box as wide as `chars` characters (its list still shows every choice in full), so a row with an
    indication and a tip fits the form at 1366×768 without scrolling sideways."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    view = combo.view()
    if view is not None:
        view.setMinimumWidth(view.sizeHintForColumn(0) + 24)


def energy_header(model: DeviceModelRef | None) -> str:
    return f"Energy ({model.energy_unit})" if model is not None and model.energy_unit else "RF energy"


def default_depth(area: AreaRef, device: DeviceView | None) -> float:
    """The middle of the usual range in 0.05 mm steps, within the device's range."""
    steps = round((area.usual_min_mm + area.usual_max_mm) / 2 / DEPTH_STEP_MM + 1e-9)
    depth = round(steps * DEPTH_STEP_MM, 2)
    if device is not None:
        depth = min(max(depth, device.min_depth_mm), device.max_depth_mm)
    return depth


class AreaRow:
    """The inputs of one area (their accessible names start with the area's label)."""

    def __init__(self, area: AreaRef, device: DeviceView | None, indications: tuple[IndicationRef, ...] = (),
                 model: DeviceModelRef | None = None) -> None:
        self.area = area
        name = area.label
        self.label = QLabel(f"{name}\n(usual {range_text(area)})")
        self._indications = {i.code: i for i in indications}
        self._device: DeviceView | None = None
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
        _narrow(self.endpoint, 8)
        self.rf_energy = NumberField(f"{name} RF energy", "an energy level such as 12.5", RF_ENERGY_STEP,
                                     required=False)
        self.rf_energy.setPlaceholderText("—")
        self.rf_energy.setAccessibleName(f"{name} RF energy")
        self.indication = QComboBox()
        self.indication.addItem("—", None)
        for indication in indications:
            self.indication.addItem(indication.label, indication.code)
        self.indication.setAccessibleName(f"{name} indication")
        _narrow(self.indication, 13)
        self.indication.setToolTip(f"Why {name} is treated (—: none recorded); scar tissue has its own deeper range")
        self.indication.currentIndexChanged.connect(self._show_range)
        self.tip = QComboBox()
        self.tip.setAccessibleName(f"{name} tip")
        _narrow(self.tip, 20)
        self.tip.setToolTip(f"The needle tip used on {name} (—: not recorded)")
        self.note = QLabel()
        self.note.setAccessibleName(f"{name} note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.hide()
        self._notes: dict[str, str] = {}  # what the form did to the row, by kind ("tip", "legacy"…)
        self._model: DeviceModelRef | None = None
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAccessibleName(f"Remove {name}")
        self.remove.setToolTip(f"Remove {name} from this session")
        self.set_device(device, model)
        self.depth.set_number(default_depth(area, device))

    @property
    def inputs(self) -> list[QWidget]:
        return [self.depth, self.passes, self.technique, self.endpoint, self.indication, self.tip, self.rf_energy,
                self.remove]

    @property
    def has_tips(self) -> bool:
        return self._model is not None and bool(self._model.tips)

    def set_device(self, device: DeviceView | None, model: DeviceModelRef | None = None) -> None:
        """Says the device's range next to the depth and enables RF energy for an RF device; the depth and the
        energy typed stay as they are (an energy typed for an RF device is not stored with another device).
        The tips offered become the model's; a tip chosen that the new model does not have is cleared, and the
        row's note says so."""
        previous = self.tip.currentData()
        previous_text = self.tip.currentText()
        self._model = model
        self._device = device
        self._fill_tips(model)
        if previous is not None:
            index = self.tip.findData(previous)
            if index >= 0:
                self.tip.setCurrentIndex(index)
            else:
                device_name = model.name if model is not None else "device chosen"
                self.set_note("tip", f"Tip {previous_text} cleared: the {device_name} has no such tip — choose its tip"
                              if model is not None and model.tips else
                              f"Tip {previous_text} cleared: the {device_name} has no tips")
        unit = model.energy_unit if model is not None and model.energy_unit else None
        self.rf_energy.setAccessibleName(f"{self.area.label} energy ({unit})" if unit else
                                         f"{self.area.label} RF energy")
        within = f"; the device reaches {device.min_depth_mm:g}–{device.max_depth_mm:g} mm" if device else ""
        self.depth.set_hint(f"Needle depth for {self.area.label}: usual {range_text(self.area)}{within}. "
                            "Up/Down change it by 0.05 mm; Enter goes to the next area's depth")
        is_rf = device is not None and device.modality == Modality.RF
        self.rf_energy.setEnabled(is_rf)
        self.rf_energy.set_hint((f"Energy in {unit} (RF devices only)" if unit else "Energy level (RF devices only)")
                                if is_rf else "Energy level: RF devices only; not stored with the device chosen")
        self._show_range()

    def range_caption(self) -> str:
        """The range the checks hold this row's depth to, as the row shows it under the area's name: RF or
        mechanical by the device, the indication's own where it has one ("usual 1.5–2 mm, indication")."""
        rf = self._device is not None and self._device.modality == Modality.RF
        indication = self._indications.get(self.indication.currentData())
        found = usual_range(self.area, indication, rf)
        kind = "usual RF" if rf else "usual"
        if found is None:
            return "no RF range on record"
        whose = ", indication" if indication is not None and found != usual_range(self.area, None, rf) else ""
        return f"{kind} {found[0]:g}–{found[1]:g} mm{whose}"

    def _show_range(self) -> None:
        self.label.setText(f"{self.area.label}\n({self.range_caption()})")

    def _fill_tips(self, model: DeviceModelRef | None) -> None:
        blocked = self.tip.blockSignals(True)
        self.tip.clear()
        self.tip.addItem("—", None)
        for tip in model.tips if model is not None else ():
            self.tip.addItem(tip_text(tip), tip.code)
        view = self.tip.view()
        if view is not None:
            view.setMinimumWidth(view.sizeHintForColumn(0) + 24)
        self.tip.blockSignals(blocked)
        self.tip.setVisible(self.has_tips)

    def set_note(self, kind: str, text: str) -> None:
        """A line under the row saying what the form did to it (a tip cleared, a legacy area read as a site); an
        empty text takes that kind of note away."""
        if text:
            self._notes[kind] = text
        else:
            self._notes.pop(kind, None)
        self.note.setText("; ".join(self._notes.values()))
        self.note.setVisible(bool(self._notes))

    def show_problems(self, problems: list[Problem]) -> None:
        """Marks the indication and tip boxes named by a problem (their fields areas[N].indication / .tip), with the
        message as the box's tooltip; the others are unmarked."""
        for box, what in ((self.indication, "indication"), (self.tip, "tip")):
            messages = [p.message for p in problems if p.field.endswith(f".{what}")]
            box.setStyleSheet(PROBLEM_STYLE if messages else "")
            box.setProperty("problem", "; ".join(messages) or None)
            default = (f"Why {self.area.label} is treated (—: none recorded); scar tissue has its own deeper range"
                       if what == "indication" else f"The needle tip used on {self.area.label} (—: not recorded)")
            box.setToolTip("; ".join(messages) or default)

    def value(self) -> AreaInput | None:
        """The area as typed, exactly; None while its depth or passes cannot be read (see typing_problems)."""
        depth, passes = self.depth.value(), self.passes.value()
        if depth is None or passes is None:
            return None
        rf = self.rf_energy.value() if self.rf_energy.isEnabled() else None
        endpoint = self.endpoint.currentText().strip() or None
        tip = self.tip.currentData() if self.has_tips else None
        return AreaInput(self.area.code, depth, passes, self.technique.currentData(), endpoint, rf,
                         indication=self.indication.currentData(), tip=tip)

    def typing_problems(self, n: int) -> list[Problem]:
        """One error per number of this row (the n-th, from 1) whose text cannot be read."""
        fields = [(self.depth, "depth_mm"), (self.passes, "passes")]
        if self.rf_energy.isEnabled():
            fields.append((self.rf_energy, "rf_energy"))
        return [Problem(Level.ERROR, "typed_value", f"areas[{n}].{name}", problem_message(problem))
                for field, name in fields if (problem := field.problem()) is not None]

    def state(self) -> AreaRowState:
        return AreaRowState(self.area.code, depth_mm=self.depth.text(), passes=self.passes.text(),
                            technique=self.technique.currentData(), endpoint=self.endpoint.currentText(),
                            rf_energy=self.rf_energy.text(), indication=self.indication.currentData(),
                            tip=self.tip.currentData(), notes=tuple(self._notes.items()))

    def restore(self, state: AreaRowState) -> None:
        """Puts back the texts typed; a text not stored (None) leaves the row's own."""
        for field, saved in ((self.depth, state.depth_mm), (self.passes, state.passes),
                             (self.rf_energy, state.rf_energy)):
            field.restore(saved)
        self.technique.setCurrentIndex(max(0, self.technique.findData(state.technique)))
        self.endpoint.setCurrentText(state.endpoint)
        for kind, text in state.notes:
            self.set_note(kind, text)
        for kind, saved, box, gone in (
                ("indication", state.indication, self.indication,
                 "Indication {!r} is not on record: not kept — choose it again"),
                ("tip", state.tip, self.tip, "Tip {!r} is not a tip of the device chosen: cleared — choose its tip")):
            if saved is not None:
                index = box.findData(saved)
                box.setCurrentIndex(max(0, index))
                if index < 0:
                    self.set_note(kind, gone.format(saved))


class AreaRows(QWidget):
    """The rows of the chosen areas, in the order chosen. Emits `changed` on any edit, `remove_requested(code)`."""

    changed = Signal()
    remove_requested = Signal(str)
    last_depth_entered = Signal()  # Enter in the last area's depth: the form goes back to the area box

    def __init__(self, indications: tuple[IndicationRef, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.headers: list[QLabel] = []
        for column, text in enumerate(_HEADERS):
            header = QLabel(f"<b>{text}</b>")
            self._grid.addWidget(header, 0, column)
            self.headers.append(header)
        self.headers[TIP_COLUMN].hide()
        self._grid.setColumnStretch(4, 1)
        self.empty_label = QLabel("No area chosen yet: click the map or type an area above.")
        self._grid.addWidget(self.empty_label, 1, 0, 1, len(_HEADERS))
        self.rows: list[AreaRow] = []
        self._indications = indications
        self._device: DeviceView | None = None
        self._model: DeviceModelRef | None = None

    def codes(self) -> list[str]:
        return [row.area.code for row in self.rows]

    def row(self, code: str) -> AreaRow | None:
        return next((r for r in self.rows if r.area.code == code), None)

    def add(self, area: AreaRef) -> AreaRow:
        existing = self.row(area.code)
        if existing is not None:
            return existing
        row = AreaRow(area, self._device, self._indications, self._model)
        row.depth.textChanged.connect(self.changed)
        row.indication.currentIndexChanged.connect(self.changed)
        row.tip.currentIndexChanged.connect(self.changed)
        row.tip.activated.connect(lambda: row.set_note("tip", ""))  # a tip chosen: the cleared one is settled
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
        for widget in (row.label, *row.inputs, row.note):
            self._grid.removeWidget(widget)
            widget.hide()  # at once: a deferred delete waits for the event loop, and the row must not linger
            widget.deleteLater()
        self._relayout()
        self.changed.emit()

    def _relayout(self) -> None:
        self.empty_label.setVisible(not self.rows)
        for n, row in enumerate(self.rows):
            for column, widget in enumerate((row.label, *row.inputs)):
                self._grid.addWidget(widget, 2 + 2 * n, column)
                # now, not when the event loop next runs: a fast typist's Tab must reach it
                widget.setVisible(widget is not row.tip or row.has_tips)
            self._grid.addWidget(row.note, 3 + 2 * n, 1, 1, len(_HEADERS) - 1)
            row.note.setVisible(bool(row.note.text()))

    def set_device(self, device: DeviceView | None, model: DeviceModelRef | None = None) -> None:
        """The device chosen and its model (tips, energy unit): the headers and every row follow it."""
        self._device, self._model = device, model
        self.headers[TIP_COLUMN].setVisible(model is not None and bool(model.tips))
        self.headers[ENERGY_COLUMN].setText(f"<b>{energy_header(model)}</b>")
        for row in self.rows:
            row.set_device(device, model)
        self.changed.emit()

    def show_problems(self, problems: list[Problem]) -> None:
        """Problems of a row's indication or tip (fields areas[N].indication / .tip) marked at that row. N counts the
        areas checked, which leave out rows whose depth or passes cannot be read (see values)."""
        readable = [row for row in self.rows if row.value() is not None]
        for row in self.rows:
            n = readable.index(row) + 1 if row in readable else 0
            row.show_problems([p for p in problems if n and p.field.startswith(f"areas[{n}].")])

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
