"""History queries for review: local-day bounds, keyset paging, complication/grade filters, dashboard figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import PermissionDenied
from clinic_log.domain.values import ComplicationInput
from clinic_log.services.clients.timeline import client_timeline
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.review.dashboard import load_dashboard
from clinic_log.services.review.statistics import wilson_interval
from clinic_log.services.sessions.amendments import void_session
from clinic_log.services.sessions.session_queries import PageKey, SessionFilter, count_sessions, list_sessions
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import make_clinic, session_entry


def sql(db: Database, query: str, **params: object) -> list[tuple[object, ...]]:
    with db.reading() as session:
        return [tuple(r) for r in session.execute(text(query), params)]


def all_pages(db: Database, flt: SessionFilter, page: int) -> list[int]:
    ids: list[int] = []
    after = None
    while True:
        rows = list_sessions(db, flt, limit=page, after=after)
        ids += [r.id for r in rows]
        if len(rows) < page:
            return ids
        after = PageKey.after(rows[-1])


def test_keyset_pages_cover_every_session_once_newest_first(db: Database, owner: Actor) -> None:
    generate_demo(db, owner, clients=10, sessions=230, seed=4)
    expected = [r[0] for r in sql(db, "SELECT id FROM sessions ORDER BY started_at DESC, id DESC")]
    assert all_pages(db, SessionFilter(), 50) == expected


def test_complication_and_grade_filters_match_the_stored_complications(db: Database, owner: Actor) -> None:
    generate_demo(db, owner, clients=20, sessions=600, seed=6)
    code = sql(db, "SELECT code FROM complications WHERE grade >= 2 GROUP BY code ORDER BY COUNT(*) DESC")[0][0]
    for flt, where in (
        (SessionFilter(complication_code=str(code)), f"code = '{code}'"),
        (SessionFilter(min_grade=2), "grade >= 2"),
        (SessionFilter(complication_code=str(code), min_grade=2), f"code = '{code}' AND grade >= 2"),
    ):
        expected = {r[0] for r in sql(db, f"SELECT DISTINCT session_id FROM complications WHERE {where}")}
        assert expected, where
        assert set(all_pages(db, flt, 40)) == expected
        assert count_sessions(db, flt) == len(expected)
    nobody_had = SessionFilter(complication_code=str(code), min_grade=5)  # CTCAE 5: none in the demo
    assert not sql(db, f"SELECT 1 FROM complications WHERE code = '{code}' AND grade >= 5")
    assert list_sessions(db, nobody_had) == [] and count_sessions(db, nobody_had) == 0
    assert list_sessions(db, SessionFilter(complication_code=str(code), min_grade=5, text="the")) == []
    narrowed = SessionFilter(complication_code=str(code), status="signed")
    expected_signed = {r[0] for r in sql(
        db, "SELECT DISTINCT k.session_id FROM complications k JOIN sessions s ON s.id = k.session_id "
            "WHERE k.code = :c AND s.status = 'signed'", c=code)}
    assert count_sessions(db, narrowed) == len(expected_signed)


def test_common_complications_walk_sessions_and_give_the_same_rows(db: Database, owner: Actor,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_log.services.sessions import session_queries

    generate_demo(db, owner, clients=20, sessions=600, seed=6)
    flt = SessionFilter(complication_code="erythema")
    rare_plan = all_pages(db, flt, 25)
    monkeypatch.setattr(session_queries, "COMMON_COMPLICATION_ROWS", 1)
    assert all_pages(db, flt, 25) == rare_plan


def test_client_ref_device_and_area_filters(db: Database, owner: Actor) -> None:
    generate_demo(db, owner, clients=15, sessions=300, seed=8)
    ref, client_id = sql(db, "SELECT client_ref, id FROM clients ORDER BY id LIMIT 1")[0]
    device_id = sql(db, "SELECT device_id FROM sessions WHERE device_id IS NOT NULL LIMIT 1")[0][0]
    for flt, query in (
        (SessionFilter(client=str(ref).lower()), f"SELECT id FROM sessions WHERE client_id = {client_id}"),
        (SessionFilter(device_id=int(str(device_id))), f"SELECT id FROM sessions WHERE device_id = {device_id}"),
        (SessionFilter(area_code="neck"), "SELECT DISTINCT session_id FROM session_areas WHERE area_code = 'neck'"),
    ):
        expected = {r[0] for r in sql(db, query)}
        assert expected
        assert set(all_pages(db, flt, 1000)) == expected


def test_a_local_day_far_from_utc_includes_its_late_evening(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    # 22:30 on 2 July in Auckland (UTC+12) is 10:30 UTC the same day; 09:00 on 3 July there is 21:00 UTC on 2 July
    evening = log_session(db, clinic.derm, session_entry(
        clinic, started_at=datetime(2026, 7, 2, 10, 30, tzinfo=UTC)), sign=True)
    next_morning = log_session(db, clinic.derm, session_entry(
        clinic, started_at=datetime(2026, 7, 2, 21, 0, tzinfo=UTC)), sign=True)
    auckland = ZoneInfo("Pacific/Auckland")
    assert [r.id for r in list_sessions(db, SessionFilter().with_days(date(2026, 7, 2), date(2026, 7, 2),
                                                                        auckland))] == [evening.id]
    assert [r.id for r in list_sessions(db, SessionFilter().with_days(date(2026, 7, 3), date(2026, 7, 3),
                                                                        auckland))] == [next_morning.id]
    # the UTC day would have put both on 2 July
    assert count_sessions(db, SessionFilter().with_days(date(2026, 7, 2), date(2026, 7, 2), UTC)) == 2


def test_without_a_zone_the_computers_local_day_is_used(db: Database, owner: Actor,
                                                        local_zone_los_angeles: None) -> None:
    clinic = make_clinic(db, owner)
    # 18:00 on 1 July in Los Angeles (UTC-7 in summer) is 01:00 UTC on 2 July
    saved = log_session(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 7, 2, 1, 0, tzinfo=UTC)),
                        sign=True)
    assert [r.id for r in list_sessions(db, SessionFilter().with_days(date(2026, 7, 1), date(2026, 7, 1)))] == [
        saved.id]
    assert list_sessions(db, SessionFilter().with_days(date(2026, 7, 2), date(2026, 7, 2))) == []


def test_wilson_interval_matches_published_values() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson_interval(1, 3)  # a rate from 3 sessions: almost anything is possible
    assert (low, high) == (pytest.approx(0.0615, abs=1e-4), pytest.approx(0.7923, abs=1e-4))
    low, high = wilson_interval(50, 1000)
    assert (low, high) == (pytest.approx(0.0381, abs=1e-4), pytest.approx(0.0653, abs=1e-4))
    assert wilson_interval(0, 0) == (0.0, 1.0)


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


def test_client_timeline_lists_sessions_oldest_first_with_course_and_depths(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    first = log_session(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 6, 1, 9, tzinfo=UTC),
                                                       course_index=1, course_total=3), sign=True)
    second = log_session(db, clinic.derm, session_entry(
        clinic, started_at=datetime(2026, 7, 6, 9, tzinfo=UTC), course_index=2, course_total=3,
        complications=(ComplicationInput("erythema", 1),)), sign=True)
    timeline = client_timeline(db, owner, clinic.client_id)
    assert [s.id for s in timeline.sessions] == [first.id, second.id]
    assert [s.course_text for s in timeline.sessions] == ["1 of 3", "2 of 3"]
    assert timeline.sessions[1].complications == 1
    series = timeline.depth_series()
    assert [d for _, d in series["Forehead"]] == [0.5, 0.5]
    assert timeline.client_name == "Zofia Łukasiewicz"


def test_notes_filter_ignores_case_and_takes_percent_and_underscore_literally(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    reduced = log_session(db, clinic.derm, session_entry(clinic, notes="Redness Reduced 50% by day 2"), sign=True)
    log_session(db, clinic.derm, session_entry(clinic, notes="reduced 50 percent; PRP_2 used"), sign=True)
    assert [r.id for r in list_sessions(db, SessionFilter(text="reduced 50%"))] == [reduced.id]
    assert count_sessions(db, SessionFilter(text="REDUCED")) == 2
    assert count_sessions(db, SessionFilter(text="prp_2")) == 1
    assert count_sessions(db, SessionFilter(text="p_p")) == 0


@pytest.mark.parametrize("walk", [1, 7, 10_000])
def test_notes_search_pages_are_the_same_whether_walked_or_scanned(db: Database, owner: Actor,
                                                                   monkeypatch: pytest.MonkeyPatch, walk: int) -> None:
    from clinic_log.services.sessions import session_queries

    generate_demo(db, owner, clients=10, sessions=300, seed=4)
    monkeypatch.setattr(session_queries, "TEXT_WALK_ROWS", walk)
    for word in ("cheeks", "applied", "no such words"):
        expected = [r[0] for r in sql(db, "SELECT id FROM sessions WHERE LOWER(notes) LIKE :w "
                                          "ORDER BY started_at DESC, id DESC", w=f"%{word}%")]
        assert all_pages(db, SessionFilter(text=word), 13) == expected, word
        assert all_pages(db, SessionFilter(text=word, status="signed"), 50) == [
            r[0] for r in sql(db, "SELECT id FROM sessions WHERE LOWER(notes) LIKE :w AND status = 'signed' "
                                  "ORDER BY started_at DESC, id DESC", w=f"%{word}%")]
