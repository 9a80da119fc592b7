"""The quick client picker (client_picker.py): type part of a name, Up/Down choose, Enter takes the highlighted client
once, even when it is typed before the search has run."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientView
from clinic_log.ui.sessions.client_picker import ClientPickerDialog, client_line


@pytest.fixture
def picker(qtbot: QtBot, db: Database, owner: Actor) -> tuple[ClientPickerDialog, list[int]]:
    """A shown picker over two clients called Amara, and the ids it took."""
    for ref, last in (("P-1", "Okafor"), ("P-2", "Mensah")):
        clients.create_client(db, owner, clients.ClientDetails(ref, "Amara", last))
    dialog = ClientPickerDialog(db)
    qtbot.addWidget(dialog)
    taken: list[int] = []
    dialog.client_chosen.connect(taken.append)
    dialog.show()
    return dialog, taken


def listed(dialog: ClientPickerDialog) -> list[int]:
    return [int(dialog.results.item(n).data(Qt.ItemDataRole.UserRole)) for n in range(dialog.results.count())]


def test_a_client_line_names_the_client_with_birth_date_and_fitzpatrick_type_when_known() -> None:
    full = ClientView(1, "P-1", "Zofia", "Łukasiewicz", date(1990, 1, 1), None, None, 4)
    assert client_line(full) == "Zofia Łukasiewicz (P-1), born 1990-01-01, Fitzpatrick IV"
    bare = ClientView(2, "P-2", "Amara", "Okafor", None, None, None, None)
    assert client_line(bare) == "Amara Okafor (P-2)"


def test_enter_typed_before_the_search_ran_takes_the_first_match_once(
        qtbot: QtBot, picker: tuple[ClientPickerDialog, list[int]]) -> None:
    dialog, taken = picker
    qtbot.keyClicks(dialog.search, "okaf")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # within the 120 ms pause: no result listed yet
    assert len(taken) == 1 and dialog.result() == ClientPickerDialog.DialogCode.Accepted
    assert listed(dialog) == taken
    dialog.take()  # a second Enter (the OK button's) takes nothing more
    assert len(taken) == 1


def test_down_in_the_search_box_highlights_the_next_client_and_enter_takes_that_one(
        qtbot: QtBot, picker: tuple[ClientPickerDialog, list[int]]) -> None:
    dialog, taken = picker
    qtbot.keyClicks(dialog.search, "amara")
    dialog.refresh()
    assert len(listed(dialog)) == 2 and dialog.hint.text() == "2 matching, Enter takes the highlighted one"
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # already the last: stays there
    assert dialog.results.currentRow() == 1 and dialog.search.hasFocus()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert taken == [listed(dialog)[1]]


@pytest.mark.parametrize(("typed", "said"), [("a", "Type at least 2 letters."),
                                             ("zz", "No client matches “zz”.")])
def test_too_little_or_no_match_is_said_and_enter_takes_nobody(
        qtbot: QtBot, picker: tuple[ClientPickerDialog, list[int]], typed: str, said: str) -> None:
    dialog, taken = picker
    qtbot.keyClicks(dialog.search, typed)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.hint.text() == said and dialog.results.count() == 0
    assert taken == [] and dialog.isVisible()
