"""Open a database for use: create its folder, back up before a pending migration, upgrade, load reference data."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_log.db.engine import BUSY_TIMEOUT_MS, Database, open_database
from clinic_log.domain.errors import DatabaseProblem
from clinic_log.paths import private_dir
from clinic_log.services.sessions.startup_queries import sqlite_ready

if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def prepare_database(path_or_url: str) -> Database:
    """Open and bring up to date. Alembic is imported only when a migration is pending.

    A file that cannot be read as a database is never touched: the error says so and names the
    latest good backup to restore from. An SQLite file already at the current schema with its reference data
    is checked with plain sqlite3, so opening it loads no SQLAlchemy (the GUI's first screen does not need it).
    """
    if "://" not in path_or_url:
        _private_file(Path(path_or_url))
        problem = read_only_journal_problem(Path(path_or_url))
        if problem:
            raise DatabaseProblem(problem)
    db = open_database(path_or_url)
    if sqlite_ready(db):
        return db
    from sqlalchemy.exc import DBAPIError

    from clinic_log.db.schema_version import HEAD_REVISION, current_revision

    try:
        revision = current_revision(db)
    except DBAPIError as exc:
        db.dispose()
        raise _unreadable(db, exc) from None
    if revision != HEAD_REVISION:
        from clinic_log.db.migrate import upgrade

        if revision is not None:
            _backup_before_migration(db)
        upgrade(db)
        _load_reference(db)
        if revision is not None and _before(revision, SEALS_REVISION):
            _seal_existing(db)
        if revision is not None and _before(revision, SITES_REVISION):
            _move_indications_to_sites(db)
    elif _reference_missing(db):
        _load_reference(db)
    return db


def _private_file(path: Path) -> None:
    """A new database file and the folders made for it are owner-only from the start (SQLite gives its -wal and -shm
    the database file's mode); Clinic Log's own data folder is kept owner-only."""
    from clinic_log import paths
    from clinic_log.services.common.files import create_private

    private_dir(path.parent)
    if path.parent == paths.data_dir():
        paths.make_owner_only(path.parent)
    with contextlib.suppress(FileExistsError):
        create_private(path)  # an empty file is an empty database to SQLite


def read_only_journal_problem(path: Path) -> str | None:
    """What keeps a writable database file from being written when its -wal or -shm is read-only (left so by an
    earlier read-only use of the file), in one line; None when nothing does. Such files are named, never deleted:
    they may hold changes not yet in the database file."""
    journals = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    stuck = [j for j in journals if j.exists() and not os.access(j, os.W_OK)]
    if not stuck or not os.access(path, os.W_OK):
        return None  # a read-only database file is refused as such when something is saved
    probe = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        probe.execute("BEGIN IMMEDIATE")  # succeeds when the journal files can in fact be written
        probe.execute("ROLLBACK")
        return None
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc).lower() and "read-only" not in str(exc).lower():
            return None  # busy, locked: another process holds the database, so the files are not stale
    finally:
        probe.close()
    names = " and ".join(j.name for j in stuck)
    quoted = " ".join(f"'{j}'" for j in stuck)
    return (f"{names} beside {path} {'is' if len(stuck) == 1 else 'are'} read-only although the database file is "
            f"writable, so nothing can be saved: make {'it' if len(stuck) == 1 else 'them'} writable with "
            f"chmod u+w {quoted} (or, with every Clinic Log closed, move {'it' if len(stuck) == 1 else 'them'} away)")


def _unreadable(db: Database, exc: DBAPIError) -> DatabaseProblem:
    from clinic_log.services.backup.backup_schedule import latest_good_backup

    message = f"{db.sqlite_path or db.url} cannot be used ({exc.orig}); it was left exactly as it is."
    if db.is_sqlite:
        good = latest_good_backup(db)
        message += (f" Restore the latest good backup with: clinic-log restore {good.path}" if good
                    else " No verified backup was found beside it.")
    return DatabaseProblem(message)


SEALS_REVISION = "0005_guarded_sessions"  # the first schema whose signed sessions carry seals in the audit trail


def _before(revision: str, other: str) -> bool:
    from clinic_log.db.schema_version import KNOWN_REVISIONS

    return revision in KNOWN_REVISIONS and KNOWN_REVISIONS.index(revision) < KNOWN_REVISIONS.index(other)


def _seal_existing(db: Database) -> None:
    """Sessions signed before seals existed are sealed once, at the upgrade, as they are then: from that moment a
    change outside the app is detected (one made before it cannot be)."""
    from sqlalchemy import func, select

    from clinic_log.db.models import TreatmentSession
    from clinic_log.domain.actor import Actor
    from clinic_log.domain.enums import UserRole
    from clinic_log.services.sessions.seals import seal_range

    def work(session: Session) -> int:
        top = session.scalar(select(func.max(TreatmentSession.id))) or 0
        return seal_range(db, session, Actor("system:upgrade", UserRole.OWNER), 1, top,
                          f"signed before seals existed (schema {SEALS_REVISION}): sealed at the upgrade")

    sealed = db.write(work)
    log.info("sealed %d signed sessions at the upgrade", sealed)


SITES_REVISION = "0009_sites_indications_tips"  # the first schema recording the site and the indication apart
INDICATIONS_STORED_AS_AREAS = ("acne_scars", "scars", "stretch_marks")  # area codes until schema 0009


def _move_indications_to_sites(db: Database) -> None:
    """Areas stored as acne scars, scars or stretch marks become that indication on its site (the indication's
    default site: cheeks, "Site not recorded", abdomen), and those three are no longer offered as areas.

    A signed session moved so is sealed again, in an audit row naming the upgrade, only where its content still
    matched its seal before the move: one changed outside the app is left to be reported by `check`, as before."""
    from sqlalchemy import delete, select, update

    from clinic_log.db.models import Area, Indication, SessionArea, TreatmentSession
    from clinic_log.domain.actor import Actor
    from clinic_log.domain.enums import SessionStatus, UserRole
    from clinic_log.services.sessions.draft_input import OrmReader
    from clinic_log.services.sessions.seals import matching_their_seals, seal_sessions

    def work(session: Session) -> tuple[int, int, int]:
        legacy = list(session.scalars(select(Area.code).where(Area.code.in_(INDICATIONS_STORED_AS_AREAS))))
        if not legacy:
            return 0, 0, 0
        sites = {code: site for code, site in session.execute(
            select(Indication.code, Indication.default_site).where(Indication.code.in_(legacy)))}
        moved = sorted(set(session.scalars(
            select(SessionArea.session_id).join(TreatmentSession, TreatmentSession.id == SessionArea.session_id)
            .where(SessionArea.area_code.in_(legacy), TreatmentSession.status == SessionStatus.SIGNED.value))))
        intact = matching_their_seals(OrmReader(session), moved)
        for code in legacy:
            session.execute(update(SessionArea).where(SessionArea.area_code == code)
                            .values(area_code=sites.get(code) or "site_not_recorded", indication=code)
                            .execution_options(synchronize_session=False))
        session.execute(delete(Area).where(Area.code.in_(legacy)))
        where = ", ".join(f"{code} on {sites.get(code) or 'site_not_recorded'}" for code in legacy)
        sealed = seal_sessions(db, session, Actor("system:upgrade", UserRole.OWNER), sorted(intact),
                               f"schema {SITES_REVISION} records the indication apart from the body site: areas "
                               f"stored as an indication were moved to its site ({where}) and sealed again")
        return len(moved), sealed, len(moved) - sealed

    moved, sealed, left = db.write(work)
    if moved:
        log.info("moved the areas of %d signed sessions to their sites; sealed again %d, left %d whose seal did "
                 "not match before", moved, sealed, left)


def _reference_missing(db: Database) -> bool:
    from sqlalchemy import func, select

    from clinic_log.db.models import Area

    with db.reading() as session:
        return not session.scalar(select(func.count()).select_from(Area))


def _load_reference(db: Database) -> int:
    from clinic_log.db.reference_data import load_reference_data

    return db.write(load_reference_data)


def _backup_before_migration(db: Database) -> None:
    live = db.sqlite_path
    if not live or not Path(live).exists():
        return
    from clinic_log.services.common.files import create_private

    target = Path(live).with_name(f"{Path(live).stem}.before-upgrade-{datetime.now():%Y%m%d-%H%M%S}.sqlite3")
    create_private(target)  # a copy of the clinic's data: owner-only like the database
    source, copy = sqlite3.connect(live), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    log.info("backed up %s to %s before migrating", live, target)


def init_database(path_or_url: str) -> tuple[Database, int]:
    """`init`: create or upgrade, then make sure every reference row exists (idempotent)."""
    db = prepare_database(path_or_url)
    return db, _load_reference(db)


def database_name(location: str) -> str:
    """Short name for the title bar: the file name, or the database name of a URL (its libpq service, when the
    URL names one: `postgresql+psycopg:///?service=clinic`)."""
    if "://" in location:
        from sqlalchemy.engine import make_url  # only for URLs: a file path starts without SQLAlchemy

        url = make_url(location)
        service = url.query.get("service")
        return url.database or (service if isinstance(service, str) else None) or url.host or url.drivername
    return Path(location).name


def database_location(location: str) -> str:
    """Full location for the status bar, without any password."""
    if "://" in location:
        from sqlalchemy.engine import make_url

        return make_url(location).render_as_string(hide_password=True)
    return str(Path(location).resolve())
