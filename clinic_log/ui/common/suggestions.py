"""Suggestions under a text box as the user types (the history's client box, the recall's lot box).

`Suggestions(edit)` emits `typed(text)` once typing pauses with at least `from_chars` characters; the page looks the
text up off the GUI thread and hands the matches back with `show(text, [(shown line, value), …])`. The list pops
up under the box (the database matched them, so Qt does not filter them again); taking one puts its value in the
box.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit

DELAY_MS = 120
VALUE_ROLE = Qt.ItemDataRole.UserRole


class Suggestions(QObject):
    typed = Signal(str)  # what was typed, after a pause

    def __init__(self, edit: QLineEdit, name: str, from_chars: int = 2) -> None:
        super().__init__(edit)
        self._edit = edit
        self._from_chars = from_chars
        self.model = QStandardItemModel(self)
        completer = QCompleter(self.model, edit)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCompletionRole(VALUE_ROLE)  # taking a suggestion types its value
        edit.setCompleter(completer)
        popup = completer.popup()
        assert popup is not None
        popup.setAccessibleName(name)
        self.popup: QAbstractItemView = popup
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._ask)
        self._taken = ""  # text the user pressed Enter on: its suggestions would only get in the way
        edit.textEdited.connect(lambda _text: self._timer.start())  # the user typing, not text set in code
        edit.returnPressed.connect(self._entered)

    def _entered(self) -> None:
        self._timer.stop()
        self._taken = self._edit.text().strip()
        self.popup.hide()

    def _ask(self) -> None:
        text = self._edit.text().strip()
        self._taken = ""
        if len(text) >= self._from_chars:
            self.typed.emit(text)
        else:
            self.model.clear()

    def show(self, typed: str, matches: Sequence[tuple[str, str]]) -> None:
        """Offer `matches` under the box, if it still holds `typed` (else a newer list is on its way)."""
        if self._edit.text().strip() != typed or typed == self._taken:
            return
        self.model.clear()
        for shown, value in matches:
            item = QStandardItem(shown)
            item.setData(value, VALUE_ROLE)
            self.model.appendRow(item)
        if matches and self._edit.hasFocus():
            self._edit.completer().complete()
        else:
            self.popup.hide()

    def lines(self) -> list[str]:
        """The suggestions on offer, as shown."""
        return [self.model.item(r).text() for r in range(self.model.rowCount())]
