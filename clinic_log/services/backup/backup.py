"""Backups of the SQLite file that leave the app owner-only and whole, and restores that bring nothing foreign.

A backup copies the live file page by page (SQLite's backup API: others keep working) into an owner-only file,
verifies the copy, optionally encrypts it, moves it into place whole and writes beside it `<file>.meta.json` with
its checksum and the audit chain's witness. Only then is it audited as `backed_up`; a copy that failed is audited
as `backup_failed` with the reason.

A restore first makes a private copy of the backup beside the live file and refuses it unless its schema is
exactly the app's at its revision (no table, column, index, view or trigger more or less: a trigger carried in a
backup would run inside the clinic's database). The copy is then brought up to date and checked (integrity,
foreign keys, the audit chain, every seal); only then does it replace the live database, whose content is kept
as an owner-only safety copy. A refused restore leaves the live file as it was, byte for byte.

Encryption uses the age format with a passphrase (pyrage). Its passphrase mode takes and returns whole byte
strings (pyrage streams only to key recipients), so the database is gzip-compressed first — a Clinic Log database
shrinks to about a quarter — and the buffers held (the compressed bytes and their ciphertext) come to about half
the database's size, plus what scrypt itself takes (a fixed 128–512 MB: age calibrates it to the machine).
`age -d FILE | gunzip > clinic.sqlite3` opens such a copy with the standard tools; an age file holding a plain
database is restored as well.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import tempfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from clinic_log import version
from clinic_log.db.engine import BUSY_TIMEOUT_MS, Database, open_database
from clinic_log.db.schema_version import KNOWN_REVISIONS
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DatabaseProblem, DomainError, InvalidValue
from clinic_log.domain.permissions import Permission
from clinic_log.paths import private_dir
from clinic_log.services.audit.witness import Witness, chain_head, write_witness
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent, verify_chain
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.files import atomic_target, check_target, create_private, sha256_of, sync_file

SQLITE_MAGIC = b"SQLite format 3\x00"
AGE_MAGIC = b"age-encryption.org/v1"
GZIP_MAGIC = b"\x1f\x8b"
META_SUFFIX = ".meta.json"
PASSPHRASE_MIN = 10
REFUSED = "restore refused, the live database was not touched: "
_REQUIRED_TABLES = {"sessions", "clients", "practitioners", "audit_log", "alembic_version"}
_CHUNK = 1024 * 1024
_GZIP_LEVEL = 1  # most of the size for a fraction of the time of the default 9
_SHOWN_PROBLEMS = 5
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    sha256: str = ""
    encrypted: bool = False

    @property
    def meta(self) -> Path:
        return meta_path(self.path)


def meta_path(backup_file: Path) -> Path:
    """The sidecar describing a backup: `<backup file>.meta.json`."""
    return backup_file.with_name(backup_file.name + META_SUFFIX)


def _live_path(db: Database) -> Path:
    path = db.sqlite_path
    if not path:
        raise DomainError("backups of a PostgreSQL database are made with pg_dump on the server")
    return Path(path)


def _file_url(path: Path) -> str:
    """The SQLAlchemy URL of a file whatever its name holds (`#`, `?`, `%` would otherwise end the URL's path)."""
    return "sqlite:///" + quote(str(path), safe="/\\:")


def _file_database(path: Path) -> Database:
    return open_database(_file_url(path))


def _read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that runs nothing the file's schema might carry (no untrusted functions)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute("PRAGMA trusted_schema=OFF")
    return conn


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    """Copy a whole database into `target_path` (an owner-only file just made): every byte a backup or a restore
    writes goes through here. The copy is a single self-contained file (no -wal beside it)."""
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def check_passphrase(passphrase: str) -> None:
    """A passphrase good enough for data that leaves the building (its text is never shown)."""
    if len(passphrase) < PASSPHRASE_MIN:
        raise DomainError(f"the passphrase has {len(passphrase)} characters: use at least {PASSPHRASE_MIN} (a few "
                          "words are easiest to remember)")


def is_encrypted(path: Path) -> bool:
    """Whether `path` is an age file (a backup encrypted with a passphrase)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(AGE_MAGIC)) == AGE_MAGIC
    except OSError:
        return False


# Backing up ---------------------------------------------------------------------------------------------------


def backup(db: Database, actor: Actor, out: Path, passphrase: str | None = None) -> BackupResult:
    """Copy the live database page by page while others keep working, verify the copy, and (with a passphrase)
    encrypt it; audited as made only once it is, as failed (with the reason) otherwise."""
    authorize(db, actor, Permission.BACK_UP_AND_RESTORE)
    live = _live_path(db)
    check_target(out)
    if out.resolve() == live.resolve():
        raise InvalidValue("output", str(out), "a file other than the database itself")
    if passphrase is not None:
        check_passphrase(passphrase)
    try:
        result, head = _make_backup(live, out, passphrase)
    except (OSError, sqlite3.Error, DatabaseProblem) as exc:
        reason = _reason(exc)
        with contextlib.suppress(DomainError):  # a full disk may refuse the audit row too: the refusal stands
            _audit(db, actor, "backup_failed", {"file": out.name, "reason": reason})
        raise DatabaseProblem(f"the backup was not made (nothing was left at {out}): {reason}") from exc
    try:
        write_witness(db, head)
    except OSError as exc:  # the backup and its sidecar stand; `check` compares with the sidecar's witness too
        log.warning("the witness beside the database could not be refreshed: %s", exc)
    _audit(db, actor, "backed_up", {"file": out.name, "bytes": result.size_bytes, "sha256": result.sha256,
                                    "encrypted": result.encrypted})
    return result


def _make_backup(live: Path, out: Path, passphrase: str | None) -> tuple[BackupResult, Witness]:
    written = None
    if passphrase is None:
        with atomic_target(out) as tmp:
            head = _copy_verified(live, tmp)
    else:
        with _work_folder(live) as work:  # the plain copy never lies beside the encrypted one
            plain = create_private(work / "backup.sqlite3")
            packed = work / "backup.sqlite3.gz"
            # gzip reads the copy while SQLite verifies it (both only read; zlib and SQLite release the GIL).
            head = _copy_verified(live, plain, alongside=lambda: _compress(plain, packed))
            with atomic_target(out) as tmp:
                written = _encrypt(packed, tmp, passphrase)
    try:
        result = BackupResult(out, out.stat().st_size, sha256_of(out), passphrase is not None)
        if written is not None and written != result.sha256:
            raise DatabaseProblem(f"{out.name} does not read back as it was written")
        _write_meta(result, head)
    except BaseException:
        out.unlink(missing_ok=True)  # a backup without its sidecar is not a finished backup
        raise
    return result, head


def _copy_verified(live: Path, target: Path, alongside: Callable[[], object] | None = None) -> Witness:
    """Copy the live database into `target` and verify it; returns the audit chain's head in the copy.
    `alongside` (reading the finished copy) runs in a thread while the copy is verified."""
    source = sqlite3.connect(live, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        _copy(source, target)
    finally:
        source.close()
    copy = _file_database(target)
    try:
        head = chain_head(copy)
    finally:
        copy.dispose()
    with contextlib.closing(sqlite3.connect(target)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # reading it through the app's engine made it WAL again
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(alongside) if alongside is not None else None
        # A faithful, readable copy of the live database as it is (a schema or foreign-key problem in the live
        # file is for `check` to report: it must not stop the backups).
        problem = (_inspect(target, target.name.removesuffix(".part"), schema=False, soundness=False)
                   or _integrity(target))
        if running is not None:
            running.result()  # its error, if any, is the backup's
    if problem:
        raise DatabaseProblem(f"the copy failed verification: {problem}")
    sync_file(target)
    return head


def copy_backup(made: BackupResult, out: Path) -> BackupResult:
    """A second copy of a finished backup (the monthly one of the day's), owner-only, whole, with its sidecar."""
    with atomic_target(out) as tmp:
        with made.path.open("rb") as source, tmp.open("wb") as target:
            shutil.copyfileobj(source, target, _CHUNK)
        taken = made.path.stat()
        os.utime(tmp, ns=(taken.st_atime_ns, taken.st_mtime_ns))  # it holds the data as of the first one's time
    copied = BackupResult(out, out.stat().st_size, sha256_of(out), made.encrypted)
    if copied.sha256 != made.sha256:
        out.unlink()
        raise DatabaseProblem(f"the copy of {made.path.name} to {out.name} differs from it: it was removed")
    meta = json.loads(made.meta.read_text(encoding="utf-8"))
    _write_json(copied.meta, {**meta, "created_at": _now()})
    return copied


def _compress(plain: Path, packed: Path) -> None:
    """gzip `plain` into `packed` (owner-only), in chunks."""
    create_private(packed)
    compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: the gzip format, for `gunzip`
    with plain.open("rb") as source, packed.open("wb") as target:
        while chunk := source.read(_CHUNK):
            target.write(compressor.compress(chunk))
        target.write(compressor.flush())


def _encrypt(packed: Path, out: Path, passphrase: str) -> str:
    """Encrypt the compressed copy `packed` to `out`; returns the sha256 of what was written."""
    from pyrage import passphrase as age

    sealed: bytes = age.encrypt(packed.read_bytes(), passphrase)
    packed.unlink()
    with out.open("wb") as target:
        target.write(sealed)
    return hashlib.sha256(sealed).hexdigest()


def _write_meta(result: BackupResult, head: Witness) -> None:
    _write_json(result.meta, {"app_version": version(), "created_at": _now(), "encrypted": result.encrypted,
                              "sha256": result.sha256, "bytes": result.size_bytes, "witness": head.to_json()})


def _write_json(path: Path, content: Mapping[str, object]) -> None:
    with atomic_target(path) as tmp:
        tmp.write_text(json.dumps(content, indent=1), encoding="utf-8")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _audit(db: Database, actor: Actor, action: str, detail: dict[str, object]) -> None:
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(action, "database", None, detail)))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror + (f": {exc.filename}" if exc.filename else "")
    return str(exc)


@contextlib.contextmanager
def _work_folder(live: Path) -> Iterator[Path]:
    """An owner-only folder beside the live database for private copies; removed with everything in it."""
    private_dir(live.parent)
    folder = Path(tempfile.mkdtemp(prefix=".clinic-log-work-", dir=live.parent))  # mkdtemp: 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# Verifying ----------------------------------------------------------------------------------------------------


def verify_file(path: Path, shown: str | None = None) -> str | None:
    """None when `path` is a sound Clinic Log database with exactly the app's schema for its revision, else what
    is wrong (`shown`: the name to say, for a private copy of a user's file)."""
    return _inspect(path, shown or path.name, schema=True, soundness=True)


def _inspect(path: Path, name: str, *, schema: bool, soundness: bool) -> str | None:
    """What is wrong with the file: its kind and revision; with `schema` whether it is exactly the app's; with
    `soundness` its integrity and foreign keys."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(AGE_MAGIC))
    except OSError as exc:
        return f"{name} cannot be read ({exc.strerror})"
    if head.startswith(AGE_MAGIC):
        return f"{name} is encrypted: it is checked when it is restored with its passphrase"
    if not head.startswith(SQLITE_MAGIC):
        return f"{name} is not an SQLite database"
    try:
        conn = _read_only(path)
    except sqlite3.Error as exc:
        return f"{name} cannot be opened ({exc})"
    try:
        return (_revision_problem(conn, name) or (_schema_problem(conn, name) if schema else None)
                or (_soundness_problem(conn, name) if soundness else None))
    except sqlite3.DatabaseError as exc:
        return f"{name} cannot be read as a database ({exc})"
    finally:
        conn.close()


def _revision_problem(conn: sqlite3.Connection, name: str) -> str | None:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables >= _REQUIRED_TABLES:
        return f"{name} is not a Clinic Log database"
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is None or revision[0] not in KNOWN_REVISIONS:
        shown = revision[0] if revision else "none"
        return f"{name} has schema {shown!r}, newer than this version of Clinic Log"
    return None


def _schema_problem(conn: sqlite3.Connection, name: str) -> str | None:
    revision = str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    foreign = schema_differences(conn, revision)
    if foreign:
        return f"{name} does not have Clinic Log's own schema {revision}: " + "; ".join(foreign)
    return None


def _integrity(path: Path) -> str | None:
    with contextlib.closing(_read_only(path)) as conn:
        return _integrity_problem(conn, path.name.removesuffix(".part"))


def _integrity_problem(conn: sqlite3.Connection, name: str) -> str | None:
    result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        return f"{name} failed the integrity check: " + "; ".join(result[:_SHOWN_PROBLEMS])
    return None


def _soundness_problem(conn: sqlite3.Connection, name: str) -> str | None:
    damaged = _integrity_problem(conn, name)
    if damaged:
        return damaged
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        rows = "; ".join(f"{t} row {r} points to a missing {p} row" for t, r, p, _ in broken[:_SHOWN_PROBLEMS])
        return f"{name} has broken foreign keys: {rows}" + (
            f" (and {len(broken) - _SHOWN_PROBLEMS} more)" if len(broken) > _SHOWN_PROBLEMS else "")
    return None


SchemaObject = tuple[str, str, tuple[tuple[object, ...], ...]]  # its table, its SQL (whitespace normalised), columns


def _schema(conn: sqlite3.Connection) -> dict[tuple[str, str], SchemaObject]:
    """Every object in the file's schema: (type, name) → (table, SQL with whitespace normalised, columns)."""
    found: dict[tuple[str, str], SchemaObject] = {}
    for kind, name, table, sql in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall():
        columns: tuple[tuple[object, ...], ...] = ()
        if kind == "table":
            columns = tuple(tuple(r) for r in conn.execute("SELECT * FROM pragma_table_xinfo(?)", (name,)))
        found[(kind, name)] = (table, " ".join((sql or "").split()), columns)
    return found


@functools.lru_cache(maxsize=len(KNOWN_REVISIONS))
def reference_schema(revision: str) -> Mapping[tuple[str, str], SchemaObject]:
    """The app's own schema at `revision`, read from a fresh database migrated to it in a temporary folder (built
    once per revision a process meets)."""
    from alembic import command

    from clinic_log.db.migrate import alembic_config

    with tempfile.TemporaryDirectory(prefix="clinic-log-schema-") as folder:
        path = Path(folder) / "reference.sqlite3"
        reference = _file_database(path)
        try:
            with reference.engine.begin() as connection:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        finally:
            reference.dispose()
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return _schema(conn)


def schema_differences(conn: sqlite3.Connection, revision: str) -> list[str]:
    """What the file's schema has more, less or otherwise than the app's at `revision`, each named."""
    theirs, ours = _schema(conn), reference_schema(revision)
    extra = [f"an extra {kind} {name!r}" for kind, name in sorted(theirs.keys() - ours.keys())]
    missing = [f"no {kind} {name!r}" for kind, name in sorted(ours.keys() - theirs.keys())]
    changed = [f"{kind} {name!r} differs from the app's" for kind, name in sorted(theirs.keys() & ours.keys())
               if theirs[(kind, name)] != ours[(kind, name)]]
    return extra + missing + changed


# Restoring ----------------------------------------------------------------------------------------------------


def restore(db: Database, actor: Actor, source: Path, passphrase: str | None = None) -> Path | None:
    """Replace the live database with `source` once a private copy of it has the app's schema, is brought up to
    date and passes every check; returns the safety copy of the database as it was (None: there was none)."""
    from clinic_log.services.backup.database import read_only_journal_problem

    authorize(db, actor, Permission.BACK_UP_AND_RESTORE)
    live = _live_path(db)
    if not source.is_file():
        raise DatabaseProblem(REFUSED + f"there is no file {source}")
    problem = read_only_journal_problem(live) if live.exists() else None
    if problem:
        raise DatabaseProblem(REFUSED + problem)
    with _work_folder(live) as work:
        candidate = work / "candidate.sqlite3"
        try:
            encrypted, checksum = is_encrypted(source), sha256_of(source)
            _bring_in(source, candidate, passphrase)
            _bring_up_to_date(candidate, source.name)
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseProblem(REFUSED + f"{source.name} could not be copied ({_reason(exc)})") from exc
        except DatabaseProblem as exc:
            raise DatabaseProblem(REFUSED + str(exc)) from None
        replaced = _chain_now(db)
        safety = _switch(db, live, candidate)
    detail: dict[str, object] = {"from": source.name, "sha256": checksum, "encrypted": encrypted,
                                 "safety_copy": safety.name if safety else None}
    if replaced is not None:
        detail["replaced_chain"] = replaced.to_json()  # the chain the restore set aside, as it stood
    try:
        _audit(db, actor, "restored", detail)
        write_witness(db, chain_head(db))
    except DomainError as exc:
        kept = f" (the database as it was is kept as {safety})" if safety else ""
        raise DatabaseProblem(f"the backup was restored{kept}, but the restore could not be recorded in its audit "
                              f"trail: {exc}") from exc
    return safety


def _bring_in(source: Path, candidate: Path, passphrase: str | None) -> None:
    """A private copy of `source` (decrypted when it is an age file) that has the app's schema and is sound."""
    create_private(candidate)
    if is_encrypted(source):
        if passphrase is None:
            raise DatabaseProblem(f"{source.name} is encrypted: give its passphrase to restore it")
        _decrypt(source, candidate, passphrase)
    else:
        problem = _inspect(source, source.name, schema=True, soundness=False)  # read-only, before anything
        if problem:
            raise DatabaseProblem(problem)
        reader = _read_only(source)
        try:
            _copy(reader, candidate)
        finally:
            reader.close()
    problem = verify_file(candidate, shown=source.name)  # the copy itself: what is restored is what was checked
    if problem:
        raise DatabaseProblem(problem)


def _decrypt(source: Path, candidate: Path, passphrase: str) -> None:
    from pyrage import DecryptError
    from pyrage import passphrase as age

    try:
        inside: bytes = age.decrypt(source.read_bytes(), passphrase)
    except DecryptError:
        raise DatabaseProblem(f"the passphrase does not open {source.name} (or the file is damaged)") from None
    with candidate.open("wb") as target:
        if inside.startswith(SQLITE_MAGIC):
            target.write(inside)
            return
        if not inside.startswith(GZIP_MAGIC):
            raise DatabaseProblem(f"{source.name} opens with the passphrase but holds no Clinic Log database")
        expander = zlib.decompressobj(31)
        view = memoryview(inside)
        try:
            for start in range(0, len(view), _CHUNK):
                target.write(expander.decompress(view[start:start + _CHUNK]))
            target.write(expander.flush())
        except zlib.error as exc:
            raise DatabaseProblem(f"{source.name} is damaged inside its encryption ({exc})") from None
        if not expander.eof:
            raise DatabaseProblem(f"{source.name} is cut short inside its encryption")


def _bring_up_to_date(candidate: Path, name: str) -> None:
    """Upgrade the private copy to the current schema (as opening it would), then check the audit chain and every
    seal (its schema is the app's, so the app's queries may run on it; integrity and foreign keys were checked)."""
    from sqlalchemy.exc import SQLAlchemyError

    from clinic_log.services.backup.database import prepare_database
    from clinic_log.services.sessions.seals import verify_seals

    copy = None
    try:
        copy = prepare_database(_file_url(candidate))
        problems = [str(p) for p in verify_chain(copy)] + verify_seals(copy)
    except SQLAlchemyError as exc:
        raise DatabaseProblem(f"{name} could not be brought up to date ({getattr(exc, 'orig', None) or exc})"
                              ) from exc
    finally:
        if copy is not None:
            copy.dispose()
    if problems:
        more = f" (and {len(problems) - _SHOWN_PROBLEMS} more)" if len(problems) > _SHOWN_PROBLEMS else ""
        raise DatabaseProblem(f"{name} failed its checks: " + "; ".join(problems[:_SHOWN_PROBLEMS]) + more)


def _chain_now(db: Database) -> Witness | None:
    """The live chain's head before it is replaced, when the live database can still be read."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return chain_head(db) if Path(db.sqlite_path or "").exists() else None
    except (SQLAlchemyError, DomainError):
        return None
    finally:
        db.dispose()


def _switch(db: Database, live: Path, candidate: Path) -> Path | None:
    """Keep the live database as an owner-only safety copy, then put the candidate's content in its place; None
    when there was no live database to keep (a restore onto a new computer)."""
    db.dispose()  # drop pooled connections so none holds the old pages
    if not live.exists():
        sync_file(candidate)
        candidate.replace(live)
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = create_private(live.with_name(f"{live.stem}.before-restore-{stamp}{live.suffix}"))
    page_size = _readable_page_size(live)
    if page_size is not None:
        try:
            with contextlib.closing(sqlite3.connect(live, timeout=BUSY_TIMEOUT_MS / 1000)) as current:
                _copy(current, safety)
        except sqlite3.DatabaseError:  # damaged past its first pages
            page_size = None
    if page_size is None:
        _replace_damaged(live, candidate, safety)
        return safety
    _fit_page_size(candidate, page_size)
    _copy_into_live(candidate, live)
    return safety


def _readable_page_size(live: Path) -> int | None:
    """The live database's page size, or None when there is no live file or SQLite cannot read it."""
    if not live.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(live, timeout=BUSY_TIMEOUT_MS / 1000)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return int(conn.execute("PRAGMA page_size").fetchone()[0])
    except sqlite3.DatabaseError:
        return None


def _fit_page_size(candidate: Path, page_size: int) -> None:
    """SQLite copies into a WAL database only between equal page sizes: give the candidate the live one's."""
    with contextlib.closing(sqlite3.connect(candidate)) as conn:
        if int(conn.execute("PRAGMA page_size").fetchone()[0]) == page_size:
            return
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute(f"PRAGMA page_size={int(page_size)}")
        conn.execute("VACUUM")


def _copy_into_live(candidate: Path, live: Path) -> None:
    """Page by page into the live file, under SQLite's locks: another workstation sees the old database or the
    new one, never a mixture (a failure part-way rolls back)."""
    source = sqlite3.connect(candidate)
    target = sqlite3.connect(live, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise DatabaseProblem(f"the restore failed and the live database was left as it was: {exc}") from exc
    finally:
        source.close()
        target.close()


def _replace_damaged(live: Path, candidate: Path, safety: Path) -> None:
    """A live file SQLite cannot read is kept byte for byte (with its -wal and -shm, which belong to it) and the
    candidate is renamed into its place (no connection is open: the app's were disposed, and SQLite could not have
    kept one on a file it cannot read)."""
    with live.open("rb") as source, safety.open("wb") as target:  # truncates a part-made copy
        shutil.copyfileobj(source, target, _CHUNK)
    sync_file(safety)
    for suffix in ("-wal", "-shm"):
        journal = live.with_name(live.name + suffix)
        if journal.exists():
            journal.replace(safety.with_name(safety.name + suffix))  # a stale WAL must never reach the new file
    sync_file(candidate)
    candidate.replace(live)
