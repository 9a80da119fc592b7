"""Benchmark: `import_sessions` against raw sqlite3 inserting the same rows.

Run from the repository root::

    python benchmarks/bench_import.py [--quick] [--profile] [--backend {sqlite,postgres}]

Data (cached in benchmarks/.data, keyed by a version string): a database made by `prepare_database`
plus `generate_demo(clients=2000, sessions=0)`, and a sessions CSV of 100,000 session-area rows
(10,000 with --quick), about 2.5 areas per session, that refers to that database's clients, demo
practitioners (supervisors for those who need one), devices and unexpired cartridge lots, with depths
inside both the device's range, the area's usual range and the practitioner's cap.

Each run imports into a fresh copy of the prepared database. The raw baseline, on another fresh copy,
hashes the file, reads it with `csv.reader`, groups rows into sessions and inserts exactly the rows the
import writes (sessions, session_areas, complications, session_warnings, audit_log with its hash chain)
with `executemany` in one transaction, under the app's pragmas (WAL, synchronous=FULL, foreign keys).
The warnings need the clinical rules, so the baseline takes them from a reference import made before
timing; everything else it derives from the CSV inside the timed region. Both results are compared
row for row, and the baseline's audit chain is verified. Best of 3 runs each (an app import slower than
30 s is not repeated, to keep `make bench` near ten minutes); goal app/raw ≤ 2×.
With --profile, one extra import runs under cProfile and the top functions are printed.

Memory: the import streams the file (validates and writes it in batches), so its peak RSS must not grow with the
file. Each size (10,000, 100,000 and 1,000,000 rows; 2,000 and 10,000 with --quick) is imported into a fresh copy of
its prepared database in a child process that reports its own peak RSS (VmHWM); goal: the largest
within 50 MB of the smallest.

With --backend postgres, the prepared databases are copied into a PostgreSQL server started for the run
(benchmarks/_postgres.py; each run imports into a new database made from that copy as a template) and the baseline is
the same hand-written path on psycopg 3: `executemany` in one transaction, ids from max(id), the sequence moved after.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import hashlib
import io
import json
import math
import pickle
import pstats
import random
import resource
import subprocess
import sys
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from _backend import Raw, add_backend_argument, pg_copy_of, pg_server, raw_postgres, raw_sqlite
from _common import (
    copy_db,
    data_dir,
    data_version,
    is_cached,
    mark_cached,
    print_table,
    ratio,
    remove_db,
    source_digest,
    timed,
    verdict,
)

from clinic_log.db.engine import open_database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.common.audit import GENESIS, verify_chain
from clinic_log.services.exchange.demo import PRACTITIONERS, generate_demo
from clinic_log.services.exchange.importer import SESSION_COLUMNS, import_sessions
from clinic_log.services.sessions.seals import verify_seals

FULL_ROWS, QUICK_ROWS = 100_000, 10_000
RSS_ROWS, QUICK_RSS_ROWS = (10_000, 100_000, 1_000_000), (2_000, 10_000)
RSS_GOAL_MB = 50.0  # the largest file's peak RSS may exceed the smallest's by at most this
RUNS = 3
REPEAT_LIMIT_S = 30.0  # an app import slower than this is not repeated (best of fewer runs)
GOAL = 2.0
BASE_CLIENTS = 2000
ACTOR = Actor("bench", UserRole.OWNER)
NOTES = ["course going well", "client happy, texture improved", "numbing 30 min before", "HA serum applied",
         'client said "much smoother"', "", "", ""]
STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime on SQLite
SESSION_FIELDS = ("id, client_id, started_at, practitioner_id, supervisor_id, supervisor_presence, device_id, "
                  "cartridge_lot_id, course_index, course_total, skin_response, notes, warnings_reason, status, "
                  "signed_by, signed_at, countersigned_by, countersigned_at, created_by, created_at, updated_at")


# --- data -----------------------------------------------------------------------------------


def prepared_files(rows: int) -> tuple[Path, Path]:
    """The prepared database and the CSV that refers to it, generated together when missing or stale."""
    folder = data_dir()
    db_path, csv_path = folder / f"import-base-{rows}.sqlite3", folder / f"import-{rows}.csv"
    version = prepared_version(rows)
    if not (is_cached(db_path, version) and is_cached(csv_path, version)):
        remove_db(db_path)
        db = prepare_database(str(db_path))
        generate_demo(db, ACTOR, clients=BASE_CLIENTS, sessions=0, seed=1)
        db.dispose()
        write_sessions_csv(db_path, csv_path, rows)
        mark_cached(db_path, version)
        mark_cached(csv_path, version)
    return db_path, csv_path


def prepared_version(rows: int) -> str:
    return data_version(f"demo={source_digest('clinic_log/services/exchange/demo.py')}",
                        f"csv={source_digest('benchmarks/bench_import.py')}", f"rows={rows}")


@dataclass
class Copies:
    """Fresh copies of a prepared database to import into: files on SQLite, databases made from the prepared one as
    a template on PostgreSQL (`server` is then the server's URL)."""

    backend: str
    server: str | None = None

    @property
    def postgres(self) -> bool:
        return self.backend == "postgres"

    def base(self, rows: int) -> tuple[str, Path]:
        """The prepared database of `rows` rows (a file, or the name of its PostgreSQL copy) and its CSV."""
        db_path, csv_path = prepared_files(rows)
        if self.server is None:
            return str(db_path), csv_path
        return pg_copy_of(self.server, db_path).rsplit("/", 1)[1], csv_path

    def fresh(self, base: str, name: str) -> str:
        """A new copy of `base` called `name`: the URL (or path) the app and the baseline open."""
        if self.server is None:
            return str(copy_db(Path(base), data_dir() / f"{name}.sqlite3"))
        from _postgres import create_database

        return create_database(self.server, name, base)

    def remove(self, name: str) -> None:
        if self.server is None:
            remove_db(data_dir() / f"{name}.sqlite3")
        else:
            from _postgres import drop_database

            drop_database(self.server, name)

    def raw(self, url: str) -> Raw:
        return raw_postgres(url) if self.postgres else raw_sqlite(Path(url))


@dataclass
class _Refs:
    clients: list[str]
    devices: list[tuple[str, str, float, float]]  # serial, model, min, max
    lots: list[tuple[str, str]]  # (expires_on, lot_number), sorted
    areas: list[tuple[str, float, float]]
    complications: list[tuple[str, int]]  # code, its highest CTCAE grade


def _load_refs(db_path: Path) -> _Refs:
    con = raw_sqlite(db_path)
    try:
        return _Refs(
            clients=[r[0] for r in con.execute("SELECT client_ref FROM clients ORDER BY id")],
            devices=list(con.execute("SELECT d.serial, m.name, m.min_depth_mm, m.max_depth_mm FROM devices d "
                                     "JOIN device_models m ON m.id = d.device_model_id ORDER BY d.id")),
            lots=sorted(con.execute("SELECT expires_on, lot_number FROM cartridge_lots "
                                    "WHERE expires_on IS NOT NULL")),
            areas=list(con.execute("SELECT code, usual_min_mm, usual_max_mm FROM areas ORDER BY code")),
            complications=list(con.execute("SELECT code, max_grade FROM complication_types ORDER BY code")),
        )
    finally:
        con.close()


def _depth_choices(lo: float, hi: float) -> range:
    """Depths in 0.05 mm steps (as step counts) inside [lo, hi]."""
    return range(math.ceil(lo / 0.05 - 1e-9), math.floor(hi / 0.05 + 1e-9) + 1)


def _session_rows(rng: random.Random, refs: _Refs, started: datetime, n_areas: int) -> list[list[str]]:
    username, _, _, supervised, cap, _, _ = rng.choice(PRACTITIONERS)
    physicians = [p[0] for p in PRACTITIONERS if not p[3]]
    serial, model, dmin, dmax = rng.choice(refs.devices)
    usable = refs.lots[bisect_left(refs.lots, (started.date().isoformat(), "")):]
    lot_expires, lot = rng.choice(usable)
    fitting = [(code, steps) for code, amin, amax in refs.areas
               if (steps := _depth_choices(max(amin, dmin), min(amax, dmax, cap)))]
    base = [rng.choice(refs.clients), started.strftime("%Y-%m-%dT%H:%M"), username,
            rng.choice(physicians) if supervised else "", model, serial, lot, lot_expires]
    code, highest = rng.choice(refs.complications)
    complication = [code, str(rng.randint(1, min(3, highest)))] if rng.random() < 0.06 else ["", ""]
    rows = []
    for n, (code, steps) in enumerate(rng.sample(fitting, min(n_areas, len(fitting)))):
        depth = f"{rng.choice(steps) * 0.05:.2f}"
        extra = [*complication, rng.choice(NOTES)] if n == 0 else ["", "", ""]
        rows.append([*base, code, depth, str(rng.randint(1, 4)), *extra])
    return rows


def write_sessions_csv(db_path: Path, csv_path: Path, rows: int, seed: int = 7) -> None:
    """Sessions over the past year, 1–4 areas each, sorted by start time, `rows` lines in total."""
    rng = random.Random(seed)
    refs = _load_refs(db_path)
    first_day = datetime.combine(date.today() - timedelta(days=365), datetime.min.time())
    sessions: dict[tuple[str, datetime], list[list[str]]] = {}
    total = 0
    while total < rows:
        started = first_day + timedelta(days=rng.randrange(364), minutes=15 * rng.randrange(8 * 4, 19 * 4))
        block = _session_rows(rng, refs, started, min(rng.randint(1, 4), rows - total))
        key = (block[0][0], started) if block else None
        if key is None or key in sessions:
            continue
        sessions[key] = block
        total += len(block)
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SESSION_COLUMNS)
        for key in sorted(sessions, key=lambda k: (k[1], k[0])):
            writer.writerows(sessions[key])


# --- the raw baseline -----------------------------------------------------------------------


_Key = tuple[str, str, str]  # client_ref, started_at as stored, practitioner username
_Warnings = dict[_Key, list[tuple[str, str, str]]]  # key -> [(code, message, reason)]


def reference_warnings(copies: Copies, url: str) -> _Warnings:
    """Warnings a reference import stored, by (client_ref, started_at as SQLite stores it, practitioner username)."""
    con = copies.raw(url)
    try:
        out: _Warnings = {}
        for ref, started, username, code, message, reason, level in con.execute(
                "SELECT c.client_ref, s.started_at, p.username, w.code, w.message, w.reason, w.level "
                "FROM session_warnings w JOIN sessions s ON s.id = w.session_id JOIN clients c ON c.id = s.client_id "
                "JOIN practitioners p ON p.id = s.practitioner_id ORDER BY w.id"):
            stamp = started if isinstance(started, str) else started.strftime(STAMP)  # PostgreSQL: a datetime
            out.setdefault((ref, stamp, username), []).append((code, message, reason, level))
        return out
    finally:
        con.close()


@dataclass
class _RawSession:
    row: list[object]
    areas: list[tuple[str, float, int]] = field(default_factory=list)
    complications: dict[str, tuple[int, str]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)


def _lookup(con: Raw, sql: str) -> dict[str, int]:
    return dict(con.execute(sql).fetchall())


def _utc_text(text: str) -> tuple[str, str]:
    """(stored UTC timestamp, local onset date) for a CSV start time, as the import converts it."""
    local = datetime.fromisoformat(text)
    local = local if local.tzinfo else local.astimezone()
    return local.astimezone(UTC).strftime(STAMP), local.date().isoformat()


def _raw_groups(con: Raw, csv_path: Path, actor: str, now: str) -> dict[_Key, _RawSession]:
    clients = _lookup(con, "SELECT client_ref, id FROM clients")
    people = _lookup(con, "SELECT username, id FROM practitioners")
    devices = _lookup(con, "SELECT serial, id FROM devices")
    lots = _lookup(con, "SELECT lot_number, id FROM cartridge_lots")
    groups: dict[_Key, _RawSession] = {}
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        col = {name.strip(): i for i, name in enumerate(next(reader))}
        c_ref, c_start, c_user, c_sup = col["client_ref"], col["started_at"], col["practitioner"], col["supervisor"]
        c_serial, c_lot, c_area, c_depth = col["device_serial"], col["cartridge_lot"], col["area"], col["depth_mm"]
        c_passes, c_comp, c_grade, c_notes = col["passes"], col["complication"], col["complication_grade"], col["notes"]
        for values in reader:
            started, onset = _utc_text(values[c_start])
            key = (values[c_ref], started, values[c_user])
            group = groups.get(key)
            if group is None:
                group = groups[key] = _RawSession([
                    None, clients[values[c_ref]], started, people[values[c_user]],
                    people.get(values[c_sup]), None, devices.get(values[c_serial]), lots.get(values[c_lot]),
                    None, None, None, values[c_notes] or None, None, "signed", values[c_user], now, None, None,
                    actor, now, now])
            group.areas.append((values[c_area], float(values[c_depth]), int(values[c_passes] or 1)))
            if values[c_comp] and values[c_comp] not in group.complications:
                group.complications[values[c_comp]] = (int(values[c_grade]), onset)
            group.lines.append(reader.line_num)
    return groups


# The seal of each session as `services/sessions/seals.py` defines it, written out by hand on plain sqlite3 (or
# psycopg): the stored values of the session row (dates as text), then its areas, products, complications, warnings
# and amendments, pickled in fast mode and hashed. `check_baseline` has the app verify these seals.
_SEAL_SESSION = ("SELECT s.id, s.status, s.client_id, CAST(s.started_at AS TEXT), s.practitioner_id, s.supervisor_id, "
                 "s.supervisor_presence, s.device_id, l.lot_number, CAST(l.expires_on AS TEXT), s.course_index, "
                 "s.course_total, s.skin_response, s.notes, s.warnings_reason, s.signed_by, "
                 "CAST(s.signed_at AS TEXT), s.countersigned_by, CAST(s.countersigned_at AS TEXT), s.voided_by, "
                 "CAST(s.voided_at AS TEXT), s.void_reason, s.version FROM sessions s "
                 "LEFT JOIN cartridge_lots l ON l.id = s.cartridge_lot_id WHERE s.id BETWEEN ? AND ? "
                 "AND s.status = 'signed' ORDER BY s.id")
_SEAL_CHILDREN = (
    "SELECT session_id, area_code, depth_mm, passes, technique, endpoint, rf_energy FROM session_areas",
    "SELECT session_id, name, contact_minutes, note FROM session_products",
    "SELECT session_id, code, grade, CAST(onset_on AS TEXT), expected, relatedness, action, outcome, "
    "CAST(resolved_on AS TEXT), reported, added_by_amendment FROM complications",
    "SELECT session_id, code, message, reason, level, overridden_by, CAST(overridden_at AS TEXT) "
    "FROM session_warnings",
    "SELECT session_id, table_name, row_id, field, old_value, new_value, amended_by, CAST(amended_at AS TEXT), "
    "reason FROM amendments",
)


def _raw_seals(con: Raw, lo: int, hi: int) -> dict[int, str]:
    children = []
    for sql in _SEAL_CHILDREN:
        grouped: dict[int, list[tuple[object, ...]]] = {}
        for row in con.execute(f"{sql} WHERE session_id BETWEEN ? AND ? ORDER BY session_id, id", (lo, hi)):
            grouped.setdefault(row[0], []).append(row)
        children.append(grouped)
    seals = {}
    for row in con.execute(_SEAL_SESSION, (lo, hi)):
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=5)
        pickler.fast = True
        pickler.dump((row, *(group.get(row[0], []) for group in children)))
        seals[row[0]] = "s1:" + hashlib.sha256(buffer.getbuffer()).hexdigest()
    return seals


def _audit_rows(groups: list[_RawSession], first_id: int, prev: str, actor: str, at: datetime, file_name: str,
                digest: str, seals: dict[int, str]) -> Iterator[tuple[object, ...]]:
    at_iso, at_text = at.isoformat(), at.strftime(STAMP)
    for sid, group in enumerate(groups, start=first_id):
        detail = json.dumps({"file": file_name, "lines": group.lines, "seal": seals[sid], "sha256": digest},
                            ensure_ascii=False)
        canonical = json.dumps([prev, at_iso, actor, "imported", "session", str(sid), detail], ensure_ascii=False,
                               separators=(",", ":"))
        digest_row = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        yield at_text, actor, "imported", "session", str(sid), detail, prev, digest_row
        prev = digest_row


def raw_import(copies: Copies, url: str, csv_path: Path, warnings: _Warnings, actor: str = ACTOR.username) -> int:
    """Insert what `import_sessions` inserts, with plain sqlite3 (or psycopg) and as little Python as possible."""
    digest = hashlib.sha256(csv_path.read_bytes()).hexdigest()
    con = copies.raw(url)
    try:
        at = datetime.now(UTC).replace(tzinfo=None)
        now = at.strftime(STAMP)
        con.execute("BEGIN" if con.postgres else "BEGIN IMMEDIATE")
        groups = _raw_groups(con, csv_path, actor, now)
        first_id = (con.execute("SELECT MAX(id) FROM sessions").fetchone()[0] or 0) + 1
        reason = f"imported from {csv_path.name}"
        area_rows, comp_rows, warning_rows = [], [], []
        for sid, (key, group) in enumerate(groups.items(), start=first_id):
            group.row[0] = sid
            area_rows += [(sid, code, depth, passes) for code, depth, passes in group.areas]
            comp_rows += [(sid, code, grade, onset) for code, (grade, onset) in group.complications.items()]
            found = warnings.get(key)
            if found:
                group.row[12] = reason
                warning_rows += [(sid, code, message, reason, level, actor if level == "stop" else None,
                                  now if level == "stop" else None) for code, message, _, level in found]
        ordered = list(groups.values())
        con.executemany(f"INSERT INTO sessions ({SESSION_FIELDS}) VALUES ({', '.join('?' * 21)})",
                        [g.row for g in ordered])
        con.executemany("INSERT INTO session_areas (session_id, area_code, depth_mm, passes) VALUES (?, ?, ?, ?)",
                        area_rows)
        con.executemany("INSERT INTO complications (session_id, code, grade, onset_on, reported, added_by_amendment) "
                        "VALUES (?, ?, ?, ?, false, false)", comp_rows)
        con.executemany("INSERT INTO session_warnings (session_id, code, message, reason, level, overridden_by, "
                        "overridden_at) VALUES (?, ?, ?, ?, ?, ?, ?)", warning_rows)
        seals = _raw_seals(con, first_id, first_id + len(ordered) - 1)
        prev = (con.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() or [GENESIS])[0]
        con.executemany("INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, prev_hash, hash) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        _audit_rows(ordered, first_id, prev, actor, at, csv_path.name, digest, seals))
        if con.postgres:  # the ids were given: move the sequence past them
            con.execute("SELECT setval(pg_get_serial_sequence('sessions', 'id'), (SELECT MAX(id) FROM sessions))")
        con.execute("COMMIT")
        return len(ordered)
    finally:
        con.close()


# --- runs and checks ------------------------------------------------------------------------


def app_import(copies: Copies, base: str, name: str, csv_path: Path) -> float:
    db = prepare_database(copies.fresh(base, name))  # already at head: only checks the revision and reference rows
    try:
        seconds, _ = timed(lambda: import_sessions(db, ACTOR, csv_path))
        return seconds
    finally:
        db.dispose()


def baseline_import(copies: Copies, base: str, name: str, csv_path: Path, warnings: _Warnings) -> float:
    url = copies.fresh(base, name)
    seconds, _ = timed(lambda: raw_import(copies, url, csv_path, warnings))
    return seconds


COMPARED = {
    "sessions": "client_id, started_at, practitioner_id, supervisor_id, supervisor_presence, device_id, "
                "cartridge_lot_id, course_index, course_total, skin_response, notes, warnings_reason, status, "
                "signed_by, countersigned_by, created_by",
    "session_areas": "session_id, area_code, depth_mm, passes, technique, endpoint, rf_energy",
    "complications": "session_id, code, onset_on, grade, expected, relatedness, action, outcome, resolved_on, "
                     "reported, added_by_amendment",
    "session_warnings": "session_id, code, message, reason, level, overridden_by",
    # a seal covers the time of signing (each import's own): the app verifies the baseline's seals instead
    "audit_log": "actor, action, entity, entity_id, detail",
}


def _comparable(table: str, rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    if table != "audit_log":
        return rows
    return [(*r[:-1], {k: v for k, v in json.loads(str(r[-1])).items() if k != "seal"}) for r in rows]


def same_rows(copies: Copies, app_url: str, raw_url: str) -> list[str]:
    """Tables whose rows differ between the two databases (timestamps and hashes aside)."""
    app, raw = copies.raw(app_url), copies.raw(raw_url)
    try:
        differing = []
        for table, columns in COMPARED.items():
            ours = app.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()
            theirs = raw.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()
            if _comparable(table, ours) != _comparable(table, theirs):
                differing.append(table)
        return differing
    finally:
        app.close()
        raw.close()


def table_counts(copies: Copies, url: str) -> dict[str, int]:
    con = copies.raw(url)
    try:
        return con.table_counts()
    finally:
        con.close()


def check_baseline(copies: Copies, base: str, csv_path: Path) -> tuple[dict[str, int], float, _Warnings]:
    """Reference import (also the first timed app run), then the baseline on its own copy: both must write
    the same rows. Returns the rows written per table, the import's time and the warnings the import stored."""
    app_seconds = app_import(copies, base, "ref_app", csv_path)
    app_db = _url_of(copies, "ref_app")
    warnings = reference_warnings(copies, app_db)
    raw_db = copies.fresh(base, "ref_raw")
    raw_import(copies, raw_db, csv_path, warnings)
    base_url = base if copies.server is None else f"{copies.server}/{base}"
    before = table_counts(copies, base_url)
    after_app, after_raw = table_counts(copies, app_db), table_counts(copies, raw_db)
    written = {t: after_app[t] - before[t] for t in after_app if after_app[t] != before[t]}
    written_raw = {t: after_raw[t] - before[t] for t in after_raw if after_raw[t] != before[t]}
    differing = same_rows(copies, app_db, raw_db)
    if written != written_raw or differing:
        raise SystemExit(f"baseline is not equivalent: app wrote {written}, raw wrote {written_raw}, "
                         f"differing tables {differing}")
    raw = open_database(raw_db)
    chain_problems = [str(p) for p in verify_chain(raw)] + verify_seals(raw)
    raw.dispose()
    if chain_problems:
        raise SystemExit(f"baseline audit chain or seals are broken: {chain_problems[0]}")
    return written, app_seconds, warnings


def _url_of(copies: Copies, name: str) -> str:
    return str(data_dir() / f"{name}.sqlite3") if copies.server is None else f"{copies.server}/{name}"


def profile_import(copies: Copies, base: str, csv_path: Path, top: int = 25) -> None:
    db = prepare_database(copies.fresh(base, "profile"))
    profiler = cProfile.Profile()
    try:
        profiler.runcall(import_sessions, db, ACTOR, csv_path)
    finally:
        db.dispose()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(f"\n#### cProfile of one import, top {top} by {order}\n\n```")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-6000:])
        print("```")


def _peak_rss_kib() -> int:
    """This process's own peak RSS in KiB. Linux's VmHWM, not ru_maxrss: after fork and exec, ru_maxrss starts
    from the parent's peak, so a child started by a large parent would report the parent's figure."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS


def rss_child(copies: Copies, rows: int) -> int:
    """In a child process: import the prepared file of `rows` rows and print its figures with the peak RSS."""
    base, csv_path = copies.base(rows)
    db = prepare_database(copies.fresh(base, f"rss_{rows}"))
    try:
        seconds, result = timed(lambda: import_sessions(db, ACTOR, csv_path))
    finally:
        db.dispose()
        copies.remove(f"rss_{rows}")
    peak_kib = _peak_rss_kib()
    print(json.dumps({"rows": rows, "sessions": result.records, "seconds": seconds, "peak_kib": peak_kib}))
    return 0


def measure_rss(copies: Copies, sizes: tuple[int, ...]) -> None:
    """Peak RSS of one import per file size, each in its own process; the check: largest within the goal."""
    figures = []
    for rows in sizes:
        copies.base(rows)  # generated (or reused) here, so the child's peak is the import's alone
        server = ["--pg-server", copies.server] if copies.server else []
        done = subprocess.run([sys.executable, __file__, "--rss-child", str(rows), "--backend", copies.backend,
                               *server], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"import of {rows:,} rows failed in the child:\n{done.stderr[-3000:]}")
        figures.append(json.loads(done.stdout.strip().splitlines()[-1]))
    smallest, largest = figures[0], figures[-1]
    growth = (largest["peak_kib"] - smallest["peak_kib"]) / 1024
    print_table(
        f"Session import: peak RSS by file size{', PostgreSQL' if copies.postgres else ''} (one child process each)",
        ["CSV rows", "sessions", "import s", "peak RSS MB"],
        [[f"{f['rows']:,}", f"{f['sessions']:,}", f"{f['seconds']:.1f}", f"{f['peak_kib'] / 1024:.0f}"]
         for f in figures],
        [f"{largest['rows']:,} rows − {smallest['rows']:,} rows: {growth:+.1f} MB "
         f"(goal ≤ {RSS_GOAL_MB:.0f} MB: {verdict(growth, RSS_GOAL_MB)})"],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows instead of {FULL_ROWS:,}")
    parser.add_argument("--profile", action="store_true", help="also profile one import with cProfile")
    parser.add_argument("--rss-only", action="store_true", help="only the peak-RSS figures")
    add_backend_argument(parser)
    parser.add_argument("--rss-child", type=int, metavar="ROWS", help=argparse.SUPPRESS)
    parser.add_argument("--pg-server", help=argparse.SUPPRESS)  # the parent's server, for --rss-child
    args = parser.parse_args()
    if args.rss_child:
        return rss_child(Copies(args.backend, args.pg_server), args.rss_child)
    if args.backend == "sqlite":
        return run(args, Copies("sqlite"))
    with pg_server() as server:
        return run(args, Copies("postgres", server))


def run(args: argparse.Namespace, copies: Copies) -> int:
    if args.rss_only:
        measure_rss(copies, QUICK_RSS_ROWS if args.quick else RSS_ROWS)
        return 0
    rows = QUICK_ROWS if args.quick else FULL_ROWS
    base, csv_path = copies.base(rows)
    written, first, warnings = check_baseline(copies, base, csv_path)
    app_times, raw_times = [first], []
    for _ in range(RUNS):
        raw_times.append(baseline_import(copies, base, "run_raw", csv_path, warnings))
        if len(app_times) < RUNS and max(app_times) <= REPEAT_LIMIT_S:
            app_times.append(app_import(copies, base, "run_app", csv_path))
    for name in ("ref_app", "ref_raw", "run_app", "run_raw"):
        copies.remove(name)
    app, raw = min(app_times), min(raw_times)
    driver = "psycopg" if copies.postgres else "sqlite3"
    on = ", PostgreSQL" if copies.postgres else ""
    print_table(
        f"Session import{on}: {rows:,} CSV rows → {written['sessions']:,} sessions (best of {RUNS}"
        + (f"; app run {len(app_times)}× only, it took over {REPEAT_LIMIT_S:.0f} s)" if len(app_times) < RUNS else ")"),
        ["path", "best s", "rows/s", "runs s"],
        [["app import_sessions", f"{app:.2f}", f"{rows / app:,.0f}", " / ".join(f"{t:.2f}" for t in app_times)],
         [f"raw {driver} executemany", f"{raw:.2f}", f"{rows / raw:,.0f}",
          " / ".join(f"{t:.2f}" for t in raw_times)]],
        [f"ratio app/raw: {ratio(app, raw)} (goal ≤ {GOAL:.0f}×: {verdict(app / raw, GOAL)})",
         "rows written by both (checked identical): " + ", ".join(f"{t} {n:,}" for t, n in sorted(written.items())),
         f"raw path: sha256 + csv.reader + grouping + executemany in one transaction, "
         f"{'a fresh database from the same template' if copies.postgres else 'app pragmas'}; warnings "
         "precomputed by a reference import (they need the clinical rules)"],
    )
    if args.profile:
        profile_import(copies, base, csv_path)
        copies.remove("profile")
    measure_rss(copies, QUICK_RSS_ROWS if args.quick else RSS_ROWS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
