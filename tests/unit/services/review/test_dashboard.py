"""The owner's dashboard: figures equal to plain SQL, voided sessions left out, months as the clinic's calendar
months, the rate table's percentages, and nobody else seeing it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import PermissionDenied
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.review.dashboard import GroupRate, load_dashboard, rate_table
from clinic_log.services.review.statistics import rate
from clinic_log.services.sessions.amendments import void_session
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import make_clinic, session_entry


def sql(db: Database, query: str, **params: object) -> list[tuple[object, ...]]:
    with db.reading() as session:
        return [tuple(r) for r in session.execute(text(query), params)]


def test_dashboard_figures_equal_plain_sql(db: Database, owner: Actor) -> None:
    generate_demo(db, owner, clients=25, sessions=700, seed=9)
    adverse_sessions = [sid for (sid,) in sql(db, """SELECT DISTINCT k.session_id FROM complications k
        JOIN complication_types t ON t.code = k.code JOIN sessions s ON s.id = k.session_id
        WHERE t.category = 'adverse' AND s.status = 'signed' ORDER BY 1""")]
    for sid in adverse_sessions[:3]:  # voided sessions stay in the record but leave the figures
        void_session(db, owner, sid, "entered for the wrong client")
    steps: list[tuple[int, int]] = []
    board = load_dashboard(db, owner, date(2026, 7, 1), lambda done, total: steps.append((done, total)))
    assert steps[-1] == (6, 6)
    months = sql(db, "SELECT started_at FROM sessions WHERE voided_at IS NULL")
    per_month: dict[str, int] = {}
    for (started,) in months:  # the local calendar month of each (the test runs with the computer's zone)
        key = f"{datetime.fromisoformat(str(started)).replace(tzinfo=UTC).astimezone():%Y-%m}"
        per_month[key] = per_month.get(key, 0) + 1
    assert {m.month: m.sessions for m in board.months} == per_month
    expected = {user: (n, adverse) for user, n, adverse in sql(db, """
        SELECT p.username, COUNT(*),
               SUM(CASE WHEN EXISTS (SELECT 1 FROM complications k JOIN complication_types t ON t.code = k.code
                                     WHERE k.session_id = s.id AND t.category = 'adverse') THEN 1 ELSE 0 END)
        FROM sessions s JOIN practitioners p ON p.id = s.practitioner_id WHERE s.voided_at IS NULL
        GROUP BY p.username""")}
    assert {r.key: (r.sessions, r.adverse_rate.events) for r in board.by_practitioner} == expected
    assert sum(r.sessions for r in board.by_device) == sql(
        db, "SELECT COUNT(*) FROM sessions WHERE device_id IS NOT NULL AND voided_at IS NULL")[0][0]
    area_any = dict(sql(db, """SELECT a.area_code, COUNT(DISTINCT a.session_id) FROM session_areas a
                               JOIN sessions s ON s.id = a.session_id AND s.voided_at IS NULL
                               WHERE a.session_id IN (SELECT session_id FROM complications) GROUP BY a.area_code"""))
    assert {r.key: r.any_rate.events for r in board.by_area if r.any_rate.events} == area_any
    area_totals = dict(sql(db, """SELECT a.area_code, COUNT(*) FROM session_areas a
                                  JOIN sessions s ON s.id = a.session_id AND s.voided_at IS NULL GROUP BY 1"""))
    assert {r.key: r.sessions for r in board.by_area} == area_totals
    for r in board.by_practitioner:
        assert r.adverse_rate.low <= r.adverse_rate.value <= r.adverse_rate.high


def test_dashboard_months_are_the_clinics_calendar_months(db: Database, owner: Actor,
                                                         local_zone_los_angeles: None) -> None:
    clinic = make_clinic(db, owner)
    for moment in (datetime(2026, 7, 31, 11, 0), datetime(2026, 7, 31, 13, 0), datetime(2026, 8, 1, 3, 0),
                   datetime(2026, 8, 15, 12, 0), datetime(2026, 9, 1, 5, 0)):
        saved = log_session(db, clinic.derm, session_entry(clinic, started_at=moment.replace(tzinfo=UTC)), sign=True)
    void_session(db, owner, saved.id, "entered twice")  # 1 Sept 05:00 UTC is 31 Aug 22:00 in Los Angeles

    def months(zone: ZoneInfo | None) -> dict[str, int]:
        return {m.month: m.sessions for m in load_dashboard(db, owner, date(2026, 9, 1), zone=zone).months}

    assert months(ZoneInfo("UTC")) == {"2026-07": 2, "2026-08": 2}
    # 31 July 13:00 UTC is 1 August 01:00 in Auckland (UTC+12)
    assert months(ZoneInfo("Pacific/Auckland")) == {"2026-07": 1, "2026-08": 3}
    # 1 August 03:00 UTC is still 31 July (20:00) in Los Angeles (UTC-7); the computer's zone is the default
    assert months(ZoneInfo("America/Los_Angeles")) == months(None) == {"2026-07": 3, "2026-08": 1}


def test_dashboard_is_for_the_owner_only(db: Database) -> None:
    with pytest.raises(PermissionDenied):
        load_dashboard(db, Actor("jdoyle", UserRole.PRACTITIONER, 1), date(2026, 7, 1))


def test_the_rate_table_gives_adverse_events_and_their_interval_in_percent() -> None:
    rows = rate_table([GroupRate("mbrandt", "Dr Maria Brandt", 20, rate(4, 20), rate(1, 20))])
    [(label, sessions, adverse, value, low, high)] = rows
    assert (label, sessions, adverse, value) == ("Dr Maria Brandt", 20, 1, 5.0)
    assert 0 < low < 5.0 < high < 100


def test_an_empty_clinic_shows_no_figures_rather_than_failing(db: Database, owner: Actor) -> None:
    board = load_dashboard(db, owner, date(2026, 7, 1), zone=ZoneInfo("Pacific/Auckland"))
    assert (board.months, board.by_practitioner, board.by_device, board.by_area) == ((), (), (), ())
    assert (board.credentials, board.lots) == ((), ())
