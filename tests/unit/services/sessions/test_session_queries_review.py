"""History queries for review: local-day bounds, keyset paging, complication/grade and notes filters (the dashboard,
the Wilson interval and the client timeline have their own files under review/ and clients/)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.exchange.demo import generate_demo
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
