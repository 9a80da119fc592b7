"""`python -m clinic_log` is the `clinic-log` command: same output, same one-line refusals, same exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def test_python_dash_m_runs_the_command_and_hands_its_exit_code_to_the_shell(tmp_path: Path,
                                                                             sqlite_template: Path) -> None:
    copy = tmp_path / "clinic.sqlite3"
    shutil.copy(sqlite_template, copy)
    env = {**os.environ, "CLINIC_LOG_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "clinic_log", "--db", str(copy), "decisions", "P-404"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "clinic-log: client P-404 not found\n")
