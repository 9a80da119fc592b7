"""Screenshots of Clinic Log's screens for the docs: `python -m tools.screenshots` writes docs/screenshots/*.png.

Runs headless (Qt's offscreen platform) on a temporary database holding the sample CSVs plus demo data, at
1366×768. Each screen is a (name, builder) pair in SCREENS: a builder gets the prepared scene and returns the
widget to grab, so a new screen is one function and one line. `QT_SCALE_FACTOR=2 python -m tools.screenshots
--out /tmp/shots@2x` checks the layout at 200 %.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

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
    generate_demo(db, ACTOR, clients=40, sessions=400, seed=7)
    return db, location


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


# --- screens -------------------------------------------------------------------------------------


def main_window(scene: Scene) -> QWidget:
    return scene.window


def session_detail(scene: Scene) -> QWidget:
    """The detail dialog of a session with a complication: the newest one that also has a warning (a sample
    session), amended once so the amendment table shows."""
    rows = [row for row in list_sessions(scene.db, SessionFilter(), limit=5000) if row.complications]
    details = (get_session(scene.db, row.id) for row in rows)
    chosen = next((d for d in details if d.warnings), None) or get_session(scene.db, rows[0].id)
    if chosen.status == "signed":
        notes = f"{chosen.notes or ''}; resolved by day 10".lstrip("; ")
        amend_session_field(scene.db, ACTOR, chosen.id, "notes", notes, "follow-up call on day 10")
    dialog = scene.window.open_session(chosen.id)
    if dialog is None:
        raise RuntimeError(f"session {chosen.id} could not be opened")
    return dialog


SCREENS: list[tuple[str, Callable[[Scene], QWidget]]] = [
    ("main_window", main_window),
    ("session_detail", session_detail),
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
