"""Products and topicals applied: numbing cream with its contact time, a serum, PRP and anything else.

The contact time is kept exactly as typed (whole minutes, no limit); a time that cannot be read is shown by
`typing_problems` and left out of `values`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from clinic_log.domain.enums import Level
from clinic_log.domain.values import Problem, ProductInput
from clinic_log.services.sessions.session_form_state import ProductsState
from clinic_log.ui.common.number_field import WholeNumberField
from clinic_log.ui.common.typed_field import problem_message

NUMBING = "Numbing cream"
PRP = "PRP (platelet-rich plasma)"
SERUMS = ("", "Hyaluronic acid serum", "Growth factor serum", "Peptide serum", "Exosome serum")
DEFAULT_CONTACT_MIN = 30
CONTACT_STEP_MIN = 5


class ProductsSection(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.numbing = QCheckBox(NUMBING)
        self.numbing.setAccessibleName(NUMBING)
        self.contact = WholeNumberField(
            "Contact time", "whole minutes such as 30", str(CONTACT_STEP_MIN), required=False, chars=4,
            hint=f"How long the numbing cream stayed on the skin, in minutes; Up/Down change it by {CONTACT_STEP_MIN}")
        self.contact.setText(str(DEFAULT_CONTACT_MIN))
        self.contact.setAccessibleName("Contact time")
        contact_box = QWidget()
        contact_row = QHBoxLayout(contact_box)
        contact_row.setContentsMargins(0, 0, 0, 0)
        contact_row.addWidget(self.contact)
        contact_row.addWidget(QLabel("min"))
        self.serum = QComboBox()
        self.serum.setEditable(True)
        self.serum.addItems(SERUMS)
        self.serum.setAccessibleName("Serum")
        self.prp = QCheckBox("PRP")
        self.prp.setAccessibleName("PRP")
        self.prp.setToolTip(PRP)
        self.other = QLineEdit()
        self.other.setAccessibleName("Other products")
        self.other.setPlaceholderText("comma-separated, e.g. post-procedure balm")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.numbing, 0, 0)
        contact_label = QLabel("Contact time")
        contact_label.setBuddy(self.contact)
        grid.addWidget(contact_label, 0, 1)
        grid.addWidget(contact_box, 0, 2)
        serum_label = QLabel("Serum")
        serum_label.setBuddy(self.serum)
        grid.addWidget(serum_label, 0, 3)
        grid.addWidget(self.serum, 0, 4)
        grid.addWidget(self.prp, 0, 5)
        other_label = QLabel("Other products")
        other_label.setBuddy(self.other)
        grid.addWidget(other_label, 1, 0)
        grid.addWidget(self.other, 1, 1, 1, 5)
        grid.setColumnStretch(4, 1)
        self.numbing.toggled.connect(self._sync)
        for signal in (self.numbing.toggled, self.contact.textChanged, self.serum.currentTextChanged,
                       self.prp.toggled, self.other.textChanged):
            signal.connect(self.changed)
        self._sync()

    def _sync(self) -> None:
        self.contact.setEnabled(self.numbing.isChecked())

    def focus_widgets(self) -> list[QWidget]:
        return [self.numbing, self.contact, self.serum, self.prp, self.other]

    def typing_problems(self) -> list[Problem]:
        """An error when the numbing cream's contact time is typed but cannot be read."""
        problem = self.contact.problem() if self.numbing.isChecked() else None
        if problem is None:
            return []
        return [Problem(Level.ERROR, "typed_value", "products.contact_minutes", problem_message(problem))]

    def values(self) -> tuple[ProductInput, ...]:
        """The products as typed; a contact time that cannot be read is left out (typing_problems names it)."""
        out = []
        if self.numbing.isChecked():
            out.append(ProductInput(NUMBING, self.contact.value()))
        if self.serum.currentText().strip():
            out.append(ProductInput(self.serum.currentText().strip()))
        if self.prp.isChecked():
            out.append(ProductInput(PRP))
        out += [ProductInput(name.strip()) for name in self.other.text().split(",") if name.strip()]
        return tuple(out)

    def state(self) -> ProductsState:
        return ProductsState(numbing=self.numbing.isChecked(), contact_minutes=self.contact.text(),
                             serum=self.serum.currentText(), prp=self.prp.isChecked(), other=self.other.text())

    def restore(self, state: ProductsState) -> None:
        self.numbing.setChecked(state.numbing)
        self.contact.restore(state.contact_minutes)  # None: not stored, the field keeps its own
        self.serum.setCurrentText(state.serum)
        self.prp.setChecked(state.prp)
        self.other.setText(state.other)
