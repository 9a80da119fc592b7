"""Benchmark: the first page of the client search (`search_clients`) on 100,000 clients, against raw sqlite3.

Run from the repository root::

    python benchmarks/bench_client_search.py [--quick] [--plans]

The database (100,000 demo clients, 20,000 with --quick; no sessions) is made once through the demo
generator and kept in benchmarks/.data. For each query a user might type (a common first name, a last
name in another script, two words, a client reference, a phone fragment, a date of birth, nothing that
matches) it times:

* app: `search_clients(db, query)` — SQLAlchemy statement, row building, frozen dataclasses;
* same SQL raw: the SQL the service emits, captured from the engine and re-run on a plain sqlite3
  connection (the service's own overhead);
* best raw: the fastest of a few hand-written sqlite3 queries that return the same 50 ids in the same
  order (e.g. `instr` instead of `LIKE`) — what the database can do at best.

Goal: the app's first page under 50 ms for every query. Timings are the best of several samples after a
warm-up, app and raw sampled in turn; a fast query repeats for about 5 ms and averages.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import (
    data_dir,
    data_version,
    is_cached,
    mark_cached,
    move_db,
    print_table,
    ratio,
    raw_connect,
    remove_db,
    source_digest,
    verdict,
)
from sqlalchemy import event

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.text import fold
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.clients.client_search import PAGE_SIZE, parse_typed_date, phone_needle, search_clients
from clinic_log.services.exchange.demo import generate_demo

FULL_CLIENTS, QUICK_CLIENTS = 100_000, 20_000
GOAL_MS = 50.0
SAMPLES = 7
COLUMNS = "id, client_ref, first_name, last_name, date_of_birth, phone"


def clients_db(count: int) -> Path:
    path = data_dir() / f"clients-{count // 1000}k.sqlite3"
    version = data_version(f"demo={source_digest('clinic_log/services/exchange/demo.py')}", f"clients={count}")
    if not is_cached(path, version):
        scratch = path.with_name(path.stem + ".tmp.sqlite3")
        remove_db(scratch)
        db = prepare_database(str(scratch))
        generate_demo(db, Actor("bench", UserRole.OWNER), clients=count, sessions=0, seed=1)
        db.dispose()
        move_db(scratch, path)
        mark_cached(path, version)
    return path


def sample(action: Callable[[], object]) -> float:
    """Seconds per call: repeats a fast action for about 5 ms and averages."""
    count, start = 0, time.perf_counter()
    while True:
        action()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed > 0.005:
            return elapsed / count


def best(actions: dict[str, Callable[[], object]]) -> dict[str, float]:
    for action in actions.values():
        action()  # warm-up
    times: dict[str, float] = {name: float("inf") for name in actions}
    for _ in range(SAMPLES):
        for name, action in actions.items():
            times[name] = min(times[name], sample(action))
    return times


def captured_sql(db: Database, query: str) -> tuple[str, Any]:
    """The SQL and parameters `search_clients` sends for `query`."""
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        search_clients(db, query)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return seen[-1]


def raw_candidates(query: str) -> list[tuple[str, tuple[Any, ...]]]:
    """Hand-written queries returning what the app should for `query` (the ones that apply to it)."""
    words = fold(query).split()
    order = f"ORDER BY search_key, id LIMIT {PAGE_SIZE}"
    out: list[tuple[str, tuple[Any, ...]]] = []
    if (born := parse_typed_date(query)) is not None:
        for hint in ("", "NOT INDEXED"):
            out.append((f"SELECT {COLUMNS} FROM clients {hint} WHERE date_of_birth = ? {order}", (born.isoformat(),)))
        return out
    if (phone := phone_needle(query)) is not None:
        names = " AND ".join("instr(search_key, ?) > 0" for _ in words)
        for hint in ("", "NOT INDEXED"):
            out.append((f"SELECT {COLUMNS} FROM clients {hint} WHERE instr(replace(phone, ' ', ''), ?) > 0 "
                        f"OR ({names}) {order}", (phone, *words)))
        return out
    if words:
        instr = " AND ".join("instr(search_key, ?) > 0" for _ in words)
        out.append((f"SELECT {COLUMNS} FROM clients WHERE {instr} {order}", tuple(words)))
        out.append((f"SELECT {COLUMNS} FROM clients INDEXED BY ix_clients_search_key WHERE {instr} {order}",
                    tuple(words)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CLIENTS:,} clients instead of {FULL_CLIENTS:,}")
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    args = parser.parse_args()
    count = QUICK_CLIENTS if args.quick else FULL_CLIENTS
    path = clients_db(count)
    db = prepare_database(str(path))
    con = raw_connect(path)
    middle = db_middle_client(con, count)
    queries = [
        ("common first name", "zofia"),
        ("last name, Cyrillic", "соколова"),
        ("two words, accents", "Émilie lefevre"),
        ("client reference", middle["client_ref"]),
        ("phone fragment", middle["phone"][-7:]),
        ("date of birth", middle["date_of_birth"]),
        ("no match", "qqqzz"),
        ("blank (all clients)", ""),
    ]
    rows = []
    worst = 0.0
    for label, query in queries:
        sql, params = captured_sql(db, query)
        expected = [r.id for r in search_clients(db, query)]
        actions: dict[str, Callable[[], object]] = {
            "app": lambda q=query: search_clients(db, q),  # type: ignore[misc]
            "same": lambda s=sql, p=params: con.execute(s, p).fetchall(),  # type: ignore[misc]
        }
        for n, (raw_sql, raw_params) in enumerate(raw_candidates(query)):
            got = [r[0] for r in con.execute(raw_sql, raw_params).fetchall()]
            if got == expected:
                actions[f"raw{n}"] = lambda s=raw_sql, p=raw_params: con.execute(s, p).fetchall()  # type: ignore[misc]
        times = best(actions)
        raw_best = min(times.values() if len(times) == 2 else [t for k, t in times.items() if k != "app"])
        app_ms = times["app"] * 1000
        worst = max(worst, app_ms)
        rows.append((label, repr(query), len(expected), f"{app_ms:.2f}", f"{times['same'] * 1000:.2f}",
                     f"{raw_best * 1000:.2f}", ratio(times["app"], times["same"]), ratio(times["app"], raw_best),
                     verdict(app_ms, GOAL_MS)))
        if args.plans:
            print(f"\n{label}: {sql}\n  " + "\n  ".join(str(r) for r in con.execute(f"EXPLAIN QUERY PLAN {sql}",
                                                                                    params)))
    print_table(f"Client search, first page of {PAGE_SIZE} ({count:,} clients)",
                ["query", "typed", "rows", "app ms", "same SQL raw ms", "best raw ms", "app/same SQL",
                 "app/best raw", f"≤ {GOAL_MS:.0f} ms"], rows,
                [f"worst first page: {worst:.1f} ms (goal < {GOAL_MS:.0f} ms)",
                 "best raw: the fastest hand-written sqlite3 query returning the same ids in the same order "
                 "(the app's own SQL when none is faster)"])
    con.close()
    db.dispose()
    return 0


def db_middle_client(con: sqlite3.Connection, count: int) -> dict[str, str]:
    row = con.execute("SELECT client_ref, phone, date_of_birth FROM clients ORDER BY id LIMIT 1 OFFSET ?",
                      (count // 2,)).fetchone()
    return {"client_ref": row[0], "phone": row[1], "date_of_birth": row[2]}


if __name__ == "__main__":
    raise SystemExit(main())
