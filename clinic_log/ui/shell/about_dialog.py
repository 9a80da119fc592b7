"""Help → About Clinic Log…: the icon, the version, and where this window's data lives (the database, without any
password, and the data folder with the logs), so a clinic can tell support what it runs and on what."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from clinic_log import paths, version
from clinic_log.services.backup.database import database_location
from clinic_log.ui.common.icons import app_icon

ICON_SIZE = 96
TITLE = "About Clinic Log"


class AboutDialog(QDialog):
    """What Clinic Log this is and which database and data folder it uses (text the user can select and copy)."""

    def __init__(self, location: str, parent: QWidget | None = None) -> None:
        """`location`: the database the window shows (file path or URL; a URL's password is never shown)."""
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.icon_label = QLabel()
        self.icon_label.setPixmap(app_icon().pixmap(ICON_SIZE, ICON_SIZE))
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.icon_label.setAccessibleName("Clinic Log icon")
        title = QLabel("Clinic Log")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAccessibleName("Application")
        blurb = QLabel("A treatment logbook for clinics that perform microneedling.")

        self.version_label = self._value(version(), "Version")
        self.database_label = self._value(database_location(location), "Database")
        self.data_folder_label = self._value(str(paths.data_dir()), "Data folder")
        self.logs_label = self._value(str(paths.log_dir()), "Log files")
        self.runtime_label = self._value(f"Python {platform.python_version()}, Qt {pyside_version}, "
                                         f"{platform.system()} {platform.machine()}", "Runs on")
        facts = QFormLayout()
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label in (self.version_label, self.database_label, self.data_folder_label, self.logs_label,
                      self.runtime_label):
            facts.addRow(f"{label.accessibleName()}:", label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(blurb)
        text.addSpacing(8)
        text.addLayout(facts)
        text.addStretch(1)  # extra height goes below the facts, not between the lines
        top = QHBoxLayout()
        top.addWidget(self.icon_label)
        top.addSpacing(12)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    @staticmethod
    def _value(text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setAccessibleName(name)  # one line each, never wrapped: a path broken mid-word reads as two
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label
