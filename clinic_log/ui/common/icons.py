"""Clinic Log's icons: SVG files in resources/icons, loaded through this one helper (the app's icon among them)."""

from __future__ import annotations

import logging

from PySide6.QtGui import QIcon

from clinic_log.paths import resources_dir

log = logging.getLogger(__name__)
APP_ICON = "clinic-log.svg"  # also the icon `make install-desktop` installs for the launcher


def icon(file_name: str) -> QIcon:
    """The icon in resources/icons/`file_name`, rendered at whatever size is asked (Qt's SVG icon engine); a missing
    file gives an empty icon (a window without an icon) and a line in the log, never an error."""
    path = resources_dir() / "icons" / file_name
    if not path.is_file():
        log.warning("icon %s not found", path)
        return QIcon()
    return QIcon(str(path))


def app_icon() -> QIcon:
    """Clinic Log's icon: every window's, and the About box's."""
    return icon(APP_ICON)
