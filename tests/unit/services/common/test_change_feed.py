"""The change feed: another workstation's writes are read back with who, what and which client; this process's own
writes are not; SQLite's data_version says when to look (and PostgreSQL's listener in test_change_listener.py)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import date

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.clients.client_record import audit_viewed
from clinic_log.services.common.change_feed import ChangeFeed
from clinic_log.services.sessions.sessions import log_session, sign_session
from tests.unit.services.helpers import Clinic, make_clinic, session_entry


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)


@pytest.fixture
def feed(db: Database, clinic: Clinic) -> Iterator[ChangeFeed]:
    watching = ChangeFeed(db)
    yield watching
    watching.close()


def test_a_session_signed_on_another_workstation_is_read_with_its_actor_and_client(
        feed: ChangeFeed, other: Database, clinic: Clinic) -> None:
    draft = log_session(other, clinic.derm, session_entry(clinic))
    sign_session(other, clinic.derm, draft.id)  # the chairside path (write_direct)
    found = feed.read()
    assert [(c.action, c.entity, c.session_id, c.client_id, c.actor) for c in found.changes] == [
        ("created", "session", draft.id, clinic.client_id, "mbrandt"),
        ("signed", "session", draft.id, clinic.client_id, "mbrandt")]
    assert not found.overflow
    assert feed.read().changes == ()  # read once


def test_this_workstations_own_writes_are_left_out(feed: ChangeFeed, db: Database, other: Database,
                                                   clinic: Clinic, owner: Actor) -> None:
    mine = log_session(db, clinic.derm, session_entry(clinic))
    sign_session(db, clinic.derm, mine.id)
    clients.update_contact(db, owner, clinic.client_id, "+44 1", "z@example.org")
    theirs = clients.create_client(other, owner, clients.ClientDetails("P-2", "Ana", "Lima", date(1985, 5, 5)))
    found = feed.read().changes
    assert [(c.action, c.entity, c.client_id) for c in found] == [("created", "client", theirs.id)]
    assert len(feed.own) == 0  # what was read back is forgotten


def test_a_finding_and_a_consent_name_the_client_they_belong_to(feed: ChangeFeed, other: Database,
                                                               clinic: Clinic, owner: Actor) -> None:
    finding = clients.add_finding(other, owner, clinic.client_id, "eczema", date(2026, 5, 1))
    clients.remove_finding(other, owner, finding)  # gone from the table: its audit detail names the client
    assert [(c.action, c.entity, c.client_id) for c in feed.read().changes] == [
        ("created", "finding", clinic.client_id), ("removed", "finding", clinic.client_id)]


def test_opening_a_client_elsewhere_is_read_but_changes_no_record(feed: ChangeFeed, other: Database,
                                                                  clinic: Clinic, owner: Actor) -> None:
    audit_viewed(other, owner, clinic.client_id, "client page")
    (viewed,) = feed.read().changes
    assert viewed.client_id == clinic.client_id and not viewed.changes_records


def test_more_new_rows_than_it_reads_at_once_is_an_overflow_and_the_next_read_starts_after_them(
        db: Database, other: Database, clinic: Clinic, owner: Actor) -> None:
    feed = ChangeFeed(db, max_rows=2)
    try:
        for n in range(3):
            clients.create_client(other, owner, clients.ClientDetails(f"P-{n + 10}", "A", "B", None))
        assert feed.read().overflow
        clients.create_client(other, owner, clients.ClientDetails("P-20", "C", "D", None))
        after = feed.read()
        assert not after.overflow and [c.entity for c in after.changes] == ["client"]
    finally:
        feed.close()


@pytest.mark.sqlite_only
def test_data_version_moves_only_when_another_connection_commits(feed: ChangeFeed, db: Database,
                                                                 other: Database, clinic: Clinic,
                                                                 owner: Actor) -> None:
    assert not feed.maybe_changed()
    with other.reading() as session:  # a read commits nothing
        session.connection().exec_driver_sql("SELECT count(*) FROM clients")
    assert not feed.maybe_changed()
    clients.update_contact(other, owner, clinic.client_id, "+44 2", None)
    assert feed.maybe_changed()
    assert not feed.maybe_changed()  # once per change


def test_a_closed_feed_no_longer_collects_this_processes_hashes(db: Database, clinic: Clinic, owner: Actor) -> None:
    feed = ChangeFeed(db)
    feed.close()
    clients.update_contact(db, owner, clinic.client_id, "+44 3", None)
    assert len(feed.own) == 0 and db.audit_listeners == []


@pytest.mark.sqlite_only
def test_a_restore_of_an_older_copy_is_everything_changed_and_later_rows_are_read_again(
        feed: ChangeFeed, db: Database, other: Database, clinic: Clinic, owner: Actor) -> None:
    path = db.sqlite_path
    assert path is not None
    older = sqlite3.connect(":memory:")
    with contextlib.closing(sqlite3.connect(path)) as live:
        live.backup(older)  # the backup a restore will bring back
    for n in range(3):
        clients.create_client(other, owner, clients.ClientDetails(f"P-{n + 30}", "A", "B", None))
    assert len(feed.read().changes) == 3
    other.dispose()
    with contextlib.closing(sqlite3.connect(path)) as live:
        older.backup(live)  # as a restore does: the older content copied into the live file
    assert feed.maybe_changed()
    assert feed.read().overflow  # the log is shorter than what was seen: everything changed
    theirs = clients.create_client(other, owner, clients.ClientDetails("P-40", "C", "D", None))
    assert [c.client_id for c in feed.read().changes] == [theirs.id]  # not skipped as "already seen"
