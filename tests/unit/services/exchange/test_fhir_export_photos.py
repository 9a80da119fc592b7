"""FHIR export `--with-photos`: each photo a valid R4 Media with the stored image (base64, size, SHA-1 hash), part
of its session's Procedure, on the area's SNOMED body site; photos of no exported session by the export's days; a
voided photo entered-in-error without its image; and no photos at all unless asked."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.media import Media

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue
from clinic_log.services.clinic.clinic_settings import save_settings
from clinic_log.services.exchange.exporter import export_sessions
from clinic_log.services.photos.photos import add_photos, original, void_photo
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import Clinic, clinic_with_photo_consent, session_entry
from tests.unit.services.photos.photo_files import plain

SNOMED = "http://snomed.info/sct"
SESSION_AT = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
NEXT_DAY = datetime(2026, 7, 2, 11, 0, tzinfo=UTC)
LATER = datetime(2026, 8, 10, 11, 0, tzinfo=UTC)


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    save_settings(db, owner, {"fhir.identifier_system": "https://clinic.example/fhir"})
    return clinic_with_photo_consent(db, owner)


def photo(db: Database, actor: Actor, path: Path, taken: datetime, **kwargs: Any) -> int:
    [added] = add_photos(db, actor, "P-1", [path], taken=taken, **kwargs).files
    assert added.photo_id is not None, added.problem
    return added.photo_id


def export(db: Database, owner: Actor, out: Path, **kwargs: Any) -> dict[str, Any]:
    count = export_sessions(db, owner, "fhir", out, **kwargs)
    raw = out.read_text(encoding="utf-8")
    bundle = Bundle.model_validate_json(raw)  # every Media validates as R4 (R4B's Media is R4's)
    assert len(bundle.entry or []) == count
    loaded: dict[str, Any] = json.loads(raw)
    return loaded


def media(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Media resources by the photo id of their identifier."""
    return {e["resource"]["identifier"][0]["value"]: e["resource"] for e in bundle.get("entry", [])
            if e.get("resource", {}).get("resourceType") == "Media"}


def full_url(bundle: dict[str, Any], kind: str) -> list[str]:
    return [e["fullUrl"] for e in bundle["entry"] if e.get("resource", {}).get("resourceType") == kind]


def test_a_session_photo_is_a_media_part_of_its_procedure_with_the_stored_image_and_its_sha1(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    session_id = log_session(db, clinic.derm, session_entry(clinic, started_at=SESSION_AT), sign=True).id
    photo_id = photo(db, clinic.derm, plain(tmp_path / "a.png", "PNG", (90, 60)), SESSION_AT,
                     session_id=session_id, area="cheeks", view="left45")
    bundle = export(db, owner, tmp_path / "b.json", with_photos=True)
    [(key, m)] = media(bundle).items()
    stored = original(db, owner, photo_id).data
    assert key == str(photo_id) and Media.model_validate(m).status == "completed"
    assert m["partOf"] == [{"reference": full_url(bundle, "Procedure")[0]}]
    assert m["subject"] == {"reference": full_url(bundle, "Patient")[0]}
    assert m["type"]["coding"][0]["code"] == "image" and m["modality"]["coding"][0]["code"] == "XC"
    assert m["view"] == {"text": "Left 45°"}
    assert datetime.fromisoformat(m["createdDateTime"]) == SESSION_AT
    assert [c["code"] for c in m["bodySite"]["coding"] if c["system"] == SNOMED] == ["60819002"]  # cheek
    content = m["content"]
    assert base64.b64decode(content["data"]) == stored
    assert content["size"] == len(stored) and content["contentType"] == "image/png"
    assert base64.b64decode(content["hash"]) == hashlib.sha1(stored).digest()
    assert (m["width"], m["height"]) == (90, 60) and content["title"].startswith("Left 45° photo, taken 2026-07-0")


def test_without_the_flag_no_photo_leaves(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    session_id = log_session(db, clinic.derm, session_entry(clinic, started_at=SESSION_AT), sign=True).id
    photo(db, clinic.derm, plain(tmp_path / "a.png", "PNG"), SESSION_AT, session_id=session_id)
    bundle = export(db, owner, tmp_path / "b.json")
    assert media(bundle) == {} and "image/png" not in json.dumps(bundle)


def test_photos_of_no_exported_session_go_by_the_export_days_and_a_voided_one_carries_no_image(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    log_session(db, clinic.derm, session_entry(clinic, started_at=SESSION_AT), sign=True)
    draft_id = log_session(db, clinic.derm, session_entry(clinic, started_at=NEXT_DAY), sign=False).id
    loose = photo(db, clinic.derm, plain(tmp_path / "loose.png", "PNG", color=(0, 90, 0)), NEXT_DAY)
    of_draft = photo(db, clinic.derm, plain(tmp_path / "draft.png", "PNG", color=(90, 0, 90)), NEXT_DAY,
                     session_id=draft_id)
    voided = photo(db, clinic.derm, plain(tmp_path / "wrong.png", "PNG", color=(9, 9, 9)), NEXT_DAY)
    void_photo(db, owner, voided, "another client's face", 1)
    photo(db, clinic.derm, plain(tmp_path / "later.png", "PNG", color=(200, 200, 0)), LATER)  # after the range
    bundle = export(db, owner, tmp_path / "b.json", with_photos=True, date_from=date(2026, 6, 30),
                    date_to=date(2026, 7, 5))
    found = media(bundle)
    assert set(found) == {str(loose), str(of_draft), str(voided)}
    assert all("partOf" not in m for m in found.values())  # a draft never leaves, so neither does its link
    assert found[str(voided)]["status"] == "entered-in-error" and "data" not in found[str(voided)]["content"]
    assert {"text": "Voided: another client's face"} in found[str(voided)]["note"]
    assert found[str(loose)]["status"] == "completed" and found[str(loose)]["content"]["data"]


def test_a_client_with_photos_but_no_session_in_the_range_is_still_a_patient_of_the_bundle(
        db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    photo(db, clinic.derm, plain(tmp_path / "a.png", "PNG"), NEXT_DAY)
    bundle = export(db, owner, tmp_path / "b.json", with_photos=True)
    [m] = media(bundle).values()
    assert full_url(bundle, "Patient") == [m["subject"]["reference"]]


def test_photos_are_refused_in_csv_and_json(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    for fmt in ("csv", "json"):
        with pytest.raises(InvalidValue, match="fhir format"):
            export_sessions(db, owner, fmt, tmp_path / f"s.{fmt}", with_photos=True)
        assert not (tmp_path / f"s.{fmt}").exists()
