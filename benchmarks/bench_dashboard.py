"""Benchmark: the owner's review figures on the 1M-session demo database.

Run from the repository root::

    python benchmarks/bench_dashboard.py [--quick] [--photos N] [--backend {sqlite,postgres}]

With --photos N it measures on a copy of the database with N photos in it (_photo_data.py; make bench: 200,000).
With --backend postgres, every figure runs on the database's PostgreSQL copy (benchmarks/_postgres.py) against
hand-written psycopg 3 queries, on a server started for the run.

* dashboard aggregates: each `services.dashboard` function (sessions per month, complication rates per
  practitioner, device and area) against the fastest hand-written sqlite3 queries giving the same numbers,
  timed in turn, best of several runs — goal ≤ 1.5×; and the whole `load_dashboard` call;
* recall: `recall_lot` for the most-used cartridge lot (on a scratch copy: it writes an audit row) against
  the raw join — goal < 1 s;
* memory: peak RSS of a process showing the main window with the history open on the database and
  scrolled through five pages, against a bare PySide6 window — goal ≤ +100 MB.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from _backend import Raw, Target, add_backend_argument, raw_sqlite, sessions_target
from _common import (
    PYTHON,
    app_env,
    copy_db,
    data_dir,
    print_table,
    ratio,
    remove_db,
    run_measured,
    verdict,
)
from bench_history import best_ms

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.review import dashboard
from clinic_log.services.review.recall import recall_lot

FULL_SESSIONS, QUICK_SESSIONS = 1_000_000, 100_000
GOAL_AGGREGATE = 1.5
GOAL_RECALL_S = 1.0
GOAL_RSS_MB = 100.0
OWNER = Actor("bench", UserRole.OWNER)

PER_SESSION = ("(SELECT k.session_id AS sid, MAX(CASE WHEN t.category = 'adverse' THEN 1 ELSE 0 END) AS adv "
               "FROM complications k JOIN complication_types t ON t.code = k.code GROUP BY k.session_id)")
DISTINCT_COUNTS = ("COUNT(DISTINCT k.session_id), COUNT(DISTINCT CASE WHEN t.category = 'adverse' "
                   "THEN k.session_id END)")


def by_group(column: str) -> list[list[str]]:
    """Candidate raw query pairs (totals; with-complication counts) for a sessions column."""
    totals = f"SELECT {column}, COUNT(*) FROM sessions GROUP BY {column}"
    return [[totals, f"SELECT s.{column}, COUNT(*), SUM(x.adv) FROM {PER_SESSION} x "
                     f"JOIN sessions s ON s.id = x.sid GROUP BY s.{column}"],
            [totals, f"SELECT s.{column}, {DISTINCT_COUNTS} FROM complications k JOIN sessions s "
                     f"ON s.id = k.session_id JOIN complication_types t ON t.code = k.code GROUP BY s.{column}"]]


# The app counts local calendar months; all but the last of each give the same numbers only where the clinic keeps UTC.
MONTHS = {
    "sqlite": [["SELECT substr(started_at, 1, 7), COUNT(*) FROM sessions GROUP BY 1"],
               ["SELECT strftime('%Y-%m', started_at), COUNT(*) FROM sessions GROUP BY 1"],
               ["SELECT strftime('%Y-%m', started_at, 'localtime'), COUNT(*) FROM sessions GROUP BY 1"]],
    "postgres": [["SELECT substr(CAST(started_at AS text), 1, 7), COUNT(*) FROM sessions GROUP BY 1"],
                 ["SELECT to_char(started_at, 'YYYY-MM'), COUNT(*) FROM sessions GROUP BY 1"],
                 ["SELECT to_char(date_trunc('month', started_at), 'YYYY-MM'), COUNT(*) FROM sessions GROUP BY 1"],
                 ["SELECT to_char(timezone(current_setting('TimeZone'), started_at AT TIME ZONE 'UTC'), 'YYYY-MM'), "
                  "COUNT(*) FROM sessions GROUP BY 1"]],
}
RAW: dict[str, list[list[str]]] = {
    "rate per practitioner": by_group("practitioner_id"),
    "rate per device": by_group("device_id"),
    "rate per area": [
        ["SELECT area_code, COUNT(*) FROM session_areas GROUP BY area_code",
         f"SELECT a.area_code, COUNT(*), SUM(x.adv) FROM {PER_SESSION} x "
         "JOIN session_areas a ON a.session_id = x.sid GROUP BY a.area_code"],
        ["SELECT area_code, COUNT(*) FROM session_areas GROUP BY area_code",
         f"SELECT a.area_code, {DISTINCT_COUNTS} FROM complications k CROSS JOIN session_areas a "
         "ON a.session_id = k.session_id JOIN complication_types t ON t.code = k.code GROUP BY a.area_code"],
    ],
}


def raw_numbers(con: Raw, queries: list[str]) -> Any:
    results = [sorted((tuple(r) for r in con.execute(q)), key=repr) for q in queries]
    return results


def app_numbers(name: str, result: Any) -> Any:
    """The app's figures in the raw queries' shape, to check both give the same numbers."""
    if name == "sessions per month":
        return [sorted(((m.month, m.sessions) for m in result), key=repr)]
    return [sorted(((r.key, r.sessions) for r in result), key=repr),
            sorted(((r.key, r.any_rate.events, r.adverse_rate.events) for r in result if r.any_rate.events),
                   key=repr)]


def aggregates(target: Target, runs: int) -> None:
    db = prepare_database(target.url)
    con = target.raw
    try:
        with db.reading() as session:
            area_labels: dict[str, str] = {}
            apps: dict[str, Callable[[], Any]] = {
                "sessions per month": lambda: dashboard.sessions_per_month(session),
                "rate per practitioner": lambda: dashboard.rates_by_practitioner(session),
                "rate per device": lambda: dashboard.rates_by_device(session),
                "rate per area": lambda: dashboard.rates_by_area(session, area_labels),
            }
            rows = []
            for name, app in apps.items():
                keys = {"rate per practitioner": _practitioner_keys(con), "rate per device": _device_keys(con)}
                candidates = MONTHS[target.backend] if name == "sessions per month" else RAW[name]
                expected = app_numbers(name, app())
                valid = [qs for qs in candidates if _same(raw_numbers(con, qs), expected, keys.get(name))]
                if not valid:
                    raise SystemExit(f"{name}: no raw candidate gives the app's numbers")
                actions: dict[str, Callable[[], object]] = {"app": app}
                for i, qs in enumerate(valid):
                    actions[f"raw{i}"] = lambda qs=qs: [con.execute(q).fetchall() for q in qs]
                times = best_ms(actions, runs)
                raw_best = min(times[k] for k in times if k != "app")
                rows.append([name, f"{times['app']:.1f}", f"{raw_best:.1f}",
                             f"{ratio(times['app'], raw_best)} {verdict(times['app'] / raw_best, GOAL_AGGREGATE)}"])
        whole = best_ms({"load": lambda: dashboard.load_dashboard(db, OWNER, date.today())}, max(3, runs // 2))
        on = ", PostgreSQL" if target.postgres else ""
        print_table(f"Dashboard aggregates{on} (best of {runs}, ms)", ["figure", "app", "best raw", "ratio"], rows,
                    [f"raw = the fastest of the hand-written queries giving the same numbers; goal ≤ {GOAL_AGGREGATE}×",
                     f"whole load_dashboard (all figures + expiring credentials and lots): {whole['load']:.0f} ms, "
                     "run off the GUI thread behind a progress dialog"])
    finally:
        db.dispose()


def _practitioner_keys(con: Raw) -> dict[object, object]:
    return dict(con.execute("SELECT id, username FROM practitioners").fetchall())


def _device_keys(con: Raw) -> dict[object, object]:
    return dict(con.execute("SELECT id, serial FROM devices").fetchall())


def _same(raw: Any, app: Any, keys: dict[object, object] | None) -> bool:
    """Raw rows are keyed by id, the app's by username/serial; sessions without a device are not a group."""
    if keys is not None:
        raw = [sorted(((keys.get(r[0], r[0]), *r[1:]) for r in part if r[0] is not None), key=repr) for part in raw]
    if len(raw) == 2:
        raw = [raw[0], sorted((r for r in raw[1] if r[1]), key=repr)]
    return bool(raw == app)


@contextmanager
def scratch_of(target: Target) -> Iterator[tuple[str, Raw]]:
    """A throw-away copy of the target's data (recall writes an audit row): its URL and a raw connection to it."""
    if not target.postgres:
        scratch = copy_db(Path(target.url), data_dir() / "recall-scratch.sqlite3")
        con = raw_sqlite(scratch)
        try:
            yield str(scratch), con
        finally:
            con.close()
            remove_db(scratch)
        return
    from _backend import raw_postgres
    from _postgres import scratch_copy

    assert target.server is not None
    with target.raw.closed(), scratch_copy(target.server, target.url.rsplit("/", 1)[1], "recall_scratch") as url:
        con = raw_postgres(url)
        try:
            yield url, con
        finally:
            con.close()


def recall(target: Target, runs: int) -> None:
    with scratch_of(target) as (url, con):
        _recall(url, con, runs)


def _recall(url: str, con: Raw, runs: int) -> None:
    db = prepare_database(url)
    try:
        lot_id, lot, sessions = con.execute(
            "SELECT l.id, l.lot_number, COUNT(*) FROM sessions s JOIN cartridge_lots l ON l.id = s.cartridge_lot_id "
            "GROUP BY l.id ORDER BY 3 DESC LIMIT 1").fetchone()
        raw_sql = ("SELECT s.id, s.started_at, c.client_ref, c.first_name, c.last_name, p.full_name, a.area_code "
                   "FROM sessions s JOIN clients c ON c.id = s.client_id JOIN practitioners p "
                   "ON p.id = s.practitioner_id JOIN session_areas a ON a.session_id = s.id "
                   "WHERE s.cartridge_lot_id = ? ORDER BY s.started_at, s.id, a.id")
        driver = "psycopg" if con.postgres else "sqlite3"
        rows = recall_lot(db, OWNER, lot)
        if [r.session_id for r in rows] != [r[0] for r in con.execute(raw_sql, (lot_id,))]:
            raise SystemExit("recall: the app's rows differ from the raw query's")
        times = best_ms({"app": lambda: recall_lot(db, OWNER, lot),
                         "raw": lambda: con.execute(raw_sql, (lot_id,)).fetchall()}, max(3, runs // 2))
        print_table(f"Recall of the most-used lot ({sessions:,} sessions, {len(rows):,} treated areas)",
                    ["path", "ms"], [["app recall_lot (query, rows, audit entry)", f"{times['app']:.0f}"],
                                     [f"raw {driver} join", f"{times['raw']:.0f}"]],
                    [f"app {times['app'] / 1000:.2f} s: {verdict(times['app'] / 1000, GOAL_RECALL_S)} "
                     f"(goal < {GOAL_RECALL_S:.0f} s); ratio {ratio(times['app'], times['raw'])}"])
    finally:
        db.dispose()


HISTORY_OPEN = """
import sys
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication
from clinic_log.services.backup.database import prepare_database
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.shell.main_window import MainWindow
app = QApplication(sys.argv[:1])
db = prepare_database(sys.argv[1])
window = MainWindow(db, UserSession(), sys.argv[1])  # as at start-up: the list shows behind the first login
window.resize(1366, 768)
window.show()
app.processEvents()
model = window.page.model
for _ in range(5):  # scroll through five pages
    model.fetchMore(QModelIndex())
    window.page.view.scrollToBottom()
    app.processEvents()
window.page._background.wait()  # the count finishes before the process ends
print("rows", model.rowCount())
"""
BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1366, 768)
window.show()
app.processEvents()
"""


def memory(target: Target, runs: int) -> None:
    env = app_env(QT_QPA_PLATFORM="offscreen")
    history = [run_measured([PYTHON, "-c", HISTORY_OPEN, target.url], env, timeout=300) for _ in range(runs)]
    bare = [run_measured([PYTHON, "-c", BARE], env, timeout=120) for _ in range(runs)]
    for run in (*history, *bare):
        if run.returncode != 0:
            raise SystemExit(f"memory run failed ({run.returncode}): {run.stderr[-400:]}")
    app_mb, bare_mb = min(r.max_rss_mb for r in history), min(r.max_rss_mb for r in bare)
    print_table(f"Peak RSS, history open on {target.name} vs a bare window (best of {runs}, MB)",
                ["process", "peak RSS MB"],
                [["main window, history open, 5 pages scrolled", f"{app_mb:.0f}"],
                 ["bare PySide6 QMainWindow", f"{bare_mb:.0f}"]],
                [f"difference +{app_mb - bare_mb:.0f} MB: {verdict((app_mb - bare_mb) / GOAL_RSS_MB, 1.0)} "
                 f"(goal ≤ +{GOAL_RSS_MB:.0f} MB)"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_SESSIONS:,} sessions instead of {FULL_SESSIONS:,}")
    parser.add_argument("--photos", type=int, default=0, metavar="N",
                        help="measure on a copy of the database with N photos in it")
    add_backend_argument(parser)
    args = parser.parse_args()
    sessions, runs = (QUICK_SESSIONS, 3) if args.quick else (FULL_SESSIONS, 7)
    with sessions_target(args.backend, sessions, args.photos) as target:
        aggregates(target, runs)
        recall(target, runs)
        memory(target, 2 if args.quick else 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
