"""A sessions CSV with bad cells is refused whole, naming every bad cell (line, column, what is allowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import ImportRefused
from clinic_log.services.exchange.importer import import_clients, import_practitioners, import_sessions
from clinic_log.services.sessions.session_queries import count_sessions

HEADER = ("client_ref,started_at,practitioner,supervisor,device,device_serial,cartridge_lot,lot_expires,area,"
          "depth_mm,passes,complication,complication_grade,notes")
GOOD = "P-1001,2026-07-02T09:30:00,mbrandt,,Dermapen 4,DP4-2291,DP16-240117,2027-01-31,forehead,0.5,2,,,fine"


@pytest.fixture
def people(db: Database, owner: Actor, samples: Path) -> Database:
    import_practitioners(db, owner, samples / "practitioners.csv")
    import_clients(db, owner, samples / "clients.csv")
    import_sessions(db, owner, samples / "sessions.csv")  # registers the devices DP4-2291 and SPP-00871
    return db


def _variant(**cells: str) -> str:
    names = HEADER.split(",")
    values = dict(zip(names, GOOD.split(","), strict=True)) | cells
    return ",".join(values[n] for n in names)


BAD_ROWS = [  # (row, column the problem is reported in, words of the message)
    (_variant(client_ref="P-9999"), "client_ref", "'P-9999' is not a known client"),
    (_variant(client_ref=""), "client_ref", "required"),
    (_variant(started_at="yesterday"), "started_at", "not a date and time"),
    (_variant(practitioner="nobody"), "practitioner", "'nobody' is not a known practitioner"),
    (_variant(supervisor="ghost"), "supervisor", "'ghost' is not a known practitioner"),
    (_variant(device="Laser 9000"), "device", "'Laser 9000' is not allowed; one of"),
    (_variant(device="SkinPen Precision"), "device_serial", "'DP4-2291' is a Dermapen 4, not a SkinPen Precision"),
    (_variant(device_serial=""), "device_serial", "required when a device is named"),
    (_variant(lot_expires="31/01/2027"), "lot_expires", "not a date"),
    (_variant(area="kneecap"), "area", "'kneecap' is not allowed; one of"),
    (_variant(depth_mm="deep"), "depth_mm", "'deep' is not a number"),
    (_variant(passes="40"), "passes", "1 to 20 passes"),
    (_variant(complication="sunburn", complication_grade="1"), "complication", "'sunburn' is not allowed"),
    (_variant(complication_grade="2"), "complication", "required when complication_grade is given"),
    (_variant(complication="erythema"), "complication_grade", "required"),
    (_variant(complication="erythema", complication_grade="7"), "complication_grade", "CTCAE grade 1 to 5"),
]


def test_every_bad_cell_is_named_and_nothing_is_written(people: Database, owner: Actor, tmp_path: Path) -> None:
    before = count_sessions(people)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([HEADER, GOOD, *(row for row, _, _ in BAD_ROWS)]) + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_sessions(people, owner, path)
    reported = {(p.line, p.column): p.problem for p in refused.value.problems}
    for line, (_, column, words) in enumerate(BAD_ROWS, start=3):
        assert words in reported.get((line, column), ""), (line, column, reported.get((line, column)))
    assert {line for line, _ in reported} == set(range(3, 3 + len(BAD_ROWS)))  # the good line 2 is not blamed
    assert count_sessions(people) == before


def test_a_good_file_imports_each_session_once(people: Database, owner: Actor, tmp_path: Path) -> None:
    before = count_sessions(people)
    path = tmp_path / "good.csv"
    second_area = GOOD.replace(",forehead,0.5,", ",cheeks,0.75,")
    path.write_text("\n".join([HEADER, GOOD, second_area]) + "\n", encoding="utf-8")
    result = import_sessions(people, owner, path)
    assert (result.rows, result.records) == (2, 1)
    assert count_sessions(people) == before + 1
