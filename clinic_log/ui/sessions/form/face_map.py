"""A clickable face and body map (resources/face_map.svg): click an area to choose it, click again to drop it.

Each area is an SVG element whose id is an area code; its child shapes are hit-tested with
`QSvgRenderer.boundsOnElement`, the smallest shape under the pointer winning (so the nose wins over the
cheeks' shared box). Chosen areas are drawn in a highlight colour by rewriting their fill in the SVG text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

from clinic_log.paths import resources_dir

MAP_FILE = "face_map.svg"
CHOSEN_FILL = "#f0a050"
_SVG = "{http://www.w3.org/2000/svg}"


def map_parts(svg_text: str) -> dict[str, list[str]]:
    """Area code → the ids of the shapes a click is tested against (the area element itself if it has none)."""
    root = ET.fromstring(svg_text)
    parts: dict[str, list[str]] = {}
    for element in root.iter():
        if element.get("class") == "area" and element.get("id"):
            code = element.get("id", "")
            children = [child.get("id", "") for child in element.iter() if child is not element and child.get("id")]
            parts[code] = children or [code]
    return parts


class FaceMap(QWidget):
    """Emits `area_clicked(code)`; the owner decides and calls `set_chosen` with the areas now chosen."""

    area_clicked = Signal(str)

    def __init__(self, labels: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._template = (resources_dir() / MAP_FILE).read_text(encoding="utf-8")
        self._parts = {code: ids for code, ids in map_parts(self._template).items() if code in labels}
        self._labels = labels
        self._chosen: frozenset[str] = frozenset()
        self._renderer = QSvgRenderer(QByteArray(self._template.encode("utf-8")), self)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(405, 250)  # the body labels stay legible at 1366×768
        self.setAccessibleName("Face and body map")
        self.setToolTip("Click an area to add it, click again to remove it (or use the area list)")

    @property
    def area_codes(self) -> list[str]:
        return list(self._parts)

    @property
    def chosen(self) -> frozenset[str]:
        return self._chosen

    def set_chosen(self, codes: Iterable[str]) -> None:
        chosen = frozenset(c for c in codes if c in self._parts)
        if chosen == self._chosen:
            return
        self._chosen = chosen
        svg = self._template
        for code in chosen:
            svg = re.sub(rf'(<g id="{re.escape(code)}" class="area" fill=")[^"]*"', rf'\g<1>{CHOSEN_FILL}"', svg)
        self._renderer.load(QByteArray(svg.encode("utf-8")))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(490, 300)

    def _view_rect(self) -> QRectF:
        """Where the map is drawn: the widget's rectangle shrunk to the SVG's aspect ratio, centred."""
        box = self._renderer.viewBoxF()
        scale = min(self.width() / box.width(), self.height() / box.height())
        w, h = box.width() * scale, box.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def element_rect(self, element_id: str) -> QRectF:
        """An SVG element's bounds in widget coordinates."""
        box, view = self._renderer.viewBoxF(), self._view_rect()
        bounds = self._renderer.boundsOnElement(element_id)
        sx, sy = view.width() / box.width(), view.height() / box.height()
        return QRectF(view.x() + (bounds.x() - box.x()) * sx, view.y() + (bounds.y() - box.y()) * sy,
                      bounds.width() * sx, bounds.height() * sy)

    def area_at(self, point: QPointF) -> str | None:
        hits = [(rect.width() * rect.height(), code)
                for code, ids in self._parts.items() for rect in map(self.element_rect, ids) if rect.contains(point)]
        return min(hits)[1] if hits else None

    def area_center(self, code: str) -> QPointF:
        """The centre of an area's first shape (tests click there)."""
        return self.element_rect(self._parts[code][0]).center()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._renderer.render(painter, self._view_rect())
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        code = self.area_at(event.position())
        self.setCursor(Qt.CursorShape.PointingHandCursor if code else Qt.CursorShape.ArrowCursor)
        self.setToolTip(self._labels[code] if code else "Click an area to add it, click again to remove it")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            code = self.area_at(event.position())
            if code is not None:
                self.area_clicked.emit(code)
