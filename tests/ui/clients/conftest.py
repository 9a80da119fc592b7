"""Fixtures of the client tests: a client page shown at a desk's size (a file may bring its own `page`), and three
clients whose names need more than ASCII."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.common.user_session import UserSession
from tests.ui.clients.client_pages import TODAY, shown, three_clients


@pytest.fixture
def page(qtbot: QtBot, user: UserSession, db: Database) -> ClientPage:
    return shown(qtbot, ClientPage(db, user, today=lambda: TODAY))


@pytest.fixture
def people(db: Database, owner: Actor) -> dict[str, int]:
    return three_clients(db, owner)
