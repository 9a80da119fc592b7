"""Run every benchmark as a subprocess, one after another, print their tables and write RESULTS.md.

Run from the repository root (``make bench`` does this)::

    python benchmarks/run_all.py [--quick] [--backend {sqlite,postgres,both}] [--only NAME ...]

--quick passes --quick to each benchmark (smaller data; a couple of minutes in all). A benchmark that
fails is reported as FAILED and the others still run; the exit code is then 1. The results, with the
date and a description of the machine, go to benchmarks/RESULTS.md.

The history, dashboard (with recall) and import benchmarks run a second time on PostgreSQL
(`--backend postgres`) when the server binaries are installed; otherwise their PostgreSQL sections say
"skipped" and why. --backend sqlite or postgres runs one side only, --only history (or bench_history.py;
repeatable) only the benchmarks named. A partial run replaces just its own sections in RESULTS.md, each
stamped with its date and command, and keeps the others.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
BENCHMARKS = ("bench_demo.py", "bench_import.py", "bench_history.py", "bench_dashboard.py", "bench_startup.py",
              "bench_aftercare.py", "bench_session_form.py", "bench_client_search.py", "bench_sign.py",
              "bench_check.py", "bench_backup.py", "bench_photo_import.py", "bench_photo_thumbnails.py")
ON_POSTGRES = ("bench_history.py", "bench_dashboard.py", "bench_import.py")  # these also run with --backend postgres
AFTERCARE_QUICK_SHEETS = "40"  # bench_aftercare.py takes a sheet count instead of --quick
HISTORY_PHOTOS, HISTORY_QUICK_PHOTOS = "200000", "20000"


def arguments(script: str, quick: bool) -> list[str]:
    if script == "bench_aftercare.py":
        return [AFTERCARE_QUICK_SHEETS] if quick else []
    if script in ("bench_history.py", "bench_dashboard.py"):  # they keep their budgets with the photos present
        return ["--quick", "--photos", HISTORY_QUICK_PHOTOS] if quick else ["--photos", HISTORY_PHOTOS]
    return ["--quick"] if quick else []


def jobs(backends: tuple[str, ...], only: list[str]) -> list[tuple[str, str]]:
    """(script, backend) in RESULTS.md's order: each benchmark on SQLite, then on PostgreSQL where it runs there."""
    wanted = {name if name.endswith(".py") else f"bench_{name}.py" for name in only}
    unknown = wanted - set(BENCHMARKS)
    if unknown:
        raise SystemExit(f"unknown benchmark {', '.join(sorted(unknown))}; known: {', '.join(BENCHMARKS)}")
    out = []
    for script in BENCHMARKS:
        if wanted and script not in wanted:
            continue
        out += [(script, backend) for backend in backends if backend == "sqlite" or script in ON_POSTGRES]
    return out


def section_title(script: str, backend: str) -> str:
    return script if backend == "sqlite" else f"{script} --backend {backend}"


def postgres_skip_reason() -> str | None:
    sys.path.insert(0, str(HERE))
    from _postgres import skip_reason

    return skip_reason()


def run_one(script: str, quick: bool, backend: str = "sqlite") -> tuple[str, int, float]:
    """Run one benchmark, echoing its output as it comes; (output, exit code, seconds)."""
    extra = [] if backend == "sqlite" else ["--backend", backend]
    command = [sys.executable, str(HERE / script), *arguments(script, quick), *extra]
    print(f"\n## {section_title(script, backend)}\n\n"
          f"$ {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(command))}", flush=True)
    start = time.perf_counter()
    lines = []
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        note = f"\n**FAILED** (exit code {proc.returncode}; its error output went to the terminal)\n"
        print(note, flush=True)
        lines.append(note)
    return "".join(lines).strip("\n"), proc.returncode, seconds


def _meminfo_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _postgres_version() -> str:
    """The server binaries' version ("PostgreSQL 15.8"), or "no PostgreSQL server"."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    try:
        done = subprocess.run([str(found[-1]) if found else "postgres", "--version"], capture_output=True, text=True,
                              check=True)
    except (OSError, subprocess.CalledProcessError):
        return "no PostgreSQL server"
    return "PostgreSQL " + done.stdout.split()[2]  # "postgres (PostgreSQL) 15.8 (Debian …)"


def machine_lines() -> list[str]:
    return [
        f"- Machine: {platform.platform()}; {_cpu_model()}; {os.cpu_count()} CPUs; {_meminfo_total()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), SQLite {sqlite3.sqlite_version}, "
        f"SQLAlchemy {_version('SQLAlchemy')}, PySide6 {_version('PySide6')}, reportlab {_version('reportlab')}",
        f"- {_postgres_version()} (a server started for the run on 127.0.0.1, default settings but max_wal_size=4GB), "
        f"psycopg {_version('psycopg')}",
    ]


def write_results(started: datetime, quick: bool, sections: list[tuple[str, str, int, float]],
                  partial: str | None = None) -> None:
    """RESULTS.md: the whole file after a full run; after a partial one (`partial` is its command), only the
    sections it ran are replaced (or added in their place), each stamped with the date and the command."""
    if partial is not None and RESULTS.exists():
        stamp = f"{started:%Y-%m-%d %H:%M} UTC, `{partial}`" + (", quick" if quick else "")
        merge_results([(script, output, code, seconds, stamp) for script, output, code, seconds in sections])
        return
    mode = "quick (`run_all.py --quick`, smaller data)" if quick else "full (`make bench`)"
    parts = [
        "# Benchmark results",
        "",
        "Generated by `benchmarks/run_all.py`; every ratio compares the app with a baseline measured in the same "
        "run on the same machine.",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC",
        f"- Mode: {mode}",
        *machine_lines(),
        f"- Total time: {sum(s[3] for s in sections):.0f} s",
    ]
    for script, output, code, seconds in sections:
        parts += ["", _heading(script, code, seconds), "", output]
    RESULTS.write_text("\n".join(parts) + "\n", encoding="utf-8")


def _heading(title: str, code: int, seconds: float, stamp: str = "") -> str:
    status = "" if code == 0 else f", FAILED with exit code {code}"
    return f"## {title} ({seconds:.0f} s{status}{'; run ' + stamp if stamp else ''})"


_HEADING = re.compile(r"^## (\S+\.py(?: --backend \w+)?) \(", re.MULTILINE)


def merge_results(sections: list[tuple[str, str, int, float, str]]) -> None:
    """Replace (or add, in the benchmarks' order) the given sections of RESULTS.md; the rest stays as it was."""
    text = RESULTS.read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"^## ", text, re.MULTILINE)]
    head = text[:starts[0]] if starts else text
    blocks = [text[a:b].rstrip("\n") for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    known: dict[str, str] = {}
    others = []
    for block in blocks:
        match = _HEADING.match(block)
        if match:
            known[match.group(1)] = block
        else:
            others.append(block)  # notes written by hand (re-runs…) stay at the end
    for title, output, code, seconds, stamp in sections:
        known[title] = f"{_heading(title, code, seconds, stamp)}\n\n{output}"
    order = [section_title(s, b) for s in BENCHMARKS for b in ("sqlite", "postgres")]
    ordered = sorted(known, key=lambda t: order.index(t) if t in order else len(order))
    RESULTS.write_text(head.rstrip("\n") + "\n\n" + "\n\n".join([*(known[t] for t in ordered), *others]) + "\n",
                       encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller data, a couple of minutes in all")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both",
                        help="run the SQLite benchmarks, the PostgreSQL ones, or both (default)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="only this benchmark (history, bench_history.py…); repeatable")
    args = parser.parse_args()
    quick = args.quick
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    partial = None
    if args.backend != "both" or args.only:
        partial = " ".join(["python benchmarks/run_all.py", *sys.argv[1:]])
    started = datetime.now(UTC)
    print("# Clinic Log benchmarks" + (" (quick)" if quick else ""))
    print("\n".join(machine_lines()), flush=True)
    skip = postgres_skip_reason() if "postgres" in backends else None
    sections = []
    for script, backend in jobs(backends, args.only):
        title = section_title(script, backend)
        if not (HERE / script).exists():
            print(f"\n## {title}\n\n(not present, skipped)", flush=True)
            continue
        if backend == "postgres" and skip:
            note = f"skipped: {skip}"
            print(f"\n## {title}\n\n{note}", flush=True)
            sections.append((title, note, 0, 0.0))
            continue
        output, code, seconds = run_one(script, quick, backend)
        sections.append((title, output, code, seconds))
    write_results(started, quick, sections, partial)
    failed = [s[0] for s in sections if s[2] != 0]
    print(f"\nwrote {RESULTS.relative_to(ROOT)}" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
