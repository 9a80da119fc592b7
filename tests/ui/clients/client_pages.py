"""What the client-page tests share: the day the pages judge by, a page shown at a desk's size, and three clients
whose names need more than ASCII."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails

TODAY = date(2026, 9, 1)
W = TypeVar("W", bound=QWidget)


def shown(qtbot: QtBot, widget: W) -> W:
    """`widget` shown at 1300×800 (a desk's window), exposed."""
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def three_clients(db: Database, owner: Actor) -> dict[str, int]:
    """P-1 Zófia Łukasiewicz (with a phone), P-2 李娜, P-3 Şükrü Öztürk: reference → id."""
    ids = {}
    for details in (ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1), "+48 501 234 567"),
                    ClientDetails("P-2", "李", "娜", date(1992, 3, 3)),
                    ClientDetails("P-3", "Şükrü", "Öztürk", date(1985, 12, 24))):
        ids[details.client_ref] = clients.create_client(db, owner, details).id
    return ids
