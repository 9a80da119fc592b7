"""Screenshots of Clinic Log's screens for the docs: `python -m tools.screenshots` writes docs/screenshots/*.png.

Runs headless (Qt's offscreen platform) on a temporary database holding the sample CSVs plus demo data, at
1366×768. Each screen is a (name, builder) pair in SCREENS: a builder gets the prepared scene and returns the
widget to grab, so a new screen is one function and one line. `QT_SCALE_FACTOR=2 python -m tools.screenshots
--out /tmp/shots@2x` checks the layout at 200 %.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.amendments import amend_session_field
from clinic_log.services.database import prepare_database
from clinic_log.services.demo import generate_demo
from clinic_log.services.importer import import_clients, import_practitioners, import_sessions
from clinic_log.services.session_queries import SessionFilter, get_session, list_sessions
from clinic_log.ui.fonts import add_fallback_fonts
from clinic_log.ui.history_page import SessionHistoryPage
from clinic_log.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SIZE = (1366, 768)
ACTOR = Actor("owner", UserRole.OWNER)


def samples_dir() -> Path:
    shared = ROOT.parent / "shared" / "samples"
    return shared if shared.is_dir() else ROOT / "tests" / "samples"


@dataclass
class Scene:
    """What the builders share: the app, a filled database and the main window showing it."""

    app: QApplication
    db: Database
    location: str
    window: MainWindow


def build_database(folder: Path) -> tuple[Database, str]:
    location = str(folder / "clinic.sqlite3")
    db = prepare_database(location)
    samples = samples_dir()
    import_practitioners(db, ACTOR, samples / "practitioners.csv")
    import_clients(db, ACTOR, samples / "clients.csv")
    import_sessions(db, ACTOR, samples / "sessions.csv")
    import_sessions(db, ACTOR, todays_sessions(samples / "sessions.csv", folder / "today.csv"))
    generate_demo(db, ACTOR, clients=40, sessions=400, seed=7)
    return db, location


def todays_sessions(sessions_csv: Path, out: Path) -> Path:
    """The sample sessions again, as if treated this morning (for the Today filter and the aftercare preview)."""
    with sessions_csv.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    starts = sorted({row["started_at"] for row in rows})
    now = datetime.now().replace(second=0, microsecond=0)
    midnight = now.replace(hour=0, minute=0)
    moved = {start: max(now - timedelta(minutes=40 * (len(starts) - n)), midnight + timedelta(minutes=n))
             for n, start in enumerate(starts)}
    with out.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "started_at": moved[row["started_at"]].isoformat(timespec="minutes")})
    return out


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def wait_until(app: QApplication, done: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    """Run the event loop until `done()` (background work, QtPdf rendering) or fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def counted(page: SessionHistoryPage) -> bool:
    return bool(page.summary) and not page.summary.startswith("Counting")


def has_dark_pixels(widget: QWidget) -> bool:
    """True once `widget` shows some text (dark pixels): the PDF view paints its pages in the background."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    return min(image.constBits().tobytes(), default=255) < 80


# --- screens -------------------------------------------------------------------------------------


def main_window(scene: Scene) -> QWidget:
    wait_until(scene.app, lambda: counted(scene.window.page), "the session count")
    return scene.window


def main_window_today(scene: Scene) -> QWidget:
    """Reception's view: Today pressed, the session of the client at the desk selected."""
    page = scene.window.page
    page.filter_bar.today_button.click()
    wait_until(scene.app, lambda: counted(page), "the session count")
    page.view.selectRow(min(2, page.model.rowCount() - 1))
    return scene.window


def aftercare_preview(scene: Scene) -> QWidget:
    """The sheet of today's session with a complication (its instructions print on the sheet)."""
    page = scene.window.page
    if not page.filter_bar.today_button.isChecked():
        page.filter_bar.today_button.click()
    rows = [page.model.session_row(r) for r in range(page.model.rowCount())]
    chosen = next((row for row in rows if row.complications), rows[0])
    dialog = scene.window.open_aftercare(chosen)
    wait_until(scene.app, lambda: dialog.is_ready, "the aftercare sheet")
    wait_until(scene.app, lambda: has_dark_pixels(dialog.view.viewport()), "the PDF view to paint the sheet")
    return dialog


def aftercare_template(scene: Scene) -> QWidget:
    dialog = scene.window.open_template_editor()
    if dialog is None:
        raise RuntimeError("the aftercare template dialog could not be opened")
    return dialog


def session_detail(scene: Scene) -> QWidget:
    """The detail dialog of a session with a complication: the newest one before today that also has a warning
    (a sample session), amended once so the amendment table shows."""
    today = datetime.now().astimezone().date()  # this morning's copies of the samples are for the Today screens
    rows = [row for row in list_sessions(scene.db, SessionFilter(), limit=5000)
            if row.complications and row.started_at.astimezone().date() < today]
    details = (get_session(scene.db, row.id) for row in rows)
    chosen = next((d for d in details if d.warnings), None) or get_session(scene.db, rows[0].id)
    if chosen.status == "signed":
        notes = f"{chosen.notes or ''}; resolved by day 10".lstrip("; ")
        amend_session_field(scene.db, ACTOR, chosen.id, "notes", notes, "follow-up call on day 10")
    dialog = scene.window.open_session(chosen.id)
    if dialog is None:
        raise RuntimeError(f"session {chosen.id} could not be opened")
    return dialog


def history_filters(scene: Scene) -> QWidget:
    """The history narrowed by practitioner, area and status."""
    page = scene.window.pages.show_page("sessions")
    assert isinstance(page, SessionHistoryPage)
    bar = page.filter_bar
    bar.clear()
    bar.practitioner_combo.setCurrentIndex(bar.practitioner_combo.findText("Dr Maria Brandt"))
    bar.area_combo.setCurrentIndex(bar.area_combo.findData("cheeks"))
    bar.status_combo.setCurrentIndex(bar.status_combo.findData("signed"))
    wait_until(scene.app, lambda: counted(page), "the session count")
    return scene.window


def dashboard(scene: Scene) -> QWidget:
    from clinic_log.ui.dashboard_page import DashboardPage

    page = scene.window.pages.show_page("dashboard")
    assert isinstance(page, DashboardPage)
    wait_until(scene.app, lambda: page.dashboard is not None, "the dashboard figures")
    return scene.window


def client_timeline(scene: Scene) -> QWidget:
    """The timeline of the client with the most sessions, opened from a history row."""
    page = scene.window.pages.show_page("sessions")
    assert isinstance(page, SessionHistoryPage)
    page.filter_bar.clear()
    with scene.db.reading() as session:
        from sqlalchemy import func, select

        from clinic_log.db.models import Client, TreatmentSession

        ref = session.scalar(select(Client.client_ref).join(TreatmentSession, TreatmentSession.client_id == Client.id)
                             .group_by(Client.id).order_by(func.count().desc()).limit(1))
    page.filter_bar.client_edit.setText(ref or "")
    page.filter_bar.client_edit.returnPressed.emit()
    page.view.selectRow(0)
    dialog = scene.window.open_timeline_for_selection()
    if dialog is None:
        raise RuntimeError("the client timeline could not be opened")
    page.filter_bar.clear()
    return dialog


def recall_result(scene: Scene) -> QWidget:
    from clinic_log.ui.recall_page import RecallPage

    page = scene.window.pages.show_page("recall")
    assert isinstance(page, RecallPage)
    page.lot_edit.setText("DP16-240117")
    page.search()
    wait_until(scene.app, lambda: page.rows != [], "the recall result")
    return scene.window


SCREENS: list[tuple[str, Callable[[Scene], QWidget]]] = [
    ("main_window", main_window),
    ("main_window_today", main_window_today),
    ("session_detail", session_detail),
    ("aftercare_preview", aftercare_preview),
    ("aftercare_template", aftercare_template),
    ("history_filters", history_filters),
    ("dashboard", dashboard),
    ("client_timeline", client_timeline),
    ("recall", recall_result),
]


def use_screen_of_size(folder: Path) -> None:
    """Make the offscreen screen SIZE in logical pixels at any QT_SCALE_FACTOR (its default is 800×600), so
    dialogs that fit themselves to the screen look as they would on a 1366×768 laptop."""
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        return  # someone chose a platform (or configured offscreen) themselves
    scale = float(os.environ.get("QT_SCALE_FACTOR") or 1)
    config = folder / "offscreen.json"
    screen = {"name": "screenshots", "x": 0, "y": 0, "width": round(SIZE[0] * scale),
              "height": round(SIZE[1] * scale), "logicalDpi": 96}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder for the PNG files (default {OUT})")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="only these screens: "
                        + ", ".join(name for name, _ in SCREENS))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clinic-log-shots-") as tmp:
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            use_screen_of_size(Path(tmp))
            app = QApplication(sys.argv[:1])
        app.setApplicationName("Clinic Log")
        add_fallback_fonts()
        db, location = build_database(Path(tmp))
        try:
            window = MainWindow(db, location)
            window.resize(*SIZE)
            window.show()
            settle(app)
            scene = Scene(app, db, location, window)
            for name, builder in SCREENS:
                if args.only and name not in args.only:
                    continue
                widget = builder(scene)
                settle(app)
                target = args.out / f"{name}.png"
                if not widget.grab().save(str(target)):
                    raise RuntimeError(f"could not write {target}")
                print(f"wrote {target} ({widget.width()}×{widget.height()})")
                if widget is not window:
                    widget.close()
                    settle(app)
            window.close()
        finally:
            db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
