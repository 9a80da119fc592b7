"""The main window shows its first rows before SQLAlchemy is loaded: start-up reads them with plain sqlite3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.sessions.session_queries import list_sessions
from clinic_log.ui.sessions.session_table_model import FIRST_PAGE

pytestmark = pytest.mark.sqlite_only

START = """
import json, sys
from PySide6.QtWidgets import QApplication
from clinic_log.services.backup.database import prepare_database
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.shell.main_window import MainWindow
app = QApplication(sys.argv[:1])
db = prepare_database(sys.argv[1])
window = MainWindow(db, UserSession(), sys.argv[1])  # as at start-up: behind the first login
window.show()
# what the shown window needed; after this, background work (resume offer, ORM warm-up) may load SQLAlchemy
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic"))
app.processEvents()
model = window.page.model
print(json.dumps({"loaded": loaded,
                  "ids": [model.session_row(r).id for r in range(model.rowCount())],
                  "practitioners": window.page.filter_bar.practitioner_combo.count()}))
"""


def test_the_first_screen_shows_the_newest_sessions_without_sqlalchemy(db: Database, owner: Actor,
                                                                       db_path: Path) -> None:
    generate_demo(db, owner, clients=20, sessions=250, seed=4)
    expected = [row.id for row in list_sessions(db, limit=FIRST_PAGE)]
    db.dispose()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", START, str(db_path)], env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["loaded"] == []
    assert shown["ids"] == expected
    assert shown["practitioners"] == 1 + 6  # "All practitioners" and the demo's six
