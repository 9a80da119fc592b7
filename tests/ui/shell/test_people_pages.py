"""The people-and-trust tabs (practitioners, devices and lots, users, audit) are built on demand: importing the main
window loads none of their modules, and each factory builds its page for the session it is given."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.shell import people_pages

REPO = Path(__file__).resolve().parents[3]
PAGES = ("clinic_log.ui.people.practitioners_page", "clinic_log.ui.devices.devices_page",
         "clinic_log.ui.people.users_page", "clinic_log.ui.audit.audit_page")


def test_the_main_window_loads_none_of_these_pages_until_their_tab_is_shown() -> None:
    probe = ("import sys; import clinic_log.ui.shell.main_window; "
             f"print(sorted(m for m in sys.modules if m in {PAGES!r}))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60,
                          check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("factory", "class_name"), [
    (people_pages.practitioners_page, "PractitionersPage"), (people_pages.devices_page, "DevicesPage"),
    (people_pages.users_page, "UsersPage"), (people_pages.audit_page, "AuditPage")])
def test_each_factory_builds_its_page(qtbot: QtBot, db: Database, user: UserSession,
                                      factory: Callable[[Database, UserSession], QWidget], class_name: str) -> None:
    page = factory(db, user)
    qtbot.addWidget(page)
    assert type(page).__name__ == class_name
