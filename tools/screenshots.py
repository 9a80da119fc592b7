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
from datetime import UTC, datetime, timedelta
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
from clinic_log.ui.current_user import sign_in
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


def login(scene: Scene) -> QWidget:
    """The login at start, after five wrong passwords: it says until when the account is locked."""
    from clinic_log.services.auth import AccountLocked
    from clinic_log.services.clinic_settings import read_clinic_name
    from clinic_log.ui.login_dialog import LoginDialog, locked_message

    dialog = LoginDialog(scene.db, clinic_name=read_clinic_name(scene.db), username="reception")
    until = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=5)
    dialog.message_label.setText(locked_message(AccountLocked("reception", until)))
    dialog.show()
    return dialog


def first_start_wizard(scene: Scene) -> QWidget:
    """First start on an empty database: the clinic's details (the owner account is the next page)."""
    from clinic_log.ui.first_start_wizard import FirstStartWizard

    wizard = FirstStartWizard(scene.db)
    page = wizard.clinic_page
    page.name_edit.setText("Harley Skin Studio")
    page.address_edit.setPlainText("12 Harley Street\nLondon W1G 9PF")
    page.phone_edit.setText("+44 20 7946 0000")
    wizard.show()
    return wizard


def practitioners_page(scene: Scene) -> QWidget:
    """The owner's Practitioners tab: reminders on top, a supervised nurse selected with her credentials."""
    from clinic_log.ui.practitioners_page import PractitionersPage

    page = scene.window.pages.show_page("practitioners")
    assert isinstance(page, PractitionersPage)
    nurse = next((p for p in page.model.records() if p.needs_supervision), None)
    if nurse is not None:
        page.select_practitioner(nurse.id)
    return scene.window


def users_page(scene: Scene) -> QWidget:
    scene.window.pages.show_page("users")
    return scene.window


def amendment_history(scene: Scene) -> QWidget:
    """A signed session amended twice (a depth and a late complication), its History panel in view."""
    from clinic_log.domain.values import ComplicationInput
    from clinic_log.services.amendments import add_late_complication, amend_area_field

    rows = list_sessions(scene.db, SessionFilter(status="signed"), limit=50)
    chosen = next(get_session(scene.db, r.id) for r in rows if r.complications == 0)
    amend_area_field(scene.db, ACTOR, chosen.areas[0].id, "depth_mm", f"{chosen.areas[0].depth_mm + 0.25:.2f}",
                     "depth misread from the pen display")
    add_late_complication(scene.db, ACTOR, chosen.id, ComplicationInput("pih", 1), "follow-up call on day 12")
    dialog = scene.window.open_session(chosen.id)
    if dialog is None:
        raise RuntimeError(f"session {chosen.id} could not be opened")
    settle(scene.app)
    bar = dialog.body_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    return dialog


def amend_dialog(scene: Scene) -> QWidget:
    from clinic_log.ui.amend_dialog import AmendDialog

    row = list_sessions(scene.db, SessionFilter(status="signed"), limit=1)[0]
    dialog = AmendDialog(scene.db, get_session(scene.db, row.id), scene.window)
    dialog.choose(dialog.field_combo.itemText(4))  # the first area's depth
    dialog.value_edit.setText("0.75")
    dialog.reason_edit.setPlainText("depth misread from the pen display")
    dialog.show()
    return dialog


def audit_viewer(scene: Scene) -> QWidget:
    """The owner's Audit tab after Verify."""
    from clinic_log.ui.audit_page import AuditPage

    page = scene.window.pages.show_page("audit")
    assert isinstance(page, AuditPage)
    done: list[str] = []
    page.verified.connect(done.append)
    page.verify()
    wait_until(scene.app, lambda: bool(done), "the audit chain check")
    return scene.window


SCREENS: list[tuple[str, Callable[[Scene], QWidget]]] = [
    ("main_window", main_window),
    ("main_window_today", main_window_today),
    ("session_detail", session_detail),
    ("aftercare_preview", aftercare_preview),
    ("aftercare_template", aftercare_template),
    ("login", login),
    ("first_start_wizard", first_start_wizard),
    ("practitioners_page", practitioners_page),
    ("users_page", users_page),
    ("amendment_history", amendment_history),
    ("amend_dialog", amend_dialog),
    ("audit_viewer", audit_viewer),
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
            sign_in(ACTOR)  # the window is built after a login
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
