"""`make install-desktop` puts a launcher and the icon in the user's XDG data folder (issue 21): the launcher starts
this checkout's app, the icon is a valid SVG, both readable by the desktop and by nobody's writing."""

from __future__ import annotations

import configparser
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_install_desktop_writes_a_launcher_for_this_checkout_and_the_icon(tmp_path: Path) -> None:
    subprocess.run(["make", "-s", "-C", str(ROOT), "install-desktop", f"XDG_DATA_HOME={tmp_path}"], check=True,
                   capture_output=True, timeout=60)
    launcher = tmp_path / "applications" / "clinic-log.desktop"
    icon = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "clinic-log.svg"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(launcher, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "Clinic Log"
    assert desktop["Exec"] == str(ROOT / ".venv" / "bin" / "clinic-log") == desktop["TryExec"]
    assert desktop["Icon"] == "clinic-log" and "MedicalSoftware" in desktop["Categories"].split(";")
    assert ET.parse(icon).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    for path in (launcher, icon):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
