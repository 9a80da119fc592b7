"""Notes search through the notes' trigram index (SQLite's full-text index, PostgreSQL's pg_trgm index) finds exactly
what reading every note finds, and stays current."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from clinic_log.db import dialect
from clinic_log.db.engine import Database, open_database
from clinic_log.db.models import TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.sessions.amendments import amend_session_field
from clinic_log.services.sessions.session_queries import SessionFilter, count_sessions, list_sessions
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import make_clinic, session_entry

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


def like_ids(db_path: Path, words: str) -> list[int]:
    with sqlite3.connect(db_path) as con:
        return [r[0] for r in con.execute(
            "SELECT id FROM sessions WHERE notes LIKE ? ORDER BY started_at DESC, id DESC", (f"%{words}%",))]


def containing(db: Database, words: str) -> list[int]:
    """Every session whose notes contain `words` in any case (ASCII here), newest first: each note read and tested
    in Python, on either database."""
    s = TreatmentSession
    with db.reading() as session:
        rows = session.execute(select(s.id, s.notes).order_by(s.started_at.desc(), s.id.desc())).all()
    return [i for i, notes in rows if notes is not None and words.lower() in notes.lower()]


@pytest.fixture
def noted(db: Database, owner: Actor) -> dict[str, int]:
    clinic = make_clinic(db, owner)
    notes = {"upper": "Rolling SCARS on both cheeks", "lower": "rolling scars, left side",
             "other": "mild erythema only", "quote": 'client said "keloid?" — no history'}
    return {key: log_session(db, clinic.derm, session_entry(clinic, notes=text), sign=True).id
            for key, text in notes.items()}


def test_the_index_answers_a_rare_word_exactly_as_reading_the_notes_does(db: Database,
                                                                         noted: dict[str, int]) -> None:
    with db.reading() as session:
        assert dialect.notes_matches(session, "scars", cap=10) is not None  # the index answered
        assert sorted(dialect.notes_matches(session, "SCARS", cap=10) or []) == sorted([noted["upper"],
                                                                                         noted["lower"]])
    for words in ("scars", "SCARS", "olling sc", '"keloid?"', "nowhere at all", "sc", "100%", "left_side"):
        shown = [row.id for row in list_sessions(db, SessionFilter(text=words))]
        assert shown == containing(db, words), words
        assert count_sessions(db, SessionFilter(text=words)) == len(shown)


def test_an_amended_note_is_found_by_its_new_words_only(db: Database, owner: Actor, noted: dict[str, int]) -> None:
    amend_session_field(db, owner, noted["other"], "notes", "small pinpoint bleeding, settled", "typo")
    assert [r.id for r in list_sessions(db, SessionFilter(text="pinpoint"))] == [noted["other"]]
    assert list_sessions(db, SessionFilter(text="erythema only")) == []


def test_too_many_matches_fall_back_to_reading_the_notes(db: Database, noted: dict[str, int]) -> None:
    with db.reading() as session:
        assert dialect.notes_matches(session, "scars", cap=1) is None
        assert dialect.notes_matches(session, "sc", cap=10) is None  # shorter than a trigram


@pytest.mark.sqlite_only
def test_upgrading_an_older_database_indexes_the_notes_already_there(tmp_path: Path) -> None:
    older = tmp_path / "clinic.sqlite3"
    shutil.copy(FIXTURES / "schema-0003_voided_index.sqlite3", older)
    with sqlite3.connect(older) as con:
        word = con.execute("SELECT notes FROM sessions WHERE notes IS NOT NULL LIMIT 1").fetchone()[0].split()[0]
    prepare_database(str(older)).dispose()
    db = open_database(str(older))
    with db.reading() as session:
        assert dialect.notes_matches(session, word, cap=100_000)
    assert [r.id for r in list_sessions(db, SessionFilter(text=word), limit=10_000)] == like_ids(older, word)
    db.dispose()
