"""The audit trail's table model: pages of rows newest first, filtered in SQL, each detail readable in one line, and
a row found by its audit id however deep it lies."""

from __future__ import annotations

import re
import sqlite3

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from clinic_log.db.engine import Database
from clinic_log.services.audit.audit_queries import AuditFilter
from clinic_log.ui.audit.audit_table_model import AuditTableModel
from clinic_log.ui.common.user_session import UserSession
from tests.ui.audit.audit_rows import all_rows


def test_the_audit_model_pages_through_rows_newest_first(qtmodeltester: ModelTester, audited: Database,
                                                         raw: sqlite3.Connection, user: UserSession) -> None:
    model = AuditTableModel(audited, user, page_size=4)
    model.reload()
    assert model.rowCount() == 4 and model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)
    rows = all_rows(model)
    total = raw.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert len(rows) == total
    newest = raw.execute("SELECT actor, action, entity FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert rows[0][:2] == newest[:2] and rows[0][2].startswith(newest[2])
    model.set_filter(AuditFilter(entity="practitioner"))
    assert {r[2].split()[0] for r in all_rows(model)} == {"practitioner"}


def test_each_row_shows_when_who_what_which_record_and_the_detail(qtmodeltester: ModelTester, audited: Database,
                                                                  raw: sqlite3.Connection, user: UserSession) -> None:
    model = AuditTableModel(audited, user)
    model.set_filter(AuditFilter(entity="device"))
    assert model.rowCount() == 1
    audit_id, device_id = raw.execute("SELECT id, entity_id FROM audit_log WHERE entity = 'device'").fetchone()
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells[1:] == ["owner", "created", f"device {device_id}",
                         f"owner created device {device_id}; model: SkinPen Precision; serial: SPP-1"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cells[0])  # local time to the second
    assert model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole) == cells[4]  # a long detail can be read whole
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == audit_id
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "When", "Who", "Action", "Entity", "What happened"]


def test_a_row_is_found_by_its_audit_id_beyond_the_loaded_pages(audited: Database, raw: sqlite3.Connection,
                                                                user: UserSession) -> None:
    oldest = raw.execute("SELECT min(id) FROM audit_log").fetchone()[0]
    model = AuditTableModel(audited, user, page_size=2)
    model.reload()
    assert model.rowCount() == 2
    row = model.row_of_id(oldest)
    assert row is not None and model.row_at(row).id == oldest  # the pages in between were read to reach it
    assert model.row_of_id(oldest - 1) is None  # no such row: an answer, not an endless search


def test_a_row_filtered_out_is_not_found(audited: Database, raw: sqlite3.Connection, user: UserSession) -> None:
    client_row = raw.execute("SELECT id FROM audit_log WHERE entity = 'client'").fetchone()[0]
    model = AuditTableModel(audited, user, page_size=2)
    model.set_filter(AuditFilter(entity="practitioner"))
    assert model.row_of_id(client_row) is None
    assert {model.row_at(r).entity for r in range(model.rowCount())} == {"practitioner"}
