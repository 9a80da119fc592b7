"""Several workstations see each other: another process's signature shows in the history within 2 s, an open client
or session another workstation changed says so and reloads only when asked, the status bar says when PostgreSQL
went away and came back. Runs on SQLite, and on PostgreSQL with --backend=postgres (make test-pg)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.common.change_feed import Change
from clinic_log.services.people import people
from clinic_log.services.sessions.amendments import void_session
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.common.operations import AUDIT, CLIENTS, EVERYTHING, PEOPLE, SESSIONS, changes
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.workstation_changes import LOST, RECONNECTED, WorkstationWatch, kinds_of
from clinic_log.ui.people.practitioners_page import PractitionersPage
from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog
from tests.ui.window_helpers import make_window, shown_ids
from tests.unit.services.helpers import Clinic, make_clinic, session_entry

REPO = Path(__file__).resolve().parents[3]
AT = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def _change(action: str, entity: str) -> Change:
    return Change(1, action, entity, "1", "someone", AT)


def test_a_signed_session_refreshes_sessions_and_the_audit_trail() -> None:
    assert kinds_of([_change("signed", "session")]) == {SESSIONS, AUDIT}


def test_a_client_opened_or_printed_elsewhere_refreshes_only_the_audit_trail() -> None:
    assert kinds_of([_change("viewed", "client"), _change("printed", "client")]) == {AUDIT}


def test_a_consent_and_a_credential_refresh_clients_and_people() -> None:
    assert kinds_of([_change("created", "consent"), _change("created", "credential")]) == {CLIENTS, PEOPLE, AUDIT}


def test_a_restore_or_an_entity_not_known_refreshes_everything() -> None:
    assert kinds_of([_change("restored", "database")]) == EVERYTHING
    assert kinds_of([_change("created", "something_new")]) == EVERYTHING


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)


def _watching(qtbot: QtBot, watch: WorkstationWatch) -> WorkstationWatch:
    watch.start()
    qtbot.waitUntil(lambda: watch.watching, timeout=10_000)
    return watch


@pytest.fixture
def watch(qtbot: QtBot, db: Database, clinic: Clinic) -> Iterator[WorkstationWatch]:
    window = QMainWindow()
    qtbot.addWidget(window)
    started = _watching(qtbot, WorkstationWatch(db, window))
    yield started
    started.stop()


@pytest.fixture
def page(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> Iterator[ClientPage]:
    """The client's page, open; deleted at the end (a page left alive would reload at the next test's login)."""
    shown = ClientPage(db, user)
    qtbot.addWidget(shown)
    shown.show_client(clinic.client_id)
    shown.show()
    yield shown
    shiboken6.delete(shown)


def test_a_session_signed_by_another_process_shows_in_the_history_within_2_seconds(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, clinic: Clinic) -> None:
    window = make_window(qtbot, db, user, db_path)
    _watching(qtbot, window.workstations)
    try:
        before = shown_ids(window)
        writer = subprocess.run([sys.executable, "-m", "tests.writer_process", db.url, "1", "treatment-room"],
                                cwd=REPO, capture_output=True, text=True, timeout=60)
        assert writer.returncode == 0, writer.stderr
        signed = int(writer.stdout.split()[1])  # "committed <id> <notes>": signed and committed by now
        assert signed not in before
        qtbot.waitUntil(lambda: signed in shown_ids(window), timeout=2000)
    finally:
        window.workstations.stop()


def test_an_open_client_changed_elsewhere_says_who_and_when_and_reloads_only_when_asked(
        qtbot: QtBot, db: Database, other: Database, clinic: Clinic, owner: Actor, watch: WorkstationWatch,
        page: ClientPage) -> None:
    banner = page.changed_banner
    qtbot.keyClicks(page.first_edit, "-typed")
    with qtbot.waitSignal(changes.changed_elsewhere, timeout=2000):
        clients.update_contact(other, Actor("reception1", owner.role), clinic.client_id, "+44 20 7946 0000", None)
    qtbot.waitUntil(banner.isVisible, timeout=2000)
    assert re.fullmatch(r"Changed by reception1 at \d\d:\d\d on another workstation", banner.label.text())
    assert page.first_edit.text() == "Zofia-typed" and page.phone_edit.text() == ""  # nothing reloaded under it
    qtbot.mouseClick(banner.reload_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert page.phone_edit.text() == "+44 20 7946 0000" and page.first_edit.text() == "Zofia-typed"  # typing kept


def test_a_change_saved_on_this_workstation_or_to_another_client_shows_no_banner(
        qtbot: QtBot, db: Database, other: Database, clinic: Clinic, owner: Actor, watch: WorkstationWatch,
        page: ClientPage) -> None:
    clients.update_contact(db, owner, clinic.client_id, "+44 1", None)  # this workstation
    someone = clients.create_client(other, owner, clients.ClientDetails("P-9", "Ana", "Lima", None))
    with qtbot.waitSignal(changes.changed_elsewhere, timeout=2000) as seen:
        pass
    assert [c.client_id for c in seen.args[0]] == [someone.id]
    assert not page.changed_banner.isVisible()


def test_an_open_session_voided_elsewhere_shows_the_banner_and_reload_shows_the_void(
        qtbot: QtBot, user: UserSession, db: Database, other: Database, clinic: Clinic, owner: Actor,
        watch: WorkstationWatch) -> None:
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    dialog = SessionDetailDialog(get_session(db, saved.id), db=db, user=user)
    qtbot.addWidget(dialog)
    dialog.show()
    void_session(other, owner, saved.id, "entered for the wrong client")
    qtbot.waitUntil(dialog.changed_banner.isVisible, timeout=2000)
    assert "[VOID]" not in dialog.heading.text()
    qtbot.mouseClick(dialog.changed_banner.reload_button, Qt.MouseButton.LeftButton)
    assert "[VOID]" in dialog.heading.text() and not dialog.changed_banner.isVisible()


def test_a_practitioner_changed_elsewhere_while_being_edited_says_so_and_reload_keeps_the_typing(
        qtbot: QtBot, user: UserSession, db: Database, other: Database, clinic: Clinic, owner: Actor,
        watch: WorkstationWatch) -> None:
    page = PractitionersPage(db, user)
    qtbot.addWidget(page)
    page.show()
    page.select_practitioner(clinic.derm_id)
    qtbot.keyClicks(page.full_name_edit, " FRCP")
    cap_before = page.cap_edit.text()
    with qtbot.waitSignal(changes.changed_elsewhere, timeout=2000):
        people.update_practitioner(other, Actor("owner2", owner.role), clinic.nurse_id, "Jane Doyle-Moss", "nurse",
                                   True, None)
    assert not page.changed_banner.isVisible()  # another practitioner than the one shown
    people.update_practitioner(other, Actor("owner2", owner.role), clinic.derm_id, "Dr Maria Brandt",
                               "dermatologist", False, 1.5)
    banner = page.changed_banner
    qtbot.waitUntil(banner.isVisible, timeout=2000)
    assert re.fullmatch(r"Changed by owner2 at \d\d:\d\d on another workstation", banner.label.text())
    assert page.full_name_edit.text() == "Dr Maria Brandt FRCP"
    assert page.cap_edit.text() == cap_before != "1.5"  # nothing reloaded under the typing
    qtbot.mouseClick(banner.reload_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert page.cap_edit.text() == "1.5" and page.full_name_edit.text() == "Dr Maria Brandt FRCP"  # typing kept
    page.select_practitioner(clinic.nurse_id)
    assert page.full_name_edit.text() == "Jane Doyle-Moss"


def test_the_status_bar_says_when_postgresql_is_lost_and_back(qtbot: QtBot, db: Database, clinic: Clinic,
                                                             watch: WorkstationWatch) -> None:
    if db.is_sqlite:
        pytest.skip("a PostgreSQL server restart (make test-pg)")
    from tests.pg_server import start_server, stop_server

    window = watch.parent()
    assert isinstance(window, QMainWindow)
    stop_server(db.url)
    try:
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == LOST, timeout=5000)
    finally:
        start_server(db.url)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == RECONNECTED, timeout=10_000)


def test_a_change_elsewhere_leaves_the_session_selected_in_the_history_where_it_was(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, other: Database, clinic: Clinic,
        owner: Actor) -> None:
    for hour in (9, 10, 11):
        log_session(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 7, 1, hour, tzinfo=UTC)),
                    sign=True)
    window = make_window(qtbot, db, user, db_path)
    _watching(qtbot, window.workstations)
    try:
        view, model = window.page.view, window.page.model
        view.setCurrentIndex(model.index(2, 0))
        chosen = model.session_id(2)
        with qtbot.waitSignal(changes.changed_elsewhere, timeout=2000):
            clients.update_contact(other, owner, clinic.client_id, "+44 5", None)
        assert model.session_id(view.currentIndex().row()) == chosen  # the cursor did not jump to the top
    finally:
        window.workstations.stop()
