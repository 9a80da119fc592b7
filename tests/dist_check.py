"""`make dist-check`: smoke test of what a clinic installs, after `make dist` (not in pytest: it takes minutes).

The one-folder app (dist/clinic-log), from a fresh data folder in a temporary directory: --version, init, demo,
check, an aftercare sheet (a PDF pypdf reads), a FHIR export (a JSON Bundle), the GUI offscreen up to its first
rows (CLINIC_LOG_EXIT_AFTER_SHOWN, as the start-up benchmark uses), and on Linux its install-desktop.sh. Then the
wheel (dist/*.whl) in a fresh virtual environment: init, demo, check and an aftercare sheet, run from a folder
outside the source tree, with the resources found inside the installed package. One line per step; the first
failure ends the run with what went wrong.

    python tests/dist_check.py [--skip-wheel]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
WINDOWS = sys.platform == "win32"
FROZEN = DIST / "clinic-log" / ("clinic-log-cli.exe" if WINDOWS else "clinic-log")  # the console executable
FROZEN_GUI = DIST / "clinic-log" / ("clinic-log.exe" if WINDOWS else "clinic-log")
DEMO_SESSIONS = 200
OWNER, OWNER_PASSWORD = "owner", "owner-demo-1"  # clinic_log.services.exchange.demo.DEMO_PASSWORDS
FHIR_SYSTEM = "https://dist-check.example/fhir"
TIMEOUT_S = 300
STARTUP_RUNS = 3


class CheckFailed(Exception):
    """A step failed; the message says which and why."""


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version: str = tomllib.load(handle)["project"]["version"]
    return version


class Runner:
    """Runs one executable from a working folder outside the source tree, with its own data folder."""

    def __init__(self, executable: Path, work: Path, label: str) -> None:
        self.executable, self.work, self.label = executable, work, label
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith("CLINIC_LOG_") and key not in ("PYTHONPATH", "VIRTUAL_ENV")}
        self.env["CLINIC_LOG_DATA_DIR"] = str(work / "data")

    def run(self, step: str, args: Sequence[str], env: dict[str, str] | None = None,
            executable: Path | None = None) -> str:
        started = time.monotonic()
        try:
            done = subprocess.run([str(executable or self.executable), *args], cwd=self.work,
                                  env={**self.env, **(env or {})}, capture_output=True, text=True,
                                  timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise CheckFailed(f"{self.label} {step}: no answer within {TIMEOUT_S} s") from None
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
            raise CheckFailed(f"{self.label} {step}: exit code {done.returncode}\n{tail}")
        report(self.label, step, f"ok ({time.monotonic() - started:.1f} s)")
        return done.stdout


def report(label: str, step: str, outcome: str) -> None:
    print(f"{label:<7} {step:<44} {outcome}", flush=True)


def check_version(runner: Runner) -> None:
    printed = runner.run("--version", ["--version"]).strip()
    expected = f"clinic-log {project_version()}"
    if printed != expected:
        raise CheckFailed(f"{runner.label} --version printed {printed!r}, expected {expected!r} (pyproject.toml)")


def check_aftercare(runner: Runner, pdf: Path) -> None:
    runner.run("aftercare 1", ["aftercare", "1", "-o", str(pdf)])
    if not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
        raise CheckFailed(f"{runner.label} aftercare: {pdf} is not a PDF file")
    from pypdf import PdfReader

    text = PdfReader(pdf).pages[0].extract_text()
    if "Aftercare" not in text:
        raise CheckFailed(f"{runner.label} aftercare: the PDF's first page does not read as an aftercare sheet: "
                          f"{text[:200]!r}")


def check_fhir(runner: Runner, target: Path) -> None:
    runner.run("settings set fhir.identifier_system", ["settings", "set", "fhir.identifier_system", FHIR_SYSTEM])
    runner.run("export sessions --format fhir", ["export", "sessions", "--format", "fhir", "-o", str(target)])
    try:
        bundle = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CheckFailed(f"{runner.label} export fhir: {target} is not JSON: {exc}") from None
    if bundle.get("resourceType") != "Bundle" or not bundle.get("entry"):
        raise CheckFailed(f"{runner.label} export fhir: not a Bundle with entries: {str(bundle)[:200]}")


def check_gui(runner: Runner, step: str = "GUI offscreen to its first rows", executable: Path = FROZEN_GUI,
              args: Sequence[str] = ()) -> float:
    """Start the GUI offscreen, logged in as the demo owner, until the main window shows its first rows; the seconds
    from spawn to shown, as the GUI reports them (CLINIC_LOG_T0)."""
    env = {"QT_QPA_PLATFORM": "offscreen", "CLINIC_LOG_EXIT_AFTER_SHOWN": "1", "CLINIC_LOG_LOGIN_USER": OWNER,
           "CLINIC_LOG_LOGIN_PASSWORD": OWNER_PASSWORD, "CLINIC_LOG_T0": repr(time.time())}
    out = runner.run(step, args, env=env, executable=executable)
    shown = [line.split() for line in out.splitlines() if line.startswith("shown ")]
    if not shown:
        raise CheckFailed(f"{runner.label} {step}: exited without saying its window was shown: {out[-300:]!r}")
    return float(shown[0][1])


def compare_start_up(runner: Runner, runs: int = STARTUP_RUNS) -> None:
    """The frozen app's start-up to its first rows beside the source's (this Python, `-m clinic_log`) on the same
    database, best of `runs` each, interleaved."""
    frozen: list[float] = []
    source: list[float] = []
    for n in range(1, runs + 1):
        frozen.append(check_gui(runner, f"start-up {n}/{runs}: the folder's executable"))
        source.append(check_gui(runner, f"start-up {n}/{runs}: python -m clinic_log", Path(sys.executable),
                                ["-m", "clinic_log"]))
    report("app", "start-up to first rows, best", f"folder {min(frozen):.2f} s, source {min(source):.2f} s")


def check_frozen(work: Path) -> None:
    if not FROZEN.is_file():
        raise CheckFailed(f"{FROZEN} not found: run `make dist` first")
    runner = Runner(FROZEN, work, "app")
    check_version(runner)
    runner.run("init", ["init"])
    runner.run(f"demo --sessions {DEMO_SESSIONS}", ["demo", "--sessions", str(DEMO_SESSIONS)])
    runner.run("check", ["check"])
    check_aftercare(runner, work / "aftercare.pdf")
    check_fhir(runner, work / "sessions.fhir.json")
    check_gui(runner)
    compare_start_up(runner)
    if sys.platform.startswith("linux"):
        check_desktop_entry(runner, work / "xdg")


def check_desktop_entry(runner: Runner, xdg: Path) -> None:
    """dist/clinic-log/install-desktop.sh: a launcher that starts this folder's executable, and the icon."""
    script = FROZEN.parent / "install-desktop.sh"
    runner.run("install-desktop.sh (launcher and icon)", [str(script)], env={"XDG_DATA_HOME": str(xdg)},
               executable=Path("/bin/sh"))
    launcher = xdg / "applications" / "clinic-log.desktop"
    lines = launcher.read_text(encoding="utf-8").splitlines() if launcher.is_file() else []
    if f"Exec={FROZEN}" not in lines:
        raise CheckFailed(f"app install-desktop.sh: {launcher} does not start {FROZEN}: {lines}")
    if not (xdg / "icons" / "hicolor" / "scalable" / "apps" / "clinic-log.svg").is_file():
        raise CheckFailed("app install-desktop.sh: the icon was not installed")


def the_wheel() -> Path:
    wheels = sorted(DIST.glob(f"clinic_log-{project_version()}-*.whl"))
    if len(wheels) != 1:
        raise CheckFailed(f"expected one wheel of version {project_version()} in {DIST}, found "
                          f"{[w.name for w in wheels]}: run `make dist` first")
    return wheels[0]


def check_wheel(work: Path) -> None:
    wheel = the_wheel()
    venv = work / "venv"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=TIMEOUT_S)
    bin_dir = venv / ("Scripts" if WINDOWS else "bin")
    python = bin_dir / ("python.exe" if WINDOWS else "python")
    installed = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                str(wheel)], capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if installed.returncode != 0:
        raise CheckFailed(f"wheel: pip install {wheel.name} failed:\n{installed.stderr[-2000:]}")
    report("wheel", f"pip install {wheel.name} (fresh venv)", f"ok ({time.monotonic() - started:.1f} s)")
    runner = Runner(bin_dir / ("clinic-log.exe" if WINDOWS else "clinic-log"), work, "wheel")
    where = runner.run("resources inside the installed package",
                       ["-c", "from clinic_log.paths import resources_dir; print(resources_dir())"],
                       executable=python).strip()
    if not Path(where).is_relative_to(venv.resolve()) and not Path(where).is_relative_to(venv):
        raise CheckFailed(f"wheel: the installed package reads its resources from {where}, outside {venv}")
    check_version(runner)
    runner.run("init", ["init"])
    runner.run("demo --sessions 20", ["demo", "--sessions", "20"])
    runner.run("check", ["check"])
    check_aftercare(runner, work / "aftercare.pdf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-wheel", action="store_true", help="check the one-folder app only")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="clinic-log-dist-check-") as temp:
            (Path(temp) / "app").mkdir()
            check_frozen(Path(temp) / "app")
            if not args.skip_wheel:
                (Path(temp) / "wheel").mkdir()
                check_wheel(Path(temp) / "wheel")
    except CheckFailed as failed:
        print(f"dist-check FAILED: {failed}", file=sys.stderr, flush=True)
        return 1
    print(f"dist-check passed in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
