"""What the session form opens with: choices offered and the defaults taken from the record."""

from __future__ import annotations

from datetime import UTC, date, datetime

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.values import AreaInput
from clinic_log.services.devices import devices
from clinic_log.services.sessions.session_form_data import (
    PractitionerDefaults,
    find_lot,
    form_choices,
    next_course_position,
    practitioner_defaults,
)
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import LOT_EXPIRES, make_clinic, session_entry


def test_choices_list_areas_head_to_toe_and_only_devices_in_service(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    choices = form_choices(db)
    codes = [a.code for a in choices.areas]
    assert codes[:3] == ["scalp", "forehead", "periorbital"] and "abdomen" in codes and "stretch_marks" not in codes
    assert "stretch_marks" in {i.code for i in choices.indications}
    assert [d.id for d in choices.devices] == [clinic.device_id]
    assert {p.id for p in choices.practitioners} == {clinic.derm_id, clinic.nurse_id}
    assert choices.complication_types[0].category == "expected"


def test_defaults_come_from_the_practitioners_newest_session(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    assert practitioner_defaults(db, clinic.nurse_id) == PractitionerDefaults()
    other = devices.add_device(db, owner, "Dermapen 4", "DP4-1")
    log_session(db, clinic.nurse, session_entry(clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id,
                                                started_at=datetime(2026, 7, 1, 9, tzinfo=UTC)), sign=True)
    log_session(db, clinic.nurse, session_entry(clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id,
                                                device_id=other.id, cartridge_lot="DP-9",
                                                lot_expires=date(2027, 3, 1),
                                                started_at=datetime(2026, 8, 1, 9, tzinfo=UTC)), sign=True)
    assert practitioner_defaults(db, clinic.nurse_id) == PractitionerDefaults(
        other.id, clinic.derm_id, "DP-9", date(2027, 3, 1))


def test_course_position_follows_the_clients_newest_session(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    assert next_course_position(db, clinic.client_id) == (None, None)
    log_session(db, clinic.derm, session_entry(clinic, course_index=2, course_total=4), sign=True)
    assert next_course_position(db, clinic.client_id) == (3, 4)
    log_session(db, clinic.derm, session_entry(clinic, AreaInput("neck", 0.75), course_index=4, course_total=4,
                                               started_at=datetime(2026, 9, 1, 9, tzinfo=UTC)), sign=True)
    assert next_course_position(db, clinic.client_id) == (1, 4)  # that course is complete: a new one


def test_lot_is_found_with_its_expiry(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    log_session(db, clinic.derm, session_entry(clinic), sign=True)
    found = find_lot(db, " SP14-1 ")
    assert found is not None and found.expires_on == LOT_EXPIRES
    assert find_lot(db, "NEVER-SEEN") is None
