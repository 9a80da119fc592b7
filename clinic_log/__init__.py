"""Clinic Log: a treatment logbook for clinics that perform microneedling.

The version has one home, pyproject.toml; `version()` reads it from the installed package's metadata (on first
use, not at import: the start-up path does not pay for importlib.metadata).
"""

from __future__ import annotations

from functools import cache

DISTRIBUTION = "clinic-log"


@cache
def version() -> str:
    """The installed Clinic Log's version, e.g. "0.1.0" ("unknown" when run from files that were never installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"
