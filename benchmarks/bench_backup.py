"""Benchmark: an encrypted backup (gzip + age passphrase) of the 1M-session database against an unencrypted one.

Run from the repository root::

    python benchmarks/bench_backup.py [--quick]

On the cached demo database (1M sessions; 100k with --quick), times `services.backup.backup` to a file in the
same folder, unencrypted and with `--encrypt`'s passphrase, best of 2 each, interleaved; both verify the copy and
write its sidecar and witness. Goal: encrypted ≤ 1.5× unencrypted.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from _common import copy_db, data_dir, ensure_sessions_db, print_table, ratio, remove_db, verdict

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.backup.backup import backup
from clinic_log.services.backup.database import prepare_database

FULL_SESSIONS, QUICK_SESSIONS = 1_000_000, 100_000
GOAL = 1.5
RUNS = 2
OWNER = Actor("bench", UserRole.OWNER)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SESSIONS:,} sessions")
    sessions = QUICK_SESSIONS if parser.parse_args().quick else FULL_SESSIONS
    source = copy_db(ensure_sessions_db(sessions), data_dir() / "backup-source.sqlite3")  # backups are audited
    megabytes = os.path.getsize(source) / 1e6
    db = prepare_database(str(source))
    times: dict[str, list[float]] = {"plain": [], "encrypted": []}
    sizes: dict[str, int] = {}
    try:
        for _ in range(RUNS):
            for label, passphrase in (("plain", None), ("encrypted", "bench passphrase 2026")):
                out = data_dir() / f"bench-backup-{label}.sqlite3"
                start = time.perf_counter()
                result = backup(db, OWNER, out, passphrase=passphrase)
                times[label].append(time.perf_counter() - start)
                sizes[label] = result.size_bytes
                for leftover in (out, Path(f"{out}.meta.json")):
                    leftover.unlink(missing_ok=True)
    finally:
        db.dispose()
        remove_db(source)
    plain, encrypted = min(times["plain"]), min(times["encrypted"])
    rows = [[label, f"{min(runs):.2f}", " / ".join(f"{t:.2f}" for t in runs), f"{sizes[label] / 1e6:.0f}"]
            for label, runs in times.items()]
    print_table(f"Backup of {sessions:,} sessions ({megabytes:.0f} MB, best of {RUNS}, s)",
                ["backup", "best s", "runs s", "file MB"], rows,
                [f"ratio encrypted / plain: {ratio(encrypted, plain)} (goal ≤ {GOAL}×: "
                 f"{verdict(encrypted / plain, GOAL)})",
                 "both copy page by page, verify the copy and write its sidecar; encrypted adds gzip (level 1) and "
                 "age's scrypt passphrase"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
