"""On PostgreSQL the import's look-up of the sessions already stored probes the (client, start) index once per
session, even while the rows the import has written are in no planner statistics yet (one transaction)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, text

from clinic_log.db.dialect import select_by_pairs
from clinic_log.db.engine import Database
from clinic_log.db.models import TreatmentSession, table_of
from clinic_log.domain.actor import Actor
from tests.unit.services.helpers import make_clinic

pytestmark = pytest.mark.postgres
WRITTEN = 20_000  # sessions the import has written so far in its transaction
START = datetime(2026, 1, 5, 8, 0)


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
        found = session.execute(select_by_pairs(session, (sessions.c.client_id, sessions.c.started_at),
                                                sessions.c.client_id, sessions.c.started_at, wanted, 500)).all()
        read_by_scans = scanned() - before
    assert sorted(found) == sorted(wanted[:-1])
    assert read_by_scans < WRITTEN // 10  # by index: no pass over the 20,000 rows
