"""The pre-treatment sheet (issue 17, "Before treatment"): what to stop and when, RF lines only for RF, a bold line
per finding of the client's (cold sores, isotretinoin until its date, blood thinners), one page, names in their own
script, a versioned template, and every print and save in the audit log where the client's data export finds it."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, PretreatmentTemplate
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, NotFound, PermissionDenied
from clinic_log.domain.values import AreaInput
from clinic_log.domain.windows import add_window
from clinic_log.services.clients import clients
from clinic_log.services.clients.pretreatment import (
    latest_pretreatment_template,
    render_pretreatment,
    save_pretreatment,
    save_pretreatment_template,
    validate_pretreatment_body,
)
from clinic_log.services.clinic.clinic_settings import read_settings, save_settings
from clinic_log.services.devices import devices
from clinic_log.services.exchange.subject_access import collect_client_data
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import make_clinic, session_entry

RECEPTION = Actor("desk", UserRole.RECEPTION)


def _pages(pdf: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in _pages(pdf)).split())


def _client(db: Database, owner: Actor, ref: str = "P-7", given: str = "Zofia", family: str = "Łukasiewicz") -> int:
    return clients.create_client(db, owner, clients.ClientDetails(ref, given, family, date(1990, 1, 1))).id


def test_everyone_reads_what_to_stop_and_when(db: Database, owner: Actor) -> None:
    _client(db, owner)
    name, pdf = render_pretreatment(db, RECEPTION, "P-7")
    text = _text(pdf)
    assert name == f"pretreatment-P-7-{date.today():%Y-%m-%d}.pdf"
    for words in ("Before your microneedling treatment", "Zofia Łukasiewicz", "retinoids", "AHA/BHA",
                  "vitamin C serums", "3–5 days before", "6 months", "waxing, threading", "self-tan",
                  "Do not stop it yourself: only stop on your doctor's advice", "antiviral",
                  "clean skin and no make-up", "30–45 minutes", "like a sunburn, for 1–3 days",
                  "Pre-treatment template v1 · Client P-7 · Page 1 of 1"):
        assert words in text, words
    assert "pacemaker" not in text  # RF lines only for RF
    assert "For you" not in text  # nothing on the record: no personal box


def test_rf_sheet_asks_about_implants_and_mentions_grid_marks(db: Database, owner: Actor) -> None:
    _client(db, owner)
    _, pdf = render_pretreatment(db, owner, "P-7", modality="rf")
    text = _text(pdf)
    assert "pacemaker" in text and "gold threads" in text and "grid marks" in text
    assert "RF microneedling" in text


def test_the_clinics_name_and_phone_are_printed(db: Database, owner: Actor) -> None:
    _client(db, owner)
    settings = read_settings(db)
    save_settings(db, owner, {**settings, "clinic.name": "Skin Studio Kraków", "clinic.phone": "+48 12 345 67 89"})
    text = _text(render_pretreatment(db, owner, "P-7")[1])
    assert "Skin Studio Kraków" in text and "+48 12 345 67 89" in text


def test_each_finding_of_the_client_adds_its_own_line(db: Database, owner: Actor) -> None:
    cid = _client(db, owner)
    last_dose = date.today() - timedelta(days=30)  # a time-bound finding's end date is the day it stopped
    clients.add_finding(db, owner, cid, "hsv_history", date.today() - timedelta(days=400))
    clients.add_finding(db, owner, cid, "isotretinoin", date.today() - timedelta(days=140), ends_on=last_dose)
    clients.add_finding(db, owner, cid, "anticoagulants", date.today())
    text = _text(render_pretreatment(db, owner, cid)[1])
    treat_from = add_window(last_dose, "6m")  # the same 6-month window the suitability check uses
    assert "For you" in text
    assert "You have had cold sores" in text
    assert f"We can treat you from {treat_from.day} {treat_from:%B %Y}" in text
    assert "You take a blood thinner" in text
    assert len(_pages(render_pretreatment(db, owner, cid, "rf")[1])) == 1  # still one page, RF lines and all


def test_isotretinoin_still_taken_says_six_months_after_the_last_dose(db: Database, owner: Actor) -> None:
    cid = _client(db, owner)
    clients.add_finding(db, owner, cid, "isotretinoin", date.today() - timedelta(days=10))
    text = _text(render_pretreatment(db, owner, cid)[1])
    assert "You are taking isotretinoin" in text and "6 months after your last dose" in text
    assert "We can treat you from" not in text


def test_an_isotretinoin_window_already_over_adds_nothing(db: Database, owner: Actor) -> None:
    cid = _client(db, owner)
    clients.add_finding(db, owner, cid, "isotretinoin", date(2024, 1, 1), ends_on=date(2024, 7, 1))
    text = _text(render_pretreatment(db, owner, cid)[1])
    assert "We can treat you from" not in text and "For you" not in text


@pytest.mark.parametrize(("given", "family", "printed"), [("娜", "李", "李娜"), ("Арина", "Соколова", "Арина Соколова"),
                                                          ("Şule", "Çelik", "Şule Çelik")])
def test_the_clients_name_prints_in_its_own_script_and_order(db: Database, owner: Actor, given: str, family: str,
                                                             printed: str) -> None:
    _client(db, owner, "P-9", given, family)
    assert printed in _text(render_pretreatment(db, owner, "P-9")[1])


def test_each_print_and_save_is_audited_and_listed_in_the_clients_data_export(db: Database, owner: Actor,
                                                                              tmp_path: Path) -> None:
    cid = _client(db, owner)
    render_pretreatment(db, RECEPTION, "P-7")
    out = tmp_path / "sheet.pdf"
    sheet = save_pretreatment(db, owner, "P-7", out, "rf")
    assert out.read_bytes().startswith(b"%PDF") and oct(out.stat().st_mode & 0o777) == "0o600"
    assert sheet.template_version == 1
    with db.reading() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "client",
                                                        AuditEntry.action.in_(("printed", "saved")))
                               .order_by(AuditEntry.id)).all()
        got = [(r.actor, r.action, r.entity_id, json.loads(r.detail)) for r in rows]
    assert got == [
        ("desk", "printed", str(cid), {"kind": "pre-treatment sheet", "template_version": 1, "modality": "mechanical"}),
        ("owner", "saved", str(cid), {"kind": "pre-treatment sheet", "template_version": 1, "modality": "rf"}),
    ]
    exported = collect_client_data(db, owner, "P-7").tables["audit_log"]
    assert [r["action"] for r in exported if "pre-treatment sheet" in str(r.get("detail"))] == ["printed", "saved"]


def test_a_new_template_version_is_printed_and_named_the_old_one_kept(db: Database, owner: Actor) -> None:
    _client(db, owner)
    body = dict(latest_pretreatment_template(db).body, version=2, title="Getting ready for your treatment")

    def add(session: Session) -> None:
        session.add(PretreatmentTemplate(version=2, body_json=json.dumps(body), created_at=datetime(2026, 1, 1),
                                         created_by="owner"))

    db.write(add)
    text = _text(render_pretreatment(db, owner, "P-7")[1])
    assert "Getting ready for your treatment" in text and "Pre-treatment template v2" in text
    with db.reading() as session:
        assert list(session.scalars(select(PretreatmentTemplate.version).order_by(PretreatmentTemplate.version))) \
            == [1, 2]


def test_an_unknown_client_or_modality_is_refused_and_nothing_written(db: Database, owner: Actor,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    with pytest.raises(NotFound, match="client NOPE not found"):
        save_pretreatment(db, owner, "NOPE", out)
    _client(db, owner)
    with pytest.raises(InvalidValue, match="modality"):
        save_pretreatment(db, owner, "P-7", out, "laser")
    assert not out.exists()


def test_the_sheet_follows_the_modality_of_the_clients_last_session(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    rf = devices.add_device(db, owner, "Morpheus8", "M8-1").id
    log_session(db, clinic.derm, session_entry(clinic, AreaInput("forehead", 1.0, 1), device_id=rf,
                                               cartridge_lot="M8T-1"), sign=True, reason="test")
    assert "pacemaker" in _text(render_pretreatment(db, owner, clinic.client_id)[1])


def test_the_owner_saves_a_new_version_the_old_one_stays(db: Database, owner: Actor) -> None:
    _client(db, owner)
    body = dict(latest_pretreatment_template(db).body, title="Getting your skin ready")
    saved = save_pretreatment_template(db, owner, body)
    assert saved.version == 2 and latest_pretreatment_template(db).body["title"] == "Getting your skin ready"
    assert "Pre-treatment template v2" in _text(render_pretreatment(db, owner, "P-7")[1])
    with db.reading() as session:
        first = session.scalar(select(PretreatmentTemplate.body_json).where(PretreatmentTemplate.version == 1))
    assert first is not None and json.loads(first)["title"] == "Before your microneedling treatment"


@pytest.mark.parametrize(("change", "field"), [
    ({"title": "  "}, "title"),
    ({"before": []}, "before"),
    ({"before": [{"when": "2 weeks before", "text": ""}]}, "before step 1"),
    ({"expect": {"mechanical": [{"when": "During", "text": "x"}]}}, "expect"),
    ({"findings": {"hsv_history": ""}}, "findings hsv_history"),
    ({"findings": {"not_a_code": "Some line"}}, "findings not_a_code"),
    ({"call_us": None}, "call_us"),
])
def test_a_bad_template_is_refused_naming_the_field_and_nothing_stored(db: Database, owner: Actor,
                                                                       change: dict[str, object], field: str) -> None:
    body = {**latest_pretreatment_template(db).body, **change}
    with pytest.raises(InvalidValue) as refused:
        save_pretreatment_template(db, owner, body)
    assert str(refused.value).startswith(f"{field}:")
    assert latest_pretreatment_template(db).version == 1


def test_reception_may_print_but_not_change_the_template(db: Database) -> None:
    with pytest.raises(PermissionDenied):
        save_pretreatment_template(db, RECEPTION, latest_pretreatment_template(db).body)


def test_the_shipped_template_passes_its_own_checks(db: Database) -> None:
    validate_pretreatment_body(latest_pretreatment_template(db).body)
