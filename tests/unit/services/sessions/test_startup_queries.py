"""The first screen read with plain sqlite3 (before SQLAlchemy loads) shows exactly what the ORM services show."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from clinic_log.db.engine import Database, open_database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clinic.clinic_settings import read_settings, save_settings
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.people.auth import has_users
from clinic_log.services.people.people import list_practitioners
from clinic_log.services.sessions import startup_queries
from clinic_log.services.sessions.amendments import void_session
from clinic_log.services.sessions.facts import area_refs
from clinic_log.services.sessions.session_filter import SessionFilter
from clinic_log.services.sessions.session_queries import count_sessions, filter_choices, list_sessions
from clinic_log.settings import IDENTIFIER_SYSTEM, IDLE_LOCK, PAPER

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def demo(db: Database, owner: Actor) -> Database:
    generate_demo(db, owner, clients=25, sessions=300, seed=5)
    return db


def owner_actor() -> Actor:
    return Actor("owner", UserRole.OWNER)


def _file(db: Database) -> str:
    path = startup_queries.plain_sqlite_file(db)
    assert path is not None
    return path


@pytest.mark.parametrize(("limit", "offset"), [(200, 0), (50, 100), (200, 250), (10, 400)])
def test_a_plain_page_is_the_orm_page(demo: Database, owner: Actor, limit: int, offset: int) -> None:
    newest = list_sessions(demo, SessionFilter(), limit=1)[0]
    void_session(demo, owner, newest.id, "logged for the wrong client")  # shown as "void" by both
    everything = list_sessions(demo, SessionFilter(), limit=1000)
    assert everything[0].status == "void"
    assert startup_queries.plain_sessions_page(_file(demo), limit, offset) == everything[offset:offset + limit]


def test_both_readers_answer_the_first_screen_alike(demo: Database) -> None:
    plain, services = startup_queries.FirstScreen(demo).reader, startup_queries.ServicesReader(demo)
    assert isinstance(plain, startup_queries.PlainReader)  # an SQLite file, before the services are loaded
    assert plain.count_sessions(SessionFilter()) == services.count_sessions(SessionFilter()) == count_sessions(demo)
    assert count_sessions(demo) == 300
    assert [(c.value, c.label) for c in plain.filter_choices().practitioners] == [
        (p.id, p.full_name) for p in list_practitioners(demo)]  # the history's practitioner list, as the page reads it
    with demo.reading() as session:
        assert plain.area_labels() == services.area_labels() == {
            code: ref.label for code, ref in area_refs(session).items()}
    assert plain.list_sessions(SessionFilter(), 20) == services.list_sessions(SessionFilter(), 20) == list_sessions(
        demo, limit=20)
    assert plain.filter_choices() == services.filter_choices() == filter_choices(demo)
    assert plain.has_users() == services.has_users() == has_users(demo)
    save_settings(demo, owner_actor(), {"security.idle_lock_minutes": "25"})
    assert plain.setting(IDLE_LOCK) == services.setting(IDLE_LOCK) == 25
    assert plain.setting(PAPER) == services.setting(PAPER) == read_settings(demo)["clinic.paper"]
    assert plain.setting(IDENTIFIER_SYSTEM) == services.setting(IDENTIFIER_SYSTEM) == read_settings(demo).read(
        IDENTIFIER_SYSTEM)


def test_a_filtered_list_always_goes_to_the_orm_service(demo: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(startup_queries, "plain_sessions_page", lambda *_: pytest.fail("plain path used"))
    plain = startup_queries.PlainReader(_file(demo), startup_queries.ServicesReader(demo))
    flt = SessionFilter(status="draft")
    assert plain.list_sessions(flt, 50) == list_sessions(demo, flt, limit=50)
    assert all(row.status == "draft" for row in plain.list_sessions(flt, 50))
    assert plain.count_sessions(flt) == count_sessions(demo, flt)


def test_the_first_screen_reads_through_the_services_once_they_are_loaded(demo: Database) -> None:
    first_screen = startup_queries.FirstScreen(demo)
    assert isinstance(first_screen.reader, startup_queries.PlainReader)
    first_screen.services_loaded()
    assert isinstance(first_screen.reader, startup_queries.ServicesReader)
    assert isinstance(startup_queries.FirstScreen(demo, plain=False).reader, startup_queries.ServicesReader)


def test_only_a_current_database_with_reference_data_is_ready(db: Database, tmp_path: Path) -> None:
    assert startup_queries.sqlite_ready(db)
    assert not startup_queries.sqlite_ready(open_database(str(tmp_path / "missing.sqlite3")))
    assert not (tmp_path / "missing.sqlite3").exists()  # looking did not create it
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    assert not startup_queries.sqlite_ready(open_database(str(junk)))
    assert junk.read_bytes() == b"not a database at all" * 100
    old = sqlite3.connect(_file(db))
    old.execute("UPDATE alembic_version SET version_num = '0001_initial'")
    old.commit()
    old.close()
    assert not startup_queries.sqlite_ready(db)  # a pending migration takes the full path
