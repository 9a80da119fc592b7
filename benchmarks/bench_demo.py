"""Benchmark: `clinic-log demo` writing a million sessions, against raw sqlite3 executemany of as many rows.

Run from the repository root::

    python benchmarks/bench_demo.py [--quick]

Times the real CLI in a subprocess, ``clinic-log --db FILE demo --clients 20000 --sessions 1000000
--seed 1`` (100,000 sessions with --quick), on a copy of a database made by ``clinic-log init``;
prints seconds (spawn to exit, so interpreter start-up is included), sessions/s, the process's peak
RSS and the resulting file size. The baseline, on another copy of the same initialised database and
under the app's pragmas, inserts with plain sqlite3 ``executemany`` in one transaction exactly as many
clients, consents, findings, sessions, session areas and complications as the demo wrote, built as
simple synthetic tuples (cheap arithmetic, scattered start times and client ids so the indexes see
the same random order), plus the few practitioners, devices and lots they refer to.

The resulting database is kept as benchmarks/.data/sessions-1m.sqlite3 (sessions-100k with --quick)
for the other benchmarks, unless an up-to-date copy is already there.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from _common import (
    DEMO_CLIENTS,
    DEMO_SEED,
    app_env,
    cli_command,
    copy_db,
    data_dir,
    data_version,
    is_cached,
    mark_cached,
    move_db,
    print_table,
    ratio,
    raw_connect,
    remove_db,
    run_cli,
    run_measured,
    sessions_db_name,
    sessions_db_version,
    table_counts,
    timed,
)

FULL_SESSIONS, QUICK_SESSIONS = 1_000_000, 100_000
CHUNK = 50_000
COUNTED = ("clients", "consents", "findings", "sessions", "session_areas", "complications")
NOW = "2026-01-01 12:00:00.000000"


# --- the app --------------------------------------------------------------------------------


def initialised_db() -> Path:
    """An empty database made by `clinic-log init` (schema and reference data only), cached."""
    path = data_dir() / "empty-init.sqlite3"
    version = data_version("init")
    if not is_cached(path, version):
        remove_db(path)
        run_cli("--db", str(path), "init")
        mark_cached(path, version)
    return path


def run_demo(target: Path, sessions: int) -> tuple[float, float, int]:
    """(seconds, peak RSS MB, treated areas reported) for the CLI demo command."""
    command = cli_command("--db", str(target), "demo", "--clients", str(DEMO_CLIENTS), "--sessions", str(sessions),
                          "--seed", str(DEMO_SEED))
    finished = run_measured(command, app_env())
    if finished.returncode != 0:
        raise SystemExit(f"clinic-log demo failed ({finished.returncode}): {finished.stderr.strip()}")
    match = re.search(r"(\d+) treated areas", finished.stdout)
    return finished.seconds, finished.max_rss_mb, int(match.group(1)) if match else 0


def db_size(path: Path) -> int:
    return sum(os.path.getsize(f"{path}{suffix}") for suffix in ("", "-wal") if os.path.exists(f"{path}{suffix}"))


# --- the raw baseline -----------------------------------------------------------------------


def _spread(i: int, size: int) -> int:
    """A cheap scatter of 0..size-1 (multiplicative hashing), so rows arrive in random index order."""
    return (i * 2654435761) % size


def _client_rows(count: int) -> Iterator[tuple[object, ...]]:
    for cid in range(1, count + 1):
        ref = f"D-{cid:07d}"
        yield (cid, ref, "Zofia", "Nowak", f"zofia nowak {ref.lower()}", "1988-03-14", "+44 7700900000",
               f"client{cid}@example.com", 1 + cid % 6, NOW, NOW)


def _session_rows(first: int, last: int, clients: int, days: list[str]) -> Iterator[tuple[object, ...]]:
    slots = len(days) * 96
    for sid in range(first, last):
        slot = _spread(sid, slots)
        started = f"{days[slot // 96]} {slot % 96 // 4:02d}:{slot % 4 * 15:02d}:00.000000"
        supervised = sid % 3 == 0
        yield (sid, 1 + _spread(sid, clients), started, 1 + sid % 6, 1 if supervised else None,
               "on_site" if supervised else None, 1 + sid % 6, 1 + sid % 60, 1 + sid % 3, 3, "mild erythema",
               "course going well", None, "signed", "demo", started, None, None, "demo", NOW, NOW)


def _area_rows(first: int, last: int, sessions: int, areas: int, codes: list[str]) -> Iterator[tuple[object, ...]]:
    """Exactly `areas` rows over `sessions` sessions (1–3 each when the mean is about 2)."""
    for sid in range(first, last):
        for n in range(sid * areas // sessions - (sid - 1) * areas // sessions):
            yield sid, codes[(sid + n) % len(codes)], 0.5, 2, "stamping", "mild erythema", None


def _complication_rows(count: int, sessions: int) -> Iterator[tuple[object, ...]]:
    for n in range(count):
        yield 1 + n * sessions // count, "erythema", "2025-06-01", 1, 1, "device", None, None, None, 0, 0


def _insert(con: sqlite3.Connection, table: str, columns: str, rows: Iterator[tuple[object, ...]]) -> None:
    marks = ", ".join("?" * (columns.count(",") + 1))
    con.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


SESSION_COLUMNS = ("id, client_id, started_at, practitioner_id, supervisor_id, supervisor_presence, device_id, "
                   "cartridge_lot_id, course_index, course_total, skin_response, notes, warnings_reason, status, "
                   "signed_by, signed_at, countersigned_by, countersigned_at, created_by, created_at, updated_at")


def _insert_people_and_kit(con: sqlite3.Connection) -> None:
    _insert(con, "practitioners", "id, username, full_name, role, needs_supervision, depth_cap_mm, active",
            ((i, f"p{i}", f"Practitioner {i}", "dermatologist", 0, 3.0, 1) for i in range(1, 7)))
    models = [r[0] for r in con.execute("SELECT id FROM device_models ORDER BY id")]
    _insert(con, "devices", "id, device_model_id, serial, in_service_on, in_service",
            ((i, models[i % len(models)], f"SN-{i}", "2024-01-15", 1) for i in range(1, 7)))
    _insert(con, "cartridge_lots", "id, lot_number, expires_on", ((i, f"LOT-{i}", "2027-01-01") for i in range(1, 61)))


def raw_demo(path: Path, counts: dict[str, int]) -> None:
    """The same numbers of rows as the demo wrote, with plain sqlite3, in one transaction."""
    con = raw_connect(path)
    try:
        con.execute("BEGIN IMMEDIATE")
        _insert_people_and_kit(con)
        clients, sessions, areas = counts["clients"], counts["sessions"], counts["session_areas"]
        _insert(con, "clients", "id, client_ref, first_name, last_name, search_key, date_of_birth, phone, email, "
                "fitzpatrick, created_at, updated_at", _client_rows(clients))
        version, wording = con.execute("SELECT version, body FROM consent_texts ORDER BY version DESC").fetchone()
        _insert(con, "consents", "client_id, text_version, text_snapshot, signed_on, signer_name",
                ((1 + i % clients, version, wording, "2026-01-02", "Zofia Nowak") for i in range(counts["consents"])))
        _insert(con, "findings", "client_id, code, noted_on, ends_on", ((1 + i * 7 % clients, "eczema", "2025-05-05",
                                                                        None) for i in range(counts["findings"])))
        first_day = date(2023, 11, 25)
        days = [(first_day + timedelta(days=n)).isoformat() for n in range(3 * 365)]
        codes = [r[0] for r in con.execute("SELECT code FROM areas ORDER BY code")]
        for first in range(1, sessions + 1, CHUNK):
            last = min(sessions + 1, first + CHUNK)
            _insert(con, "sessions", SESSION_COLUMNS, _session_rows(first, last, clients, days))
            _insert(con, "session_areas", "session_id, area_code, depth_mm, passes, technique, endpoint, rf_energy",
                    _area_rows(first, last, sessions, areas, codes))
        _insert(con, "complications", "session_id, code, onset_on, grade, expected, relatedness, action, outcome, "
                "resolved_on, reported, added_by_amendment", _complication_rows(counts["complications"], sessions))
        con.execute("COMMIT")
    finally:
        con.close()


# --- main -----------------------------------------------------------------------------------


def keep_for_later(result: Path, sessions: int) -> str:
    """Adopt the demo's output as the cached sessions database unless an up-to-date one exists."""
    cached = data_dir() / sessions_db_name(sessions)
    version = sessions_db_version(sessions)
    if is_cached(cached, version):
        remove_db(result)
        return f"kept the existing up-to-date {cached.name}"
    move_db(result, cached)
    mark_cached(cached, version)
    return f"saved the result as {cached.name} for the other benchmarks"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SESSIONS:,} sessions instead of "
                        f"{FULL_SESSIONS:,}")
    sessions = QUICK_SESSIONS if parser.parse_args().quick else FULL_SESSIONS
    empty = initialised_db()
    app_db, raw_db = data_dir() / "demo-app.sqlite3", data_dir() / "demo-raw.sqlite3"
    app_seconds, app_rss, areas = run_demo(copy_db(empty, app_db), sessions)
    app_size = db_size(app_db)
    before, after = table_counts(empty), table_counts(app_db)
    counts = {t: after[t] - before[t] for t in COUNTED}
    raw_seconds, _ = timed(lambda: raw_demo(copy_db(empty, raw_db), counts))
    raw_counts = table_counts(raw_db)
    raw_size = db_size(raw_db)
    remove_db(raw_db)
    if any(raw_counts[t] - before[t] != counts[t] for t in COUNTED):
        raise SystemExit(f"baseline wrote different row counts: {raw_counts} vs {counts}")
    kept = keep_for_later(app_db, sessions)
    print_table(
        f"Demo data: {sessions:,} sessions, {DEMO_CLIENTS:,} clients (one run each)",
        ["path", "seconds", "sessions/s", "peak RSS MB", "DB size MB"],
        [["app `clinic-log demo` (CLI subprocess)", f"{app_seconds:.1f}", f"{sessions / app_seconds:,.0f}",
          f"{app_rss:.0f}", f"{app_size / 1e6:.0f}"],
         ["raw sqlite3 executemany (same row counts)", f"{raw_seconds:.1f}", f"{sessions / raw_seconds:,.0f}",
          "", f"{raw_size / 1e6:.0f}"]],
        [f"ratio app/raw: {ratio(app_seconds, raw_seconds)}",
         "rows per table (both): " + ", ".join(f"{t} {counts[t]:,}" for t in COUNTED)
         + f" (demo reported {areas:,} treated areas)",
         "app time includes interpreter start-up and imports; both run under WAL, synchronous=FULL, foreign keys",
         kept],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
