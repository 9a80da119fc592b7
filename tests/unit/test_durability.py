"""Nothing is lost: SIGKILL in the middle of writing, two writers at once, a read-only or failing disk."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database, open_database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DatabaseProblem
from clinic_log.domain.values import AreaInput
from clinic_log.services.audit.integrity import check_database
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.common import audit
from clinic_log.services.devices import devices
from clinic_log.services.people import people
from clinic_log.services.sessions.session_queries import count_sessions
from clinic_log.services.sessions.sessions import log_session, save_draft, sign_session
from tests.unit.services.helpers import CONSENT_SIGNED_ON, make_clinic, session_entry

REPO = Path(__file__).resolve().parents[2]


def seed(db: Database, owner: Actor) -> None:
    people.create_practitioner(db, owner, people.PractitionerDetails(
        "mbrandt", "Dr Maria Brandt", "dermatologist", False, 3.0, "GMC-1", date(2031, 1, 1)))
    devices.add_device(db, owner, "Dermapen 4", "DP4-1")
    client = clients.create_client(db, owner, ClientDetails("P-1", "Amélie", "Durand", date(1987, 2, 14)))
    record_consent(db, owner, client.id, "Amélie Durand", CONSENT_SIGNED_ON)


def writer(db_path: Path, count: int, label: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.writer_process", str(db_path), str(count), label],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def committed_notes(output: str) -> set[str]:
    return {line.split()[2] for line in output.splitlines() if line.startswith("committed ")}


def stored_notes(db_path: Path) -> set[str]:
    conn = sqlite3.connect(db_path)
    try:
        return {r[0] for r in conn.execute("SELECT notes FROM sessions")}
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_at_random_points_never_loses_a_committed_session(db: Database, db_path: Path,
                                                                  owner: Actor) -> None:
    seed(db, owner)
    db.dispose()
    rng = random.Random(20261125)
    reported: set[str] = set()
    for round_number in range(20):
        proc = writer(db_path, 10_000, f"r{round_number}")
        assert proc.stdout is not None
        # Wait for the writer to be mid-stream, then kill it without warning.
        wanted = rng.randrange(1, 25)
        lines = []
        while len(lines) < wanted:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        time.sleep(rng.random() * 0.05)
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        reported |= committed_notes("".join(lines) + rest)
        assert check_database(prepare_database(str(db_path))) == [], f"round {round_number}"
        missing = reported - stored_notes(db_path)
        assert not missing, f"round {round_number}: reported committed but missing: {sorted(missing)[:5]}"
    assert len(reported) >= 20


@pytest.mark.slow
def test_two_writers_at_once_both_get_everything_saved(db: Database, db_path: Path, owner: Actor) -> None:
    seed(db, owner)
    db.dispose()
    procs = [writer(db_path, 1000, label) for label in ("a", "b")]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err[-2000:]
        assert "locked" not in err.lower()
        assert len(committed_notes(out)) == 1000
    conn = sqlite3.connect(db_path)
    ids = [r[0] for r in conn.execute("SELECT id FROM sessions")]
    conn.close()
    assert len(ids) == 2000 and len(set(ids)) == 2000
    assert check_database(prepare_database(str(db_path))) == []


def test_read_only_database_fails_with_a_clear_message_and_writes_nothing(db: Database, db_path: Path,
                                                                         owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    db.dispose()
    if os.geteuid() == 0:  # root ignores file permissions: open the file read-only through SQLite instead
        read_only = open_database(f"sqlite:///file:{db_path}?mode=ro&uri=true")
    else:
        db_path.chmod(stat.S_IRUSR)
        read_only = prepare_database(str(db_path))
    with pytest.raises(DatabaseProblem, match="read-only: nothing was saved"):
        log_session(read_only, clinic.derm, session_entry(clinic), sign=True)
    read_only.dispose()
    assert count_sessions(prepare_database(str(db_path))) == 0


def test_full_disk_at_commit_fails_cleanly(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)

    def disk_full(conn: object) -> None:
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))

    event.listen(db.engine, "commit", disk_full)
    with pytest.raises(DatabaseProblem, match="disk is full: nothing was saved"):
        log_session(db, clinic.derm, session_entry(clinic), sign=True)
    event.remove(db.engine, "commit", disk_full)
    assert count_sessions(db) == 0
    assert log_session(db, clinic.derm, session_entry(clinic), sign=True).status == "signed"


def _status(db_path: Path, session_id: int) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return str(conn.execute("SELECT status FROM sessions WHERE id = ?", (session_id,)).fetchone()[0])
    finally:
        conn.close()


def test_signing_on_a_read_only_database_fails_clearly_and_the_draft_stays(db: Database, db_path: Path,
                                                                           owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft_id = save_draft(db, clinic.derm, session_entry(clinic)).id
    db.dispose()
    read_only = open_database(f"sqlite:///file:{db_path}?mode=ro&uri=true")
    with pytest.raises(DatabaseProblem, match="read-only: nothing was saved"):
        sign_session(read_only, clinic.derm, draft_id)
    read_only.dispose()
    assert _status(db_path, draft_id) == "draft"


def test_signing_when_the_disk_fills_up_keeps_the_draft_and_signs_once_there_is_room(
        db: Database, db_path: Path, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft_id = save_draft(db, clinic.derm, session_entry(clinic, AreaInput("forehead", 1.0, 2))).id
    long_reason = "thick, sun-damaged skin; " * 400  # ~10 kB: the signature needs new pages for it

    def no_room_to_grow(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")  # SQLite then answers "disk is full"

    db.dispose()
    event.listen(db.engine, "connect", no_room_to_grow)
    with pytest.raises(DatabaseProblem, match="disk is full: nothing was saved"):
        sign_session(db, clinic.derm, draft_id, reason=long_reason)
    event.remove(db.engine, "connect", no_room_to_grow)
    db.dispose()
    assert _status(db_path, draft_id) == "draft"
    assert sign_session(db, clinic.derm, draft_id, reason=long_reason).status == "signed"
    assert check_database(db) == []


def test_signing_while_another_workstation_is_saving_waits_for_it_and_keeps_the_audit_chain_whole(
        db: Database, db_path: Path, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft_id = save_draft(db, clinic.derm, session_entry(clinic)).id
    other = prepare_database(str(db_path))
    holding = threading.Event()
    finished: list[int] = []

    def other_workstation() -> None:
        def work(session: Session) -> None:
            # The other workstation appends to the audit chain and holds its transaction open for a moment.
            audit.record(other, session, owner, audit.AuditEvent("viewed", "client", str(clinic.client_id), {}))
            holding.set()
            time.sleep(0.3)
            finished.append(1)
        other.write(work)

    thread = threading.Thread(target=other_workstation)
    thread.start()
    assert holding.wait(5)
    signed = sign_session(db, clinic.derm, draft_id)
    thread.join()
    other.dispose()
    assert signed.status == "signed" and finished == [1]
    assert _status(db_path, draft_id) == "signed"
    assert check_database(db) == []  # includes the audit chain: the signature chained after the other's row
