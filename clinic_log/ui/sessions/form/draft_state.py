"""A saved draft session as the session form's state, so a draft can be opened in the form and finished.

The mapping is the reverse of what the form's sections produce (see SessionFormDialog.state and each section's
state()); a test checks that a draft opened and saved again keeps every value.
"""

from __future__ import annotations

from clinic_log.services.sessions.session_form_state import (
    AreaRowState,
    ComplicationRowState,
    ProductsState,
    SessionFormState,
    typed_number,
)
from clinic_log.services.sessions.session_views import AreaView, SessionDetail
from clinic_log.ui.sessions.form.products_section import NUMBING, PRP


def _typed(value: float | int | None) -> str:
    """A stored number as the form's fields show it typed ("0.75", "3"; "" for none)."""
    return "" if value is None else typed_number(value)


def _products(detail: SessionDetail) -> ProductsState:
    numbing, prp, serum = False, False, ""
    contact: str | None = None  # no numbing cream: the field keeps its default
    others: list[str] = []
    for product in detail.products:
        if product.name == NUMBING:
            numbing = True
            contact = _typed(product.contact_minutes)  # "" for none
        elif product.name == PRP:
            prp = True
        elif not serum:
            serum = product.name
        else:
            others.append(product.name)
    return ProductsState(numbing=numbing, contact_minutes=contact, serum=serum, prp=prp, other=", ".join(others))


def _area(area: AreaView) -> AreaRowState:
    """An area row's state. The indication and tip are read only where the stored view carries them (a view from
    before they were stored has neither: the row then opens without them)."""
    return AreaRowState(area.area_code, depth_mm=_typed(area.depth_mm), passes=_typed(area.passes),
                        technique=area.technique, endpoint=area.endpoint or "", rf_energy=_typed(area.rf_energy),
                        indication=getattr(area, "indication", None), tip=getattr(area, "tip", None))


def form_state(detail: SessionDetail) -> SessionFormState:
    """The form state that shows `detail` (a draft) for editing; saving it replaces that draft."""
    return SessionFormState(
        session_id=detail.id, session_version=detail.version,
        started_at=detail.started_at.astimezone().strftime("%Y-%m-%dT%H:%M:%S"),  # shown as the form writes it
        practitioner_id=detail.practitioner_id, supervisor_id=detail.supervisor_id,
        supervisor_presence=detail.supervisor_presence, device_id=detail.device_id,
        cartridge_lot=detail.lot_number or "",
        lot_expires=detail.lot_expires.isoformat() if detail.lot_expires else None,
        areas=tuple(_area(a) for a in detail.areas),
        products=_products(detail),
        course_index=_typed(detail.course_index), course_total=_typed(detail.course_total),
        skin_response=detail.skin_response or "",
        complications=tuple(ComplicationRowState(c.code, c.grade, c.expected, c.relatedness, c.action or "")
                            for c in detail.complications),
        notes=detail.notes or "",
    )
