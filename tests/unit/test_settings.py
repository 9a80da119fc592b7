"""Typed settings: each setting reads as its type (the default when never stored), and saving checks a value with
the same setting's own rule that reading relies on."""

from __future__ import annotations

import pytest

from clinic_log.db.engine import Database
from clinic_log.db.models import Setting
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue
from clinic_log.services.clinic.clinic_settings import read_settings, save_settings
from clinic_log.services.clinic.consent_texts import consent_validity, set_consent_validity
from clinic_log.settings import (
    CLINIC_NAME,
    CONSENT_VALIDITY,
    IDENTIFIER_SYSTEM,
    IDLE_LOCK,
    LOGO_PATH,
    POST_CARE,
    SETTINGS,
    read,
)


def test_an_unset_setting_reads_as_its_typed_default(db: Database) -> None:
    with db.reading() as session:
        assert read(session, IDLE_LOCK) == 10  # an int, not the text "10"
        assert read(session, IDENTIFIER_SYSTEM) is None  # not set: FHIR export says how to set it
        assert read(session, LOGO_PATH) is None
        assert read(session, CONSENT_VALIDITY) == "12m"
        assert read(session, POST_CARE) == POST_CARE.default


def test_a_stored_setting_reads_as_its_parsed_value(db: Database, owner: Actor) -> None:
    save_settings(db, owner, {IDLE_LOCK.key: " 25 ", IDENTIFIER_SYSTEM.key: "https://myclinic.example/fhir/",
                              CLINIC_NAME.key: "  Skin Studio "})
    with db.reading() as session:
        assert read(session, IDLE_LOCK) == 25
        assert read(session, IDENTIFIER_SYSTEM) == "https://myclinic.example/fhir"
        assert read(session, CLINIC_NAME) == "Skin Studio"
    stored = read_settings(db)
    assert stored[IDLE_LOCK.key] == "25" and stored.read(IDLE_LOCK) == 25  # the text for listing, the value for use
    assert list(stored) == list(SETTINGS)


def test_text_stored_outside_the_app_still_reads_as_a_usable_value(db: Database) -> None:
    with db.writing() as session:
        session.add_all([Setting(key=IDLE_LOCK.key, value="ten"), Setting(key=POST_CARE.key, value="   ")])
    with db.reading() as session:
        assert read(session, IDLE_LOCK) == 10 and read(session, POST_CARE) == POST_CARE.default


@pytest.mark.parametrize(("key", "value"), [
    (IDLE_LOCK.key, "0"), (IDLE_LOCK.key, "ten"), (IDENTIFIER_SYSTEM.key, "not a uri"), (CLINIC_NAME.key, "  "),
    (CONSENT_VALIDITY.key, "a year"), (CONSENT_VALIDITY.key, "0m"),
])
def test_a_value_its_setting_refuses_is_not_saved(db: Database, owner: Actor, key: str, value: str) -> None:
    before = dict(read_settings(db))
    with pytest.raises(InvalidValue):
        save_settings(db, owner, {key: value})
    assert dict(read_settings(db)) == before


def test_consent_validity_is_checked_the_same_way_from_settings_and_from_its_dialog(db: Database,
                                                                                   owner: Actor) -> None:
    assert set_consent_validity(db, owner, " 6m ") == "6m"
    assert save_settings(db, owner, {CONSENT_VALIDITY.key: "26w"}) == {CONSENT_VALIDITY.key: "26w"}
    assert consent_validity(db) == "26w"
    with pytest.raises(InvalidValue, match="consent validity"):
        set_consent_validity(db, owner, "0d")
    with pytest.raises(InvalidValue, match=r"^consent validity: 'a year' is not allowed"):
        save_settings(db, owner, {CONSENT_VALIDITY.key: "a year"})
