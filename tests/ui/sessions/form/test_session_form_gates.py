"""What the practitioner sees of the gates (issue 14): the return to the login when a login no longer stands. A new
lot's expiry is in test_cartridge_lot.py, stops and who may override them in test_warnings_panel.py, an amendment
checked as a session in ../test_amend_dialog.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import AuthorityRevoked
from clinic_log.services.clients import clients
from clinic_log.services.people import auth
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.people.login_dialog import LoginDialog
from tests.ui.dialogs import opens
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_a_login_that_no_longer_stands_returns_the_window_to_the_login(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, owner: Actor) -> None:
    auth.create_user(db, owner, "desk", "Front Desk", "reception", "front-office-pass-1")
    user.sign_in(auth.login(db, "desk", "front-office-pass-1"))
    window = make_window(qtbot, db, user, db_path)
    [desk] = [u for u in auth.list_users(db, owner) if u.username == "desk"]
    auth.deactivate_user(db, owner, desk.id)
    with opens(qtbot, LoginDialog, window) as opened, pytest.raises(AuthorityRevoked, match="deactivated"):
        clients.create_client(db, user.actor, clients.ClientDetails("P-5", "New", "Client"))
    dialog = opened.widget
    qtbot.addWidget(dialog)
    assert window.guard.locked
    assert "desk was deactivated since logging in" in dialog.prompt_label.text()
    assert not window.centralWidget().isVisible()


def test_a_window_that_only_reads_notices_a_deactivated_login_within_half_a_minute(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, owner: Actor) -> None:
    auth.create_user(db, owner, "desk", "Front Desk", "reception", "front-office-pass-1")
    user.sign_in(auth.login(db, "desk", "front-office-pass-1"))
    window = make_window(qtbot, db, user, db_path)
    assert window.guard.login_check.isActive() and window.guard.login_check.interval() == 30_000
    window.guard.check_login()  # still standing: nothing happens
    assert not window.guard.locked
    [desk] = [u for u in auth.list_users(db, owner) if u.username == "desk"]
    auth.deactivate_user(db, owner, desk.id)
    with opens(qtbot, LoginDialog, window) as opened:
        window.guard.check_login()  # what the timer does every half minute
    qtbot.addWidget(opened.widget)
    assert window.guard.locked
    assert not window.centralWidget().isVisible()
