"""pyproject.toml lists the wheel's packages by hand (the top-level resources/ goes in as clinic_log/resources): a
package or a resources folder missing from that list would be missing from every installed copy, found only there."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
BUILD_ONLY = {"packaging"}  # resources/packaging: the PyInstaller spec and the dist check, not the app's files


def setuptools_config() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        config: dict[str, Any] = tomllib.load(handle)["tool"]["setuptools"]
    return config


def test_every_package_of_the_source_tree_is_in_the_wheel() -> None:
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "clinic_log").rglob("__init__.py")}
    assert found <= set(setuptools_config()["packages"])


def test_every_resources_folder_goes_into_the_wheel_with_all_its_files() -> None:
    config = setuptools_config()
    folders = {folder.name for folder in (ROOT / "resources").iterdir() if folder.is_dir()} - BUILD_ONLY
    expected = {f"clinic_log.resources.{name}" for name in folders}
    assert expected <= set(config["packages"])
    assert config["package-dir"]["clinic_log.resources"] == "resources"
    assert all(config["package-data"][package] == ["*"] for package in expected)


def test_the_files_at_the_top_of_resources_go_into_the_wheel() -> None:
    patterns = setuptools_config()["package-data"]["clinic_log.resources"]
    top = [path for path in (ROOT / "resources").iterdir() if path.is_file()]
    assert top and all(any(path.match(pattern) for pattern in patterns) for path in top)
