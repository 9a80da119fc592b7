"""The same services and CLI on PostgreSQL (skipped when no server binaries are installed)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_log.app import main
from tests.pg_server import fresh_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(pg_template: str | None) -> Iterator[str]:
    if pg_template is None:
        pytest.skip("runs with --backend=postgres (make test-pg)")
    with fresh_database(pg_template) as url:
        yield url


def test_import_recall_export_and_check_on_postgresql(pg_url: str, samples: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", pg_url, "init"]) == 0
    for kind in ("practitioners", "clients", "sessions"):
        assert main(["--db", pg_url, "import", kind, str(samples / f"{kind}.csv")]) == 0
    assert main(["--db", pg_url, "import", "sessions", str(samples / "sessions-bad.csv")]) == 2
    capsys.readouterr()
    assert main(["--db", pg_url, "recall", "--lot", "DP16-240117"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 4 and rows[1][3] == "Amélie Durand"
    assert main(["--db", pg_url, "demo", "--clients", "20", "--sessions", "200"]) == 2  # a clinic's data: refused
    assert main(["--db", pg_url, "export", "sessions", "--format", "csv", "-o", str(tmp_path / "s.csv")]) == 0
    assert main(["--db", pg_url, "aftercare", "1", "-o", str(tmp_path / "a.pdf")]) == 0
    capsys.readouterr()
    assert main(["--db", pg_url, "check"]) == 0
    assert "audit hash chain, every signed session's seal and the chain's witness verified" in capsys.readouterr().out


APP_ROLE_GRANTS = (  # the README's grants for the workstations' role (the schema is owned by another role)
    "GRANT CONNECT ON DATABASE {db} TO {role}",
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "REVOKE UPDATE, DELETE ON audit_log, amendments, session_overrides FROM {role}",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
)


def test_the_workstations_role_works_but_cannot_lift_the_guards(pg_url: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """With the README's grants the app logs, signs and checks as a role that does not own the tables, and that
    role can neither disable nor drop a guard trigger, nor change or delete an audit row."""
    from datetime import date

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    from clinic_log.domain.actor import Actor
    from clinic_log.domain.enums import UserRole
    from clinic_log.services.audit.integrity import check_database
    from clinic_log.services.backup.database import prepare_database
    from clinic_log.services.sessions.sessions import log_session
    from tests.unit.services.helpers import make_clinic, session_entry

    assert main(["--db", pg_url, "init"]) == 0  # as the owner of the schema
    capsys.readouterr()
    server, name = pg_url.rsplit("/", 1)
    role = f"workstation_{abs(hash(name)) % 10_000}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        for grant in APP_ROLE_GRANTS:
            conn.execute(text(grant.format(db=name, role=role)))
    admin.dispose()
    app_url = server.replace("//clinic@", f"//{role}@") + f"/{name}"
    db = prepare_database(app_url)
    try:
        owner = Actor("owner", UserRole.OWNER)
        clinic = make_clinic(db, owner)
        log_session(db, clinic.derm, session_entry(clinic, lot_expires=date(2099, 1, 1)), sign=True)
        assert check_database(db) == []
        for sql in ("ALTER TABLE audit_log DISABLE TRIGGER USER", "DROP TRIGGER audit_log_append_only ON audit_log",
                    "DELETE FROM audit_log", "UPDATE audit_log SET actor = 'mallory'",
                    "ALTER TABLE sessions DISABLE TRIGGER sessions_signed_fixed"):
            with pytest.raises(DBAPIError), db.engine.begin() as conn:
                conn.execute(text(sql))
    finally:
        db.dispose()
