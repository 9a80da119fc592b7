"""Dates typed with the keyboard are kept exactly as typed: an impossible one is named in Checks and refused, never
moved to a date that exists; a real one (even long past) is stored as typed; the calendar sets a date with the
mouse; older autosaves come back."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QTableView, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.services.sessions.form_drafts import save_form_draft
from clinic_log.services.sessions.session_queries import count_sessions
from clinic_log.ui.common.date_field import DateField, DateTimeField
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.session_form import SessionFormDialog, form_key
from tests.ui.session_form_helpers import amend_signed_cheeks, checked, open_form
from tests.unit.services.helpers import Clinic

# Opening the calendar pops a menu up; the offscreen platform says it cannot raise it or grab the keyboard for it.
POPUP_NOISE = ("This plugin does not support raise", "This plugin does not support grabbing the keyboard")


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def _new_lot(qtbot: QtBot, form: SessionFormDialog) -> None:
    """Type a lot that is not on record over the prefilled one: the focus goes to its (empty) expiry."""
    form.toggle_area("forehead")
    form.lot.selectAll()
    qtbot.keyClicks(form.lot, "NEW-9")
    qtbot.keyClick(form.lot, Qt.Key.Key_Return)
    assert form.lot_expires.hasFocus() and form.lot_expires.text() == ""


def _type(qtbot: QtBot, field: QWidget, text: str) -> None:
    """Type `text` over what the field shows, then Tab away, as a user would."""
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Tab)


def _messages(form: SessionFormDialog) -> str:
    return "\n".join(form.panel.messages())


def _stored_lot(db_path: Path, session_id: int) -> tuple[str, str]:
    with sqlite3.connect(db_path) as con:
        row = con.execute("SELECT l.lot_number, l.expires_on FROM sessions s JOIN cartridge_lots l "
                          "ON l.id = s.cartridge_lot_id WHERE s.id = ?", (session_id,)).fetchone()
    return row[0], row[1]


def _click_day(qtbot: QtBot, field: DateField | DateTimeField, day: date) -> None:
    """Open the field's calendar with its button, go to `day`'s month and click the day with the mouse."""
    qtbot.mouseClick(field.calendar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(field.calendar.isVisible)
    field.calendar.setSelectedDate(QDate(day.year, day.month, day.day))  # paging to the month and the day
    view = field.calendar.findChild(QTableView)
    assert view is not None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(view.currentIndex()).center())


# --- the session form's lot expiry ----------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "reason"), [
    ("2027-02-30", "2027-02-30 is not a date (February 2027 has 28 days)"),
    ("2027-13-01", "month 13 does not exist (months run 1–12)"),
    ("2027-2-31", "2027-2-31 is not a date (February 2027 has 28 days)"),
])
def test_an_impossible_lot_expiry_stays_as_typed_is_an_error_in_checks_and_is_never_signed(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, typed: str, reason: str) -> None:
    form = open_form(qtbot, db, user, clinic)
    _new_lot(qtbot, form)
    qtbot.keyClicks(form.lot_expires, typed)
    qtbot.keyClick(form.lot_expires, Qt.Key.Key_Tab)
    checked(qtbot, form)
    assert form.lot_expires.text() == typed and form.lot_expires.value() is None
    assert f"Error: Lot expiry: {typed!r} is not allowed; {reason}; enter the expiry" in _messages(form)
    assert reason in form.lot_expires.toolTip() and "border" in form.lot_expires.styleSheet()
    assert form.lot_status.text() == "expiry cannot be read: see Checks"
    assert not form.sign_button.isEnabled()
    before = count_sessions(db)
    assert not form.sign()
    assert f"Not signed: fix what is typed first — Lot expiry: {typed!r}" in form.panel.status.text()
    assert count_sessions(db) == before and form.lot_expires.text() == typed


def test_a_long_past_lot_expiry_is_kept_and_the_checks_say_the_lot_expired(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    _new_lot(qtbot, form)
    qtbot.keyClicks(form.lot_expires, "1999-05-05")
    qtbot.keyClick(form.lot_expires, Qt.Key.Key_Tab)
    checked(qtbot, form, lambda: "Error: lot NEW-9 expired 1999-05-05" in _messages(form))
    assert form.lot_expires.text() == "1999-05-05" and form.lot_expires.value() == date(1999, 5, 5)
    assert "Lot expiry:" not in _messages(form)  # a real date: the rules, not the typing, say what is wrong
    assert form.lot_status.text() == "EXPIRED" and not form.sign_button.isEnabled()


@pytest.mark.parametrize("shape", ["{year}-02-28", "28.2.{year}"])
def test_a_lot_expiry_typed_into_the_empty_box_is_stored_with_the_signed_session(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, clinic: Clinic, shape: str) -> None:
    year = date.today().year + 1  # 2027-02-28 when written; always ahead
    typed = shape.format(year=year)
    form = open_form(qtbot, db, user, clinic)
    _new_lot(qtbot, form)
    qtbot.keyClicks(form.lot_expires, typed)
    qtbot.keyClick(form.lot_expires, Qt.Key.Key_Tab)
    checked(qtbot, form, lambda: form.sign_button.isEnabled())
    assert form.lot_expires.text() == typed
    assert form.lot_status.text() == f"expires {year}-02-28 (new lot)"
    with qtbot.waitSignal(form.signed) as signed:
        assert form.sign()
    assert _stored_lot(db_path, signed.args[0]) == ("NEW-9", f"{year}-02-28")


@pytest.mark.qt_log_ignore(*POPUP_NOISE)
def test_a_click_in_the_calendar_sets_the_lot_expiry(qtbot: QtBot, user: UserSession, db: Database,
                                                     clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    _new_lot(qtbot, form)
    day = date(date.today().year + 1, 3, 14)
    _click_day(qtbot, form.lot_expires, day)
    assert form.lot_expires.text() == day.isoformat() and not form.lot_expires.calendar.isVisible()
    qtbot.waitUntil(form.lot_expires.hasFocus)  # back in the field, to go on with the keyboard
    checked(qtbot, form, lambda: form.sign_button.isEnabled())
    assert form.lot_status.text() == f"expires {day.isoformat()} (new lot)"
    entry = form.entry()
    assert entry is not None and entry.lot_expires == day


def test_a_known_lot_shows_its_stored_expiry_and_it_cannot_be_typed_over(qtbot: QtBot, user: UserSession, db: Database,
                                                                         clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    assert form.lot.text() == "SP14-1" and not form.lot_expires.isEnabled()
    assert not form.lot_expires.calendar_button.isEnabled()
    shown = form.lot_expires.text()
    qtbot.keyClicks(form.lot_expires, "2027")
    qtbot.keyClick(form.lot_expires, Qt.Key.Key_Up)
    assert form.lot_expires.text() == shown


# --- the session form's Date/time --------------------------------------------------------------------------------


def test_an_impossible_session_date_is_kept_named_in_checks_and_neither_saved_nor_signed(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    _type(qtbot, form.started, "2026-02-30 09:30")
    checked(qtbot, form, lambda: "Date/time" in _messages(form))
    assert form.started.text() == "2026-02-30 09:30" and form.entry() is None
    assert ("Error: Date/time: '2026-02-30 09:30' is not allowed; 2026-02-30 is not a date (February 2026 has 28 "
            "days)") in _messages(form)
    assert not form.sign_button.isEnabled() and form.next_session.text() == ""
    before = count_sessions(db)
    assert not form.sign()
    assert "Not signed: fix what is typed first — Date/time: '2026-02-30 09:30'" in form.panel.status.text()
    assert not form.save_draft_now()
    assert "Not saved: fix what is typed first — Date/time" in form.panel.status.text()
    assert count_sessions(db) == before and form.started.text() == "2026-02-30 09:30"

    _type(qtbot, form.started, "2026-02-28 9:30")
    checked(qtbot, form, lambda: "Date/time" not in _messages(form))
    entry = form.entry()
    assert entry is not None and entry.started_at == datetime(2026, 2, 28, 9, 30).astimezone()
    assert form.next_session.text().startswith("next session suggested 2026-03-28 to 2026-04-11")


@pytest.mark.qt_log_ignore(*POPUP_NOISE)
def test_a_click_in_the_calendar_changes_only_the_day_of_the_session_time(qtbot: QtBot, user: UserSession, db: Database,
                                                                          clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    _type(qtbot, form.started, "2026-02-30 09:30")
    _click_day(qtbot, form.started, date(2026, 2, 27))
    assert form.started.text() == "2026-02-27 09:30"  # the time typed stays; the impossible day is replaced by
    assert form.started.problem() is None              # the one the user clicked, not by one Qt picked


def test_up_and_down_step_the_session_time_by_a_day_or_five_minutes_where_the_cursor_is(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    _type(qtbot, form.started, "2026-3-31 9:32")
    form.started.setFocus()
    form.started.setCursorPosition(len(form.started.text()))  # in the time
    qtbot.keyClick(form.started, Qt.Key.Key_Up)
    assert form.started.text() == "2026-03-31 09:35"
    qtbot.keyClick(form.started, Qt.Key.Key_Down)
    qtbot.keyClick(form.started, Qt.Key.Key_Down)
    assert form.started.text() == "2026-03-31 09:25"
    form.started.setCursorPosition(2)  # in the date
    qtbot.keyClick(form.started, Qt.Key.Key_Up)
    assert form.started.text() == "2026-04-01 09:25"
    assert form.started.cursorPosition() == len("2026-04-01")


# --- autosaves -----------------------------------------------------------------------------------------------


def test_an_autosave_from_an_older_version_comes_back_with_its_dates(qtbot: QtBot, user: UserSession, db: Database,
                                                                    clinic: Clinic) -> None:
    older = {"started_at": "2026-12-03T18:58:00", "practitioner_id": clinic.derm_id, "lot": "NEW-9",
             "lot_expires": "2027-03-31", "areas": [{"code": "forehead", "depth": "0.4", "passes": "2"}]}
    save_form_draft(db, clinic.derm, form_key(clinic.client_id), older)
    form = open_form(qtbot, db, user, clinic)
    assert form.started.text() == "2026-12-03 18:58" and form.lot_expires.text() == "2027-03-31"
    assert form.lot_expires.isEnabled() and form.lot_status.text() == "expires 2027-03-31 (new lot)"
    entry = form.entry()
    assert entry is not None and entry.started_at == datetime(2026, 12, 3, 18, 58).astimezone()
    assert entry.lot_expires == date(2027, 3, 31)
    form.close()

    with_seconds = {**older, "started_at": "2026-12-03T18:58:37", "lot_expires": None}  # "not set" was None
    save_form_draft(db, clinic.derm, form_key(clinic.client_id), with_seconds)
    form = open_form(qtbot, db, user, clinic)
    assert form.started.text() == "2026-12-03 18:58:37"  # stored with seconds: shown with them, never cut
    assert form.lot_expires.text() == "" and form.lot_status.text() == "new lot: enter its expiry"


def test_an_unreadable_date_is_autosaved_and_comes_back_exactly_as_typed(qtbot: QtBot, user: UserSession, db: Database,
                                                                         clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    _new_lot(qtbot, form)
    qtbot.keyClicks(form.lot_expires, "2027-2-31")
    _type(qtbot, form.started, "2026-12-03 25:00")
    form.close()
    again = open_form(qtbot, db, user, clinic)
    assert again is not form
    assert again.lot_expires.text() == "2027-2-31" and again.started.text() == "2026-12-03 25:00"
    checked(qtbot, again, lambda: "hour 25 does not exist" in _messages(again))
    assert "Lot expiry: '2027-2-31'" in _messages(again) and not again.sign_button.isEnabled()


# --- the fields themselves --------------------------------------------------------------------------------------


def test_only_date_characters_can_be_typed_and_the_text_is_never_corrected(qtbot: QtBot) -> None:
    field = DateField("Onset")
    qtbot.addWidget(field)
    qtbot.keyClicks(field, "2027/02/28x")
    assert field.text() == "20270228" and field.value() is None  # the slashes and the letter did not go in
    assert field.problem() is not None and "20270228 is not a date" in str(field.problem())
    field.clear()
    qtbot.keyClicks(field, "28.2.2027")
    assert field.text() == "28.2.2027" and field.value() == date(2027, 2, 28)


def test_up_and_down_move_a_readable_date_by_a_day_and_leave_unreadable_text_alone(qtbot: QtBot) -> None:
    field = DateField("Lot expiry", required=False)
    qtbot.addWidget(field)
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "" and field.problem() is None  # empty optional: not set, nothing made up
    qtbot.keyClicks(field, "2027-2-28")
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "2027-03-01"
    qtbot.keyClick(field, Qt.Key.Key_Down)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert field.text() == "2027-02-27"
    field.setText("2027-02-30")
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "2027-02-30"


def test_a_required_empty_date_says_to_enter_one(qtbot: QtBot) -> None:
    field = DateField("Onset", "a date such as 2027-03-31")
    qtbot.addWidget(field)
    problem = field.problem()
    assert problem is not None and problem.allowed == "enter a date such as 2027-03-31"
    assert field.toolTip().startswith("Onset: enter a date such as 2027-03-31")


# --- the amend dialog's onset ----------------------------------------------------------------------------------


def test_an_unreadable_onset_is_named_and_no_late_complication_is_saved(qtbot: QtBot, user: UserSession, db: Database,
                                                                       db_path: Path, clinic: Clinic) -> None:
    signed_id, view, dialog = amend_signed_cheeks(qtbot, db, user, clinic)
    dialog.choose("Add a late complication")
    dialog.complication_combo.setCurrentIndex(1)
    qtbot.keyClicks(dialog.grade_edit, "1")
    qtbot.keyClicks(dialog.reason_edit, "follow-up call on day 3")
    _type(qtbot, dialog.onset_edit, "2026-02-30")
    dialog.save()
    assert ("Not saved: Onset: '2026-02-30' is not allowed; 2026-02-30 is not a date (February 2026 has 28 days)"
            in dialog.error_label.text())
    assert dialog.isVisible() and dialog.onset_edit.text() == "2026-02-30"
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT COUNT(*) FROM complications WHERE session_id = ?", (signed_id,)).fetchone() \
            == (0,)

    _type(qtbot, dialog.onset_edit, "3.7.2026")
    with qtbot.waitSignal(view.changed):
        dialog.save()
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT onset_on FROM complications WHERE session_id = ?", (signed_id,)).fetchall() \
            == [("2026-07-03",)]
