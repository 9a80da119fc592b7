"""The import's look-up of the sessions already stored probes the (client, start) index once per session: on
SQLite, not once per client times start of the batch (two IN lists made 250,000 probes for 500 sessions of 500
clients, a sixth of a large import); on PostgreSQL even while the rows the import has written are in no planner
statistics yet (one transaction)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, text

from clinic_log.db.dialect import rows_by_pairs
from clinic_log.db.engine import Database
from clinic_log.db.models import Client, TreatmentSession, table_of
from clinic_log.domain.actor import Actor
from tests.unit.services.helpers import make_clinic

WRITTEN = 20_000  # sessions the import has written so far in its transaction
START = datetime(2026, 1, 5, 8, 0)


@pytest.mark.postgres
def test_looking_up_500_sessions_reads_them_not_every_session_the_import_wrote(db: Database, owner: Actor) -> None:
    if not db.url.startswith("postgresql"):
        pytest.skip("runs with --backend=postgres (make test-pg): SQLite's plan uses the index anyway")
    clinic = make_clinic(db, owner)
    sessions = table_of(TreatmentSession)
    with db.writing() as session:
        session.execute(insert(sessions), [
            {"client_id": clinic.client_id, "started_at": START + timedelta(minutes=i),
             "practitioner_id": clinic.derm_id, "status": "draft", "created_by": "import", "created_at": START,
             "updated_at": START}
            for i in range(WRITTEN)])
        wanted = [(clinic.client_id, START + timedelta(minutes=i)) for i in range(0, WRITTEN, WRITTEN // 500)]
        wanted[-1] = (clinic.client_id, START - timedelta(days=1))  # one session that is not there

        def scanned() -> int:
            return int(session.scalar(text("SELECT COALESCE(seq_tup_read, 0) FROM pg_stat_xact_user_tables "
                                           "WHERE relname = 'sessions'")) or 0)

        before = scanned()
        found = rows_by_pairs(session, (sessions.c.client_id, sessions.c.started_at), sessions.c.client_id,
                              sessions.c.started_at, wanted, 500)
        read_by_scans = scanned() - before
    assert sorted(found) == sorted(wanted[:-1])
    assert read_by_scans < WRITTEN // 10  # by index: no pass over the 20,000 rows


def test_looking_up_500_sessions_of_500_clients_probes_the_index_once_each_on_sqlite(db: Database,
                                                                                   owner: Actor) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's lookup (PostgreSQL's is the test above)")
    clinic = make_clinic(db, owner)
    sessions, clients = table_of(TreatmentSession), table_of(Client)
    with db.writing() as session:
        session.execute(insert(clients), [
            {"client_ref": f"B-{i}", "first_name": "A", "last_name": f"B{i}", "search_key": f"a b{i}",
             "created_at": START, "updated_at": START} for i in range(500)])
        ids = list(session.scalars(text("SELECT id FROM clients WHERE client_ref LIKE 'B-%' ORDER BY id")))
        rows = [{"client_id": cid, "started_at": START + timedelta(minutes=n), "practitioner_id": clinic.derm_id,
                 "status": "draft", "created_by": "import", "created_at": START, "updated_at": START}
                for n, cid in enumerate(ids)]
        session.execute(insert(sessions), rows)
        wanted = [(r["client_id"], r["started_at"]) for r in rows]
        wanted[-1] = (ids[-1], START - timedelta(days=1))  # one session that is not there
        steps = [0]

        def count() -> int:
            steps[0] += 1
            return 0

        raw = session.connection().connection.driver_connection
        raw.set_progress_handler(count, 100)  # every 100 virtual-machine instructions
        try:
            found = rows_by_pairs(session, (sessions.c.client_id, sessions.c.started_at), sessions.c.client_id,
                                  sessions.c.started_at, wanted, 500)
        finally:
            raw.set_progress_handler(None, 0)
    assert sorted(set(found)) == sorted(wanted[:-1])
    assert steps[0] * 100 < 200_000  # about 100 instructions a pair; a probe per client × start is millions
