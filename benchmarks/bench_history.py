"""Benchmark: the session history queries (`list_sessions`, `count_sessions`) against hand-written SQL.

Run from the repository root::

    python benchmarks/bench_history.py [--quick] [--plans] [--photos N] [--backend {sqlite,postgres}]

Uses the demo database with 1,000,000 sessions (100,000 with --quick), generated once through the CLI
and kept in benchmarks/.data; with --photos N, a copy of it with N photos added (_photo_data.py; make bench
runs it with 200,000: the history keeps its budgets with the photos present); with --backend postgres, its copy
in a PostgreSQL server started for the run (benchmarks/_postgres.py), against hand-written psycopg 3 baselines.
For each filter (none, a practitioner, an area within one month, a common and a rare complication):

* page of ids: the SQL `list_sessions(limit=200)` emits for its ids, captured from the engine and
  re-run on a plain sqlite3 (or psycopg) connection, against the fastest of a few hand-written queries returning
  the same 200 ids in the same order (started_at DESC, id DESC) — goal ≤ 1.5×;
* whole page: `list_sessions` itself (ids, display rows, SQLAlchemy and Python row building) against
  raw sqlite3 running the best id query plus one display-row query for those ids;
* count: `count_sessions` against the fastest correct raw `COUNT`.

* rows in the model: `SessionTableModel.set_filter` (the first page read into the Qt model, what a user
  waits for after changing a filter) — budget 20 ms;
* deep page: the page after 10,000 rows (keyset paging) against the first page.

The dashboard aggregates are in bench_dashboard.py. Every timing is the best of several samples after a
warm-up, the app and the raw queries sampled in turn so drift hits both alike; a sample repeats a fast
query for about 5 ms and averages. --plans prints EXPLAIN QUERY PLAN (EXPLAIN ANALYZE on PostgreSQL) for the app's
and the best raw id queries.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from _backend import Raw, Target, add_backend_argument, sessions_target
from _common import print_table, ratio, verdict
from sqlalchemy import event

from clinic_log.db.engine import Database
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.sessions.session_queries import (
    TEXT_INDEX_CAP,
    PageKey,
    SessionFilter,
    count_sessions,
    list_sessions,
)
from clinic_log.ui.sessions.session_table_model import FIRST_PAGE, TEXT_FIRST_PAGE, SessionTableModel, load_area_labels

FULL_SESSIONS, QUICK_SESSIONS = 1_000_000, 100_000
DEEP_PAGES = 50
AREA_LABELS: dict[str, str] = {}
PAGE = 200
GOAL_IDS = 1.5
NOTES_INDEX = {"sqlite": "SQLite's full-text index", "postgres": "the notes' pg_trgm index (with the search's ILIKE)"}
BUDGET_MODEL_MS = 20.0
ORDER = "ORDER BY s.started_at DESC, s.id DESC LIMIT 200"
ROWS_SQL = """
SELECT s.id, s.started_at, c.client_ref, c.first_name, c.last_name, p.full_name, m.name,
       (SELECT {group_concat} FROM session_areas a WHERE a.session_id = s.id),
       (SELECT COUNT(*) FROM complications k WHERE k.session_id = s.id), s.status
FROM sessions s JOIN clients c ON c.id = s.client_id JOIN practitioners p ON p.id = s.practitioner_id
LEFT JOIN devices d ON d.id = s.device_id LEFT JOIN device_models m ON m.id = d.device_model_id
WHERE s.id {in_ids}
"""
ROWS_SQLITE = ROWS_SQL.format(group_concat="group_concat(a.area_code, ',')",
                              in_ids="IN (SELECT value FROM json_each(?))")
ROWS_POSTGRES = ROWS_SQL.format(group_concat="string_agg(a.area_code, ',')", in_ids="= ANY(?)")


@dataclass
class Case:
    label: str
    flt: SessionFilter
    params: dict[str, Any]
    ids: list[str]  # candidate raw id queries
    counts: list[str]  # candidate raw count queries
    app_sql: list[tuple[str, Any]] = field(default_factory=list)


def _stamp(day: date) -> str:
    return datetime.combine(day, datetime.min.time()).strftime("%Y-%m-%d %H:%M:%S.%f")


def _month_before_last(con: Raw) -> tuple[date, date]:
    """A whole calendar month about six months before the newest session."""
    newest = date.fromisoformat(str(con.execute("SELECT MAX(started_at) FROM sessions").fetchone()[0])[:10])
    first = (newest - timedelta(days=180)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def build_cases(con: Raw) -> list[Case]:
    """The filters with their hand-written candidates; PostgreSQL has no index hints (INDEXED BY, NOT INDEXED) and
    the app's notes search is ILIKE there (SQLite's LIKE ignores ASCII case already)."""
    cases = _cases(con, "ILIKE" if con.postgres else "LIKE")
    if con.postgres:
        for case in cases:
            case.ids = [sql for sql in case.ids if "INDEXED" not in sql]
    return cases


def _cases(con: Raw, like: str) -> list[Case]:
    practitioner = con.execute("SELECT id FROM practitioners WHERE username = 'tnguyen'").fetchone()[0]
    first, last = _month_before_last(con)
    month = {"area": "neck", "d0": _stamp(first), "d1": _stamp(last + timedelta(days=1))}
    exists_area = "EXISTS (SELECT 1 FROM session_areas a WHERE a.session_id = s.id AND a.area_code = :area)"
    join_area = "session_areas a JOIN sessions s ON s.id = a.session_id WHERE a.area_code = :area"
    in_range = "s.started_at >= :d0 AND s.started_at < :d1"
    exists_comp = "EXISTS (SELECT 1 FROM complications k WHERE k.session_id = s.id AND k.code = :code)"
    in_comp = "s.id IN (SELECT session_id FROM complications WHERE code = :code)"
    comp_ids = [f"SELECT s.id FROM sessions s WHERE {in_comp} {ORDER}",
                f"SELECT s.id FROM sessions s WHERE {exists_comp} {ORDER}",
                f"SELECT s.id FROM complications k CROSS JOIN sessions s ON s.id = k.session_id "
                f"WHERE k.code = :code {ORDER}"]
    comp_counts = ["SELECT COUNT(DISTINCT session_id) FROM complications WHERE code = :code",
                   f"SELECT COUNT(*) FROM sessions s WHERE {in_comp}"]
    signed_month = {"p": practitioner, "d0": month["d0"], "d1": month["d1"]}
    graded = ("s.id IN (SELECT session_id FROM complications WHERE code = :code AND grade >= 2) AND "
              "s.status = 'signed'")
    graded_exists = ("EXISTS (SELECT 1 FROM complications k WHERE k.session_id = s.id AND k.code = :code "
                     "AND k.grade >= 2) AND s.status = 'signed'")
    return [
        Case("first page, no filter", SessionFilter(), {}, [f"SELECT s.id FROM sessions s {ORDER}"],
             ["SELECT COUNT(*) FROM sessions"]),
        Case("practitioner (tnguyen)", SessionFilter(practitioner_id=practitioner), {"p": practitioner},
             [f"SELECT s.id FROM sessions s WHERE s.practitioner_id = :p {ORDER}"],
             ["SELECT COUNT(*) FROM sessions WHERE practitioner_id = :p"]),
        Case(f"area neck + {first:%B %Y}", SessionFilter(area_code="neck").with_days(first, last, UTC), month,
             [f"SELECT s.id FROM sessions s WHERE {in_range} AND {exists_area} {ORDER}",
              f"SELECT s.id FROM {join_area} AND {in_range} {ORDER}"],
             [f"SELECT COUNT(*) FROM {join_area} AND {in_range}",
              f"SELECT COUNT(*) FROM sessions s WHERE {in_range} AND {exists_area}"]),
        Case("complication erythema (common)", SessionFilter(complication_code="erythema"), {"code": "erythema"},
             comp_ids, comp_counts),
        Case("complication granuloma (rare)", SessionFilter(complication_code="granuloma"), {"code": "granuloma"},
             comp_ids, comp_counts),
        Case(f"combo: tnguyen + signed + {first:%b %Y}",
             SessionFilter(practitioner_id=practitioner, status="signed").with_days(first, last, UTC), signed_month,
             [f"SELECT s.id FROM sessions s WHERE s.practitioner_id = :p AND s.status = 'signed' AND {in_range} "
              f"{ORDER}",
              f"SELECT s.id FROM sessions s INDEXED BY ix_sessions_practitioner_started WHERE s.practitioner_id = :p "
              f"AND s.status = 'signed' AND {in_range} {ORDER}"],
             [f"SELECT COUNT(*) FROM sessions s WHERE s.practitioner_id = :p AND s.status = 'signed' AND {in_range}"]),
        Case("combo: erythema grade ≥ 2 + signed",
             SessionFilter(complication_code="erythema", min_grade=2, status="signed"), {"code": "erythema"},
             [f"SELECT s.id FROM sessions s WHERE {graded} {ORDER}",
              f"SELECT s.id FROM sessions s WHERE {graded_exists} {ORDER}"],
             ["SELECT COUNT(*) FROM (SELECT DISTINCT k.session_id FROM complications k WHERE k.code = :code AND "
              "k.grade >= 2) x JOIN sessions s ON s.id = x.session_id WHERE s.status = 'signed'",
              f"SELECT COUNT(*) FROM sessions s WHERE {graded}"]),
        Case("combo: area neck + notes 'scars'", SessionFilter(area_code="neck", text="scars"), {"area": "neck"},
             [f"SELECT s.id FROM sessions s WHERE {exists_area} AND s.notes {like} '%scars%' {ORDER}",
              f"SELECT s.id FROM sessions s NOT INDEXED WHERE {exists_area} AND s.notes {like} '%scars%' {ORDER}"],
             [f"SELECT COUNT(*) FROM sessions s WHERE {exists_area} AND s.notes {like} '%scars%'",
              f"SELECT COUNT(*) FROM {join_area} AND s.notes {like} '%scars%'"]),
        Case("worst case: notes 'keloid' (in none)", SessionFilter(text="keloid"), {},
             [f"SELECT s.id FROM sessions s WHERE s.notes {like} '%keloid%' {ORDER}",
              f"SELECT s.id FROM sessions s NOT INDEXED WHERE s.notes {like} '%keloid%' {ORDER}"],
             [f"SELECT COUNT(*) FROM sessions WHERE notes {like} '%keloid%'"]),
    ]


# --- timing ---------------------------------------------------------------------------------


def best_ms(actions: dict[str, Callable[[], object]], runs: int, min_sample_s: float = 0.005) -> dict[str, float]:
    """Best time in ms of each action over `runs` samples taken in turn (so drift hits all alike), after a
    warm-up; a fast action is repeated within a sample to last about `min_sample_s`, and averaged."""
    repeats = {}
    for name, action in actions.items():
        start = time.perf_counter()
        action()
        repeats[name] = max(1, int(min_sample_s / max(time.perf_counter() - start, 1e-6)))
    best = dict.fromkeys(actions, float("inf"))
    for _ in range(runs):
        for name, action in actions.items():
            start = time.perf_counter()
            for _ in range(repeats[name]):
                action()
            best[name] = min(best[name], (time.perf_counter() - start) / repeats[name])
    return {name: seconds * 1000 for name, seconds in best.items()}


def capture_sql(db: Database, action: Callable[[], object]) -> list[tuple[str, Any]]:
    """The SELECT statements and parameters the engine sends to the driver while `action` runs."""
    seen: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return seen


def query(con: Raw, sql: str, params: Any) -> Callable[[], list[Any]]:
    return lambda: con.execute(sql, params).fetchall()


def app_query(con: Raw, sql: str, params: Any) -> Callable[[], list[Any]]:
    """A statement captured from the app's engine, re-run as the driver received it."""
    return lambda: con.native(sql, params).fetchall()


def fastest(con: Raw, candidates: list[str], params: dict[str, Any], expected: object,
            others: dict[str, Callable[[], object]], runs: int) -> tuple[str, float, dict[str, float]]:
    """Time the raw candidates whose result equals `expected` together with `others`;
    returns the quickest candidate, its time and the times of `others`."""
    valid = [sql for sql in candidates if con.execute(sql, params).fetchall() == expected]
    if not valid:
        raise SystemExit(f"no raw query matches the app's result; candidates: {candidates}")
    times = best_ms({**others, **{sql: query(con, sql, params) for sql in valid}}, runs)
    best_sql = min(valid, key=times.__getitem__)
    return best_sql, times[best_sql], {name: times[name] for name in others}


def raw_page(con: Raw, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The raw equivalent of a history page: the ids, then one query for their display rows, in order."""
    ids = [r[0] for r in con.execute(sql, params)]
    if con.postgres:
        by_id = {r[0]: r for r in con.execute(ROWS_POSTGRES, (ids,))}
    else:
        by_id = {r[0]: r for r in con.execute(ROWS_SQLITE, (str(ids),))}
    return [by_id[i] for i in ids]


@dataclass
class Measured:
    matches: int
    raw_ids: float
    app_ids_sql: float
    app_rows_sql: float | None
    app_page: float
    raw_page: float
    app_count: float
    raw_count: float
    best_ids_sql: str
    in_model: float
    gui_busy: float
    deep_page: float | None


def measure(db: Database, con: Raw, case: Case, runs: int) -> Measured:
    app_ids = [r.id for r in list_sessions(db, case.flt, limit=PAGE)]
    case.app_sql = capture_sql(db, lambda: list_sessions(db, case.flt, limit=PAGE))
    # the statements before the display-row query: the page of ids, with any probe (how common a complication
    # is) or, for a notes search, the walk bound, the walk and the scan of older sessions
    rows_at = _rows_at(case.app_sql)
    id_statements = [app_query(con, *stmt) for stmt in case.app_sql[:rows_at]]
    last_sql, last_params = case.app_sql[rows_at - 1]
    # a complication filter nobody matches is answered by its capped count alone, with no page query
    probe_only = not app_ids and "count(" in last_sql.lower()
    if len(id_statements) == 1 and not probe_only and [r[0] for r in con.native(last_sql, last_params)] != app_ids:
        raise SystemExit(f"{case.label}: the captured id SQL does not return the app's page")
    app_sql = {"ids": lambda: [statement() for statement in id_statements]}
    if rows_at < len(case.app_sql):
        app_sql["rows"] = app_query(con, *case.app_sql[rows_at])
    best_sql, raw_ids, app = fastest(con, case.ids, case.params, [(i,) for i in app_ids], app_sql, runs)
    if [r[0] for r in raw_page(con, best_sql, case.params)] != app_ids:
        raise SystemExit(f"{case.label}: the raw page differs from the app's")
    pages = best_ms({"app": lambda: list_sessions(db, case.flt, limit=PAGE),
                     "raw": lambda: raw_page(con, best_sql, case.params)}, runs)
    count = count_sessions(db, case.flt)
    _, raw_count, app_count = fastest(con, case.counts, case.params, [(count,)],
                                      {"app": lambda: count_sessions(db, case.flt)}, runs)
    model = SessionTableModel(db, case.flt, area_labels=AREA_LABELS)
    in_model, gui_busy = model_timings(model, case.flt, runs)
    deep = list_sessions(db, case.flt, limit=PAGE)
    for _ in range(DEEP_PAGES - 1):
        if len(deep) < PAGE:
            break
        deep = list_sessions(db, case.flt, limit=PAGE, after=PageKey.after(deep[-1]))
    deep_ms = None
    if len(deep) == PAGE:
        key = PageKey.after(deep[-1])
        deep_ms = best_ms({"deep": lambda: list_sessions(db, case.flt, limit=PAGE, after=key)}, runs)["deep"]
    return Measured(matches=count, raw_ids=raw_ids, app_ids_sql=app["ids"], app_rows_sql=app.get("rows"),
                    app_page=pages["app"], raw_page=pages["raw"], app_count=app_count["app"], raw_count=raw_count,
                    best_ids_sql=best_sql, in_model=in_model, gui_busy=gui_busy, deep_page=deep_ms)


def model_timings(model: SessionTableModel, flt: SessionFilter, runs: int) -> tuple[float, float]:
    """(set_filter → rows in the model, time the GUI thread was busy in set_filter), best of `runs`, in ms.

    A notes search reads its first page on the background worker: the call returns at once and the rows arrive
    with the model's second reset (the one the view redraws on); other filters fill the model within the call.
    Meanwhile the GUI thread waits in an event loop as the app's does (asleep, not holding Python's lock: a loop
    spinning processEvents would slow the worker it waits for)."""
    from PySide6.QtCore import QEventLoop, QTimer

    best_rows, best_busy = float("inf"), float("inf")
    loop = QEventLoop()
    model.modelReset.connect(loop.quit)
    give_up = QTimer(singleShot=True, interval=60_000)  # a failed search resets nothing: the log says why
    give_up.timeout.connect(loop.quit)
    for _ in range(runs + 1):  # the first run warms up
        start = time.perf_counter()
        model.set_filter(flt)
        busy = time.perf_counter() - start
        if model.searching:
            give_up.start()
            loop.exec()
            if model.searching or not give_up.isActive():
                raise RuntimeError(f"the notes search {flt} gave no rows within 60 s (see the log)")
            give_up.stop()
        rows = time.perf_counter() - start
        best_rows, best_busy = min(best_rows, rows * 1000), min(best_busy, busy * 1000)
    return best_rows, best_busy


# --- main -----------------------------------------------------------------------------------


def _rows_at(app_sql: list[tuple[str, Any]]) -> int:
    """Where the display-row query (the one joining the areas into a list) starts among the captured statements."""
    return next((i for i, (sql, _) in enumerate(app_sql) if "group_concat" in sql or "string_agg" in sql),
                len(app_sql))


def print_plans(con: Raw, case: Case, best_sql: str) -> None:
    print(f"\n#### Query plans: {case.label}\n\n```")
    explain = "EXPLAIN (ANALYZE, BUFFERS)" if con.postgres else "EXPLAIN QUERY PLAN"
    for name, sql, params in (*(("app", *stmt) for stmt in case.app_sql[:_rows_at(case.app_sql)]),
                              ("raw", best_sql, case.params)):
        print(f"{name}: {' '.join(sql.split())}")
        rows = con.native(f"{explain} {sql}", params) if name == "app" else con.execute(f"{explain} {sql}", params)
        for row in rows:
            print(f"    {row[-1]}")
    print("```")


def report(results: list[tuple[Case, Measured]], sessions: int, runs: int, target: Target) -> None:
    on = ", PostgreSQL" if target.postgres else ""
    driver = target.driver
    print_table(
        f"History page of {PAGE} ids on {sessions:,} sessions{on} (best of {runs}, ms)",
        ["filter", "matches", "raw ids", "app ids SQL", "ids ratio", "app rows SQL", "app list_sessions",
         "raw page", "page ratio"],
        [[c.label, f"{m.matches:,}", f"{m.raw_ids:.2f}", f"{m.app_ids_sql:.2f}",
          f"{ratio(m.app_ids_sql, m.raw_ids)} {verdict(m.app_ids_sql / m.raw_ids, GOAL_IDS)}",
          "n/a" if m.app_rows_sql is None else f"{m.app_rows_sql:.2f}", f"{m.app_page:.2f}", f"{m.raw_page:.2f}",
          ratio(m.app_page, m.raw_page)] for c, m in results],
        [f"ids ratio = the app's emitted id SQL (run on plain {driver}; with a complication probe, or a notes "
         f"search's bounded walk + scan) / the fastest hand-written query with the same result; goal ≤ {GOAL_IDS}×",
         "app rows SQL = the app's display-row query alone; app list_sessions = the whole call (both queries, "
         "SQLAlchemy, building SessionRow objects); raw page = best id query + one row query + a dict, plain "
         f"{driver}"],
    )
    print_table(
        f"Rows in the model and deep scrolling{on} (best of {runs}, ms)",
        ["filter", "set_filter → rows in model", "budget", "GUI thread busy", "first page",
         f"page after {DEEP_PAGES * PAGE:,} rows"],
        [[c.label, f"{m.in_model:.2f}", verdict(m.in_model / BUDGET_MODEL_MS, 1.0), f"{m.gui_busy:.2f}",
          f"{m.app_page:.2f}", "fewer rows" if m.deep_page is None else f"{m.deep_page:.2f}"] for c, m in results],
        [f"set_filter = SessionTableModel.set_filter: the first page's query, rows and cell text, model reset "
         f"(offscreen Qt); budget {BUDGET_MODEL_MS:.0f} ms. The model reads a first page of "
         f"{FIRST_PAGE} rows (a screenful; {TEXT_FIRST_PAGE} for a notes search), then {PAGE} per scroll; "
         f"first page column = list_sessions(limit={PAGE})",
         f"a notes search asks {NOTES_INDEX[target.backend]} first and tests just the matches when there are at most "
         f"{TEXT_INDEX_CAP}; a commoner word walks the newest 20,000 sessions by index, then scans the rest in "
         "table order; a notes search runs on "
         "the background worker, so the GUI thread is busy only for the model reset (GUI thread busy column)",
         "deep page: keyset paging continues below the last row shown, so it costs what the first page does"],
    )
    print_table(
        f"Count with the same filters{on} (best of {runs}, ms)",
        ["filter", "count", "app count_sessions", "raw COUNT", "ratio"],
        [[c.label, f"{m.matches:,}", f"{m.app_count:.2f}", f"{m.raw_count:.2f}", ratio(m.app_count, m.raw_count)]
         for c, m in results],
    )


def _qt_app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SESSIONS:,} sessions instead of "
                        f"{FULL_SESSIONS:,}")
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN QUERY PLAN for the id queries")
    parser.add_argument("--photos", type=int, default=0, metavar="N",
                        help="measure on a copy of the database with N photos in it")
    add_backend_argument(parser)
    args = parser.parse_args()
    sessions, runs = (QUICK_SESSIONS, 5) if args.quick else (FULL_SESSIONS, 11)
    with sessions_target(args.backend, sessions, args.photos) as target:
        db = prepare_database(target.url)
        con = target.raw
        _app = _qt_app()  # the model needs a QApplication; kept alive for the run
        global AREA_LABELS
        AREA_LABELS = load_area_labels(db)
        try:
            results = [(case, measure(db, con, case, runs)) for case in build_cases(con)]
            report(results, sessions, runs, target)
            if args.plans:
                for case, m in results:
                    print_plans(con, case, m.best_ids_sql)
        finally:
            db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
