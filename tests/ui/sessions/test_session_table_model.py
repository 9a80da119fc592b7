"""SessionTableModel: Qt's model rules, lazy paging, and filters checked against the database file itself."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.people.people import list_practitioners
from clinic_log.services.sessions import session_queries
from clinic_log.services.sessions.session_queries import PageKey, SessionFilter
from clinic_log.services.sessions.session_views import SessionRow
from clinic_log.ui.sessions.session_table_model import FIRST_PAGE, PAGE_SIZE, Column, SessionTableModel
from tests.ui.window_helpers import load_every_row


def fetch_all(model: SessionTableModel) -> None:
    load_every_row(model)


def ids_in(model: SessionTableModel) -> list[int]:
    return [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]


def column_texts(model: SessionTableModel, column: Column) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_model_follows_qt_model_rules(qtmodeltester: ModelTester, demo_db: Database) -> None:
    model = SessionTableModel(demo_db)
    qtmodeltester.check(model)
    model.set_filter(SessionFilter(status="draft"))
    qtmodeltester.check(model)


def test_only_the_first_page_is_loaded_until_more_is_fetched(db: Database, owner: Actor, raw: sqlite3.Connection,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    generate_demo(db, owner, clients=20, sessions=1000, seed=5)
    limits: list[int] = []
    real = session_queries.list_sessions

    def spy(db: Database, flt: SessionFilter, limit: int, after: PageKey | None) -> list[SessionRow]:
        limits.append(limit)
        return real(db, flt, limit, after)

    monkeypatch.setattr(session_queries, "list_sessions", spy)  # what the services reader asks

    model = SessionTableModel(db)
    assert model.rowCount() == FIRST_PAGE == 60  # a screenful first: rows appear sooner
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == FIRST_PAGE + PAGE_SIZE == 260
    fetch_all(model)
    assert model.rowCount() == 1000
    assert not model.canFetchMore(QModelIndex())
    assert limits == [60] + [200] * 5  # the last page (140 rows) is short: the model knows it has everything

    newest_first = [r[0] for r in raw.execute("SELECT id FROM sessions ORDER BY started_at DESC, id DESC")]
    assert ids_in(model) == newest_first


def test_fetch_more_announces_the_new_rows(qtbot: QtBot, db: Database, owner: Actor) -> None:
    generate_demo(db, owner, clients=10, sessions=250, seed=2)
    model = SessionTableModel(db)
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.fetchMore(QModelIndex())
    assert inserted.args[1:] == [FIRST_PAGE, 249]


def test_set_filter_resets_to_the_first_page_of_the_new_result(qtbot: QtBot, db: Database, owner: Actor) -> None:
    generate_demo(db, owner, clients=10, sessions=700, seed=2)
    model = SessionTableModel(db)
    fetch_all(model)
    assert model.rowCount() == 700
    with qtbot.waitSignal(model.modelReset):
        model.set_filter(SessionFilter(status="signed"))
    assert model.rowCount() == FIRST_PAGE
    assert set(column_texts(model, Column.STATUS)) == {"Signed"}


def test_practitioner_filter_shows_only_their_sessions(demo_db: Database, raw: sqlite3.Connection) -> None:
    jane = next(p for p in list_practitioners(demo_db) if p.full_name == "Jane Doyle")
    model = SessionTableModel(demo_db, SessionFilter(practitioner_id=jane.id))
    fetch_all(model)
    expected = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE practitioner_id = ?", (jane.id,))}
    assert 0 < len(expected) < 500
    assert set(ids_in(model)) == expected
    assert set(column_texts(model, Column.PRACTITIONER)) == {"Jane Doyle"}


def test_status_filter_shows_only_drafts(demo_db: Database, raw: sqlite3.Connection) -> None:
    model = SessionTableModel(demo_db, SessionFilter(status="draft"))
    fetch_all(model)
    expected = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE status = 'draft'")}
    assert expected
    assert set(ids_in(model)) == expected
    assert set(column_texts(model, Column.STATUS)) == {"Draft"}


def test_notes_filter_matches_text_inside_the_notes(demo_db: Database, raw: sqlite3.Connection) -> None:
    model = SessionTableModel(demo_db, SessionFilter(text="prp"))
    fetch_all(model)
    expected = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE notes LIKE '%PRP%'")}
    assert 0 < len(expected) < 500
    assert set(ids_in(model)) == expected


def test_date_range_filter_keeps_sessions_inside_the_range(demo_db: Database, raw: sqlite3.Connection) -> None:
    start = date.today() - timedelta(days=2 * 365)  # demo sessions span the last three years
    end = start + timedelta(days=89)
    model = SessionTableModel(demo_db, SessionFilter().with_days(start, end, UTC))
    fetch_all(model)
    expected = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE started_at >= ? AND started_at < ?",
                                          (start.isoformat(), (end + timedelta(days=1)).isoformat()))}
    assert 0 < len(expected) < 500
    assert set(ids_in(model)) == expected


def test_cells_show_local_time_names_and_counts(sample_db: Database) -> None:
    model = SessionTableModel(sample_db)
    row = next(r for r in range(model.rowCount()) if model.index(r, Column.CLIENT_REF).data() == "P-1001")
    cell = {column: model.index(row, column).data() for column in Column}
    local = datetime(2026, 6, 2, 9, 30, tzinfo=UTC).astimezone()  # imported as local time, stored in UTC
    assert cell[Column.STARTED] == local.strftime("%Y-%m-%d %H:%M")
    assert cell[Column.CLIENT] == "Amélie Durand"
    assert cell[Column.PRACTITIONER] == "Dr Maria Brandt"
    assert cell[Column.DEVICE] == "Dermapen 4"
    assert sorted(cell[Column.AREAS].split(", ")) == ["Cheeks", "Forehead"]  # labels, not codes
    assert cell[Column.COMPLICATIONS] == "1"
    assert cell[Column.STATUS] == "Signed"
    session_id = model.session_id(row)
    assert {model.index(row, c).data(Qt.ItemDataRole.UserRole) for c in Column} == {session_id}
    alignment = Qt.AlignmentFlag(model.index(row, Column.COMPLICATIONS).data(Qt.ItemDataRole.TextAlignmentRole))
    assert alignment & Qt.AlignmentFlag.AlignRight
    assert "Amélie Durand" in model.index(row, Column.CLIENT_REF).data(Qt.ItemDataRole.ToolTipRole)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "Date/time", "Client ref", "Client", "Practitioner", "Device", "Areas", "Complications", "Status"]


def test_empty_database_gives_an_empty_model(db: Database) -> None:
    model = SessionTableModel(db)
    assert model.rowCount() == 0
    assert not model.canFetchMore(QModelIndex())


def test_a_notes_search_empties_the_list_at_once_and_fills_it_from_the_background(
        qtbot: QtBot, demo_db: Database, raw: sqlite3.Connection) -> None:
    model = SessionTableModel(demo_db)
    assert model.rowCount() == FIRST_PAGE
    model.set_filter(SessionFilter(text="scars"))
    assert model.rowCount() == 0 and model.searching and not model.canFetchMore(QModelIndex())
    qtbot.waitUntil(lambda: not model.searching)  # the first page's rows are in
    shown = model.rowCount()
    assert shown > 0
    while model.canFetchMore(QModelIndex()):  # scrolling: each further page is read in the background too
        model.fetchMore(QModelIndex())
        assert model.rowCount() == shown and model.searching and not model.canFetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not model.searching)
        assert model.rowCount() >= shown
        shown = model.rowCount()
    expected = {r[0] for r in raw.execute("SELECT id FROM sessions WHERE notes LIKE '%scars%'")}
    assert expected and len(ids_in(model)) == len(expected) and set(ids_in(model)) == expected
    model.set_filter(SessionFilter())  # other filters read their first page at once
    assert model.rowCount() == FIRST_PAGE and not model.searching
