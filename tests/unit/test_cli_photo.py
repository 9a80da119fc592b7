"""`clinic-log photo add|list|export|void` and `clinic-log consent record`: what a user at the terminal sees. Bad
input is one line on stderr and exit 2 with nothing stored; a folder import stores the good files, reports each
bad one and exits 2 saying how many of each."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.clients.clients import ClientDetails, create_client
from tests.unit.cli_helpers import run
from tests.unit.services.photos.photo_files import phone_jpeg, plain, text_file, truncated_jpeg


def run_or_usage(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """As `run`, also when the argument parser refuses the command (it exits before the database is opened)."""
    try:
        return run(capsys, *args)
    except SystemExit as exited:
        out, err = capsys.readouterr()
        return int(exited.code or 0), out, err


def photo_rows(db: Path) -> list[tuple[int, str, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, view, void_reason FROM photos ORDER BY id").fetchall()


@pytest.fixture
def client_db(db_path: Path) -> Path:
    """A database with client P-1 and no consent yet."""
    database = prepare_database(str(db_path))
    create_client(database, Actor("setup", UserRole.OWNER), ClientDetails("P-1", "Ada", "Lovelace"))
    database.dispose()
    return db_path


@pytest.fixture
def consented(client_db: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, out, err = run(capsys, "--db", str(client_db), "consent", "record", "P-1", "--purpose", "photos_clinical",
                         "--name", "Ada Lovelace")
    assert (code, err) == (0, "")
    assert out.startswith("consent to clinical-record photos recorded for client P-1, signed on ")
    return client_db


def test_a_folder_import_stores_the_good_files_reports_the_bad_ones_and_exits_2(
        consented: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "visit"
    folder.mkdir()
    phone_jpeg(folder / "a.jpg")
    plain(folder / "c.png", "PNG")
    plain(folder / "d.tif", "TIFF", color=(0, 90, 0))
    truncated_jpeg(folder / "b.jpg")
    code, out, err = run(capsys, "--db", str(consented), "photo", "add", "P-1", str(folder), "--view", "left45")
    assert code == 2
    assert err == "clinic-log: b.jpg: truncated JPEG\n"
    assert out.splitlines()[-1] == "3 stored, 1 refused"
    assert [view for _, view, _ in photo_rows(consented)] == ["left45"] * 3


def test_all_good_files_exit_0(consented: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(consented), "photo", "add", "P-1", str(phone_jpeg(tmp_path / "a.jpg")))
    assert (code, err) == (0, "")
    assert out.splitlines() == ["a.jpg: stored as photo 1", "1 stored, 0 refused"]


def test_without_photo_consent_nothing_is_stored(client_db: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(client_db), "photo", "add", "P-1", str(phone_jpeg(tmp_path / "a.jpg")))
    assert (code, out) == (2, "")
    assert err.startswith("clinic-log: client P-1 has no valid consent to clinical-record photos")
    assert err.count("\n") == 1
    assert photo_rows(client_db) == []


@pytest.mark.parametrize(("options", "message"), [
    (["--view", "side"], "argument --view: 'side' is not one of front, left45, right45, left90, right90, closeup"),
    (["--use", "marketing"], "argument --use: 'marketing' is not one of clinical, other"),
    (["--taken", "last tuesday"], "argument --taken: 'last tuesday' is not a date and time"),
    (["--session", "abc"], "argument --session: 'abc' is not allowed; a session id"),
    (["--area", "elbow"], "clinic-log: area: 'elbow' is not allowed; a site code of the reference data"),
])
def test_a_bad_option_is_one_line_exit_2_and_nothing_stored(consented: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str],
                                                            options: list[str], message: str) -> None:
    image = phone_jpeg(tmp_path / "a.jpg")
    code, out, err = run_or_usage(capsys, "--db", str(consented), "photo", "add", "P-1", str(image), *options)
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1
    assert photo_rows(consented) == []


def test_a_text_file_named_jpg_alone_is_refused_with_exit_2(consented: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(consented), "photo", "add", "P-1", str(text_file(tmp_path / "x.jpg")))
    assert code == 2 and out == "0 stored, 1 refused\n"
    assert err == "clinic-log: x.jpg: not an image; a JPEG, PNG, HEIC or TIFF photo\n"


def test_list_export_and_void(consented: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(consented)
    assert run(capsys, "--db", db, "photo", "list", "P-1") == (0, "no photos of client P-1\n", "")
    run(capsys, "--db", db, "photo", "add", "P-1", str(phone_jpeg(tmp_path / "a.jpg")), "--view", "closeup")
    run(capsys, "--db", db, "photo", "add", "P-1", str(plain(tmp_path / "b.png", "PNG")))
    code, out, _ = run(capsys, "--db", db, "photo", "list", "P-1")
    header, *lines = out.splitlines()
    assert code == 0 and header.split("\t") == ["id", "taken_at", "view", "use", "session", "area", "size", "state",
                                                "sha256"]
    assert {tuple(line.split("\t")[i] for i in (0, 2, 6, 7)) for line in lines} == {
        ("1", "closeup", "40x80", "standing"), ("2", "front", "60x30", "standing")}

    assert run(capsys, "--db", db, "photo", "void", "1", "--reason", "wrong view") == (0, "photo 1 voided\n", "")
    code, out, err = run(capsys, "--db", db, "photo", "void", "1", "--reason", "again")
    assert (code, out) == (2, "") and err.startswith("clinic-log: photo 1 was already voided by cli:")
    assert "voided: wrong view" in run(capsys, "--db", db, "photo", "list", "P-1")[1]

    code, out, err = run(capsys, "--db", db, "photo", "export", "P-1", "-o", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert out == f"1 photos of client P-1 written to {tmp_path / 'out'} (index: photos.csv)\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir())[-1] == "photos.csv"
    code, _, err = run(capsys, "--db", db, "photo", "export", "P-1", "-o", str(tmp_path / "out"))
    assert code == 2 and "a new or empty folder" in err


def test_an_unknown_client_or_photo_is_one_line(consented: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", str(consented), "photo", "list", "P-404") == (
        2, "", "clinic-log: client P-404 not found\n")
    assert run(capsys, "--db", str(consented), "photo", "void", "7", "--reason", "x") == (
        2, "", "clinic-log: photo 7 not found\n")


def test_export_sessions_fhir_with_photos_adds_media_and_other_formats_refuse_the_flag(
        consented: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(consented), "photo", "add", "P-1", str(plain(tmp_path / "a.png", "PNG")))
    assert code == 0, err
    code, _, err = run(capsys, "--db", str(consented), "settings", "set", "fhir.identifier_system",
                       "https://clinic.example/fhir")
    assert code == 0, err
    out = tmp_path / "bundle.json"
    code, stdout, err = run(capsys, "--db", str(consented), "export", "sessions", "--format", "fhir",
                            "--with-photos", "-o", str(out))
    assert code == 0, err
    kinds = [e["resource"]["resourceType"] for e in json.loads(out.read_text(encoding="utf-8"))["entry"]]
    assert kinds == ["Media", "Patient"] and "exported 2 bundle entries" in stdout
    for args in (("sessions", "--format", "csv"), ("client", "P-1", "--format", "json")):
        target = tmp_path / "refused.out"
        code, _, err = run(capsys, "--db", str(consented), "export", *args, "--with-photos", "-o", str(target))
        assert code == 2 and len(err.strip().splitlines()) == 1 and "fhir" in err and not target.exists()


def test_export_client_as_json_says_where_the_photos_went(consented: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(consented), "photo", "add", "P-1", str(plain(tmp_path / "a.png", "PNG")))
    assert code == 0, err
    out = tmp_path / "access" / "ada.json"
    out.parent.mkdir()
    code, stdout, err = run(capsys, "--db", str(consented), "export", "client", "P-1", "--format", "json",
                            "-o", str(out))
    assert code == 0, err
    [photo] = json.loads(out.read_text(encoding="utf-8"))["tables"]["photos"]
    assert stdout.strip().endswith(f", and 1 photo to {tmp_path / 'access' / 'ada_photos'}")
    assert (tmp_path / "access" / "ada_photos" / photo["file"]).is_file()
