"""Draw on a signature pad as a hand does: a mouse stroke of press, moves with the button held, and release."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget


def drag(pad: QWidget, points: list[tuple[int, int]], button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    """A mouse stroke across the pad through `points` with `button` held."""
    def send(kind: QEvent.Type, x: int, y: int, buttons: Qt.MouseButton) -> None:
        local = QPointF(x, y)
        event = QMouseEvent(kind, local, QPointF(pad.mapToGlobal(QPoint(x, y))), button, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(pad, event)

    send(QEvent.Type.MouseButtonPress, *points[0], button)
    for x, y in points[1:]:
        send(QEvent.Type.MouseMove, x, y, button)
    send(QEvent.Type.MouseButtonRelease, *points[-1], Qt.MouseButton.NoButton)
