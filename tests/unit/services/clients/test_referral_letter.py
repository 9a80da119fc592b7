"""The referral letter printed from a referral decision: addressed to whom it was referred, the client's name in
its own script's order with date of birth, the reason and the clinic's contact; each print and save audited against
the client; only a referral has one."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.services.clients import clients
from clinic_log.services.clients.referral_letter import render_referral, save_referral
from clinic_log.services.clinic.clinic_settings import save_settings
from clinic_log.services.exchange.subject_access import collect_client_data
from clinic_log.services.sessions.decisions import DecisionInput, record_decision

RECEPTION = Actor("desk", UserRole.RECEPTION)
TODAY = date(2026, 6, 1)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


def _referral(db: Database, owner: Actor, given: str = "Zofia", family: str = "Łukasiewicz") -> tuple[int, int]:
    cid = clients.create_client(db, owner, clients.ClientDetails("P-7", given, family, date(1990, 3, 14))).id
    decision = record_decision(db, owner, cid, DecisionInput(
        "referral", "suspicious pigmented lesion on the left cheek", referred_to="Dr Anna Weiss, dermatologist"),
        TODAY)
    return cid, decision


def test_the_letter_names_the_specialist_the_client_the_reason_and_the_clinic(db: Database, owner: Actor) -> None:
    save_settings(db, owner, {"clinic.name": "Skin Studio Berlin", "clinic.phone": "+49 30 1234567"})
    _, decision = _referral(db, owner)
    name, pdf = render_referral(db, RECEPTION, decision)
    text = _text(pdf)
    assert name == f"referral-P-7-{date.today():%Y-%m-%d}.pdf"
    for words in ("To Dr Anna Weiss, dermatologist", "Client Zofia Łukasiewicz", "14 March 1990",
                  "suspicious pigmented lesion on the left cheek", "Skin Studio Berlin", "+49 30 1234567",
                  "Referral letter · Client P-7 · Page 1 of 1"):
        assert words in text


def test_a_chinese_name_prints_family_name_first(db: Database, owner: Actor) -> None:
    _, decision = _referral(db, owner, "娜", "李")
    assert "李娜" in _text(render_referral(db, owner, decision)[1])


def test_each_print_and_save_is_audited_against_the_client(db: Database, owner: Actor, tmp_path: Path) -> None:
    cid, decision = _referral(db, owner)
    render_referral(db, RECEPTION, decision)
    out = tmp_path / "letter.pdf"
    save_referral(db, owner, decision, out)
    assert out.read_bytes().startswith(b"%PDF") and oct(out.stat().st_mode & 0o777) == "0o600"
    with db.reading() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action.in_(("printed", "saved")))
                               .order_by(AuditEntry.id)).all()
        got = [(r.actor, r.action, r.entity, r.entity_id, json.loads(r.detail)["kind"]) for r in rows]
    assert got == [("desk", "printed", "client", str(cid), "referral letter"),
                   ("owner", "saved", "client", str(cid), "referral letter")]
    exported = collect_client_data(db, owner, "P-7").tables["audit_log"]
    assert [r["action"] for r in exported if "referral letter" in str(r.get("detail"))] == ["printed", "saved"]


def test_only_a_referral_has_a_letter_and_a_bad_target_writes_nothing(db: Database, owner: Actor,
                                                                     tmp_path: Path) -> None:
    cid, decision = _referral(db, owner)
    deferral = record_decision(db, owner, cid, DecisionInput("defer", "acne flare", review_on=date(2026, 9, 1)),
                               TODAY)
    with pytest.raises(InvalidValue, match="only a referral has a letter"):
        render_referral(db, owner, deferral)
    with pytest.raises(NotFound, match="decision 999"):
        render_referral(db, owner, 999)
    folder = tmp_path / "letters"
    folder.mkdir()
    with pytest.raises(InvalidValue, match="output"):
        save_referral(db, owner, decision, folder)  # a folder, not a file
    with pytest.raises(InvalidValue, match="output"):
        save_referral(db, owner, decision, tmp_path / "missing" / "letter.pdf")
    assert list(folder.iterdir()) == []
