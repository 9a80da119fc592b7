"""Writing output files safely: the folder must exist, the file is owner-only from its first byte, and it appears
whole or not at all."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clinic_log.domain.errors import InvalidValue

OWNER_ONLY_FILE = 0o600
_CHUNK = 1024 * 1024


def check_target(out: Path) -> None:
    if not out.parent.is_dir():
        raise InvalidValue("output", str(out), "a file in an existing folder")


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
    tmp.unlink(missing_ok=True)  # left by an earlier run that was killed
    create_private(tmp)
    try:
        yield tmp
        sync_file(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


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
