"""A signed session's area is corrected to its real site, indication or tip by an amendment (who, when, why kept),
checked by the same rules as at signing: the way out of "Site not recorded" for records the upgrade or an older
import could not place."""

from __future__ import annotations

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.domain.values import AreaInput
from clinic_log.services.audit.integrity import check_database
from clinic_log.services.sessions.amendments import amend_area_field
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import Clinic, make_clinic, session_entry


@pytest.fixture
def signed(db: Database, owner: Actor) -> tuple[Clinic, int]:
    clinic = make_clinic(db, owner)
    entry = session_entry(clinic, AreaInput("site_not_recorded", 1.5, 2, indication="scars"))
    return clinic, log_session(db, clinic.derm, entry, sign=True, reason="scar on the back, see notes").id


def test_the_site_is_amended_and_the_change_kept(db: Database, signed: tuple[Clinic, int]) -> None:
    clinic, sid = signed
    area_id = get_session(db, sid).areas[0].id
    amend_area_field(db, clinic.derm, area_id, "area_code", "back", "the scar is on the upper back (photo notes)")
    detail = get_session(db, sid)
    assert (detail.areas[0].area_code, detail.areas[0].indication) == ("back", "scars")
    (change,) = detail.amendments
    assert (change.field, change.old_value, change.new_value) == ("area_code", "site_not_recorded", "back")
    assert check_database(db) == []  # sealed again with the amendment


def test_the_indication_is_amended_or_cleared(db: Database, signed: tuple[Clinic, int]) -> None:
    clinic, sid = signed
    area_id = get_session(db, sid).areas[0].id
    amend_area_field(db, clinic.derm, area_id, "indication", "", "not a scar: a stretch mark, recorded wrongly")
    assert get_session(db, sid).areas[0].indication is None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("area_code", "elbow", "'elbow' is not an area"),
    ("area_code", " ", "a body site"),
    ("indication", "tattoo", "'tattoo' is not an indication"),
    ("tip", "body", "'body' is not a tip of the SkinPen Precision"),
])
def test_a_site_indication_or_tip_the_record_does_not_know_is_refused_and_nothing_changes(
        db: Database, signed: tuple[Clinic, int], field: str, value: str, message: str) -> None:
    clinic, sid = signed
    before = get_session(db, sid)
    with pytest.raises(DomainError, match=message):
        amend_area_field(db, clinic.derm, before.areas[0].id, field, value, "correcting the record after review")
    after = get_session(db, sid)
    assert after.areas == before.areas and after.amendments == ()
