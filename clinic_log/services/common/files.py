"""Writing output files safely: the folder must exist, the file is owner-only from its first byte, and it appears
whole or not at all."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clinic_log.db.engine import Database
from clinic_log.domain.errors import DomainError, InvalidValue

OWNER_ONLY_FILE = 0o600
_CHUNK = 1024 * 1024


class NotWritten(DomainError):
    """An output file could not be written (a full disk, a lost drive…); nothing was left behind."""

    def __init__(self, out: Path, exc: OSError) -> None:
        reason = exc.strerror or str(exc) or type(exc).__name__
        super().__init__(f"output: {out} could not be written ({reason}); nothing was written and any earlier file "
                         "of that name is unchanged")


def _no_write_bits(mode: int) -> bool:
    """Marked read-only for everyone (this holds even for an administrator, whom the OS would let write)."""
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def check_target(out: Path) -> None:
    """Refuse (InvalidValue: one line naming the path) an output path that cannot be written safely: an empty
    name, a folder, a device, pipe or socket, a read-only file, a folder that does not exist or cannot be written.
    """
    if str(out) in ("", ".") or not out.name:
        raise InvalidValue("output", str(out) if out.name else "", "a file name; this names a folder or nothing")
    try:
        found = out.stat()
    except FileNotFoundError:
        found = None
    except OSError as exc:  # e.g. a path through a file, a name too long, a broken drive
        raise InvalidValue("output", str(out), f"a file that can be written ({exc.strerror})") from None
    if found is not None:
        if stat.S_ISDIR(found.st_mode):
            raise InvalidValue("output", str(out), "it is a folder; name a file inside it")
        if not stat.S_ISREG(found.st_mode):
            raise InvalidValue("output", str(out), "it is not a regular file (a device, pipe or socket); "
                                                   "choose a file name")
        if _no_write_bits(found.st_mode) or not os.access(out, os.W_OK):
            raise InvalidValue("output", str(out), "it is read-only; choose another name or make it writable")
    folder = out.parent
    if not folder.is_dir():
        raise InvalidValue("output", str(out), "a file in an existing folder")
    if _no_write_bits(folder.stat().st_mode) or not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidValue("output", str(out), f"its folder {folder} is not writable; choose another folder")


def create_private(path: Path) -> Path:
    """Create `path` as a new empty file readable and writable by its owner only (whatever the umask), before any
    data is written to it. An existing file is an error (FileExistsError): nothing is ever written into a file
    someone else made."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), OWNER_ONLY_FILE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, OWNER_ONLY_FILE)  # the umask may have taken a bit away
    finally:
        os.close(descriptor)
    return path


@contextmanager
def atomic_target(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside `out`, already created empty and owner-only; it replaces `out` only when the
    block succeeds (written to disk first), else it is removed."""
    check_target(out)
    tmp = out.with_name(out.name + ".part")
    try:
        tmp.unlink(missing_ok=True)  # left by an earlier run that was killed
        create_private(tmp)
    except OSError as exc:  # a folder that only looked writable, a read-only drive, a name too long…
        raise InvalidValue("output", str(out), f"a file that can be created there ({exc.strerror or exc})"
                           ) from None
    try:
        yield tmp
        sync_file(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def output_target(out: Path) -> Iterator[Path]:
    """atomic_target for a file the user asked for: any OS error while writing it (a full disk, a lost drive)
    becomes one line (NotWritten) naming the file, after the partial file has been removed."""
    try:
        with atomic_target(out) as tmp:
            yield tmp
    except OSError as exc:
        raise NotWritten(out, exc) from exc


def sync_file(path: Path) -> None:
    """Make what was written to `path` durable before it is renamed into place."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backups_dir(db: Database) -> Path | None:
    """Where an SQLite database's backups (and their witness copies) live: `backups/` beside the file."""
    live = db.sqlite_path
    return Path(live).parent / "backups" if live else None
