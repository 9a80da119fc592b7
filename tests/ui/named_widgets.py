"""Find a widget the way a screen reader does, by its accessible name (its visible label), and type into it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget


def named(root: QWidget, name: str) -> QWidget:
    """The one widget under `root` whose accessible name is `name`."""
    found = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} widgets named {name!r}"
    return found[0]


def edit(root: QWidget, name: str) -> QLineEdit:
    widget = named(root, name)
    assert isinstance(widget, QLineEdit)
    return widget


def button(root: QWidget, name: str) -> QPushButton:
    widget = named(root, name)
    assert isinstance(widget, QPushButton)
    return widget


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, one key event per character (qtbot.keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    for ch in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier)
