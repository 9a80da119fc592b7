"""Review screens: every history filter on a seeded database, lazy loading at start, configurable columns,
the client timeline and File → Export…."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.services.sessions import session_queries
from clinic_log.services.sessions.session_queries import SessionFilter
from clinic_log.services.sessions.session_views import SessionRow
from clinic_log.ui.clients.client_timeline import ClientTimelineDialog
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.exchange.export_dialog import ExportDialog
from clinic_log.ui.sessions.history_page import SessionHistoryPage
from clinic_log.ui.sessions.session_table_model import FIRST_PAGE, Column
from tests.ui.dialogs import opens
from tests.ui.file_job_helpers import run_job
from tests.ui.window_helpers import make_window


def all_ids(page: SessionHistoryPage) -> set[int]:
    model = page.model
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return {model.session_id(r) for r in range(model.rowCount())}


def choose(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.fixture
def history(qtbot: QtBot, demo_db: Database) -> SessionHistoryPage:
    page = SessionHistoryPage(demo_db)
    qtbot.addWidget(page)
    return page


def first(raw: sqlite3.Connection, query: str) -> object:
    return raw.execute(query).fetchone()[0]


def test_a_typed_client_reference_in_lower_case_shows_that_clients_sessions(
        qtbot: QtBot, history: SessionHistoryPage, raw: sqlite3.Connection) -> None:
    ref, client_id = raw.execute("SELECT client_ref, id FROM clients ORDER BY id LIMIT 1").fetchone()
    type_into(qtbot, history.filter_bar.client_edit, ref.lower())
    expected = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE client_id = ?", (client_id,))}
    assert expected and all_ids(history) == expected
    assert {history.model.display_text(r, Column.CLIENT_REF) for r in range(history.model.rowCount())} == {ref}


def test_part_of_a_name_typed_in_any_case_suggests_the_client_and_down_enter_takes_it(
        qtbot: QtBot, history: SessionHistoryPage, raw: sqlite3.Connection) -> None:
    """Reception types a few letters of the surname in lower case; the box suggests the client by name and
    reference, Down and Enter take the suggestion, and the list shows that client's sessions only."""
    client_id, ref, last = raw.execute("SELECT id, client_ref, last_name FROM clients ORDER BY id LIMIT 1").fetchone()
    history.show()
    qtbot.waitExposed(history)
    edit = history.filter_bar.client_edit
    edit.setFocus()
    qtbot.keyClicks(edit, last[:5].lower())
    suggestions = history.filter_bar.client_suggestions
    popup = suggestions.popup
    qtbot.waitUntil(lambda: popup.isVisible() and bool(suggestions.lines()))
    shown = suggestions.lines()
    row = next(r for r, line in enumerate(shown) if line.endswith(f"({ref})"))
    for _ in range(row + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert edit.text() == ref
    expected = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE client_id = ?", (client_id,))}
    qtbot.waitUntil(lambda: all_ids(history) == expected)


def test_device_filter(history: SessionHistoryPage, raw: sqlite3.Connection) -> None:
    device = first(raw, "SELECT device_id FROM sessions WHERE device_id IS NOT NULL GROUP BY device_id LIMIT 1")
    choose(history.filter_bar.device_combo, device)
    expected = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE device_id = ?", (device,))}
    assert 0 < len(expected) < 500 and all_ids(history) == expected


def test_area_filter(history: SessionHistoryPage, raw: sqlite3.Connection) -> None:
    choose(history.filter_bar.area_combo, "neck")
    expected = {r[0] for r in raw.execute("SELECT session_id FROM session_areas WHERE area_code = 'neck'")}
    assert 0 < len(expected) < 500 and all_ids(history) == expected


def test_complication_type_and_grade_filters(history: SessionHistoryPage, raw: sqlite3.Connection) -> None:
    code = first(raw, "SELECT code FROM complications GROUP BY code ORDER BY COUNT(*) DESC")
    choose(history.filter_bar.complication_combo, code)
    expected = {r[0] for r in raw.execute("SELECT session_id FROM complications WHERE code = ?", (code,))}
    assert expected and all_ids(history) == expected
    choose(history.filter_bar.complication_combo, None)
    choose(history.filter_bar.grade_combo, 2)
    expected = {r[0] for r in raw.execute("SELECT session_id FROM complications WHERE grade >= 2")}
    assert expected and all_ids(history) == expected


def test_practitioner_status_and_notes_filters_combine(qtbot: QtBot, history: SessionHistoryPage,
                                                       raw: sqlite3.Connection) -> None:
    practitioner = first(raw, "SELECT practitioner_id FROM sessions GROUP BY 1 ORDER BY COUNT(*) DESC")
    choose(history.filter_bar.practitioner_combo, practitioner)
    choose(history.filter_bar.status_combo, "signed")
    expected = {r[0] for r in raw.execute(
        "SELECT id FROM sessions WHERE practitioner_id = ? AND status = 'signed'", (practitioner,))}
    assert expected and all_ids(history) == expected
    type_into(qtbot, history.filter_bar.notes_edit, "scars")  # applied after a pause in typing
    qtbot.waitUntil(lambda: history.model.session_filter.text == "scars"  # read in the background
                    and not history.model.searching)
    narrowed = {r[0] for r in raw.execute(
        "SELECT id FROM sessions WHERE practitioner_id = ? AND status = 'signed' AND notes LIKE '%scars%'",
        (practitioner,))}
    assert narrowed < expected and all_ids(history) == narrowed


def test_history_loads_one_page_at_start_however_tall_the_window(qtbot: QtBot, demo_db: Database,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[int] = []
    real = session_queries.list_sessions

    def spy(db: Database, flt: SessionFilter, limit: int, after: object) -> list[SessionRow]:
        rows = real(db, flt, limit, after)  # type: ignore[arg-type]
        fetched.append(len(rows))
        return rows

    monkeypatch.setattr(session_queries, "list_sessions", spy)  # what the services reader asks
    page = SessionHistoryPage(demo_db)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(50)  # let the view lay out and ask for what it shows (it must not ask for more)
    visible = page.view.viewport().height() // page.view.verticalHeader().defaultSectionSize() + 1
    assert visible < FIRST_PAGE  # the first page fills the screen: nothing more is read until the user scrolls
    assert page.model.rowCount() == FIRST_PAGE and fetched == [FIRST_PAGE]


def test_hidden_columns_are_remembered_for_the_next_window(qtbot: QtBot, demo_db: Database,
                                                           qtmodeltester: ModelTester) -> None:
    page = SessionHistoryPage(demo_db)
    qtbot.addWidget(page)
    menu = page.column_menu()
    device = next(a for a in menu.actions() if a.text() == "Device")
    device.setChecked(False)
    assert page.view.isColumnHidden(Column.DEVICE)
    again = SessionHistoryPage(demo_db)
    qtbot.addWidget(again)
    assert again.hidden_columns() == [Column.DEVICE]
    qtmodeltester.check(again.model)


def test_client_timeline_opens_from_the_selected_session(qtbot: QtBot, user: UserSession, demo_db: Database,
                                                         db_path: Path, raw: sqlite3.Connection,
                                                         qtmodeltester: ModelTester) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    window.page.view.selectRow(0)
    row = window.page.selected_session()
    assert row is not None
    with opens(qtbot, ClientTimelineDialog, window) as opened:
        window.timeline_action.trigger()
    dialog = opened.widget
    client_id = first(raw, f"SELECT client_id FROM sessions WHERE id = {row.id}")
    expected = [r[0] for r in raw.execute("SELECT id FROM sessions WHERE client_id = ? ORDER BY started_at, id",
                                          (client_id,))]
    assert [dialog.model.key(r) for r in range(dialog.model.rowCount())] == expected
    assert row.client_ref in dialog.windowTitle()
    qtmodeltester.check(dialog.model)
    assert len(dialog.chart_view.chart().series()) >= 1
    dialog.close()


def test_export_dialog_writes_the_chosen_format(qtbot: QtBot, user: UserSession, demo_db: Database, db_path: Path,
                                                tmp_path: Path) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    assert window.export_action.isEnabled()
    with opens(qtbot, ExportDialog, window) as opened:
        window.export_action.trigger()
    dialog = opened.widget
    choose(dialog.format_combo, "fhir")
    out = tmp_path / "bundle.json"
    dialog.file_edit.setText(str(out))
    assert run_job(qtbot, dialog).startswith("Exported ") and out.exists()
    choose(dialog.kind_combo, "client")
    assert [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())] == ["json", "pdf"]
    selected = window.page.selected_session()
    assert selected is not None and dialog.client_edit.text() == selected.client_ref  # prefilled
    choose(dialog.format_combo, "pdf")
    pdf = tmp_path / "client.pdf"
    dialog.file_edit.setText(str(pdf))
    result = run_job(qtbot, dialog)
    assert result.startswith("Exported ") and selected.client_name in result and pdf.read_bytes().startswith(b"%PDF")
    dialog.close()




def test_tabs_keep_alt_d_for_today(qtbot: QtBot, user: UserSession, demo_db: Database, db_path: Path) -> None:
    window = make_window(qtbot, demo_db, user, db_path)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.page.view.setFocus()
    titles = [window.pages.tabText(i) for i in range(window.pages.count())]
    assert not any("&" in title for title in titles)  # tab mnemonics would clash with the filters' (Alt+D: Today)
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(window.page.filter_bar.today_button.isChecked)


def test_a_notes_search_shows_a_screenful_first_then_whole_pages(qtbot: QtBot, demo_db: Database,
                                                                  raw: sqlite3.Connection) -> None:
    from clinic_log.ui.sessions.session_table_model import TEXT_FIRST_PAGE, SessionTableModel

    expected = [r[0] for r in raw.execute(
        "SELECT id FROM sessions WHERE notes LIKE '%client%' ORDER BY started_at DESC, id DESC")]
    assert len(expected) > TEXT_FIRST_PAGE
    model = SessionTableModel(demo_db, SessionFilter(text="Client"), page_size=100)
    assert model.rowCount() == TEXT_FIRST_PAGE
    model.fetchMore(QModelIndex())  # further pages of a notes search come from the background
    qtbot.waitUntil(lambda: not model.searching)
    assert model.rowCount() == min(len(expected), TEXT_FIRST_PAGE + 100)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not model.searching)
    assert [model.session_id(r) for r in range(model.rowCount())] == expected
