"""Aftercare templates are versioned: an edit adds a version, printed sheets say which one they used."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.services.aftercare import render_aftercare
from clinic_log.services.sessions import log_session
from clinic_log.services.templates import latest_template, save_template, template_versions
from tests.unit.services.helpers import make_clinic, session_entry


def test_editing_the_template_adds_a_version_and_keeps_the_old_one(db: Database, owner: Actor) -> None:
    first = latest_template(db)
    body = dict(first.body)
    body["call_us"] = "Ring us day or night if anything worries you."
    second = save_template(db, owner, body)
    assert (first.version, second.version) == (1, 2)
    assert [v.body["call_us"] for v in template_versions(db)] == [first.body["call_us"], body["call_us"]]


def test_printed_sheet_uses_and_names_the_latest_version(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    body = dict(latest_template(db).body)
    body["call_us"] = "Ring us day or night if anything worries you."
    save_template(db, owner, body)
    sheet, pdf = render_aftercare(db, Actor("desk", UserRole.RECEPTION), saved.id)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert sheet.template_version == 2 and "Template v2" in text
    assert "Ring us day or night" in text and "Zofia Łukasiewicz" in text


def test_only_the_owner_edits_templates_and_empty_steps_are_refused(db: Database, owner: Actor) -> None:
    body = dict(latest_template(db).body)
    with pytest.raises(PermissionDenied):
        save_template(db, Actor("desk", UserRole.RECEPTION), body)
    body["modalities"] = {"mechanical": [{"when": "Day 0", "text": ""}], "rf": body["modalities"]["rf"]}
    with pytest.raises(InvalidValue, match="mechanical step 1"):
        save_template(db, owner, body)


def test_a_template_without_a_title_is_refused(db: Database, owner: Actor) -> None:
    body = dict(latest_template(db).body, title=" ")
    with pytest.raises(InvalidValue, match="title"):
        save_template(db, owner, body)
