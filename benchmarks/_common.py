"""Shared helpers for the benchmark scripts: paths, cached data, raw SQLite connections, timing, tables.

Generated data lives in ``benchmarks/.data/`` (gitignored). Expensive files are kept between runs next
to a ``<file>.version`` sidecar; a file is reused only while its version string still matches, and the
version string includes the schema revision and a digest of the demo generator, so changes to either
regenerate the data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from clinic_log.db.engine import BUSY_TIMEOUT_MS  # noqa: E402
from clinic_log.db.schema_version import HEAD_REVISION  # noqa: E402

DATA_DIR = ROOT / "benchmarks" / ".data"
PYTHON = sys.executable
BENCH_DATA_VERSION = "1"
DEMO_CLIENTS = 20_000
DEMO_SEED = 1

T = TypeVar("T")


# --- data files -----------------------------------------------------------------------------


def data_dir() -> Path:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return DATA_DIR


def source_digest(*relative_paths: str) -> str:
    """Short digest of source files whose output a cached file depends on."""
    digest = hashlib.sha256()
    for rel in relative_paths:
        digest.update((ROOT / rel).read_bytes())
    return digest.hexdigest()[:12]


def data_version(*parts: object) -> str:
    return "|".join([f"bench={BENCH_DATA_VERSION}", f"schema={HEAD_REVISION}", *map(str, parts)])


def is_cached(path: Path, version: str) -> bool:
    sidecar = path.with_name(path.name + ".version")
    return path.exists() and sidecar.exists() and sidecar.read_text(encoding="utf-8") == version


def mark_cached(path: Path, version: str) -> None:
    path.with_name(path.name + ".version").write_text(version, encoding="utf-8")


def remove_db(path: Path) -> None:
    """Delete an SQLite file with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_db(source: Path, target: Path) -> Path:
    """A fresh byte copy of a closed (checkpointed) database file."""
    remove_db(target)
    shutil.copyfile(source, target)
    return target


def move_db(source: Path, target: Path) -> None:
    remove_db(target)
    os.replace(source, target)
    remove_db(source)


# --- the app as a subprocess ----------------------------------------------------------------


def app_env(**extra: str) -> dict[str, str]:
    """Environment for app subprocesses: logs and settings go to benchmarks/.data, never the user's folder.

    Bytecode is cached under benchmarks/.data/pycache even where PYTHONDONTWRITEBYTECODE is set, as an
    installed app would have it; otherwise every start would recompile the app's own modules.
    """
    env = dict(os.environ)
    env.pop("CLINIC_LOG_DB", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(data_dir() / "pycache")
    env["CLINIC_LOG_DATA_DIR"] = str(data_dir() / "appdata")
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def cli_command(*args: str) -> list[str]:
    """The real `clinic-log` entry point of the venv, falling back to `python -m clinic_log`."""
    script = Path(PYTHON).with_name("clinic-log")
    prefix = [str(script)] if script.exists() else [PYTHON, "-m", "clinic_log"]
    return [*prefix, *args]


@dataclass(frozen=True)
class Finished:
    """A child process that ran to completion: wall time from spawn to exit, and its own peak RSS."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float


# Linux folds the RSS of whatever process forks a child into that child's ru_maxrss, so a child forked
# straight from a benchmark that holds a lot of memory would inherit its peak. A tiny launcher (python -S,
# a few MB) spawns the child instead, sets CLINIC_LOG_T0 just before, and reports wait4's rusage and the
# spawn-to-exit time in a JSON file.
_LAUNCHER = """
import json, os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
env = dict(os.environ)
if env.pop("BENCH_SET_T0", None):
    env["CLINIC_LOG_T0"] = repr(time.time())
start = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, env)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(result, "w") as handle:
    json.dump({"seconds": seconds, "status": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss}, handle)
"""


def run_measured(command: Sequence[str], env: dict[str, str], timeout: float | None = None,
                 set_t0: bool = False) -> Finished:
    """Run `command` (absolute program path first) through the launcher; time spawn to exit, peak RSS.

    A child still running after `timeout` seconds is killed with its launcher (return code -9).
    With `set_t0`, CLINIC_LOG_T0 is set to time.time() right before the spawn.
    """
    env = {**env, "BENCH_SET_T0": "1"} if set_t0 else env
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "result.json"
        with (Path(folder) / "out").open("w+") as out, (Path(folder) / "err").open("w+") as err:
            proc = subprocess.Popen([PYTHON, "-S", "-c", _LAUNCHER, str(result), *command], env=env, stdout=out,
                                    stderr=err, start_new_session=True)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
                return Finished(float(timeout or 0), -9, "", "", 0.0)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        if not result.exists():
            return Finished(0.0, proc.returncode or 1, stdout, stderr or "the launcher failed", 0.0)
        data = json.loads(result.read_text())
        return Finished(data["seconds"], data["status"], stdout, stderr, data["maxrss_kb"] / 1024)


def run_cli(*args: str) -> str:
    result = subprocess.run(cli_command(*args), env=app_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"clinic-log {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def sessions_db_name(sessions: int) -> str:
    label = f"{sessions // 1_000_000}m" if sessions % 1_000_000 == 0 else f"{sessions // 1000}k"
    return f"sessions-{label}.sqlite3"


def sessions_db_version(sessions: int) -> str:
    return data_version(f"demo={source_digest('clinic_log/services/exchange/demo.py')}", f"clients={DEMO_CLIENTS}",
                        f"sessions={sessions}", f"seed={DEMO_SEED}")


def demo_into(path: Path, sessions: int) -> str:
    """`clinic-log init` then `clinic-log demo` into a new file; returns the demo's output line."""
    remove_db(path)
    run_cli("--db", str(path), "init")
    return run_cli("--db", str(path), "demo", "--clients", str(DEMO_CLIENTS), "--sessions", str(sessions),
                   "--seed", str(DEMO_SEED)).strip()


def ensure_sessions_db(sessions: int) -> Path:
    """The cached demo database with `sessions` sessions, generated through the CLI when missing or stale."""
    path = data_dir() / sessions_db_name(sessions)
    version = sessions_db_version(sessions)
    if not is_cached(path, version):
        print(f"(generating {path.name} with the demo command; kept for later runs)", file=sys.stderr, flush=True)
        scratch = path.with_name(path.stem + ".tmp.sqlite3")
        demo_into(scratch, sessions)
        move_db(scratch, path)
        mark_cached(path, version)
    return path


# --- raw SQLite -----------------------------------------------------------------------------


def raw_connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the same pragmas the app sets (WAL, synchronous=FULL, foreign keys)."""
    con = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    return con


def table_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        con.close()


# --- timing and output ----------------------------------------------------------------------


def timed(action: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def ratio(app: float, baseline: float) -> str:
    return f"{app / baseline:.2f}×" if baseline > 0 else "n/a"


def verdict(value: float, goal: float) -> str:
    return "ok" if value <= goal else "OVER"


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
                notes: Sequence[str] = ()) -> None:
    """A Markdown table: readable in the terminal and pasted as is into RESULTS.md."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(_looks_numeric(r[i]) for r in cells[1:]) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric, strict=True)]
        return "| " + " | ".join(parts) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if num else ("-" * (w + 2))
                          for w, num in zip(widths, numeric, strict=True)) + "|"
    print(f"\n### {title}\n")
    print(line(cells[0]))
    print(rule)
    for row in cells[1:]:
        print(line(row))
    if notes:
        print()
        for note in notes:
            print(f"- {note}")
    sys.stdout.flush()


def _looks_numeric(text: str) -> bool:
    stripped = text.replace(",", "").replace("×", "").replace("%", "").strip()
    if not stripped:
        return True
    try:
        float(stripped)
    except ValueError:
        return False
    return True
