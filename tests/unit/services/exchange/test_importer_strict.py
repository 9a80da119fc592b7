"""The strict streaming import: a damaged file is refused whole with `line N: column: problem`, never half-read;
a session already stored is never stored twice; a large file is written in batches that roll back together."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import ImportRefused, LineProblem
from clinic_log.services.common.csv_input import UnreadableFile
from clinic_log.services.common.progress import JobCancelled
from clinic_log.services.exchange import importer
from clinic_log.services.exchange.importer import import_clients, import_practitioners, import_sessions
from clinic_log.services.sessions.session_queries import count_sessions

HEADER = ("client_ref,started_at,practitioner,supervisor,device,device_serial,cartridge_lot,lot_expires,area,"
          "depth_mm,passes,complication,complication_grade,notes")


def session_row(n: int, area: str = "forehead", notes: str = "fine", depth: str = "0.5", passes: str = "2",
                started: str | None = None) -> str:
    """A good row of session n (each n its own start time), for client P-1001 with mbrandt."""
    day, hour = 1 + n // 8, 9 + n % 8
    start = started or f"2026-07-{day:02d}T{hour:02d}:00:00"
    return f"P-1001,{start},mbrandt,,Dermapen 4,DP4-2291,DP16-240117,2027-01-31,{area},{depth},{passes},,,{notes}"


@pytest.fixture
def people(db: Database, owner: Actor, samples: Path) -> Database:
    import_practitioners(db, owner, samples / "practitioners.csv")
    import_clients(db, owner, samples / "clients.csv")
    return db


def write(tmp_path: Path, *rows: str, name: str = "sessions.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def refused(db: Database, owner: Actor, path: Path, **kwargs: bool) -> list[LineProblem]:
    before = count_sessions(db)
    with pytest.raises(ImportRefused) as caught:
        import_sessions(db, owner, path, **kwargs)
    assert count_sessions(db) == before
    return caught.value.problems


def test_an_unterminated_quote_refuses_the_file_at_its_line(people: Database, owner: Actor, tmp_path: Path) -> None:
    path = write(tmp_path, session_row(0), session_row(1, notes='"client asked'), session_row(2), session_row(3),
                 session_row(4))
    problems = refused(people, owner, path)
    assert [(p.line, p.column) for p in problems] == [(3, "row")]
    assert "never closed" in problems[0].problem


def test_an_unquoted_comma_in_a_note_is_a_line_error_not_a_cut_note(people: Database, owner: Actor,
                                                                    tmp_path: Path) -> None:
    path = write(tmp_path, session_row(0), session_row(1, notes="numbing 30 min, then HA serum"))
    problems = refused(people, owner, path)
    assert [(p.line, p.column) for p in problems] == [(3, "row")]
    assert "15 cells, but the header has 14" in problems[0].problem


def test_a_row_with_missing_cells_is_a_line_error(people: Database, owner: Actor, tmp_path: Path) -> None:
    short = session_row(1).rsplit(",", 2)[0]
    problems = refused(people, owner, write(tmp_path, session_row(0), short))
    assert [(p.line, p.column) for p in problems] == [(3, "row")]
    assert "12 cells" in problems[0].problem


def test_a_repeated_header_column_is_refused_not_last_one_wins(people: Database, owner: Actor,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(HEADER + ",notes\n" + session_row(0) + ",second note\n", encoding="utf-8")
    problems = refused(people, owner, path)
    assert [(p.line, p.column) for p in problems] == [(1, "notes")]
    assert "twice" in problems[0].problem


BAD_CELLS = [  # (row, column, words of the message)
    (session_row(1, depth="nan"), "depth_mm", "'nan' is not a number"),
    (session_row(1, depth="inf"), "depth_mm", "'inf' is not a number"),
    (session_row(1, depth="1e309"), "depth_mm", "'1e309' is not a number"),
    (session_row(1, depth="٠.٥"), "depth_mm", "is not a number"),
    (session_row(1, passes="²"), "passes", "'²' is not allowed; 1 to 20 passes"),
    (session_row(1, started="0001-01-01T00:00:00+14:00"), "started_at", "a year from 1900"),
    (session_row(1, started="9999-12-31T23:59:59-14:00"), "started_at", "a year from 1900"),
    (session_row(1, notes="before\x00after"), "notes", "control character"),
    (session_row(1, notes="x" * 10_001), "notes", "too long (10,001 characters; at most 10,000)"),
    (session_row(1).replace("DP4-2291", "D" * 81), "device_serial", "too long"),
    (session_row(1, notes="x" * 10_000_000), "row", "a cell is longer than"),
]


@pytest.mark.parametrize(("row", "column", "words"), BAD_CELLS,
                         ids=["nan", "inf", "1e309", "arabic-digits", "superscript", "year-1", "year-9999", "nul",
                              "long-note", "long-serial", "10-mb"])
def test_odd_cells_are_cell_problems_not_unexpected_errors(people: Database, owner: Actor, tmp_path: Path,
                                                           row: str, column: str, words: str) -> None:
    problems = refused(people, owner, write(tmp_path, session_row(0), row, session_row(2)))
    assert [(p.line, p.column) for p in problems] == [(3, column)], problems
    assert words in problems[0].problem


@pytest.mark.parametrize("make", ["folder", "missing"])
def test_a_file_that_cannot_be_read_is_one_line_naming_it(people: Database, owner: Actor, tmp_path: Path,
                                                          make: str) -> None:
    path = tmp_path / "in.csv"
    if make == "folder":
        path.mkdir()
    with pytest.raises(UnreadableFile) as caught:
        import_sessions(people, owner, path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    assert {"folder": "is a folder", "missing": "does not exist"}[make] in message
    assert count_sessions(people) == 0


def test_bytes_that_are_not_utf8_are_named_at_their_line_and_column(people: Database, owner: Actor,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("\n".join([HEADER, session_row(0), session_row(1, notes="caf\xe9 cr\xe8me")]).encode("latin-1"))
    problems = refused(people, owner, path)
    assert [str(p) for p in problems] == ["line 3: notes: not UTF-8 text (a byte 0xE9); save the file as UTF-8 (in "
                                          "Excel: CSV UTF-8)"]


def test_an_empty_file_is_refused_at_its_header(people: Database, owner: Actor, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    problems = refused(people, owner, path)
    assert [(p.line, p.column) for p in problems] == [(1, "header")]


def test_importing_the_same_file_again_is_refused_naming_each_stored_session(people: Database, owner: Actor,
                                                                             samples: Path) -> None:
    import_sessions(people, owner, samples / "sessions.csv")
    problems = refused(people, owner, samples / "sessions.csv")
    assert [(p.line, p.column) for p in problems] == [(2, "started_at"), (4, "started_at"), (5, "started_at"),
                                                      (6, "started_at"), (7, "started_at")]
    assert "already in the database" in problems[0].problem and "--skip-existing" in problems[0].problem


def test_two_imports_of_the_same_file_at_once_store_it_once(people: Database, owner: Actor, samples: Path) -> None:
    """Two workstations importing the same file together: the second waits for the first (one import at a time,
    also on PostgreSQL where each would otherwise check for stored sessions before the other committed), then
    finds its sessions stored and is refused."""
    outcomes: list[object] = []

    def one() -> None:
        try:
            outcomes.append(import_sessions(people, owner, samples / "sessions.csv").records)
        except ImportRefused as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [stored] = [o for o in outcomes if isinstance(o, int)]
    [refusal] = [o for o in outcomes if isinstance(o, ImportRefused)]
    assert "already in the database" in refusal.problems[0].problem
    assert count_sessions(people) == stored


def test_skip_existing_imports_only_the_new_sessions_and_says_which_were_skipped(people: Database, owner: Actor,
                                                                                 tmp_path: Path) -> None:
    import_sessions(people, owner, write(tmp_path, session_row(0), session_row(1), name="first.csv"))
    again = write(tmp_path, session_row(0), session_row(0, area="cheeks"), session_row(1), session_row(2),
                  name="again.csv")
    refused(people, owner, again)
    result = import_sessions(people, owner, again, skip_existing=True)
    assert (result.records, result.skipped, result.skipped_lines) == (1, 2, (2, 4))
    assert count_sessions(people) == 3


def test_a_start_time_with_an_offset_is_the_same_session_as_its_utc_time(people: Database, owner: Actor,
                                                                         tmp_path: Path) -> None:
    import_sessions(people, owner, write(tmp_path, session_row(0, started="2026-07-01T09:00:00+02:00"),
                                         name="first.csv"))
    problems = refused(people, owner, write(tmp_path, session_row(0, started="2026-07-01T07:00:00+00:00")))
    assert [(p.line, p.column) for p in problems] == [(2, "started_at")]


def test_a_sessions_rows_must_be_together(people: Database, owner: Actor, tmp_path: Path) -> None:
    path = write(tmp_path, session_row(0), session_row(1), session_row(0, area="cheeks"))
    problems = refused(people, owner, path)
    assert [(p.line, p.column) for p in problems] == [(4, "started_at")]
    assert "already started at line 2; keep a session's rows together" in problems[0].problem


def test_sessions_split_across_batches_are_one_session_and_a_late_problem_rolls_back_every_batch(
        people: Database, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    rows = [session_row(0), session_row(0, area="cheeks"), session_row(0, area="neck"), session_row(1),
            session_row(2), session_row(3)]
    result = import_sessions(people, owner, write(tmp_path, *rows))
    assert (result.rows, result.records) == (6, 4)
    bad = write(tmp_path, *(session_row(n) for n in range(10, 20)), session_row(20, depth="deep"),
                session_row(10, area="cheeks"), name="bad.csv")
    problems = refused(people, owner, bad)
    # checking goes on after the first problem: line 13 repeats the session of line 2, written in an earlier batch
    assert [(p.line, p.column) for p in problems] == [(12, "depth_mm"), (13, "started_at")]
    assert count_sessions(people) == 4


def test_a_session_repeated_after_its_batch_was_written_names_its_first_line(
        people: Database, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    path = write(tmp_path, *(session_row(n) for n in range(6)), session_row(1, area="cheeks"))
    problems = refused(people, owner, path)
    assert [(p.line, p.column) for p in problems] == [(8, "started_at")]
    assert "already started at line 3" in problems[0].problem


def test_cancel_during_the_import_rolls_back_the_batches_already_written(
        people: Database, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) == 2:
            raise JobCancelled

    with pytest.raises(JobCancelled):
        import_sessions(people, owner, write(tmp_path, *(session_row(n) for n in range(8))), progress=progress)
    assert count_sessions(people) == 0
    assert 0 < seen[0][0] < seen[1][0] <= seen[1][1]


def test_a_long_problem_list_shows_fifty_and_counts_the_rest(people: Database, owner: Actor,
                                                             tmp_path: Path) -> None:
    problems = refused(people, owner, write(tmp_path, *(session_row(n, depth="deep") for n in range(80))))
    assert len(problems) == 51
    assert str(problems[-1]).endswith("and 30 more problem(s) after these")


def test_clients_and_practitioners_use_the_same_strict_reader(people: Database, owner: Actor,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("client_ref,first_name,last_name,date_of_birth,phone,email,fitzpatrick\n"
                    'P-2001,"Ann,Smith,1990-01-01,,,II\nP-2002,Bo,Lee,1990-01-01,,,II\n', encoding="utf-8")
    with pytest.raises(ImportRefused) as caught:
        import_clients(people, owner, path)
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "row")]
    path.write_text("username,full_name,role,needs_supervision,depth_cap_mm,licence_no,licence_expires\n"
                    "anew,A New,nurse,true,nan,N-1,2030-01-01\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as caught:
        import_practitioners(people, owner, path)
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "depth_cap_mm")]


