"""Writing output files safely: the folder must exist, and the file appears whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clinic_log.domain.errors import InvalidValue


def check_target(out: Path) -> None:
    if not out.parent.is_dir():
        raise InvalidValue("output", str(out), "a file in an existing folder")


@contextmanager
def atomic_target(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside `out`; it replaces `out` only when the block succeeds."""
    check_target(out)
    tmp = out.with_name(out.name + ".part")
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
