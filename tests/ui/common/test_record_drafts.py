"""Typing on a one-record-at-a-time page stays with its record and its user: shown again it comes back, a fresh
fill never overwrites fields being edited, a read-only record keeps nothing, and a save leaves no draft."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.sessions.form_drafts import load_form_draft
from clinic_log.ui.common.form_autosave import State
from clinic_log.ui.common.record_drafts import RecordDrafts
from clinic_log.ui.common.user_session import UserSession


class NotePage(QWidget):
    """A page showing one record's note at a time; `stored` is what the database holds per record."""

    def __init__(self, db: Database, user: UserSession) -> None:
        super().__init__()
        self.stored = {1: "first note", 2: "second note"}
        self.note_edit = QLineEdit(self)
        self.drafts = RecordDrafts(db, user, "note", self.typed, self.restore_typed, [self.note_edit.textChanged],
                                   self)

    def typed(self) -> State:
        return {"note": self.note_edit.text()}

    def restore_typed(self, state: State) -> None:
        self.note_edit.setText(str(state["note"]))

    def fill(self, record_id: int) -> Callable[[], None]:
        return lambda: self.note_edit.setText(self.stored[record_id])

    def show_record(self, record_id: int, editable: bool = True) -> str | None:
        return self.drafts.show(record_id, self.fill(record_id), editable)


def page_of(qtbot: QtBot, db: Database, user: UserSession) -> NotePage:
    page = NotePage(db, user)
    qtbot.addWidget(page)
    return page


def test_typing_goes_with_its_record_and_comes_back_when_it_is_shown_again(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> None:
    page = page_of(qtbot, db, user)
    assert page.show_record(1) is None and page.note_edit.text() == "first note"
    page.note_edit.setText("first note, half typed")
    page.show_record(2)  # another record: its own stored note, nothing of record 1's typing
    assert page.note_edit.text() == "second note"
    kept = load_form_draft(db, owner, "note:1")
    assert kept is not None and kept.state == {"note": "first note, half typed"}
    assert load_form_draft(db, owner, "note:2") is None  # shown, not typed in: nothing to keep
    note = page.show_record(1)
    assert page.note_edit.text() == "first note, half typed"
    assert note is not None and note.startswith("Restored what you typed at ")


def test_the_same_record_shown_again_refills_only_fields_not_being_edited(
        qtbot: QtBot, user: UserSession, db: Database) -> None:
    page = page_of(qtbot, db, user)
    page.show_record(1)
    page.stored[1] = "saved elsewhere on the page"
    assert page.show_record(1) is None
    assert page.note_edit.text() == "saved elsewhere on the page"  # untouched: the stored value is shown
    page.note_edit.setText("being typed")
    page.stored[1] = "saved once more"
    assert page.show_record(1) is None
    assert page.note_edit.text() == "being typed"  # being edited: left as it is


def test_another_user_sees_the_stored_record_and_the_typing_stays_the_first_users(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> None:
    page = page_of(qtbot, db, user)
    page.show_record(1)
    page.note_edit.setText("the owner's typing")
    desk = Actor("desk", UserRole.RECEPTION)
    user.sign_in(desk)  # the desk takes over the computer
    assert page.show_record(1) is None
    assert page.note_edit.text() == "first note"
    assert load_form_draft(db, desk, "note:1") is None
    kept = load_form_draft(db, owner, "note:1")
    assert kept is not None and kept.state == {"note": "the owner's typing"}


def test_a_read_only_record_keeps_no_draft(qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> None:
    page = page_of(qtbot, db, user)
    page.show_record(1, editable=False)
    page.note_edit.setText("typed where nothing may be changed")
    page.drafts.put_away()
    assert load_form_draft(db, owner, "note:1") is None


def test_after_a_save_nothing_is_kept_and_later_typing_counts_from_the_saved_text(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> None:
    page = page_of(qtbot, db, user)
    page.show_record(1)
    page.note_edit.setText("saved text")
    page.stored[1] = "saved text"
    page.drafts.saved()
    page.show_record(2)
    assert load_form_draft(db, owner, "note:1") is None  # what was on screen is stored: no draft
    page.show_record(1)
    page.note_edit.setText("saved text, then more")
    page.drafts.put_away()
    kept = load_form_draft(db, owner, "note:1")
    assert kept is not None and kept.state == {"note": "saved text, then more"}
