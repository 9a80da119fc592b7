"""Output targets a file must never be written over or into, made in a test's own folder (shared by the service and
CLI tests of every file the app writes)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest


def read_only(path: Path) -> Path:
    """An existing file nobody may write (`path`, with "keep me" in it)."""
    path.write_text("keep me", encoding="utf-8")
    path.chmod(0o444)
    return path


def locked_folder(tmp: Path, name: str = "out") -> Path:
    """A name inside a folder that cannot be written."""
    folder = tmp / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    return folder / name


def device(tmp: Path) -> Path:
    """A character device like /dev/null. As root, one made in `tmp`: the code before the export fix replaced the
    real /dev/null with a regular file when run as root."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        node = tmp / "null"
        try:
            os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except OSError:
            pytest.skip("no device node can be made here")
        return node
    return Path(os.devnull)


def fifo(tmp: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("FIFOs are POSIX only")
    path = tmp / "pipe"
    os.mkfifo(path)
    return path
