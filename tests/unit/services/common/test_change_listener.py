"""PostgreSQL: the listener wakes the change feed when another workstation writes, and a server restart is said,
survived and caught up with; a write the restart cut off is reported not saved and is written once when retried.
Run with --backend=postgres (make test-pg)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from clinic_log.db.engine import Database, open_database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DatabaseProblem
from clinic_log.services.clients import clients
from clinic_log.services.common.change_feed import ChangeFeed, ChangeListener
from clinic_log.services.sessions.sessions import log_session, sign_session
from tests.unit.services.helpers import Clinic, make_clinic, session_entry

pytestmark = pytest.mark.postgres
WAIT_S = 10


class Heard:
    """What the listener said, from its thread."""

    def __init__(self) -> None:
        self.notified = threading.Event()
        self.states: list[str] = []
        self.state_changed = threading.Condition()

    def notify(self) -> None:
        self.notified.set()

    def state(self, state: str) -> None:
        with self.state_changed:
            self.states.append(state)
            self.state_changed.notify_all()

    def wait_for_state(self, state: str) -> bool:
        with self.state_changed:
            return self.state_changed.wait_for(lambda: state in self.states, WAIT_S)


@pytest.fixture
def pg(db: Database) -> Database:
    if db.is_sqlite:
        pytest.skip("runs with --backend=postgres (make test-pg)")
    return db


@pytest.fixture
def clinic(pg: Database, owner: Actor) -> Clinic:
    return make_clinic(pg, owner)


@pytest.fixture
def heard(pg: Database, clinic: Clinic) -> Iterator[Heard]:
    said = Heard()
    listener = ChangeListener(pg, said.notify, said.state, poll_s=0.1, retry_s=0.1, max_retry_s=0.5)
    listener.start()
    assert listener.listening.wait(WAIT_S)
    yield said
    listener.stop()


@pytest.fixture
def other(pg: Database) -> Iterator[Database]:
    workstation = open_database(pg.url)
    yield workstation
    workstation.dispose()


def test_a_change_committed_on_another_workstation_wakes_the_listener(heard: Heard, other: Database,
                                                                     clinic: Clinic, owner: Actor) -> None:
    clients.update_contact(other, owner, clinic.client_id, "+44 1", None)
    assert heard.notified.wait(2)


def test_a_rolled_back_change_wakes_nobody(heard: Heard, other: Database, clinic: Clinic, owner: Actor) -> None:
    class Abandon(Exception):
        pass

    def work(session: object) -> None:
        from clinic_log.services.common import audit

        audit.record(other, session, owner, audit.AuditEvent("changed", "client", "1", {}))  # type: ignore[arg-type]
        raise Abandon

    with pytest.raises(Abandon):
        other.write(work)  # type: ignore[arg-type]
    assert not heard.notified.wait(0.5)


def test_a_server_restart_is_said_survived_and_caught_up_with(pg: Database, heard: Heard, other: Database,
                                                              clinic: Clinic, owner: Actor) -> None:
    from tests.pg_server import start_server, stop_server

    feed = ChangeFeed(pg)
    try:
        draft = log_session(pg, clinic.derm, session_entry(clinic))
        stop_server(pg.url)
        assert heard.wait_for_state("lost")
        with pytest.raises(DatabaseProblem, match="nothing was saved"):
            sign_session(pg, clinic.derm, draft.id)  # cut off: reported as not saved
        heard.notified.clear()
        start_server(pg.url)
        assert heard.wait_for_state("reconnected")
        assert heard.notified.wait(WAIT_S)  # told to read what was written while it was away
        clients.update_contact(other, owner, clinic.client_id, "+44 9", None)
        assert sign_session(pg, clinic.derm, draft.id).status == "signed"  # the user's retry, written once
        found = [(c.action, c.entity) for c in feed.read().changes]
        assert found == [("changed", "client")]  # the feed reads again after the restart; own rows left out
        with pg.reading() as session:
            signed = session.connection().exec_driver_sql(
                "SELECT count(*) FROM audit_log WHERE action = 'signed' AND entity_id = %s", (str(draft.id),))
            assert signed.scalar() == 1
    finally:
        feed.close()


def test_after_a_reconnect_the_first_signature_goes_through(pg: Database, clinic: Clinic) -> None:
    """Signing keeps its connection between signatures; once the listener saw the server come back, that connection
    (dead since the restart) is replaced before the next signature instead of failing it."""
    from tests.pg_server import start_server, stop_server

    said = Heard()
    listener = ChangeListener(pg, said.notify, said.state, poll_s=0.1, retry_s=0.1, max_retry_s=0.5)
    listener.start()
    try:
        assert listener.listening.wait(WAIT_S)
        first = log_session(pg, clinic.derm, session_entry(clinic))
        sign_session(pg, clinic.derm, first.id)  # the kept connection is made
        second = log_session(pg, clinic.derm, session_entry(clinic))
        stop_server(pg.url)
        assert said.wait_for_state("lost")
        start_server(pg.url)
        assert said.wait_for_state("reconnected")
        assert sign_session(pg, clinic.derm, second.id).status == "signed"
    finally:
        listener.stop()
