"""The read models a session is shown through: one summary line per treated area (site, indication, depth, passes,
tip, energy) and one status line (void, draft, signed, countersigned or still awaiting it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from clinic_log.services.sessions.session_views import AreaView, SessionDetail

SIGNED_AT = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def _area(**changes: object) -> AreaView:
    plain = AreaView(1, "cheeks", "Cheeks", 1.75, 2, None, None, None)
    return replace(plain, **changes)  # type: ignore[arg-type]


def test_a_plain_area_reads_as_site_depth_and_passes() -> None:
    area = _area()
    assert area.summary == "Cheeks 1.75 mm × 2"
    assert (area.name, area.tip_text, area.energy) == ("Cheeks", None, None)


def test_an_rf_area_reads_with_its_indication_tip_and_energy_in_the_devices_unit() -> None:
    area = _area(indication="acne_scars", indication_label="Acne scars (atrophic)", tip="facial",
                 tip_label="Facial (24 pins)", device_model="Morpheus8", rf_energy=30.0, energy_unit="level")
    assert area.summary == "Cheeks — acne scars (atrophic) 1.75 mm × 2, Morpheus8 Facial (24 pins) tip, 30 level"
    assert _area(tip="prime").tip_text == "prime tip"  # a tip the reference list no longer names: its code
    assert _area(rf_energy=12.5).energy == "12.5"


def _detail(**changes: object) -> SessionDetail:
    signed = SessionDetail(
        id=7, status="signed", started_at=SIGNED_AT, client_id=1, client_ref="P-1", client_name="Zofia",
        client_date_of_birth=None, practitioner_id=2, practitioner_name="Jane Doyle", supervisor_id=None,
        supervisor_name=None, supervisor_presence=None, device_id=None, device_model=None, device_serial=None,
        modality=None, lot_number=None, lot_expires=None, course_index=None, course_total=None, skin_response=None,
        notes=None, signed_by="jdoyle", signed_at=SIGNED_AT, countersigned_by=None, countersigned_at=None, areas=(),
        products=(), complications=(), warnings=(), amendments=())
    return replace(signed, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(("changes", "line", "awaiting"), [
    ({"status": "draft", "signed_by": None}, "Draft (not signed)", False),
    ({}, "Signed by jdoyle", False),
    ({"supervisor_id": 3, "supervisor_name": "Dr Maria Brandt"},
     "Signed by jdoyle; awaiting countersignature by Dr Maria Brandt", True),
    ({"supervisor_id": 3, "supervisor_name": "Dr Maria Brandt", "countersigned_by": "mbrandt"},
     "Signed by jdoyle, countersigned by mbrandt", False),
    ({"supervisor_id": 3, "voided_by": "owner", "voided_at": SIGNED_AT, "void_reason": "wrong client"},
     "VOID — voided by owner: wrong client", False),
])
def test_the_status_line_says_what_the_session_is_and_what_it_still_needs(changes: dict[str, object], line: str,
                                                                           awaiting: bool) -> None:
    detail = _detail(**changes)
    assert detail.status_text == line
    assert detail.awaiting_countersignature is awaiting
    assert detail.is_void is ("voided_at" in changes)
