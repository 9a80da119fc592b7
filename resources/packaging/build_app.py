"""Build the one-folder app (dist/clinic-log) with PyInstaller from resources/packaging/clinic-log.spec, on the system
it is for: PyInstaller does not cross-compile. `make dist` runs it on Linux and macOS; on Windows, from the checkout,
`py resources\\packaging\\build_app.py` (Python 3.11 or newer).

Run by a Python other than the checkout's .venv, it first makes .venv (when missing) and installs Clinic Log there
with its `dist` extra (PyInstaller), then runs again inside it; the build uses only .venv's packages.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
SPEC = Path(__file__).with_name("clinic-log.spec")


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def main() -> int:
    if Path(sys.prefix).resolve() != VENV.resolve():
        if not venv_python().exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e",
                        f"{ROOT}[dist]", "--config-settings", "editable_mode=compat"], check=True)
        return subprocess.run([str(venv_python()), __file__, *sys.argv[1:]], check=False).returncode
    built = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR",
                            "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build" / "pyinstaller"),
                            str(SPEC)], check=False)
    if built.returncode == 0:
        print(f"built {ROOT / 'dist' / 'clinic-log'}")
    return built.returncode


if __name__ == "__main__":
    raise SystemExit(main())
