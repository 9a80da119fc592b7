"""Benchmark: signing a session (re-check, status, warnings, audit row with its SHA-256 link) against a raw
single-row INSERT + COMMIT through sqlite3 on the same database file, same pragmas, in the same run.

Run from the repository root::

    python benchmarks/bench_sign.py [--quick]

Prepares a fresh database with one clinic and N drafts (200; 40 with --quick), then signs them one by one
through `sign_session` — one write transaction each, as the app does — and, interleaved, does one raw
``BEGIN IMMEDIATE`` + ``INSERT`` + ``COMMIT`` per draft into a scratch table of the same file (WAL,
synchronous=FULL, BEGIN IMMEDIATE: the app's settings, so both pay one fsync per commit). Reports median and
p90 per operation. Goal: sign/raw ≤ 3× (medians). For reference, a third row times only the two rows a
signature writes (status update and chained audit row) through `db.write`, the ORM-session path every other
save takes: signing runs its statements on the driver connection instead (`Database.write_direct`), which is
why the whole signature, re-check included, costs less than those two writes alone through the session.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from _common import print_table, ratio, raw_connect, verdict
from sqlalchemy import update
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import TreatmentSession, table_of
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.values import AreaInput, SessionInput
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.clients import clients
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.clock import utcnow
from clinic_log.services.devices import devices
from clinic_log.services.people import auth, people
from clinic_log.services.sessions.sessions import save_draft, sign_session

GOAL = 3.0
OWNER = Actor("owner", UserRole.OWNER)


def prepare(path: Path, drafts: int) -> tuple[list[int], Actor]:
    db = prepare_database(str(path))
    try:
        derm = people.create_practitioner(db, OWNER, people.PractitionerDetails(
            "mbrandt", "Dr Maria Brandt", "dermatologist", False, 3.0, "GMC-1", date(2031, 1, 1)))
        device = devices.add_device(db, OWNER, "SkinPen Precision", "SPP-1")
        client = clients.create_client(db, OWNER, clients.ClientDetails("P-1", "Zofia", "Łukasiewicz",
                                                                        date(1990, 1, 1), fitzpatrick=2))
        record_consent(db, OWNER, client.id, "Zofia Łukasiewicz", date(2026, 6, 1))
        start = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
        # A logged-in practitioner, as at the chair: every signature re-checks that login
        # (services/common/authority.py).
        auth.create_user(db, OWNER, "mbrandt", "Dr Maria Brandt", "practitioner", "bench-password-1", "mbrandt")
        actor = auth.login(db, "mbrandt", "bench-password-1")
        ids = [save_draft(db, actor, SessionInput(
            client_id=client.id, practitioner_id=derm.id, started_at=start + timedelta(hours=i),
            device_id=device.id, cartridge_lot="SP14-1", lot_expires=date(2027, 1, 31),
            areas=(AreaInput("forehead", 0.5, 2), AreaInput("cheeks", 0.75, 3)))).id for i in range(drafts)]
        return ids, actor
    finally:
        db.dispose()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def raw_insert(raw: sqlite3.Connection, n: int) -> None:
    raw.execute("BEGIN IMMEDIATE")  # as the app's write transactions begin (db/engine.py)
    raw.execute("INSERT INTO bench_raw (at, actor, note) VALUES (?, ?, ?)",
                (datetime.now(UTC).isoformat(), "mbrandt", f"row {n}"))
    raw.execute("COMMIT")


def writes_only(db: Database, actor: Actor, session_id: int) -> None:
    """The two rows a signature writes (session status, audit row chained to the previous hash) through
    `db.write`, the ORM-session path, without re-checking the draft: for reference."""
    sessions = table_of(TreatmentSession)

    def work(session: Session) -> None:
        session.connection().execute(update(sessions).where(sessions.c.id == session_id)
                                     .values(updated_at=utcnow(), version=sessions.c.version + 1))
        audit.record(db, session, actor, AuditEvent("bench", "session", str(session_id), {"warnings": []}))

    db.write(work)


def timed_ms(action: Callable[[], object], into: list[float]) -> None:
    start = time.perf_counter()
    action()
    into.append(time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 drafts instead of 200")
    drafts = 40 if parser.parse_args().quick else 200
    with tempfile.TemporaryDirectory(prefix="bench-sign-") as tmp:
        path = Path(tmp) / "sign.sqlite3"
        ids, actor = prepare(path, drafts)
        db = prepare_database(str(path))
        raw = raw_connect(path)
        raw.execute("CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, "
                    "note TEXT)")
        signed: list[float] = []
        inserted: list[float] = []
        floor: list[float] = []
        try:
            # Warm-up (not counted): first statements compiled, caches filled.
            sign_session(db, actor, ids[0])
            raw_insert(raw, -1)
            writes_only(db, actor, ids[0])
            for n, session_id in enumerate(ids[1:]):
                timed_ms(lambda: sign_session(db, actor, session_id), signed)  # noqa: B023 (called at once)
                timed_ms(lambda: raw_insert(raw, n), inserted)  # noqa: B023
                timed_ms(lambda: writes_only(db, actor, session_id), floor)  # noqa: B023
        finally:
            raw.close()
            db.dispose()
    sign_median, raw_median, floor_median = (statistics.median(v) for v in (signed, inserted, floor))
    factor = sign_median / raw_median

    def row(label: str, values: list[float]) -> list[object]:
        return [label, f"{statistics.median(values) * 1000:.2f}", f"{percentile(values, 0.9) * 1000:.2f}",
                len(values)]

    rows = [row("sign_session (re-check + audit row with hash), one transaction", signed),
            row("raw sqlite3: one INSERT + COMMIT", inserted),
            row("for reference: only the sign's two writes, through the ORM session (db.write)", floor)]
    print_table(f"Sign a session vs a raw single-row insert + commit ({len(signed)} each, interleaved, same file)",
                ["operation", "median ms", "p90 ms", "n"], rows,
                [f"ratio sign/raw (medians): {ratio(sign_median, raw_median)} (goal ≤ {GOAL}×: "
                 f"{verdict(factor, GOAL)})",
                 f"the sign's two writes alone through the ORM session: {ratio(floor_median, raw_median)} of raw; "
                 "signing runs the same Core statements on the driver connection (Database.write_direct)",
                 "all commit with WAL + synchronous=FULL and BEGIN IMMEDIATE (the app's settings), "
                 "so each pays one fsync"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
