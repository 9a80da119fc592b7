"""Shared by the tests of the decision dialogs and of the client page's Decisions box: a client not suitable today
(isotretinoin stopped ten days ago) on their page, and recording or closing a decision as a user does."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QComboBox, QListWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.clients_page import ClientsPage
from clinic_log.ui.clients.decision_dialog import CloseDecisionDialog, DecisionDialog
from clinic_log.ui.common.user_session import UserSession
from tests.ui.named_widgets import button, edit, named, type_text

TODAY = date.today()  # a decision is dated by the clock; the page judges "open" for its today


def not_suitable_client_page(qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> ClientPage:
    """The owner on the page of a client who stopped isotretinoin ten days ago: "Not suitable today"."""
    user.sign_in(owner)
    client = clients.create_client(db, owner, ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1)))
    clients.add_finding(db, owner, client.id, "isotretinoin", TODAY - timedelta(days=90), TODAY - timedelta(days=10))
    page = ClientsPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    return page.open_client(client.id)


def listed_box(page: ClientPage) -> QListWidget:
    widget = named(page, "Decisions")
    assert isinstance(widget, QListWidget)
    return widget


def listed_lines(page: ClientPage) -> list[str]:
    widget = listed_box(page)
    return [widget.item(n).text() for n in range(widget.count())] if widget.isVisible() else []


def record_decision(page: ClientPage, kind: str, reason: str, detail: str) -> None:
    dialog = decision_dialog(page, kind)
    type_text(named(dialog, "Reason"), reason)
    type_text(edit(dialog, {"referral": "Referred to", "alternative": "Alternative"}[kind]), detail)
    button(dialog, "Record decision").click()


def close_decision(page: ClientPage, row: int, note: str) -> None:
    listed_box(page).setCurrentRow(row)
    button(page, "Close…").click()
    (closing,) = [d for d in page.findChildren(CloseDecisionDialog) if d.isVisible()]
    type_text(edit(closing, "Close note"), note)
    button(closing, "Close decision").click()


def decision_dialog(page: ClientPage, kind: str) -> DecisionDialog:
    button(page, "Record decision…").click()
    (dialog,) = [d for d in page.findChildren(DecisionDialog) if d.isVisible()]  # an earlier one awaits deletion
    combo = named(dialog, "Decision")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(kind))
    return dialog
