"""Backups leave the app owner-only and whole, carry the chain's witness, and a restore brings nothing foreign.

Each test here names one way a backup or a restore went wrong before (issue 15): triggers carried inside a backup,
broken chains and foreign keys restored, world-readable files, a failed copy audited as made, file names and page
sizes that broke a restore and stale read-only journal files (demo data refused in a clinic's database is in
exchange/test_demo.py).
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from pyrage import passphrase as age_passphrase
from sqlalchemy import select

from clinic_log import version
from clinic_log.db.engine import Database, open_database
from clinic_log.db.models import AuditEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import DatabaseProblem, DomainError
from clinic_log.services.audit.integrity import known_witnesses
from clinic_log.services.audit.witness import chain_head, read_witness, witness_path
from clinic_log.services.backup import backup as backup_service
from clinic_log.services.backup.backup import backup, restore, verify_file
from clinic_log.services.backup.backup_schedule import backup_if_due, backup_now, list_backups
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.clients.clients import ClientDetails, create_client, find_clients
from clinic_log.services.sessions.sessions import log_session
from tests.tamper import GUARD_MARK, drop_guards_sqlite
from tests.unit.services.helpers import make_clinic, session_entry

pytestmark = pytest.mark.sqlite_only

PASSPHRASE = "correct horse battery staple"
AGE_HEADER = b"age-encryption.org/v1"
OWNER = Actor("owner", UserRole.OWNER)


def _refs(db: Database) -> list[str]:
    return sorted(c.client_ref for c in find_clients(db, "", limit=100))


def _live(db: Database) -> Path:
    return Path(db.sqlite_path or "")


def _fingerprint(db: Database) -> tuple[str, bool, bool]:
    """The live file's sha256 with every connection closed (the WAL checkpointed into it), and whether a -wal or
    -shm is left beside it."""
    db.dispose()
    live = _live(db)
    return (hashlib.sha256(live.read_bytes()).hexdigest(), live.with_name(live.name + "-wal").exists(),
            live.with_name(live.name + "-shm").exists())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _tamper(path: Path, *statements: str) -> None:
    """Edit a backup file as someone with the file would: take the guard triggers away, run `statements` with
    foreign keys off, then put the guards back exactly as they were (so only the edit differs from the app's)."""
    conn = sqlite3.connect(path)
    guards = [sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
              if GUARD_MARK in (sql or "")]
    drop_guards_sqlite(conn)
    conn.execute("PRAGMA foreign_keys=OFF")
    for statement in statements:
        conn.execute(statement)
    for sql in guards:
        conn.execute(sql)
    conn.commit()
    conn.close()


def _schema_edit(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture
def clinic_db(db: Database, owner: Actor) -> Database:
    """A clinic with one signed session (areas, a seal) and a client."""
    made = make_clinic(db, owner)
    log_session(db, made.derm, session_entry(made), sign=True)
    return db


# 1. A restore brings nothing foreign ------------------------------------------------------------------------


def test_a_backup_carrying_a_trigger_of_its_own_is_refused_naming_it_and_the_live_file_is_untouched(
        clinic_db: Database, owner: Actor, tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "carrier.sqlite3")
    _schema_edit(made.path, "CREATE TRIGGER x AFTER INSERT ON audit_log BEGIN DELETE FROM session_areas; "
                            "UPDATE sessions SET notes='gone', voided_at=NULL; END")
    before = _fingerprint(clinic_db)
    with pytest.raises(DatabaseProblem, match=r"live database was not touched.*trigger 'x'"):
        restore(clinic_db, owner, made.path)
    assert _fingerprint(clinic_db) == before
    assert not list(_live(clinic_db).parent.glob("*.before-restore-*"))
    assert not [p for p in _live(clinic_db).parent.iterdir() if ".restore-" in p.name]  # no candidate left


@pytest.mark.parametrize(("edit", "named"), [
    ("CREATE TABLE extra(x)", "table 'extra'"),
    ("CREATE VIEW v AS SELECT * FROM clients", "view 'v'"),
    ("CREATE INDEX ix_extra ON clients(first_name)", "index 'ix_extra'"),
    ("ALTER TABLE clients ADD COLUMN extra TEXT", "table 'clients'"),
    ("DROP TRIGGER audit_log_no_update", "trigger 'audit_log_no_update'"),
])
def test_a_backup_whose_schema_is_not_the_apps_is_refused_naming_the_object(
        clinic_db: Database, owner: Actor, tmp_path: Path, edit: str, named: str) -> None:
    made = backup(clinic_db, owner, tmp_path / "odd.sqlite3")
    with closing(sqlite3.connect(made.path)) as conn:
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    if "audit_log_no_update" in edit:
        assert "audit_log_no_update" in triggers  # the guard named in the edit is one of the app's
    _schema_edit(made.path, edit)
    assert named in (verify_file(made.path) or "")
    before = _fingerprint(clinic_db)
    with pytest.raises(DatabaseProblem, match=named):
        restore(clinic_db, owner, made.path)
    assert _fingerprint(clinic_db) == before


def test_a_search_trigger_with_other_sql_is_refused(clinic_db: Database, owner: Actor, tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "fts.sqlite3")
    conn = sqlite3.connect(made.path)
    [(name, sql)] = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger' AND sql LIKE '%fts%' "
                                 "AND sql LIKE '%AFTER INSERT%' LIMIT 1").fetchall()
    conn.close()
    _schema_edit(made.path, f"DROP TRIGGER {name}",
                 sql.replace("BEGIN", "BEGIN DELETE FROM session_areas;", 1))
    with pytest.raises(DatabaseProblem, match=f"trigger '{name}'"):
        restore(clinic_db, owner, made.path)


def test_a_backup_with_a_broken_audit_chain_is_refused(clinic_db: Database, owner: Actor, tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "chain.sqlite3")
    _tamper(made.path, "UPDATE audit_log SET detail = '{}' WHERE id = 2")
    before = _fingerprint(clinic_db)
    with pytest.raises(DatabaseProblem, match=r"not touched.*audit_log row 2"):
        restore(clinic_db, owner, made.path)
    assert _fingerprint(clinic_db) == before


def test_a_backup_with_broken_foreign_keys_is_refused(clinic_db: Database, owner: Actor, tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "fk.sqlite3")
    _tamper(made.path, "DELETE FROM devices")
    before = _fingerprint(clinic_db)
    with pytest.raises(DatabaseProblem, match=r"not touched.*foreign key"):
        restore(clinic_db, owner, made.path)
    assert _fingerprint(clinic_db) == before


def test_a_backup_whose_signed_session_was_edited_is_refused(clinic_db: Database, owner: Actor,
                                                             tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "seal.sqlite3")
    _tamper(made.path, "UPDATE sessions SET notes = 'changed afterwards'")
    with pytest.raises(DatabaseProblem, match=r"not touched.*session 1: .*seal"):
        restore(clinic_db, owner, made.path)


def test_a_good_backup_restores_and_audits_the_restore_in_the_restored_chain(
        clinic_db: Database, owner: Actor, tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "good.sqlite3")
    create_client(clinic_db, owner, ClientDetails("P-2", "Bea", "Later"))
    safety = restore(clinic_db, owner, made.path)
    assert _refs(clinic_db) == ["P-1"]
    with clinic_db.reading() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (last.action, last.entity) == ("restored", "database") and "good.sqlite3" in last.detail
    assert _mode(safety) == 0o600
    from clinic_log.services.audit.integrity import check_database

    assert [p for p in check_database(clinic_db, seals=False)] == []


# 2. Owner-only files, optional encryption ------------------------------------------------------------------


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The usual umask (022), under which files are made world-readable unless the code says otherwise."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.mark.usefixtures("usual_umask")
def test_backups_their_sidecars_folder_and_safety_copies_are_owner_only(clinic_db: Database, owner: Actor,
                                                                       tmp_path: Path) -> None:
    made = backup_now(clinic_db, owner)
    daily = backup_if_due(clinic_db)
    for path in [made.path, *(d.path for d in daily)]:
        assert _mode(path) == 0o600, path
        assert _mode(path.with_name(path.name + ".meta.json")) == 0o600
    assert _mode(made.path.parent) == 0o700
    elsewhere = backup(clinic_db, owner, tmp_path / "elsewhere.sqlite3")
    assert _mode(elsewhere.path) == 0o600
    safety = restore(clinic_db, owner, elsewhere.path)
    assert _mode(safety) == 0o600


@pytest.mark.usefixtures("usual_umask")
def test_a_new_database_and_the_folder_made_for_it_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "data" / "clinic.sqlite3"
    db = prepare_database(str(path))
    create_client(db, OWNER, ClientDetails("P-1", "Ada", "First"))
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700 and _mode(path.parent.parent) == 0o700
    for journal in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if journal.exists():
            assert _mode(journal) == 0o600
    db.dispose()


def test_an_encrypted_backup_is_an_age_file_any_age_tool_opens_and_it_restores_with_its_passphrase(
        clinic_db: Database, owner: Actor, tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "away.age", passphrase=PASSPHRASE)
    assert made.encrypted and _mode(made.path) == 0o600
    data = made.path.read_bytes()
    assert data.startswith(AGE_HEADER) and b"SQLite format 3" not in data
    inside = gzip.decompress(age_passphrase.decrypt(data, PASSPHRASE))  # `age -d away.age | gunzip`
    assert inside.startswith(b"SQLite format 3\x00")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("away.age") and p.name not in (
        "away.age", "away.age.meta.json")]  # no plain copy left where the encrypted one went
    create_client(clinic_db, owner, ClientDetails("P-2", "Bea", "Later"))
    restore(clinic_db, owner, made.path, passphrase=PASSPHRASE)
    assert _refs(clinic_db) == ["P-1"]


def test_an_encrypted_backup_with_a_wrong_or_no_passphrase_is_refused_and_nothing_is_touched(
        clinic_db: Database, owner: Actor, tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "away.age", passphrase=PASSPHRASE)
    before = _fingerprint(clinic_db)
    with pytest.raises(DatabaseProblem, match=r"not touched: the passphrase does not open away\.age"):
        restore(clinic_db, owner, made.path, passphrase="wrong horse")
    with pytest.raises(DatabaseProblem, match=r"away\.age is encrypted"):
        restore(clinic_db, owner, made.path)
    assert _fingerprint(clinic_db) == before
    assert not list(_live(clinic_db).parent.glob("*.before-restore-*"))


def test_a_short_passphrase_is_refused_before_anything_is_written(clinic_db: Database, owner: Actor,
                                                                 tmp_path: Path) -> None:
    with pytest.raises(DomainError, match=r"passphrase has 5 characters: use at least"):
        backup(clinic_db, owner, tmp_path / "away.age", passphrase="short")
    assert list(tmp_path.glob("away.age*")) == []


# 3. Metadata with the witness ----------------------------------------------------------------------------------


def test_every_backup_writes_a_sidecar_with_the_witness_and_refreshes_the_witness_file(
        clinic_db: Database, owner: Actor, tmp_path: Path) -> None:
    made = backup_now(clinic_db, owner)
    meta_path = made.path.with_name(made.path.name + ".meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert set(meta) >= {"app_version", "created_at", "encrypted", "sha256", "witness"}
    assert meta["app_version"] == version() != "unknown"  # pyproject's version, as installed
    assert meta["encrypted"] is False
    assert meta["sha256"] == hashlib.sha256(made.path.read_bytes()).hexdigest()
    copy = open_database(str(made.path))
    head = chain_head(copy)
    copy.dispose()
    assert (meta["witness"]["rows"], meta["witness"]["last_id"], meta["witness"]["last_hash"]) == (
        head.rows, head.last_id, head.last_hash)
    beside = read_witness(witness_path(clinic_db) or Path())
    assert beside is not None and beside.last_hash == head.last_hash
    assert any(w is not None and w.source == meta_path.name for w in known_witnesses(clinic_db))
    assert [b.path for b in list_backups(clinic_db)] == [made.path]  # the sidecar is not listed as a backup
    encrypted = backup(clinic_db, owner, tmp_path / "away.age", passphrase=PASSPHRASE)
    meta = json.loads(encrypted.path.with_name("away.age.meta.json").read_text(encoding="utf-8"))
    assert meta["encrypted"] is True and meta["sha256"] == hashlib.sha256(encrypted.path.read_bytes()).hexdigest()


# 4. Audited as made only once made -----------------------------------------------------------------------------


def _audit(db: Database) -> list[tuple[str, str, str]]:
    with db.reading() as session:
        return [(a.action, a.entity, a.detail) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_a_backup_that_fails_on_a_full_disk_is_audited_as_failed_not_as_made(
        clinic_db: Database, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(_source: sqlite3.Connection, _target: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_service, "_copy", full_disk)
    out = tmp_path / "full.sqlite3"
    with pytest.raises(DatabaseProblem, match="No space left on device"):
        backup(clinic_db, owner, out)
    actions = _audit(clinic_db)
    assert not [a for a in actions if a[0] == "backed_up"]
    assert actions[-1][0] == "backup_failed" and "No space left on device" in actions[-1][2]
    assert list(tmp_path.glob("full.sqlite3*")) == []


def test_backed_up_is_audited_after_the_copy_with_its_checksum(clinic_db: Database, owner: Actor,
                                                               tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "ok.sqlite3")
    action, _, detail = _audit(clinic_db)[-1]
    assert action == "backed_up" and json.loads(detail)["sha256"] == made.sha256
    with closing(sqlite3.connect(made.path)) as inside:  # the copy was taken before its own audit row
        assert not inside.execute("SELECT 1 FROM audit_log WHERE action = 'backed_up'").fetchall()


# 5. Names, page sizes, stale read-only journal files ---------------------------------------------------------


def test_a_backup_whose_name_has_hash_question_mark_and_percent_verifies_and_restores(
        clinic_db: Database, owner: Actor, tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "clinic #1?mode=rw%41.sqlite3")
    assert verify_file(made.path) is None
    create_client(clinic_db, owner, ClientDetails("P-2", "Bea", "Later"))
    restore(clinic_db, owner, made.path)
    assert _refs(clinic_db) == ["P-1"]


def test_a_backup_with_another_page_size_restores(clinic_db: Database, owner: Actor, tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "big-pages.sqlite3")
    conn = sqlite3.connect(made.path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA page_size=8192")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 8192
    conn.close()
    create_client(clinic_db, owner, ClientDetails("P-2", "Bea", "Later"))
    restore(clinic_db, owner, made.path)
    assert _refs(clinic_db) == ["P-1"]
    create_client(clinic_db, owner, ClientDetails("P-3", "Cy", "After the restore"))
    assert _refs(clinic_db) == ["P-1", "P-3"]


def _as_ordinary_user(work: Callable[[], str]) -> str:
    """Run `work` as an ordinary user: root writes read-only files, so the case needs one. As root, in a forked
    child that becomes 'nobody'; its answer comes back through a pipe."""
    if os.geteuid() != 0:
        return work()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.setgid(65534)
            os.setuid(65534)
            answer = work()
        except BaseException as exc:
            answer = f"{type(exc).__name__}: {exc}"
        os.write(write, answer.encode("utf-8"))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        answer = pipe.read().decode("utf-8")
    os.waitpid(pid, 0)
    return answer


def test_stale_read_only_wal_and_shm_beside_a_writable_database_are_named_with_the_fix(
        sqlite_template: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="clinic-ro-"))  # outside root's private pytest folder: 'nobody' needs it
    try:
        path = folder / "clinic.sqlite3"
        shutil.copy(sqlite_template, path)
        if os.geteuid() == 0:
            os.chown(folder, 65534, 65534)
            os.chown(path, 65534, 65534)

        def scenario() -> str:
            path.chmod(0o444)
            reader = sqlite3.connect(path)  # a read-only use leaves -wal and -shm made read-only like the file
            reader.execute("SELECT count(*) FROM areas").fetchone()
            reader.close()
            path.chmod(0o644)  # the file is made writable again; its -wal and -shm are not
            stale = sorted(p.name for p in folder.iterdir() if p.name != path.name)
            try:
                db = prepare_database(str(path))
                create_client(db, OWNER, ClientDetails("P-1", "Ada", "First"))
                db.dispose()
            except DomainError as exc:
                kept = sorted(p.name for p in folder.iterdir() if p.name != path.name)
                return json.dumps({"stale": stale, "kept": kept, "error": str(exc)})
            return json.dumps({"stale": stale, "error": None})

        answer = json.loads(_as_ordinary_user(scenario))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert answer["stale"] == ["clinic.sqlite3-shm", "clinic.sqlite3-wal"]
    error = answer["error"]
    assert error is not None and "\n" not in error
    assert "clinic.sqlite3-shm" in error and "clinic.sqlite3-wal" in error and "read-only" in error
    assert "chmod" in error
    assert answer["kept"] == answer["stale"]  # named, never deleted behind the user's back


# The switch itself -----------------------------------------------------------------------------------------------


def test_a_live_file_sqlite_cannot_read_is_kept_byte_for_byte_and_replaced(clinic_db: Database, owner: Actor,
                                                                          tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "good.sqlite3")
    clinic_db.dispose()
    live = _live(clinic_db)
    damaged = b"this file was damaged by a faulty disk" * 200
    live.write_bytes(damaged)
    safety = restore(clinic_db, owner, made.path)
    assert safety is not None and safety.read_bytes() == damaged and _mode(safety) == 0o600
    assert _refs(clinic_db) == ["P-1"]


def test_a_restore_onto_a_new_computer_makes_the_database_owner_only(clinic_db: Database, owner: Actor,
                                                                    tmp_path: Path) -> None:
    made = backup(clinic_db, owner, tmp_path / "good.sqlite3")
    fresh = open_database(str(tmp_path / "elsewhere" / "clinic.sqlite3"))
    assert restore(fresh, owner, made.path) is None
    assert _refs(fresh) == ["P-1"] and _mode(tmp_path / "elsewhere" / "clinic.sqlite3") == 0o600
    fresh.dispose()


def test_after_restoring_an_older_backup_check_is_clean_and_newer_backups_witnesses_no_longer_count(
        clinic_db: Database, owner: Actor) -> None:
    from clinic_log.services.audit.integrity import check_database

    older = backup_now(clinic_db, owner).path
    create_client(clinic_db, owner, ClientDetails("P-77", "Later", "Client"))
    newer = backup(clinic_db, owner, older.with_name("newer-manual.sqlite3"))  # a longer chain, witnessed
    assert newer.path.exists() and read_witness(Path(f"{newer.path}.meta.json")) is not None
    restore(clinic_db, owner, older)
    assert check_database(clinic_db) == []  # the newer backup saw a chain the restore replaced on purpose
