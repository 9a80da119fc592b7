"""Shared by the CLI tests: run `clinic-log` in-process."""

from __future__ import annotations

import pytest

from clinic_log.app import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one `clinic-log` command."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
