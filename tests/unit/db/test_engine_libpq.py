"""PostgreSQL connection details from libpq's own files: a service in pg_service.conf, a password in .pgpass.
Nothing in the app needs a password in the URL or an environment variable. Run with --backend=postgres."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.backup.database import database_name, prepare_database
from clinic_log.services.common.change_feed import ChangeListener
from tests.unit.services.helpers import make_clinic

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(db: Database) -> Database:
    if db.is_sqlite:
        pytest.skip("runs with --backend=postgres (make test-pg)")
    return db


def test_a_database_named_by_a_service_in_pg_service_conf_opens_writes_and_listens(
        pg: Database, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    where = make_url(pg.url)
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[clinic_test]\nhost={where.host}\nport={where.port}\ndbname={where.database}\n"
                        f"user={where.username}\n", encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    url = "postgresql+psycopg:///?service=clinic_test"
    assert database_name(url) == "clinic_test"
    db = prepare_database(url)
    listener = ChangeListener(db, lambda: None, lambda _state: None)
    try:
        assert make_clinic(db, owner).client_id > 0
        listener.start()
        assert listener.listening.wait(10)  # the listener connects as the app does
    finally:
        listener.stop()
        db.dispose()


def test_a_password_in_pgpass_is_used_and_none_is_needed_in_the_url(
        pg: Database, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.pg_server import require_password

    where = make_url(pg.url)
    role = f"desk_{os.getpid()}"
    admin = create_engine(pg.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'front-desk-secret'"))
        conn.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    admin.dispose()
    require_password(pg.url, role)
    url = f"postgresql+psycopg://{role}@{where.host}:{where.port}/{where.database}"
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(Exception, match="password"):  # the server does ask for it
        prepare_database(url).dispose()
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{where.host}:{where.port}:{where.database}:{role}:front-desk-secret\n", encoding="utf-8")
    pgpass.chmod(0o600)  # libpq ignores a .pgpass others can read
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    db = prepare_database(url)
    try:
        assert make_clinic(db, owner).client_id > 0
    finally:
        db.dispose()
