"""How the window names the database it works on: never with a password from the URL."""

from __future__ import annotations

from pathlib import Path

from clinic_log.services.backup.database import database_location, database_name


def test_a_file_is_named_by_its_file_name_and_shown_with_its_full_path(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    assert database_name(str(path)) == "clinic.sqlite3"
    assert database_location(str(path)) == str(path.resolve())


def test_a_url_is_named_by_its_database_and_shown_without_its_password() -> None:
    url = "postgresql+psycopg://clinic:s3cret-Pass@db.example:5432/clinic_log"
    assert database_name(url) == "clinic_log"
    shown = database_location(url)
    assert "s3cret-Pass" not in shown and shown.startswith("postgresql+psycopg://clinic:***@db.example:5432")


def test_a_url_naming_a_libpq_service_is_named_by_the_service() -> None:
    url = "postgresql+psycopg:///?service=clinic"
    assert database_name(url) == "clinic"
    assert database_location(url) == url
