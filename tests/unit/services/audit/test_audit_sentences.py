"""The owner reads the audit trail as sentences with names (issue 20): who by name, which client by name and
reference, which contraindication by its label — not `client_id: 94, warnings: ['contraindication_isotretinoin']`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose
from clinic_log.services.audit.audit_queries import AuditFilter, list_audit
from clinic_log.services.audit.audit_sentences import Names, sentence
from clinic_log.services.clients import clients
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.people import auth
from clinic_log.services.photos.photos import add_photos, void_photo
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import CONSENT_SIGNED_ON, make_clinic, session_entry
from tests.unit.services.photos.photo_files import phone_jpeg

PASSWORD = "a long chair-side passphrase"


def texts(db: Database, owner: Actor, **flt: str) -> list[str]:
    return [row.text for row in list_audit(db, owner, AuditFilter(**flt))]


def test_a_session_signed_over_a_warning_names_the_practitioner_the_client_and_the_contraindication(
        db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    auth.create_user(db, owner, "mbrandt", "Dr Maria Brandt", "practitioner", PASSWORD, "mbrandt")
    derm = auth.login(db, "mbrandt", PASSWORD)
    clients.add_finding(db, owner, clinic.client_id, "eczema", date(2026, 6, 1))  # before the session
    signed = log_session(db, derm, session_entry(clinic), sign=True, reason="eczema calm, area clear")
    (said,) = texts(db, owner, action="signed")
    assert said.startswith(f"Dr Maria Brandt (mbrandt) signed session {signed.id} of Zofia Łukasiewicz (P-1)")
    assert "Eczema" in said and "contraindication_" not in said and "client_id" not in said


def test_a_changed_phone_reads_from_the_old_number_to_the_new(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    before = clients.get_client(db, clinic.client_id)
    details = clients.ClientDetails(before.client_ref, before.first_name, before.last_name, before.date_of_birth,
                                    phone="+48 501 234 567", fitzpatrick=before.fitzpatrick)
    clients.update_details(db, owner, clinic.client_id, details, opened_with=replace(details, phone=None))
    (said,) = texts(db, owner, action="changed", entity="client")
    assert said == "owner changed the record of Zofia Łukasiewicz (P-1); phone from none to +48 501 234 567"


def test_a_login_says_who_logged_in_once_by_name(db: Database, owner: Actor) -> None:
    """User rows are stored by id: the sentence names the login and the person, not "the login 2"."""
    auth.create_user(db, owner, "jdoyle", "Jane Doyle", "reception", PASSWORD)
    auth.login(db, "jdoyle", PASSWORD)
    assert texts(db, owner, action="login") == ["Jane Doyle (jdoyle) logged in"]
    (created,) = texts(db, owner, action="created", entity="user")
    assert created.startswith("owner created the login Jane Doyle (jdoyle); role: reception")


@pytest.mark.parametrize(("detail", "said"), [
    ('{"model": "SkinPen Precision", "serial": "SPP-1"}', "owner created device 4; model: SkinPen Precision; "
                                                          "serial: SPP-1"),
    ('{"drawn": false, "text_version": 2}', "owner created device 4; drawn: no; text version: 2"),
    ('{"lines": [2, 3]}', "owner created device 4; lines: 2, 3"),  # a list, not a change
    ('{"seal": "s1:0123456789abcdef0123456789abcdef"}', "owner created device 4; seal: s1:0123456789abc…"),
    ('{"sessions": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}', "owner created device 4; sessions: 13 items"),
    ("{}", "owner created device 4"),
    ("null", "owner created device 4"),
    ("restored from backup 2026-11-30", "owner created device 4; restored from backup 2026-11-30"),  # older rows
])
def test_a_stored_detail_reads_as_words(detail: str, said: str) -> None:
    assert sentence("owner", "created", "device", "4", detail, Names()) == said


def test_a_change_reads_from_the_old_value_to_the_new() -> None:
    assert sentence("owner", "changed", "finding", "7", '{"ends_on": [null, "2026-07-01"]}', Names()) == (
        "owner changed finding 7; ends on from none to 2026-07-01")


def test_an_added_photo_reads_as_its_view_client_time_and_short_hash(db: Database, owner: Actor,
                                                                      tmp_path: Path) -> None:
    clinic = make_clinic(db, owner)
    record_consent(db, owner, clinic.client_id, "Zofia Łukasiewicz", CONSENT_SIGNED_ON,
                   purpose=ConsentPurpose.PHOTOS_CLINICAL)
    [added] = add_photos(db, clinic.derm, "P-1", [phone_jpeg(tmp_path / "IMG_1.jpg")], view="left45").files
    assert added.sha256 is not None
    local = datetime(2026, 5, 1, 8, 11, tzinfo=UTC).astimezone()
    (said,) = texts(db, owner, action="added", entity="photo")
    assert said == (f"mbrandt added a left 45° photo of Zofia Łukasiewicz (P-1), taken {local:%Y-%m-%d %H:%M}; "
                    f"sha256 {added.sha256[:16]}…; photo {added.photo_id}; file: IMG_1.jpg; "
                    "time from the camera's clock")


def test_a_voided_photo_names_whose_photo_it_was_though_the_row_stores_only_reason_and_hash(
        db: Database, owner: Actor, tmp_path: Path) -> None:
    clinic = make_clinic(db, owner)
    record_consent(db, owner, clinic.client_id, "Zofia Łukasiewicz", CONSENT_SIGNED_ON,
                   purpose=ConsentPurpose.PHOTOS_CLINICAL)
    [added] = add_photos(db, owner, "P-1", [phone_jpeg(tmp_path / "a.jpg")], view="closeup",
                         taken=datetime(2026, 7, 1, 9, 30, tzinfo=UTC)).files
    assert added.photo_id is not None and added.sha256 is not None
    void_photo(db, owner, added.photo_id, "wrong client", 1)
    (said,) = texts(db, owner, action="voided", entity="photo")
    local = datetime(2026, 7, 1, 9, 30, tzinfo=UTC).astimezone()
    assert said == (f"owner voided the close-up photo of Zofia Łukasiewicz (P-1), taken {local:%Y-%m-%d %H:%M}; "
                    f"sha256 {added.sha256[:16]}…; photo {added.photo_id}; reason: wrong client")
