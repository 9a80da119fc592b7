"""The New client form: names in any script, a date of birth typed either way round or refused with its reason,
a possible duplicate shown with a link (created only once confirmed), and what was typed kept through a crash."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails, ClientView
from clinic_log.ui.clients.client_dialog import NewClientDialog
from clinic_log.ui.common.user_session import UserSession
from tests.ui.named_widgets import button, edit, named, type_text


@pytest.fixture
def dialog(qtbot: QtBot, user: UserSession, db: Database) -> NewClientDialog:
    return new_dialog(qtbot, user, db)


def new_dialog(qtbot: QtBot, user: UserSession, db: Database) -> NewClientDialog:
    made = NewClientDialog(db, user)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    return made


@pytest.fixture
def zofia(db: Database, owner: Actor) -> int:
    return clients.create_client(db, owner, ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1))).id


def fill_new_client(dialog: QWidget, ref: str, first: str, last: str, born: str) -> None:
    type_text(edit(dialog, "Client ref"), ref)
    type_text(edit(dialog, "First name"), first)
    type_text(edit(dialog, "Last name"), last)
    type_text(edit(dialog, "Date of birth"), born)


@pytest.mark.parametrize(("first", "last"), [("Zófia", "Łukasiewicz"), ("李", "娜"), ("Şükrü", "Öztürk")])
def test_new_client_form_stores_names_in_any_script(qtbot: QtBot, dialog: NewClientDialog, raw: sqlite3.Connection,
                                                    first: str, last: str) -> None:
    fill_new_client(dialog, "N-7", first, last, "1991-05-17")
    type_text(edit(dialog, "Phone"), "+48 600 100 200")
    with qtbot.waitSignal(dialog.created) as created:
        button(dialog, "Create client").click()
    row = raw.execute("SELECT id, first_name, last_name, date_of_birth, phone, email FROM clients "
                      "WHERE client_ref = 'N-7'").fetchone()
    assert row[1:] == (first, last, "1991-05-17", "+48 600 100 200", None)  # no e-mail typed: none stored
    view = created.args[0]
    assert isinstance(view, ClientView) and view.id == row[0]
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_date_of_birth_typed_day_first_is_stored_as_that_day(dialog: NewClientDialog,
                                                                raw: sqlite3.Connection) -> None:
    fill_new_client(dialog, "N-8", "Ana", "Silva", "17.05.1991")
    button(dialog, "Create client").click()
    assert raw.execute("SELECT date_of_birth FROM clients WHERE client_ref = 'N-8'").fetchone() == ("1991-05-17",)


def test_new_client_form_names_a_bad_date(dialog: NewClientDialog, raw: sqlite3.Connection) -> None:
    fill_new_client(dialog, "N-8", "Ana", "Silva", "31.02.1990")
    button(dialog, "Create client").click()
    problem = named(dialog, "Problem")
    assert isinstance(problem, QLabel) and problem.text().startswith("date of birth: '31.02.1990' is not allowed")
    assert raw.execute("SELECT COUNT(*) FROM clients").fetchone() == (0,)
    assert dialog.isVisible() and edit(dialog, "Date of birth").text() == "31.02.1990"  # left to correct


def test_possible_duplicate_is_shown_with_a_link_and_created_once_confirmed(
        dialog: NewClientDialog, zofia: int, raw: sqlite3.Connection) -> None:
    fill_new_client(dialog, "P-9", "ZOFIA", "Lukasiewicz", "1990-01-01")
    button(dialog, "Create client").click()
    warning = named(dialog, "Possible duplicate")
    assert isinstance(warning, QLabel) and warning.isVisible()
    assert "Possible duplicate" in warning.text() and "P-1 Zófia Łukasiewicz" in warning.text()
    assert f'href="client:{zofia}"' in warning.text()
    assert raw.execute("SELECT COUNT(*) FROM clients").fetchone() == (1,)
    button(dialog, "Create anyway").click()
    assert raw.execute("SELECT COUNT(*) FROM clients WHERE client_ref = 'P-9'").fetchone() == (1,)


def test_changing_a_field_after_the_duplicate_warning_asks_again(dialog: NewClientDialog, zofia: int,
                                                                raw: sqlite3.Connection) -> None:
    fill_new_client(dialog, "P-9", "Zofia", "Łukasiewicz", "1990-01-01")
    button(dialog, "Create client").click()
    assert named(dialog, "Possible duplicate").isVisible()
    type_text(edit(dialog, "Phone"), "+48 600")  # "Create anyway" confirmed the person as typed, not this one
    assert not named(dialog, "Possible duplicate").isVisible()
    button(dialog, "Create client").click()
    assert named(dialog, "Possible duplicate").isVisible()
    assert raw.execute("SELECT COUNT(*) FROM clients").fetchone() == (1,)


def test_following_the_duplicate_link_closes_the_form_and_forgets_what_was_typed(
        qtbot: QtBot, user: UserSession, db: Database, dialog: NewClientDialog, zofia: int,
        raw: sqlite3.Connection) -> None:
    fill_new_client(dialog, "P-9", "Zofia", "Łukasiewicz", "1990-01-01")
    button(dialog, "Create client").click()
    warning = named(dialog, "Possible duplicate")
    assert isinstance(warning, QLabel)
    with qtbot.waitSignal(dialog.open_client_requested) as requested:
        warning.linkActivated.emit(f"client:{zofia}")
    assert requested.args == [zofia]
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert raw.execute("SELECT COUNT(*) FROM clients").fetchone() == (1,)
    assert edit(new_dialog(qtbot, user, db), "Client ref").text() == ""  # the client is on file: nothing to offer


def test_new_client_details_typed_before_a_crash_come_back_and_go_once_created(
        qtbot: QtBot, user: UserSession, db: Database, dialog: NewClientDialog, raw: sqlite3.Connection) -> None:
    fill_new_client(dialog, "N-9", "Zófia", "Łukasiewicz", "1990-01-01")
    qtbot.waitUntil(lambda: raw.execute("SELECT COUNT(*) FROM form_drafts WHERE form_key = 'client:new'")
                    .fetchone() == (1,), timeout=5000)
    dialog.hide()  # the app dies here: nothing saved, nothing cancelled

    again = new_dialog(qtbot, user, db)
    assert [edit(again, name).text() for name in ("Client ref", "First name", "Last name", "Date of birth")] == [
        "N-9", "Zófia", "Łukasiewicz", "1990-01-01"]
    assert named(again, "Problem").property("text").startswith("Restored what you typed at ")
    button(again, "Create client").click()
    assert raw.execute("SELECT first_name FROM clients WHERE client_ref = 'N-9'").fetchone() == ("Zófia",)
    assert raw.execute("SELECT COUNT(*) FROM form_drafts WHERE form_key = 'client:new'").fetchone() == (0,)
    assert edit(new_dialog(qtbot, user, db), "Client ref").text() == ""
