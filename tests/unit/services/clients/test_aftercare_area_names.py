"""Wherever treated areas are listed, the site is named with its indication beside it, the tip by name and the
RF energy with the device's unit: the session detail, the aftercare sheet, the timeline, subject access, recall."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.values import AreaInput
from clinic_log.services.clients.aftercare import aftercare_sheet, render_aftercare
from clinic_log.services.clients.timeline import client_timeline
from clinic_log.services.devices import devices
from clinic_log.services.exchange.subject_access import export_client
from clinic_log.services.review.recall import recall_lot
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import Clinic, make_clinic, session_entry

NAME = "Cheeks — acne scars (atrophic)"
TIP = "Morpheus8 Facial (24 pins) tip"


@pytest.fixture
def treated(db: Database, owner: Actor) -> tuple[Clinic, int]:
    clinic = make_clinic(db, owner)
    rf = devices.add_device(db, owner, "Morpheus8", "M8-1")
    saved = log_session(db, clinic.derm, session_entry(
        clinic, AreaInput("cheeks", 1.5, 2, rf_energy=30, indication="acne_scars", tip="facial"),
        device_id=rf.id), sign=True)
    return clinic, saved.id


def test_the_session_detail_names_site_indication_tip_and_energy(db: Database, treated: tuple[Clinic, int]) -> None:
    (area,) = get_session(db, treated[1]).areas
    assert (area.area_code, area.indication, area.tip) == ("cheeks", "acne_scars", "facial")
    assert (area.name, area.tip_text, area.energy) == (NAME, TIP, "30 level")
    assert area.summary == f"{NAME} 1.5 mm × 2, {TIP}, 30 level"


def test_the_aftercare_sheet_names_the_area_with_its_indication_and_no_device_settings(
        db: Database, owner: Actor, treated: tuple[Clinic, int], tmp_path: Path) -> None:
    """The client's sheet says where and why; the tip and the energy setting are the clinic's record (session
    detail, exports), not words for the client, and with them six RF areas pushed the sheet onto a second page."""
    (area,) = aftercare_sheet(db, treated[1]).areas
    assert area.label == NAME
    _, pdf = render_aftercare(db, owner, treated[1])
    (tmp_path / "a.pdf").write_bytes(pdf)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(tmp_path / "a.pdf").pages).split())
    assert "acne scars (atrophic)" in text and "30 level" not in text and "Facial (24 pins)" not in text


def test_timeline_subject_access_and_recall_name_the_indication(
        db: Database, owner: Actor, treated: tuple[Clinic, int], tmp_path: Path) -> None:
    clinic, _ = treated
    (session,) = client_timeline(db, owner, clinic.client_id).sessions
    (area,) = session.areas
    assert (area.label, area.tip, area.energy) == (NAME, TIP, "30 level")
    export_client(db, owner, "P-1", "json", tmp_path / "p.json")
    data: dict[str, Any] = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    rows = [row for row in _walk(data) if row.get("area_code") == "cheeks"]
    assert rows and rows[0]["area"] == NAME and rows[0]["tip_used"] == TIP and rows[0]["rf_energy_shown"] == "30 level"
    (recalled,) = recall_lot(db, owner, "SP14-1")
    assert (recalled.area, recalled.indication, recalled.area_name) == ("cheeks", "acne_scars", NAME)


def _walk(node: object) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node, *(row for value in node.values() for row in _walk(value))]
    if isinstance(node, list):
        return [row for value in node for row in _walk(value)]
    return []
