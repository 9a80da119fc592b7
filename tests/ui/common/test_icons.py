"""The app's icon: rendered from resources/icons/clinic-log.svg at any size; a missing file is an icon without
pixels, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from clinic_log import paths
from clinic_log.ui.common.icons import app_icon

APP_BLUE = QColor("#2f6f9f")  # the icon's background


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("size", [16, 48, 256])
def test_the_app_icon_is_drawn_from_the_svg_at_every_size_asked(size: int) -> None:
    image = app_icon().pixmap(size, size).toImage()
    assert (image.width(), image.height()) == (size, size)
    corner_inside = image.pixelColor(size // 8, size // 2)  # on the blue rounded square, left of the page
    assert corner_inside.name() == APP_BLUE.name()


def test_without_the_svg_the_icon_is_empty_and_the_log_says_which_file(
        qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(paths.RESOURCES_ENV, str(tmp_path))
    assert app_icon().isNull()
    assert f"icon {tmp_path / 'icons' / 'clinic-log.svg'} not found" in caplog.messages
