"""Help → About Clinic Log…: the icon, the installed version, the database (a URL without its password) and the
data folder, in text the user can select."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from clinic_log import version
from clinic_log.db.engine import Database
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.shell.about_dialog import ICON_SIZE, AboutDialog
from tests.ui.dialogs import opens
from tests.ui.window_helpers import make_window


def value(dialog: AboutDialog, name: str) -> str:
    labels = [label for label in dialog.findChildren(QLabel) if label.accessibleName() == name]
    assert len(labels) == 1, f"one {name!r} in the About box"
    return labels[0].text()


def test_help_about_shows_the_version_the_database_and_the_data_folder(qtbot: QtBot, db: Database,
                                                                       user: UserSession, db_path: Path,
                                                                       tmp_path: Path) -> None:
    window = make_window(qtbot, db, user, db_path)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert window.about_action in help_menu.actions()
    with opens(qtbot, AboutDialog) as about:
        window.about_action.trigger()
    dialog = about.widget
    assert dialog.windowTitle() == "About Clinic Log"
    assert value(dialog, "Version") == version() != "unknown"  # the editable install's metadata: pyproject's
    assert value(dialog, "Database") == str(db_path.resolve())
    assert value(dialog, "Data folder") == str(tmp_path / "data")  # CLINIC_LOG_DATA_DIR, set for every test
    assert value(dialog, "Log files") == str(tmp_path / "data" / "logs")
    assert dialog.database_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse


def test_a_postgresql_database_is_named_without_its_password(qtbot: QtBot) -> None:
    dialog = AboutDialog("postgresql+psycopg://clinic:s3cret-pass@db.example:5432/harley")
    qtbot.addWidget(dialog)
    shown = value(dialog, "Database")
    assert "s3cret-pass" not in shown
    assert shown == "postgresql+psycopg://clinic:***@db.example:5432/harley"


def test_the_about_box_shows_the_app_icon(qtbot: QtBot, db_path: Path) -> None:
    dialog = AboutDialog(str(db_path))
    qtbot.addWidget(dialog)
    pixmap = dialog.icon_label.pixmap()
    assert not pixmap.isNull() and (pixmap.width(), pixmap.height()) == (ICON_SIZE, ICON_SIZE)
