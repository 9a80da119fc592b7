"""The Clients tab driven like a user: search as you type (any script), Enter opens the client and "All clients"
returns, a new client opens on its page, the duplicate link opens the existing one, and "New session…" is passed
on. The client's own page, its consultation form and the New client form have their own test files."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.ui.clients.clients_page import ClientsPage
from clinic_log.ui.common.user_session import UserSession
from tests.ui.clients.client_pages import TODAY, shown
from tests.ui.named_widgets import button, edit, named, type_text


@pytest.fixture
def page(qtbot: QtBot, user: UserSession, db: Database) -> ClientsPage:
    return shown(qtbot, ClientsPage(db, user, today=lambda: TODAY))


def shown_refs(page: ClientsPage) -> list[str]:
    return sorted(page.model.client_row(r).client_ref for r in range(page.model.rowCount()))


@pytest.mark.parametrize(("typed", "refs"), [("zofia", ["P-1"]), ("李", ["P-2"]), ("ŞÜKRÜ", ["P-3"]),
                                             ("501 234", ["P-1"]), ("1992-03-03", ["P-2"]), ("nobody", [])])
def test_search_shows_matches_as_you_type(people: dict[str, int], page: ClientsPage, typed: str,
                                          refs: list[str]) -> None:
    assert shown_refs(page) == ["P-1", "P-2", "P-3"]
    type_text(edit(page, "Search clients"), typed)
    assert shown_refs(page) == refs
    assert page.count_label.text() == ("No clients match" if not refs else "1 client")


def fill_new_client(dialog: QWidget, ref: str, first: str, last: str, born: str) -> None:
    type_text(edit(dialog, "Client ref"), ref)
    type_text(edit(dialog, "First name"), first)
    type_text(edit(dialog, "Last name"), last)
    type_text(edit(dialog, "Date of birth"), born)


def test_a_new_client_once_created_opens_on_its_own_page(page: ClientsPage, raw: sqlite3.Connection) -> None:
    dialog = page.open_new_client()
    fill_new_client(dialog, "N-7", "Zófia", "Łukasiewicz", "1991-05-17")
    button(dialog, "Create client").click()
    assert raw.execute("SELECT COUNT(*) FROM clients WHERE client_ref = 'N-7'").fetchone() == (1,)
    assert page.stack.currentIndex() == 1
    assert page.client_page.name_label.text().startswith("Zófia Łukasiewicz")
    assert shown_refs(page) == ["N-7"]  # listed when the user goes back to the search


def test_duplicate_link_opens_the_existing_client(page: ClientsPage, people: dict[str, int]) -> None:
    dialog = page.open_new_client()
    fill_new_client(dialog, "P-9", "Zofia", "Łukasiewicz", "1990-01-01")
    button(dialog, "Create client").click()
    warning = named(dialog, "Possible duplicate")
    assert isinstance(warning, QLabel)
    warning.linkActivated.emit(f"client:{people['P-1']}")
    assert page.stack.currentIndex() == 1 and page.client_page.client_id == people["P-1"]


def test_new_session_button_asks_for_a_session_for_this_client(
        qtbot: QtBot, page: ClientsPage, people: dict[str, int]) -> None:
    client_page = page.open_client(people["P-1"])
    with qtbot.waitSignal(page.new_session_requested) as signal:
        button(client_page, "New session…").click()
    assert signal.args == [people["P-1"]]


def test_search_enter_opens_the_selected_client_and_escape_returns(
        qtbot: QtBot, page: ClientsPage, people: dict[str, int]) -> None:
    search = edit(page, "Search clients")
    type_text(search, "öztürk")
    QTest.keyClick(search, Qt.Key.Key_Return)
    assert page.client_page.client_id == people["P-3"]
    button(page, "All clients").click()
    assert page.stack.currentIndex() == 0


