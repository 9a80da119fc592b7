"""Benchmark: from "client chosen" to the session form on screen, with 1,000,000 sessions in the database.

Run from the repository root::

    python benchmarks/bench_session_form.py [--quick]

Uses the cached demo database (1,000,000 sessions, 100,000 with --quick; made once through the CLI like the
history benchmark). The GUI acts as the practitioner with the most sessions and the client chosen is the one
with the most sessions, so every default the form looks up (the practitioner's last device, supervisor and lot,
the client's course position, an autosaved draft) walks the biggest index ranges. One sample is: build
`SessionFormDialog`, show it, run the event loop until the window is exposed and painted. The baseline is the
same for an empty `QDialog`, sampled in turn in the same run. Prints the best and median of each, the ratio of
the medians, and the verdict against the goal (form shown in < 150 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import ensure_sessions_db, print_table, ratio, raw_connect, verdict
from PySide6.QtWidgets import QApplication, QDialog

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.backup.database import prepare_database
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.session_form import SessionFormDialog

FULL_SESSIONS, QUICK_SESSIONS = 1_000_000, 100_000
GOAL_MS = 150.0


def busiest(path: Path) -> tuple[Actor, int]:
    """The practitioner (as a logged-in actor) and the client with the most sessions."""
    con = raw_connect(path)
    try:
        practitioner_id, username = con.execute(
            "SELECT p.id, p.username FROM practitioners p JOIN sessions s ON s.practitioner_id = p.id "
            "GROUP BY p.id ORDER BY count(*) DESC LIMIT 1").fetchone()
        (client_id,) = con.execute(
            "SELECT client_id FROM sessions GROUP BY client_id ORDER BY count(*) DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return Actor(username, UserRole.PRACTITIONER, practitioner_id), client_id


def shown_ms(app: QApplication, build: Callable[[], QDialog]) -> float:
    """Build and show a dialog, wait until the window system has it on screen; the milliseconds it took."""
    start = time.perf_counter()
    dialog = build()
    dialog.show()
    handle = dialog.windowHandle()
    while handle is None or not handle.isExposed():
        app.processEvents()
        handle = dialog.windowHandle()
    app.processEvents()  # the first paint
    elapsed = (time.perf_counter() - start) * 1000
    dialog.close()
    dialog.deleteLater()
    app.processEvents()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SESSIONS:,} sessions instead of "
                        f"{FULL_SESSIONS:,}")
    args = parser.parse_args()
    sessions, runs = (QUICK_SESSIONS, 7) if args.quick else (FULL_SESSIONS, 15)
    path = ensure_sessions_db(sessions)
    actor, client_id = busiest(path)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    user = UserSession()
    user.sign_in(actor)  # the form pre-fills for this practitioner
    db = prepare_database(str(path))
    try:
        builds: dict[str, Callable[[], QDialog]] = {
            "empty QDialog": QDialog,
            "session form": lambda: SessionFormDialog(db, user, client_id),
        }
        for build in builds.values():  # warm-up: imports, fonts, the SQLite page cache
            shown_ms(app, build)
        samples: dict[str, list[float]] = {name: [] for name in builds}
        for _ in range(runs):
            for name, build in builds.items():
                samples[name].append(shown_ms(app, build))
    finally:
        db.dispose()
    form, base = (statistics.median(samples[n]) for n in ("session form", "empty QDialog"))
    print_table(
        f"Client chosen → dialog shown, {sessions:,} sessions ({runs} samples each, ms)",
        ["dialog", "best", "median", "ratio of medians", f"goal < {GOAL_MS:.0f} ms"],
        [["empty QDialog", f"{min(samples['empty QDialog']):.1f}", f"{base:.1f}", "1.00×", ""],
         ["session form", f"{min(samples['session form']):.1f}", f"{form:.1f}", ratio(form, base),
          verdict(form, GOAL_MS)]],
        [f"session form = SessionFormDialog for the client with the most sessions, pre-filled for the practitioner "
         f"with the most sessions (practitioner {actor.username}, client id {client_id}): reference data, the "
         "client, the autosaved draft, last device/supervisor/lot and course position, all widgets and the map",
         "shown = the window is exposed and has painted once (offscreen platform)"],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
