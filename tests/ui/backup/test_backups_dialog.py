"""The Backups dialog on real SQLite files: list, back up now, verify, restore (and a refused restore)."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database, open_database
from clinic_log.domain.actor import Actor
from clinic_log.services.backup.backup import backup, verify_file
from clinic_log.services.backup.backup_schedule import backup_if_due, backup_now, list_backups
from clinic_log.services.clients.clients import ClientDetails, create_client, find_clients
from clinic_log.ui.backup import backups_dialog
from clinic_log.ui.backup.backups_dialog import BackupsDialog
from clinic_log.ui.common.user_session import UserSession

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """Answer Yes to every question and record what the dialog would have shown."""
    shown: dict[str, list[str]] = {"question": [], "information": [], "warning": []}

    def question(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        shown["question"].append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown["information"].append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown["warning"].append(text))
    yield shown


def _open(qtbot: QtBot, user: UserSession, db: Database) -> BackupsDialog:
    dialog = BackupsDialog(db, user)
    qtbot.addWidget(dialog)
    return dialog


def _button(dialog: BackupsDialog, name: str) -> QPushButton:
    [button] = [b for b in dialog.findChildren(QPushButton) if b.accessibleName() == name]
    return button


def _table(dialog: BackupsDialog) -> QTableWidget:
    return dialog.findChild(QTableWidget)


def _cells(dialog: BackupsDialog) -> list[list[str]]:
    table = _table(dialog)
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _select(dialog: BackupsDialog, name: str) -> None:
    [row] = [r for r, cells in enumerate(_cells(dialog)) if cells[3] == name]
    _table(dialog).selectRow(row)


def _idle(dialog: BackupsDialog) -> bool:
    return _button(dialog, "Close").isEnabled()


def _refs(db: Database) -> list[str]:
    return sorted(c.client_ref for c in find_clients(db, "", limit=100))


def test_lists_the_backups_newest_first_with_sizes_and_where_they_are_kept(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path) -> None:
    backup_if_due(db, date(2026, 11, 24))
    backup_if_due(db, date(2026, 11, 25))
    dialog = _open(qtbot, user, db)
    size = f"{(db_path.parent / 'backups' / 'clinic-daily-2026-11-25.sqlite3').stat().st_size / 1048576:.1f} MB"
    assert _cells(dialog) == [
        ["Daily", "2026-11-25", size, "clinic-daily-2026-11-25.sqlite3"],
        ["Daily", "2026-11-24", size, "clinic-daily-2026-11-24.sqlite3"],
        ["Monthly", "November 2026", size, "clinic-monthly-2026-11.sqlite3"],
    ]
    where = [label.text() for label in dialog.findChildren(QLabel) if str(db_path.parent / "backups") in label.text()]
    assert where and "14 daily" in where[0] and "12 monthly" in where[0]
    assert dialog.windowTitle() == "Backups"
    for name in ("Back up now", "Verify", "Restore…", "Close"):
        assert _button(dialog, name).isEnabled()


def test_back_up_now_adds_a_verified_manual_backup_at_the_top(qtbot: QtBot, user: UserSession, db: Database) -> None:
    backup_if_due(db, date(2026, 11, 25))
    dialog = _open(qtbot, user, db)
    qtbot.mouseClick(_button(dialog, "Back up now"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _table(dialog).rowCount() == 3 and _idle(dialog), timeout=10000)
    newest = list_backups(db)[0]
    assert newest.kind == "manual" and verify_file(newest.path) is None
    assert _cells(dialog)[0][0] == "Manual" and _cells(dialog)[0][3] == newest.path.name
    assert dialog.selected_backup() == newest
    assert "Backed up and verified" in dialog.status_text()


def test_buttons_are_disabled_while_a_backup_is_verified(qtbot: QtBot, user: UserSession, db: Database,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    backup_if_due(db, date(2026, 11, 25))
    release = threading.Event()

    def slow_verify(path: Path) -> str | None:
        release.wait(10)
        return verify_file(path)

    monkeypatch.setattr(backups_dialog, "verify_file", slow_verify)
    dialog = _open(qtbot, user, db)
    _select(dialog, "clinic-daily-2026-11-25.sqlite3")
    qtbot.mouseClick(_button(dialog, "Verify"), Qt.MouseButton.LeftButton)
    assert not any(_button(dialog, n).isEnabled() for n in ("Back up now", "Verify", "Restore…", "Close"))
    release.set()
    qtbot.waitUntil(lambda: _idle(dialog), timeout=10000)
    assert dialog.status_text().startswith("OK: clinic-daily-2026-11-25.sqlite3")


def test_verify_names_what_is_wrong_with_a_damaged_backup(qtbot: QtBot, user: UserSession, db: Database,
                                                          owner: Actor) -> None:
    damaged = _damaged_copy(backup_now(db, owner).path)
    dialog = _open(qtbot, user, db)
    _select(dialog, damaged.name)
    qtbot.mouseClick(_button(dialog, "Verify"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _idle(dialog), timeout=10000)
    assert dialog.status_text().startswith("Not usable:") and damaged.name in dialog.status_text()


def test_restore_brings_back_the_data_as_it_was_and_keeps_a_safety_copy(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, owner: Actor,
        messages: dict[str, list[str]]) -> None:
    create_client(db, owner, ClientDetails("P-1", "Ada", "Before"))
    made = backup_now(db, owner)
    create_client(db, owner, ClientDetails("P-2", "Bea", "After"))
    dialog = _open(qtbot, user, db)
    _select(dialog, made.path.name)
    qtbot.mouseClick(_button(dialog, "Restore…"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _idle(dialog) and len(messages["information"]) == 1, timeout=10000)  # "Restore finished"
    assert messages["information"][0].startswith("The database now holds the manual backup of ")
    assert "manual backup of" in messages["question"][0] and "safety copy" in messages["question"][0]
    assert _refs(db) == ["P-1"]
    with sqlite3.connect(db_path) as raw:  # the file itself, not only what our engine sees
        assert raw.execute("SELECT client_ref FROM clients").fetchall() == [("P-1",)]
    [safety] = db_path.parent.glob("clinic.before-restore-*.sqlite3")
    assert str(safety) in messages["information"][0] and str(safety) in dialog.status_text()
    assert verify_file(safety) is None
    with sqlite3.connect(safety) as kept:
        assert sorted(kept.execute("SELECT client_ref FROM clients").fetchall()) == [("P-1",), ("P-2",)]
    assert messages["warning"] == []


def test_restore_can_be_cancelled_at_the_question(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                                  owner: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    made = backup_now(db, owner)
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.No)
    dialog = _open(qtbot, user, db)
    _select(dialog, made.path.name)
    qtbot.mouseClick(_button(dialog, "Restore…"), Qt.MouseButton.LeftButton)
    assert _idle(dialog) and not list(db_path.parent.glob("*.before-restore-*"))


def test_restoring_a_damaged_backup_shows_the_problem_and_leaves_the_live_file_alone(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, owner: Actor,
        messages: dict[str, list[str]]) -> None:
    create_client(db, owner, ClientDetails("P-1", "Ada", "Live"))
    damaged = _damaged_copy(backup_now(db, owner).path)
    db.dispose()  # checkpoint the WAL so the main file holds everything before we compare bytes
    before = db_path.read_bytes()
    dialog = _open(qtbot, user, db)
    _select(dialog, damaged.name)
    qtbot.mouseClick(_button(dialog, "Restore…"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _idle(dialog) and len(messages["warning"]) == 1, timeout=10000)
    assert messages["information"] == []  # no "Restore finished"
    assert "The backup was not restored" in messages["warning"][0]
    assert "live database was not touched" in messages["warning"][0]
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.before-restore-*"))
    assert _refs(db) == ["P-1"]


def test_on_postgresql_the_dialog_says_backups_are_made_on_the_server(qtbot: QtBot, user: UserSession) -> None:
    server = open_database("postgresql+psycopg://nobody@127.0.0.1:1/clinic")  # never connects
    assert server.sqlite_path is None
    dialog = _open(qtbot, user, server)
    assert any("pg_dump" in label.text() for label in dialog.findChildren(QLabel))
    assert not any(_button(dialog, n).isEnabled() for n in ("Back up now", "Verify", "Restore…"))
    assert _button(dialog, "Close").isEnabled()
    server.dispose()


def test_every_widget_is_named_as_shown(qtbot: QtBot, user: UserSession, db: Database) -> None:
    backup_if_due(db, date(2026, 11, 25))
    dialog = _open(qtbot, user, db)
    for button in dialog.findChildren(QPushButton):
        assert button.accessibleName() == button.text().replace("&", "")
    for label in dialog.findChildren(QLabel):
        assert label.accessibleName() == label.text()
    assert _table(dialog).accessibleName() == "Backups"


def _damaged_copy(good: Path) -> Path:
    """A copy of a good backup, named like a manual one, with junk written over its pages."""
    damaged = good.parent / "clinic-manual-20200101-000000.sqlite3"
    shutil.copy(good, damaged)
    data = bytearray(damaged.read_bytes())
    data[4096:12288] = b"\xde\xad\xbe\xef" * 2048
    damaged.write_bytes(bytes(data))
    return damaged


def test_file_menu_opens_the_backups_dialog(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_log.ui.shell.main_window import MainWindow

    opened: list[object] = []
    monkeypatch.setattr(backups_dialog.BackupsDialog, "exec", lambda self: opened.append(self) or 0)
    window = MainWindow(db, user, str(db_path))
    qtbot.addWidget(window)
    window.backups_action.trigger()
    assert len(opened) == 1 and isinstance(opened[0], backups_dialog.BackupsDialog)


# Encrypted copies for another place (issue 15) ---------------------------------------------------------------

PASSPHRASE = "correct horse battery staple"


def _answer_passphrase(qtbot: QtBot, *typed: str) -> list[str]:
    """When the passphrase dialog opens, type `typed` into its fields (in order) and press OK; returns what the
    dialog showed (its fields' names), for the test to check."""
    seen: list[str] = []

    def fill() -> None:
        box = QApplication.activeModalWidget()
        if box is None or not box.findChildren(QLineEdit):
            QTimer.singleShot(10, fill)
            return
        fields = [edit for edit in box.findChildren(QLineEdit) if edit.isVisible()]
        seen.extend(edit.accessibleName() for edit in fields)
        assert all(edit.echoMode() == QLineEdit.EchoMode.Password for edit in fields)
        for edit, text in zip(fields, typed, strict=True):
            edit.setText(text)
        [ok] = [b for b in box.findChildren(QPushButton) if b.accessibleName() == "OK"]
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)
    return seen


def test_encrypted_copy_for_another_place_asks_the_passphrase_twice_and_writes_an_owner_only_age_file(
        qtbot: QtBot, user: UserSession, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        messages: dict[str, list[str]]) -> None:
    target = tmp_path / "usb" / "clinic.age"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), "")))
    dialog = _open(qtbot, user, db)
    seen = _answer_passphrase(qtbot, PASSPHRASE, PASSPHRASE)
    qtbot.mouseClick(_button(dialog, "Encrypted copy for another place…"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _idle(dialog) and "clinic.age" in dialog.status_text(), timeout=20000)
    assert seen == ["Passphrase", "Passphrase again"]
    assert target.read_bytes().startswith(b"age-encryption.org/v1")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Encrypted copy written" in dialog.status_text() and messages["warning"] == []
    assert sorted(p.name for p in target.parent.iterdir()) == ["clinic.age", "clinic.age.meta.json"]


def test_two_different_passphrases_write_nothing(qtbot: QtBot, user: UserSession, db: Database, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "clinic.age"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), "")))
    dialog = _open(qtbot, user, db)
    closed: list[str] = []

    def mismatch() -> None:
        box = QApplication.activeModalWidget()
        if box is None or not box.findChildren(QLineEdit):
            QTimer.singleShot(10, mismatch)
            return
        first, again = [edit for edit in box.findChildren(QLineEdit) if edit.isVisible()]
        first.setText(PASSPHRASE)
        again.setText(PASSPHRASE + "!")
        [ok] = [b for b in box.findChildren(QPushButton) if b.accessibleName() == "OK"]
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        closed.append(" ".join(label.text() for label in box.findChildren(QLabel) if label.isVisible()))
        box.reject()  # the dialog stays open saying what is wrong; the user gives up

    QTimer.singleShot(0, mismatch)
    qtbot.mouseClick(_button(dialog, "Encrypted copy for another place…"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed) and _idle(dialog), timeout=10000)
    assert "do not match" in closed[0]
    assert not target.exists()


def test_restoring_an_encrypted_file_asks_for_its_passphrase(qtbot: QtBot, user: UserSession, db: Database,
                                                             db_path: Path, owner: Actor, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             messages: dict[str, list[str]]) -> None:
    create_client(db, owner, ClientDetails("P-1", "Ada", "Before"))
    made = backup(db, owner, tmp_path / "away.age", passphrase=PASSPHRASE)
    create_client(db, owner, ClientDetails("P-2", "Bea", "After"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(made.path), "")))
    dialog = _open(qtbot, user, db)
    seen = _answer_passphrase(qtbot, PASSPHRASE)
    qtbot.mouseClick(_button(dialog, "Restore from a file…"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _idle(dialog) and len(messages["information"]) == 1, timeout=20000)  # "Restore finished"
    assert messages["information"][0].startswith("The database now holds away.age.")
    assert seen == ["Passphrase"]
    assert "away.age" in messages["question"][0]
    assert _refs(db) == ["P-1"]


def test_a_wrong_passphrase_is_said_and_the_live_file_is_left_alone(qtbot: QtBot, user: UserSession, db: Database,
                                                                    db_path: Path, owner: Actor, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    messages: dict[str, list[str]]) -> None:
    made = backup(db, owner, tmp_path / "away.age", passphrase=PASSPHRASE)
    db.dispose()
    before = db_path.read_bytes()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(made.path), "")))
    dialog = _open(qtbot, user, db)
    _answer_passphrase(qtbot, "not the passphrase")
    qtbot.mouseClick(_button(dialog, "Restore from a file…"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _idle(dialog) and len(messages["warning"]) == 1, timeout=20000)
    assert messages["information"] == []  # no "Restore finished"
    assert "the passphrase does not open away.age" in messages["warning"][0]
    db.dispose()
    assert db_path.read_bytes() == before
