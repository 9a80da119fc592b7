"""Property test of the import: a valid sessions file, damaged at random (a quote cut or added, a cell added, odd
bytes, odd numbers and dates), is either stored whole or not at all, with line-numbered problems, never a
traceback."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import ImportRefused
from clinic_log.services.common.csv_input import UnreadableFile
from clinic_log.services.exchange import importer
from clinic_log.services.exchange.importer import import_clients, import_practitioners, import_sessions

HEADER = ("client_ref,started_at,practitioner,supervisor,device,device_serial,cartridge_lot,lot_expires,area,"
          "depth_mm,passes,complication,complication_grade,notes")
ODD_BYTES = [b"\x00", b"\xff", b"\xe2\x80", "²".encode(), b"\r", b"\n", b'"', b",", "é".encode(), b"\x1b", b" "]
ODD_NUMBERS = ["nan", "inf", "-inf", "1e309", "-0.5", "0,5", "²", "0.5.1", "", " 1 ", "3", "0x1", "١", "9" * 40]
ODD_DATES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-02-30T09:00", "2026-07-01T25:00",
             "2026-07-01", "", "now", "2026-07-01T09:00:00+99:00"]
_example = itertools.count()


def _valid_file(n: int) -> tuple[bytes, int]:
    """Six rows (four sessions, one with three areas) starting at hours unique to example n; and its row count."""
    start = datetime(2026, 3, 1, 8) + timedelta(hours=7 * n)
    rows = []
    for k, areas in enumerate((["forehead", "cheeks", "neck"], ["forehead"], ["cheeks"], ["neck"])):
        at = (start + timedelta(minutes=90 * k)).strftime("%Y-%m-%dT%H:%M:%S")
        for area in areas:
            note = '"numbing 30 min, then ""HA"" serum"' if area == "cheeks" else "fine"
            rows.append(f"P-100{1 + k},{at},mbrandt,,Dermapen 4,DP4-2291,DP16-240117,2027-01-31,{area},0.5,2,,,"
                        f"{note}")
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8"), len(rows)


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    text, _ = _valid_file(next(_example))
    first = 0 if draw(st.integers(0, 9)) == 0 else len(HEADER) + 1  # mostly the rows, now and then the header
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["byte", "cut", "number", "date"]))
        if kind == "byte":
            at = draw(st.integers(first, len(text)))
            text = text[:at] + draw(st.sampled_from(ODD_BYTES)) + text[at:]
        elif kind == "cut":
            at = draw(st.integers(first, len(text) - 1))
            text = text[:at] + text[at + 1:]
        else:
            pattern = rb",0\.5," if kind == "number" else rb",2026-\d\d-\d\dT\d\d:\d\d:\d\d,"
            found = list(re.finditer(pattern, text))
            if not found:
                continue
            hit = draw(st.sampled_from(found))
            odd = draw(st.sampled_from(ODD_NUMBERS if kind == "number" else ODD_DATES)).encode()
            text = text[:hit.start()] + b"," + odd + b"," + text[hit.end():]
    return text


def _counts(db: Database) -> tuple[int, ...]:
    with db.engine.connect() as connection:
        return tuple(int(connection.execute(text(sql)).scalar_one()) for sql in (
            "SELECT COUNT(*) FROM sessions", "SELECT COUNT(*) FROM session_areas",
            "SELECT COUNT(*) FROM audit_log WHERE action = 'imported' AND entity = 'session'"))


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=damaged())
def test_a_damaged_file_is_stored_whole_or_not_at_all_with_line_numbered_problems(
        db: Database, owner: Actor, samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        content: bytes) -> None:
    if not _counts(db)[0] and not (tmp_path / "people-imported").exists():
        import_practitioners(db, owner, samples / "practitioners.csv")
        import_clients(db, owner, samples / "clients.csv")
        (tmp_path / "people-imported").touch()
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)  # several batches per file: a late problem must undo them all
    path = tmp_path / "damaged.csv"
    path.write_bytes(content)
    before = _counts(db)
    try:
        result = import_sessions(db, owner, path)
    except ImportRefused as refused:
        assert _counts(db) == before
        assert refused.problems
        for problem in refused.problems:
            assert problem.line >= 1 and problem.column and problem.problem, problem
            assert "\n" not in str(problem) and "Traceback" not in problem.problem
        return
    except UnreadableFile as unreadable:
        assert _counts(db) == before
        assert str(path) in str(unreadable) and "\n" not in str(unreadable)
        return
    sessions, areas, audited = _counts(db)
    assert (sessions - before[0], audited - before[2]) == (result.records, result.records)
    assert areas - before[1] == result.rows  # every row of the file is one stored area: the whole file
