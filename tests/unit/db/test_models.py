"""The models' own schema (create_all, no migrations): clinical values a rule forbids are refused by the database
itself naming the constraint, and of two writers changing one session the second is told, not obeyed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database, open_database
from clinic_log.db.models import (
    Area,
    Base,
    Client,
    ClientDecision,
    Practitioner,
    SessionArea,
    TreatmentSession,
    table_of,
)
from clinic_log.domain.errors import ChangedMeanwhile

NOW = datetime(2026, 7, 1, 9, 30)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database built from the models, with one client, one practitioner and one draft session."""
    path = tmp_path_factory.mktemp("models") / "models.sqlite3"
    db = open_database(str(path))
    Base.metadata.create_all(db.engine)

    def seed(session: Session) -> None:
        session.add_all([
            Client(id=1, client_ref="P-1", first_name="Zofia", last_name="Łukasiewicz", search_key="zofia",
                   created_at=NOW, updated_at=NOW),
            Practitioner(id=1, username="mbrandt", full_name="Dr Maria Brandt", role="dermatologist"),
            Area(code="forehead", label="Forehead", region="face", usual_min_mm=0.25, usual_max_mm=0.5),
        ])
        session.flush()
        session.add(TreatmentSession(id=1, client_id=1, practitioner_id=1, started_at=NOW, created_by="mbrandt",
                                     created_at=NOW, updated_at=NOW))
    db.write(seed)
    db.dispose()
    return path


@pytest.fixture
def built(template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "models.sqlite3"
    path.write_bytes(template.read_bytes())
    db = open_database(str(path))
    yield db
    db.dispose()


@pytest.mark.parametrize(("row", "constraint"), [
    (lambda: Client(client_ref="P-2", first_name="A", last_name="B", search_key="a b", fitzpatrick=7,
                    created_at=NOW, updated_at=NOW), "ck_clients_fitzpatrick"),
    (lambda: SessionArea(session_id=1, area_code="forehead", depth_mm=0.0, passes=1),
     "ck_session_areas_depth_positive"),
    (lambda: SessionArea(session_id=1, area_code="forehead", depth_mm=0.5, passes=0),
     "ck_session_areas_passes_positive"),
    (lambda: ClientDecision(client_id=1, kind="defer", reason="isotretinoin", decided_by="mbrandt",
                            decided_by_name="Dr Maria Brandt", decided_at=NOW), "ck_client_decisions_defer_review"),
    (lambda: Client(client_ref="P-1", first_name="A", last_name="B", search_key="a b", created_at=NOW,
                    updated_at=NOW), "clients.client_ref"),  # one client per reference
], ids=["fitzpatrick-7", "depth-0", "no-passes", "defer-without-review-date", "same-client-ref"])
def test_a_value_the_rules_forbid_is_refused_by_the_database_naming_the_constraint(
        built: Database, row: object, constraint: str) -> None:
    with pytest.raises(IntegrityError, match=constraint):
        built.write(lambda session: session.add(row()))  # type: ignore[operator]


def test_a_session_area_on_a_site_that_does_not_exist_is_refused(built: Database) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        built.write(lambda session: session.add(SessionArea(session_id=1, area_code="elbow", depth_mm=0.5, passes=1)))


def test_of_two_workstations_changing_one_session_the_second_is_told_and_not_saved(built: Database) -> None:
    with built.reading() as session:
        theirs = session.get(TreatmentSession, 1)
    with built.reading() as session:
        mine = session.get(TreatmentSession, 1)
    assert theirs is not None and mine is not None and theirs.version == mine.version == 1

    def save(copy: TreatmentSession, notes: str) -> None:
        def change(session: Session) -> None:
            merged = session.merge(copy)
            merged.notes = notes
        built.write(change)

    save(theirs, "theirs")
    with pytest.raises(ChangedMeanwhile):
        save(mine, "mine")
    with built.reading() as session:
        stored = session.execute(select(TreatmentSession.notes, TreatmentSession.version)).one()
    assert tuple(stored) == ("theirs", 2)


def test_a_models_table_is_the_one_its_rows_are_stored_in() -> None:
    assert table_of(TreatmentSession).name == "sessions"
    assert table_of(SessionArea).c.session_id.references(table_of(TreatmentSession).c.id)

