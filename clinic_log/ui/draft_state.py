"""A saved draft session as the session form's state, so a draft can be opened in the form and finished.

The mapping is the reverse of what the form's sections produce (see SessionFormDialog.state and each section's
state()); a test checks that a draft opened and saved again keeps every value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clinic_log.services.session_views import AreaView, SessionDetail
from clinic_log.ui.number_field import number_text
from clinic_log.ui.products_section import NUMBING, PRP


def _typed(value: float | int | None) -> str:
    """A stored number as the form's fields show it typed ("0.75", "3"; "" for none)."""
    return "" if value is None else number_text(Decimal(repr(value)))


def _products(detail: SessionDetail) -> dict[str, Any]:
    state: dict[str, Any] = {"numbing": False, "serum": "", "prp": False, "other": ""}
    others: list[str] = []
    for product in detail.products:
        if product.name == NUMBING:
            state["numbing"] = True
            if product.contact_minutes is not None:
                state["contact"] = _typed(product.contact_minutes)
        elif product.name == PRP:
            state["prp"] = True
        elif not state["serum"]:
            state["serum"] = product.name
        else:
            others.append(product.name)
    state["other"] = ", ".join(others)
    return state


def _area(area: AreaView) -> dict[str, Any]:
    """An area row's state. The indication and tip are read only where the stored view carries them (a view from
    before they were stored has neither: the row then opens without them)."""
    return {"code": area.area_code, "depth": _typed(area.depth_mm), "passes": _typed(area.passes),
            "technique": area.technique, "endpoint": area.endpoint or "", "rf_energy": _typed(area.rf_energy),
            "indication": getattr(area, "indication", None), "tip": getattr(area, "tip", None)}


def form_state(detail: SessionDetail) -> dict[str, Any]:
    """The form state that shows `detail` (a draft) for editing; saving it replaces that draft."""
    return {
        "session_id": detail.id, "version": detail.version,
        "started_at": detail.started_at.astimezone().strftime("%Y-%m-%dT%H:%M:%S"),
        "practitioner_id": detail.practitioner_id, "supervisor_id": detail.supervisor_id,
        "presence": detail.supervisor_presence, "device_id": detail.device_id,
        "lot": detail.lot_number or "",
        "lot_expires": detail.lot_expires.isoformat() if detail.lot_expires else None,
        "areas": [_area(a) for a in detail.areas],
        "products": _products(detail),
        "course": [detail.course_index or 0, detail.course_total or 0],
        "skin_response": detail.skin_response or "",
        "complications": [{"code": c.code, "grade": c.grade, "expected": c.expected, "related": c.relatedness,
                           "action": c.action or ""} for c in detail.complications],
        "notes": detail.notes or "",
        "reason": "",
    }
