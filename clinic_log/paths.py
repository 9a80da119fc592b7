"""Where Clinic Log keeps its data (the platform's user-data folder unless told otherwise; folders it makes for data
are owner-only) and where it finds the files it ships (reference data, fonts, icons, the face map)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "clinic-log"
DB_ENV = "CLINIC_LOG_DB"
DATA_DIR_ENV = "CLINIC_LOG_DATA_DIR"
RESOURCES_ENV = "CLINIC_LOG_RESOURCES"
OWNER_ONLY_FOLDER = 0o700
RESOURCES = "resources"
_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "clinic_log.sqlite3"


def resolve_db(flag: str | None) -> str:
    """The database to open: --db, then $CLINIC_LOG_DB, then the default file."""
    return flag or os.environ.get(DB_ENV) or str(default_db_path())


def resources_dir() -> Path:
    """The shipped files: $CLINIC_LOG_RESOURCES when set, else the ones beside the package (see `resources_of`)."""
    override = os.environ.get(RESOURCES_ENV)
    return Path(override) if override else resources_of(_PACKAGE_DIR)


def resources_of(package_dir: Path) -> Path:
    """The resources of the clinic_log package in `package_dir`: `clinic_log/resources` where an installed wheel or
    the PyInstaller app put them (pyproject.toml maps the checkout's top-level `resources/` there), else the
    checkout's own `resources/` beside the package (running from source, the editable install)."""
    installed = package_dir / RESOURCES
    return installed if installed.is_dir() else package_dir.parent / RESOURCES


def log_dir() -> Path:
    return data_dir() / "logs"


def private_dir(folder: Path) -> Path:
    """Make `folder` and any missing parent owner-only (0700, whatever the umask); folders that exist already keep
    their modes (a folder the user chose is theirs to set)."""
    missing: list[Path] = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for created in reversed(missing):
        try:
            created.mkdir(mode=OWNER_ONLY_FOLDER)
        except FileExistsError:  # made meanwhile by another process: its modes stand
            continue
        os.chmod(created, OWNER_ONLY_FOLDER)
    return folder


def make_owner_only(folder: Path) -> None:
    """Tighten a folder that is Clinic Log's own (its data folder, its backups folder) to owner-only."""
    os.chmod(folder, OWNER_ONLY_FOLDER)
