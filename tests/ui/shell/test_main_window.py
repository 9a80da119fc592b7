"""Main window: filters narrow the list, the status bar counts, a row opens its read-only detail dialog."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTextEdit,
)
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.sessions.amendments import amend_session_field
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.history_page import EMPTY_DATABASE
from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog
from clinic_log.ui.sessions.session_table_model import FIRST_PAGE, Column
from clinic_log.ui.shell.main_window import MainWindow
from tests.ui.dialogs import opens
from tests.ui.window_helpers import make_window, shown_ids


def row_of(window: MainWindow, client_ref: str) -> int:
    model = window.page.model
    return next(r for r in range(model.rowCount()) if model.index(r, Column.CLIENT_REF).data() == client_ref)


def dialog_texts(dialog: SessionDetailDialog) -> list[str]:
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    for table in dialog.findChildren(QTableWidget):
        texts += [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())]
    return texts


def test_title_and_status_bar_name_the_database_and_count(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                          db_path: Path) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    assert window.windowTitle() == "Clinic Log — clinic.sqlite3"
    qtbot.waitUntil(lambda: window.session_count_text == "500 sessions")
    assert str(db_path) in window.location_label.text()
    assert window.page.model.rowCount() == FIRST_PAGE


def test_typing_in_the_notes_filter_narrows_the_table(qtbot: QtBot, user: UserSession, demo_db: Database, db_path: Path,
                                                      raw: sqlite3.Connection) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    expected = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE notes LIKE '%scars%'")}
    assert 0 < len(expected) < 200

    qtbot.keyClicks(window.page.filter_bar.notes_edit, "scars")

    qtbot.waitUntil(lambda: window.session_count_text == f"{len(expected)} sessions")  # the filter applied
    assert shown_ids(window) == expected  # the first screenful, then the rest as the user scrolls


def test_practitioner_and_status_combos_filter_the_table(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                         db_path: Path, raw: sqlite3.Connection) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    bar = window.page.filter_bar
    bar.practitioner_combo.setCurrentIndex(bar.practitioner_combo.findText("Dr Raza Khan"))
    bar.status_combo.setCurrentIndex(bar.status_combo.findText("Signed"))
    expected = {r[0] for r in raw.execute(
        "SELECT s.id FROM sessions s JOIN practitioners p ON p.id = s.practitioner_id "
        "WHERE p.full_name = 'Dr Raza Khan' AND s.status = 'signed'")}
    assert 0 < len(expected) < 500
    assert shown_ids(window) == expected
    qtbot.waitUntil(lambda: window.session_count_text == f"{len(expected)} sessions")

    window.page.filter_bar.clear()
    qtbot.waitUntil(lambda: window.session_count_text == "500 sessions")


def test_date_filter_is_optional_and_applies_when_set(qtbot: QtBot, user: UserSession, demo_db: Database, db_path: Path,
                                                       raw: sqlite3.Connection) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    bar = window.page.filter_bar
    assert bar.from_edit.value() is None and bar.from_edit.text() == "any"
    year_ago = date.today() - timedelta(days=365)  # demo sessions span the last three years
    bar.from_edit.set_value(year_ago)
    expected = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE started_at >= ?", (year_ago.isoformat(),))}
    assert 0 < len(expected) < 500
    assert shown_ids(window) == expected
    bar.from_edit.set_value(None)
    qtbot.waitUntil(lambda: window.session_count_text == "500 sessions")


def test_each_filter_input_is_named_after_its_label(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                    db_path: Path) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    labelled = {label.text().replace("&", ""): label.buddy()
                for label in window.page.filter_bar.findChildren(QLabel) if label.buddy() is not None}
    assert set(labelled) == {"Client", "Practitioner", "Device", "Area", "Complication", "Grade", "Status", "From",
                             "To", "Notes contain"}
    for text, widget in labelled.items():
        assert widget.accessibleName() == text
    assert set(labelled.values()) == set(window.page.filter_bar.inputs())


def test_double_click_opens_the_session_read_only(qtbot: QtBot, user: UserSession, sample_db: Database,
                                                  db_path: Path) -> None:
    window = make_window(qtbot, sample_db, user, db_path)
    view = window.page.view
    index = window.page.model.index(row_of(window, "P-1001"), Column.CLIENT)
    view.scrollTo(index)
    where = view.visualRect(index).center()

    with opens(qtbot, SessionDetailDialog, window) as opened:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    dialog = opened.widget
    qtbot.waitExposed(dialog)

    assert "Amélie Durand" in dialog.value_text("Client")
    areas = dialog.areas_table
    rows = {areas.item(r, 0).text(): areas.item(r, 1).text() for r in range(areas.rowCount())}
    assert rows == {"Forehead": "0.50 mm", "Cheeks": "1.00 mm"}
    assert "Erythema" in dialog.value_text("Complications")
    assert "CTCAE grade 1" in dialog.value_text("Complications")
    assert "reason given: “imported from sessions.csv”" in dialog.value_text("Warnings")
    assert dialog.value_text("Device") == "Dermapen 4, serial DP4-2291 (mechanical)"
    assert dialog.value_text("Cartridge lot") == "DP16-240117, expires 2027-01-31"

    for editor in (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox):
        assert dialog.findChildren(editor) == []
    assert all(t.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
               for t in dialog.findChildren(QTableWidget))


def test_enter_on_a_row_opens_its_session(qtbot: QtBot, user: UserSession, sample_db: Database, db_path: Path) -> None:
    window = make_window(qtbot, sample_db, user, db_path)
    view = window.page.view
    row = row_of(window, "P-1002")
    view.setFocus()
    view.setCurrentIndex(window.page.model.index(row, 0))
    with opens(qtbot, SessionDetailDialog, window) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    dialog = opened.widget
    assert dialog.value_text("Client").startswith("Bartłomiej Wiśniewski (P-1002)")
    assert dialog.value_text("Supervisor") == "Dr Maria Brandt"


def test_detail_dialog_lists_amendments_with_old_and_new_values(qtbot: QtBot, user: UserSession, sample_db: Database,
                                                                db_path: Path, owner: Actor) -> None:
    window = make_window(qtbot, sample_db, user, db_path)
    session_id = window.page.model.session_id(row_of(window, "P-1005"))
    amend_session_field(sample_db, owner, session_id, "notes", "swab negative; healed", "follow-up call on day 10")
    dialog = window.open_session(session_id)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.amendments_table is not None
    texts = dialog_texts(dialog)
    assert "swab taken day 3; oral antibiotics → swab negative; healed" in texts
    assert "follow-up call on day 10" in texts
    assert "owner" in texts
    assert dialog.value_text("Notes") == "swab negative; healed"
    assert "Ольга Петрова" in dialog.value_text("Client")
    with sqlite3.connect(db_path) as conn:  # who looked at whose record, for the client's subject-access copy
        [(entity, detail)] = conn.execute("SELECT entity, detail FROM audit_log WHERE action = 'viewed'").fetchall()
    assert entity == "client" and f"session {session_id}" in detail


def test_empty_database_says_how_to_add_sessions_with_the_menus_not_a_command(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path) -> None:
    window = make_window(qtbot, db, user, db_path)
    assert window.page.model.rowCount() == 0
    qtbot.waitUntil(lambda: window.session_count_text == EMPTY_DATABASE)
    assert "File → Import…" in EMPTY_DATABASE and "clinic-log" not in EMPTY_DATABASE  # a GUI user has no terminal
    menu_texts = {a.text().replace("&", "") for a in window.findChildren(QAction)}
    assert {"Import…", "New session…"} <= menu_texts  # the status bar names what the menus hold


def test_filters_that_match_nothing_say_so(qtbot: QtBot, user: UserSession, demo_db: Database, db_path: Path) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    window.page.filter_bar.notes_edit.setText("no such words anywhere")
    qtbot.waitUntil(lambda: window.page.model.rowCount() == 0)
    qtbot.waitUntil(lambda: window.session_count_text == "No sessions match these filters")


def test_shortcuts_find_refresh_and_quit(qtbot: QtBot, user: UserSession, demo_db: Database, db_path: Path,
                                         owner: Actor) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.page.view.setFocus()

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.page.filter_bar.notes_edit.hasFocus)

    generate_demo(demo_db, owner, clients=2, sessions=7, seed=9)  # as if another workstation added sessions
    qtbot.waitUntil(lambda: window.session_count_text == "500 sessions")
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.session_count_text == "507 sessions")

    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_the_session_count_shows_only_with_the_sessions_tab(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                            db_path: Path) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    qtbot.waitUntil(lambda: window.session_count_text == "500 sessions")
    assert window.summary_label.isVisible()
    window.pages.show_page("practitioners")
    assert not window.summary_label.isVisible()
    window.pages.show_page("sessions")
    assert window.summary_label.isVisible()


@pytest.mark.parametrize(("role", "tabs"), [
    (UserRole.OWNER, ["Sessions", "Clients", "Recall", "Dashboard", "Practitioners", "Devices and lots", "Users",
                      "Audit"]),
    (UserRole.PRACTITIONER, ["Sessions", "Clients", "Recall", "Practitioners"]),
    (UserRole.RECEPTION, ["Sessions", "Clients", "Practitioners"]),
])
def test_each_role_sees_the_tabs_its_permissions_allow(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                                       role: UserRole, tabs: list[str]) -> None:
    window = make_window(qtbot, db, user, db_path)
    window.pages.show_roles(role)
    pages = window.pages
    assert [pages.tabText(i).replace("&", "") for i in range(pages.count()) if pages.isTabVisible(i)] == tabs


@pytest.mark.parametrize(("role", "shown"), [
    (UserRole.OWNER, True), (UserRole.PRACTITIONER, True), (UserRole.RECEPTION, False)])
def test_new_session_is_offered_only_to_roles_that_may_log_one(qtbot: QtBot, user: UserSession, db: Database,
                                                               db_path: Path, role: UserRole, shown: bool) -> None:
    """Reception used to see "New session…" and then be told "role 'reception' may not log sessions"."""
    window = make_window(qtbot, db, user, db_path)
    window.apply_actor(Actor("someone", role, None))
    assert window.new_session_action.isVisible() is shown
    toolbar_buttons = [window.toolbar.widgetForAction(a) for a in window.toolbar.actions()
                       if a is window.new_session_action]
    qtbot.waitUntil(lambda: all(button is None or button.isVisibleTo(window) is shown for button in toolbar_buttons))
