"""Benchmark: `check` with every signed session's seal verified, against the chain-only check of before.

Run from the repository root::

    python benchmarks/bench_check.py [--quick]

On a copy of the 1M-session demo database (100k with --quick), times `check_database(db, seals=False)` — SQLite's
integrity check, the foreign keys and the audit hash chain, which is what `check` did before seals — and
`check_database(db)` — the same plus recomputing the seal of every signed session (its row, areas, products,
complications, warnings and amendments) and comparing it with the newest seal the audit trail holds, plus the
witness. Goal: with seals ≤ 2× chain-only (best of 3 each, interleaved).
"""

from __future__ import annotations

import argparse
import time

from _common import copy_db, data_dir, ensure_sessions_db, print_table, ratio, remove_db, verdict

from clinic_log.services.audit.integrity import check_database
from clinic_log.services.backup.database import prepare_database

FULL_SESSIONS, QUICK_SESSIONS = 1_000_000, 100_000
GOAL = 2.0
RUNS = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SESSIONS:,} sessions")
    sessions = QUICK_SESSIONS if parser.parse_args().quick else FULL_SESSIONS
    source = ensure_sessions_db(sessions)
    path = copy_db(source, data_dir() / "check-copy.sqlite3")
    try:
        db = prepare_database(str(path))
        chain: list[float] = []
        sealed: list[float] = []
        for _ in range(RUNS):
            for label, seals, into in (("chain", False, chain), ("seals", True, sealed)):
                start = time.perf_counter()
                problems = check_database(db, seals=seals)
                into.append(time.perf_counter() - start)
                if problems:
                    raise SystemExit(f"{label} check found problems on the demo database: {problems[:3]}")
        db.dispose()
    finally:
        remove_db(path)
    best_chain, best_sealed = min(chain), min(sealed)
    rows = [["check: integrity, foreign keys, audit chain (before seals)", f"{best_chain:.2f}",
             " / ".join(f"{t:.2f}" for t in chain)],
            ["check with every seal and the witness", f"{best_sealed:.2f}", " / ".join(f"{t:.2f}" for t in sealed)]]
    print_table(f"check on {sessions:,} sessions (best of {RUNS}, s)", ["path", "best s", "runs s"], rows,
                [f"ratio with seals / chain only: {ratio(best_sealed, best_chain)} "
                 f"(goal ≤ {GOAL}×: {verdict(best_sealed / best_chain, GOAL)})"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
