"""Fixtures for the GUI tests: real SQLite files filled with demo data or the sample CSVs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.exchange.importer import import_clients, import_practitioners, import_sessions
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.common.form_autosave import ask_to_discard as real_ask_to_discard
from clinic_log.ui.common.user_session import UserSession
from tests.unit.services.helpers import Clinic, make_clinic, session_entry


@pytest.fixture
def user(owner: Actor) -> UserSession:
    """Who is logged in, as the shell holds it: the owner, until a test signs someone else in. Tests pass it to
    the windows, pages and dialogs they build, as the main window does."""
    session = UserSession()
    session.sign_in(owner)
    return session


@dataclass
class DiscardQuestions:
    """Closing a dialog with unsaved changes asks whether to discard them. Tests answer from `replies`
    (True: Discard, False: Keep editing; Discard once they run out) and `asked` counts the questions."""

    replies: list[bool] = field(default_factory=list)
    asked: int = 0
    for_real: bool = False  # show the real question (a test then answers it in the open message box)

    def __call__(self, parent: QWidget) -> bool:
        self.asked += 1
        if self.for_real:
            return real_ask_to_discard(parent)
        return self.replies.pop(0) if self.replies else True


@pytest.fixture(autouse=True)
def discard_questions(monkeypatch: pytest.MonkeyPatch) -> DiscardQuestions:
    """A modal question would stall the run: every test answers it through DiscardQuestions."""
    questions = DiscardQuestions()
    monkeypatch.setattr("clinic_log.ui.common.form_autosave.ask_to_discard", questions)
    return questions


@pytest.fixture
def chairside(db: Database, owner: Actor, user: UserSession) -> Clinic:
    """A clinic whose dermatologist is logged in and has logged one session before (device SPP-1, lot SP14-1,
    on record with its expiry)."""
    made = make_clinic(db, owner)
    log_session(db, made.derm, session_entry(made), sign=True)
    user.sign_in(made.derm)
    return made


@pytest.fixture
def demo_db(db: Database, owner: Actor) -> Database:
    """500 demo sessions of 30 clients, six practitioners, a few drafts and complications."""
    generate_demo(db, owner, clients=30, sessions=500, seed=3)
    return db


@pytest.fixture
def sample_db(db: Database, owner: Actor, samples: Path) -> Database:
    """The five sample sessions (known clients, depths, complications and warnings)."""
    import_practitioners(db, owner, samples / "practitioners.csv")
    import_clients(db, owner, samples / "clients.csv")
    import_sessions(db, owner, samples / "sessions.csv")
    return db


@pytest.fixture
def raw(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the same file: the truth the GUI is checked against, without our SQL."""
    connection = sqlite3.connect(db_path)
    yield connection
    connection.close()
