"""Schema 0010 on a clinic's existing database: every consent signed before stays a treatment consent, the wording
of each purpose is versioned on its own, and the step can be taken back and again (SQLite's table copies)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

from alembic import command

from clinic_log.db.engine import open_database
from clinic_log.db.migrate import alembic_config
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, UserRole
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.clients.consents import record_consent

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "schema-0009_sites_indications_tips.sqlite3"


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_consents_signed_before_stay_treatment_consents_and_each_purpose_gets_its_wording(tmp_path: Path) -> None:
    copy = tmp_path / "clinic.sqlite3"
    shutil.copy(FIXTURE, copy)
    consents_before = rows(copy, "SELECT id, text_version FROM consents ORDER BY id")
    texts_before = rows(copy, "SELECT version, body FROM consent_texts ORDER BY version")
    assert consents_before and texts_before
    prepare_database(str(copy)).dispose()
    assert rows(copy, "SELECT id, text_version, purpose FROM consents ORDER BY id") == [
        (*c, "treatment") for c in consents_before]
    assert rows(copy, "SELECT version, body FROM consent_texts WHERE purpose = 'treatment' ORDER BY version") == (
        texts_before)
    assert rows(copy, "SELECT purpose, version FROM consent_texts WHERE purpose <> 'treatment' ORDER BY purpose") == [
        ("photos_clinical", 1), ("photos_other", 1)]


def test_the_photo_schema_goes_back_without_its_photo_consents_and_comes_again(tmp_path: Path) -> None:
    copy = tmp_path / "clinic.sqlite3"
    shutil.copy(FIXTURE, copy)
    treatment = rows(copy, "SELECT id FROM consents ORDER BY id")
    migrated = prepare_database(str(copy))
    client_id = int(rows(copy, "SELECT min(id) FROM clients")[0][0])
    record_consent(migrated, Actor("o", UserRole.OWNER), client_id, "Client", date(2026, 12, 1),
                   purpose=ConsentPurpose.PHOTOS_CLINICAL)
    migrated.dispose()
    db = open_database(str(copy))
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0009_sites_indications_tips")
    assert rows(copy, "SELECT name FROM sqlite_master WHERE name LIKE 'photo%'") == []
    assert rows(copy, "SELECT id FROM consents ORDER BY id") == treatment  # no photo consent read as treatment
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    db.dispose()
    tables = {name for (name,) in rows(copy, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"photos", "photo_blobs"} <= tables
