"""Aftercare templates are versioned: an edit adds a version, printed sheets say which one they used."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.domain.values import AreaInput, ComplicationInput
from clinic_log.services.clients.aftercare import render_aftercare
from clinic_log.services.clinic.templates import (
    complication_paragraphs,
    latest_template,
    save_template,
    template_versions,
)
from clinic_log.services.devices import devices
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import make_clinic, session_entry


def test_editing_the_template_adds_a_version_and_keeps_the_old_one(db: Database, owner: Actor) -> None:
    first = latest_template(db)
    body = dict(first.body)
    body["call_us"] = "Ring us day or night if anything worries you."
    second = save_template(db, owner, body)
    assert (first.version, second.version) == (3, 4)
    assert [v.body["call_us"] for v in template_versions(db)] == [first.body["call_us"], body["call_us"]]


def test_printed_sheet_uses_and_names_the_latest_version(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    body = dict(latest_template(db).body)
    body["call_us"] = "Ring us day or night if anything worries you."
    save_template(db, owner, body)
    sheet, pdf = render_aftercare(db, Actor("desk", UserRole.RECEPTION), saved.id)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert sheet.template_version == 4 and "Template v4" in text
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


def _pdf_text(pdf: bytes) -> str:
    """The sheet's text with line breaks folded to spaces (paragraphs wrap)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_an_edited_complication_paragraph_is_a_new_version_and_prints_on_the_next_sheet(
        db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic, complications=(ComplicationInput("erythema", 1),)),
                        sign=True)
    desk = Actor("desk", UserRole.RECEPTION)
    before = latest_template(db)
    _, first_pdf = render_aftercare(db, desk, saved.id)
    assert "Redness like a mild sunburn" in _pdf_text(first_pdf)

    body = dict(before.body, complications=dict(before.body["complications"],
                                                erythema="Expect pink skin for two days; cool water helps."))
    after = save_template(db, owner, body)

    assert after.version == before.version + 1
    assert template_versions(db)[-2].body["complications"]["erythema"].startswith("Redness like")  # kept
    sheet, pdf = render_aftercare(db, desk, saved.id)
    text = _pdf_text(pdf)
    assert sheet.template_version == after.version and f"Template v{after.version}" in text
    assert "Expect pink skin for two days; cool water helps." in text
    assert "Redness like a mild sunburn" not in text


def test_a_complication_the_template_lacks_prints_the_types_own_instructions(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic, complications=(ComplicationInput("pih", 2),)),
                        sign=True)
    body = dict(latest_template(db).body)
    body["complications"] = {k: v for k, v in body["complications"].items() if k != "pih"}
    save_template(db, owner, body)
    _, pdf = render_aftercare(db, owner, saved.id)
    assert "Use SPF 30+ every day, re-applied through the day, and avoid all sun exposure" in _pdf_text(pdf)


def test_an_rf_session_prints_the_rf_timeline(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    rf_device = devices.add_device(db, owner, "Morpheus8", "M8-1")
    rf_areas = (AreaInput("forehead", 1.0, 2), AreaInput("cheeks", 1.5, 1))  # inside the areas' RF ranges
    saved = log_session(db, clinic.derm, session_entry(clinic, *rf_areas, device_id=rf_device.id,
                                                       cartridge_lot="M8T-1"), sign=True)
    mechanical = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    rf_first_step = latest_template(db).body["modalities"]["rf"][0]["text"]
    assert "grid marks" in rf_first_step

    rf_text = _pdf_text(render_aftercare(db, owner, saved.id)[1])
    mechanical_text = _pdf_text(render_aftercare(db, owner, mechanical.id)[1])

    assert "small grid marks from the tips" in rf_text and "head slightly raised" in rf_text
    assert "grid marks" not in mechanical_text and "Your skin will be red, like a sunburn" in mechanical_text


@pytest.mark.parametrize(("change", "field"), [
    ({"complications": {"erythema": "  "}}, "complication erythema"),
    ({"complications": ["erythema"]}, "complications"),
    ({"complications": {"no_such_thing": "Text."}}, "complication no_such_thing"),
    ({"modalities": {"mechanical": [{"when": "Day 0", "text": "x"}]}}, "modalities"),
    ({"modalities": {"mechanical": ["Day 0"], "rf": [{"when": "Day 0", "text": "x"}]}}, "mechanical step 1"),
])
def test_a_wrong_template_field_is_named(db: Database, owner: Actor, change: dict[str, object], field: str) -> None:
    body = dict(latest_template(db).body, **change)
    with pytest.raises(InvalidValue) as raised:
        save_template(db, owner, body)
    assert raised.value.field == field
    assert len(template_versions(db)) == 1


def test_complication_paragraphs_show_the_template_text_or_the_fallback(db: Database, owner: Actor) -> None:
    body = dict(latest_template(db).body)
    body["complications"] = {"granuloma": "Our own granuloma paragraph."}
    version = save_template(db, owner, body)
    by_code = {p.code: p for p in complication_paragraphs(db, version)}
    assert by_code["granuloma"].text == "Our own granuloma paragraph." and by_code["granuloma"].from_template
    assert by_code["scarring"].text.startswith("Please book a physician review")
    assert not by_code["scarring"].from_template
    assert by_code["pih"].label == "Post-inflammatory hyperpigmentation"
