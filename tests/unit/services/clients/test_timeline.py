"""A client's timeline: sessions oldest first with their course position, depths per area for the chart, the
session's client found from its id, and a missing client or session named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import NotFound
from clinic_log.domain.values import ComplicationInput
from clinic_log.services.clients import clients
from clinic_log.services.clients.timeline import TimelineSession, client_id_for_session, client_timeline
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import make_clinic, session_entry


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


@pytest.mark.parametrize(("index", "total", "shown"), [(2, 4, "2 of 4"), (2, None, "2"), (None, None, ""),
                                                       (None, 4, "")])
def test_the_course_position_reads_as_typed_or_not_at_all(index: int | None, total: int | None, shown: str) -> None:
    entry = TimelineSession(1, datetime(2026, 7, 1, tzinfo=UTC), "Dr Maria Brandt", None, "signed", index, total,
                            (), 0)
    assert entry.course_text == shown


def test_a_client_without_sessions_has_an_empty_timeline_and_chart(db: Database, owner: Actor) -> None:
    other = clients.create_client(db, owner, clients.ClientDetails("P-2", "Ada", "Nobody"))
    timeline = client_timeline(db, owner, other.id)
    assert (timeline.client_ref, timeline.client_name, timeline.sessions) == ("P-2", "Ada Nobody", ())
    assert timeline.depth_series() == {}


def test_a_session_leads_to_its_client_and_a_missing_one_is_named(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    assert client_id_for_session(db, saved.id) == clinic.client_id
    with pytest.raises(NotFound, match="session"):
        client_id_for_session(db, saved.id + 100)
    with pytest.raises(NotFound, match="client"):
        client_timeline(db, owner, clinic.client_id + 100)
