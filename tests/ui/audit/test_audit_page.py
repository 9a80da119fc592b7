"""The audit viewer: filters, paging, Verify off the GUI thread, and a tampered row found by viewer and CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.app import main
from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.ui.audit.audit_page import AuditPage
from clinic_log.ui.common.user_session import UserSession
from tests.tamper import drop_guards_sqlite
from tests.ui.audit.audit_rows import all_rows
from tests.unit.services.helpers import make_clinic


def test_filters_on_the_page_narrow_the_table(qtbot: QtBot, user: UserSession, audited: Database) -> None:
    page = AuditPage(audited, user)
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(page.entity_edit, "device")
    qtbot.keyClick(page.entity_edit, Qt.Key.Key_Return)
    assert all_rows(page.model) == [("owner", "created", all_rows(page.model)[0][2])]
    assert all_rows(page.model)[0][2].startswith("device ")
    page.clear_filters()
    qtbot.keyClicks(page.action_edit, "no-such-action")
    page.apply_filters()
    assert page.model.rowCount() == 0
    page.clear_filters()
    page.from_check.setChecked(True)  # from 30 days ago to (unchecked) any date: today's rows are in
    page.apply_filters()
    assert page.model.rowCount() > 0


def test_filter_fields_suggest_what_the_trail_holds(qtbot: QtBot, user: UserSession, audited: Database,
                                                   raw: sqlite3.Connection) -> None:
    page = AuditPage(audited, user)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    completer = page.action_edit.completer()
    qtbot.waitUntil(lambda: completer.model().rowCount() > 0)  # read in the background as the page opens
    completer.setCompletionPrefix("REAT")  # what typing "REAT" asks for: any part, any case
    suggested = [completer.completionModel().index(r, 0).data() for r in range(completer.completionCount())]
    assert suggested == ["created"]
    assert sorted({r[0] for r in raw.execute("SELECT DISTINCT entity FROM audit_log")}) == \
        page.entity_edit.completer().model().stringList()  # type: ignore[attr-defined]

    page.action_edit.setText("CREATED")  # typed in another case: taken as stored
    page.apply_filters()
    created = raw.execute("SELECT count(*) FROM audit_log WHERE action = 'created'").fetchone()[0]
    assert created > 0 and len(all_rows(page.model)) == created


def verify(qtbot: QtBot, page: AuditPage) -> str:
    """Click Verify and return the result shown once the button can be clicked again (it is off while checking)."""
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert not page.verify_button.isEnabled(), "Verify should be off while the check runs"
    qtbot.waitUntil(page.verify_button.isEnabled, timeout=20000)
    return page.result_label.text()


def test_verify_reports_an_intact_chain_with_its_row_count(qtbot: QtBot, user: UserSession, audited: Database,
                                                           raw: sqlite3.Connection) -> None:
    page = AuditPage(audited, user)
    qtbot.addWidget(page)
    total = raw.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert verify(qtbot, page) == f"Chain intact ({total:,} rows); every signed session matches its seal"
    assert page.result_label.text().startswith(f"Chain intact ({total:,} rows)")


def test_one_tampered_audit_row_is_reported_by_the_cli_check_and_by_the_viewer(
        qtbot: QtBot, user: UserSession, audited: Database, db_path: Path, raw: sqlite3.Connection,
        capsys: pytest.CaptureFixture[str]) -> None:
    target, entity = raw.execute("SELECT id, entity FROM audit_log ORDER BY id LIMIT 1 OFFSET 3").fetchone()
    other = raw.execute("SELECT entity FROM audit_log WHERE entity != ? LIMIT 1", (entity,)).fetchone()[0]
    drop_guards_sqlite(raw)  # append-only: someone with the file drops the guard first
    raw.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = ?", (target,))
    raw.commit()

    assert main(["--db", str(db_path), "check"]) == 1
    out = capsys.readouterr()
    assert f"audit_log row {target}: content does not match its hash" in out.out + out.err

    page = AuditPage(audited, user)
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(page.entity_edit, other)  # the broken row is filtered out: Verify still finds it
    page.apply_filters()
    text = verify(qtbot, page)
    assert text.startswith(f"Chain broken at audit row {target}: content does not match its hash")
    assert page.selected_audit_id() == target
    assert page.entity_edit.text() == ""  # filters were cleared to show the row


def test_verify_names_a_signed_session_edited_by_hand(qtbot: QtBot, user: UserSession, db: Database, owner: Actor,
                                                      raw: sqlite3.Connection) -> None:
    from clinic_log.services.sessions.sessions import log_session
    from tests.unit.services.helpers import session_entry

    clinic = make_clinic(db, owner)
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True).id
    drop_guards_sqlite(raw)  # someone with the file: the chain stays intact, the session does not
    raw.execute("UPDATE session_areas SET depth_mm = 0.3 WHERE session_id = ?", (signed,))
    raw.commit()
    page = AuditPage(db, user)
    qtbot.addWidget(page)
    text = verify(qtbot, page)
    assert text.startswith("Chain intact") and "the records do not match it" in text
    assert f"session {signed}: its stored content no longer matches its seal" in text


def test_suggestions_that_cannot_be_read_are_said_not_dropped(qtbot: QtBot, user: UserSession, audited: Database,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    def broken(_db: Database, _actor: Actor) -> None:
        raise RuntimeError("database disk image is malformed")

    monkeypatch.setattr("clinic_log.ui.audit.audit_page.audit_choices", broken)
    page = AuditPage(audited, user)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.findChild(QMessageBox) is not None)
    box = page.findChild(QMessageBox)
    assert isinstance(box, QMessageBox)
    assert box.text() == "Audit filter suggestions could not be done: database disk image is malformed"
