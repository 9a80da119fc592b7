"""The benchmarks' PostgreSQL loader copies a demo SQLite file whole into a database the app then works in."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from clinic_log.db.engine import Database
from clinic_log.db.models import TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.devices.devices import add_device
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.sessions.session_queries import SessionFilter, list_sessions

pytestmark = pytest.mark.postgres
BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


@pytest.fixture(scope="module")
def postgres_module() -> Any:
    """benchmarks/_postgres.py (the benchmarks import each other by file name, from their own folder)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    import _postgres

    return _postgres


@pytest.fixture
def demo_file(tmp_path: Path, owner: Actor) -> Path:
    path = tmp_path / "demo.sqlite3"
    db = prepare_database(str(path))
    generate_demo(db, owner, clients=20, sessions=300, seed=3)
    db.dispose()
    return path


@pytest.fixture
def loaded(pg_template: str | None, request: pytest.FixtureRequest) -> Iterator[Database]:
    """The demo file copied by the loader into a new database of the test server, opened by the app."""
    if pg_template is None:
        pytest.skip("runs with --backend=postgres (make test-pg)")
    server = pg_template.rsplit("/", 1)[0]
    loader = request.getfixturevalue("postgres_module")
    loader.load(server, request.getfixturevalue("demo_file"), "loader_test")
    db = prepare_database(f"{server}/loader_test")
    yield db
    db.dispose()
    loader.drop_database(server, "loader_test")


def in_sqlite(path: Path, sql: str) -> object:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    engine.dispose()
    return value


def test_every_demo_session_with_its_areas_and_audit_rows_arrives(loaded: Database, demo_file: Path) -> None:
    for table in ("clients", "practitioners", "sessions", "session_areas", "complications", "audit_log", "areas"):
        with loaded.reading() as session:
            count = session.scalar(text(f"SELECT COUNT(*) FROM {table}"))
        assert count == in_sqlite(demo_file, f"SELECT COUNT(*) FROM {table}"), table
    shown = list_sessions(loaded, SessionFilter(), limit=5)
    engine = create_engine(f"sqlite:///{demo_file}")
    with engine.connect() as conn:
        newest = [r[0] for r in conn.execute(select(TreatmentSession.id)
                                             .order_by(TreatmentSession.started_at.desc(),
                                                       TreatmentSession.id.desc()).limit(5))]
        areas = conn.execute(text("SELECT group_concat(area_code, ', ') FROM session_areas WHERE session_id = :i"),
                             {"i": newest[0]}).scalar()
    engine.dispose()
    assert [r.id for r in shown] == newest
    assert set(shown[0].areas.split(", ")) == set((areas or "").split(", "))


def test_a_device_added_after_the_load_gets_the_next_id_and_the_guards_hold(loaded: Database, owner: Actor,
                                                                           demo_file: Path) -> None:
    device = add_device(loaded, owner, "SkinPen Precision", "SPP-AFTER-LOAD")  # also writes an audit row
    assert device.id == in_sqlite(demo_file, "SELECT MAX(id) FROM devices") + 1  # type: ignore[operator]
    with pytest.raises(DBAPIError, match="append-only"), loaded.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))  # the triggers the load turned off for itself are on
