"""Choose treatment areas from a list, keyboard first: type part of a name, Enter adds the first match.

Space (or a click) on a list item toggles it too. The face map and this list show the same choice; the form keeps
them in step through `set_chosen`.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from clinic_log.domain.text import fold
from clinic_log.domain.values import AreaRef

_CODE_ROLE = Qt.ItemDataRole.UserRole


def range_text(area: AreaRef) -> str:
    return f"{area.usual_min_mm:g}–{area.usual_max_mm:g} mm"


class AreaPicker(QWidget):
    """Emits `area_toggled(code)` when the user asks to add or remove an area."""

    area_toggled = Signal(str)

    def __init__(self, areas: Iterable[AreaRef], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Type an area, Enter adds it")
        self.filter_edit.setAccessibleName("Add area")
        self.filter_edit.setToolTip("Type part of an area's name and press Enter to add it (Alt+A)")
        self.filter_label = QLabel("&Add area")
        self.filter_label.setBuddy(self.filter_edit)
        self.hint = QLabel()
        self.hint.setAccessibleName("Enter adds")
        self.list = QListWidget()
        self.list.setAccessibleName("Areas")
        self.list.setToolTip("Space or a click adds or removes the area")
        self._labels: dict[str, str] = {}
        for area in areas:
            item = QListWidgetItem(f"{area.label}  ({range_text(area)})")
            item.setData(_CODE_ROLE, area.code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
            self._labels[area.code] = area.label
        self.list.itemChanged.connect(self._on_item_changed)
        self.filter_edit.textChanged.connect(self._on_filter)
        self.filter_edit.returnPressed.connect(self._add_first_match)
        self.filter_edit.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        self._syncing = False
        self._on_filter("")

    def _items(self) -> list[QListWidgetItem]:
        return [item for n in range(self.list.count()) if (item := self.list.item(n)) is not None]

    def set_chosen(self, codes: Iterable[str]) -> None:
        chosen = set(codes)
        self._syncing = True
        try:
            for item in self._items():
                state = Qt.CheckState.Checked if item.data(_CODE_ROLE) in chosen else Qt.CheckState.Unchecked
                if item.checkState() != state:
                    item.setCheckState(state)
        finally:
            self._syncing = False
        self._on_filter(self.filter_edit.text())

    def first_match(self) -> str | None:
        """The area Enter would add: the first unchosen one whose name (or a word of it) starts with the text."""
        needle = fold(self.filter_edit.text().strip())
        if not needle:
            return None
        candidates = [(item.data(_CODE_ROLE), fold(self._labels[item.data(_CODE_ROLE)])) for item in self._items()
                      if item.checkState() != Qt.CheckState.Checked]
        for code, label in candidates:
            if label.startswith(needle):
                return str(code)
        for code, label in candidates:
            if any(word.startswith(needle) for word in label.replace("/", " ").split()) or needle in label:
                return str(code)
        return None

    def _on_filter(self, text: str) -> None:
        code = self.first_match()
        self.hint.setText(f"Enter adds: {self._labels[code]}" if code else
                          ("No area matches" if text.strip() else "Enter adds the first matching area"))
        needle = fold(text.strip())
        for item in self._items():
            item.setHidden(bool(needle) and needle not in fold(self._labels[item.data(_CODE_ROLE)]))

    def _add_first_match(self) -> None:
        code = self.first_match()
        if code is not None:
            self.filter_edit.clear()
            self.area_toggled.emit(code)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self._syncing:
            code = str(item.data(_CODE_ROLE))
            self._syncing = True  # the form decides; set_chosen puts the box back in step
            try:
                item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
                                   else Qt.CheckState.Checked)
            finally:
                self._syncing = False
            self.area_toggled.emit(code)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down:  # from the box into the list
                self.list.setFocus()
                return True
        return super().eventFilter(watched, event)
