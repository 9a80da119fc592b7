"""The shipped pre-treatment template reaches every database like the aftercare one: a clinic upgraded from the
schema before it (0006) gets version 1 at start, loading again adds nothing, and once the owner saved a version of
their own no shipped wording is added on top of it."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from clinic_log.db.models import PretreatmentTemplate
from clinic_log.db.reference_data import load_reference_data
from clinic_log.domain.actor import Actor
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.clients.pretreatment import latest_pretreatment_template, save_pretreatment_template

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "schema-0006_clinical_reference.sqlite3"


def _versions(db_path: Path) -> list[tuple[int, str]]:
    db = prepare_database(str(db_path))
    try:
        with db.reading() as session:
            rows = session.execute(select(PretreatmentTemplate.version, PretreatmentTemplate.created_by)
                                   .order_by(PretreatmentTemplate.version))
            return [(version, by) for version, by in rows]
    finally:
        db.dispose()


def test_an_upgraded_clinic_gets_the_shipped_version_once(tmp_path: Path) -> None:
    copy = tmp_path / "clinic.sqlite3"
    shutil.copy(FIXTURE, copy)
    assert _versions(copy) == [(1, "system")]
    assert _versions(copy) == [(1, "system")]  # the next start adds nothing


def test_the_owners_own_version_is_never_topped_by_shipped_wording(tmp_path: Path, owner: Actor) -> None:
    copy = tmp_path / "clinic.sqlite3"
    shutil.copy(FIXTURE, copy)
    db = prepare_database(str(copy))
    try:
        save_pretreatment_template(db, owner, latest_pretreatment_template(db).body)
        assert db.write(load_reference_data) == 0
    finally:
        db.dispose()
    assert _versions(copy) == [(1, "system"), (2, "owner")]
