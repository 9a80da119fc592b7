"""What the chairside session form holds (every field as typed, valid or not), typed and versioned, and its JSON.

The form's autosave and a draft opened for editing both travel as a `SessionFormState`. Field names are the
domain's (`SessionInput`, `AreaInput`…). `from_json` also reads the untyped dicts the form stored before the state
had a version (version 1: "lot", "presence", "course": [index, total], numbers where text is typed now) and refuses
a state written by a newer version of the app with `UnreadableFormState`, which says so in one line.
Area codes are kept as stored: a legacy code ("acne_scars") is read as a site and indication by the form, which
knows the reference data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from clinic_log.domain.errors import DomainError

STATE_VERSION = 2
VERSION_KEY = "state_version"  # version 1 had none; its "version" key was the stored session's row version


class UnreadableFormState(DomainError):
    """A stored form state this version of the app cannot read."""


def typed_number(value: float | int) -> str:
    """A number as the form's fields show it typed: 0.4 as "0.4", 30.0 as "30" (no exponent, no trailing zeros)."""
    number = Decimal(repr(value)).normalize()
    return format(number, "f") if number else "0"


@dataclass(frozen=True)
class AreaRowState:
    """One area row. A None text was not stored (an older state): the row keeps its default there."""

    area_code: str
    depth_mm: str | None = None
    passes: str | None = None
    technique: str | None = None
    endpoint: str = ""
    rf_energy: str | None = None
    indication: str | None = None
    tip: str | None = None
    notes: tuple[tuple[str, str], ...] = ()  # (kind, text): what the form did to the row ("legacy", "tip")


@dataclass(frozen=True)
class ProductsState:
    """The products section: numbing cream and its contact time, one serum, PRP, other products comma-separated."""

    numbing: bool = False
    contact_minutes: str | None = None
    serum: str = ""
    prp: bool = False
    other: str = ""


@dataclass(frozen=True)
class ComplicationRowState:
    code: str | None = None
    grade: int | None = None
    expected: bool | None = None
    relatedness: str | None = None
    action: str = ""


@dataclass(frozen=True)
class SessionFormState:
    """Everything typed in the session form. None texts were not stored: the form keeps what it shows there."""

    session_id: int | None = None  # the stored draft session the form edits, if any
    session_version: int | None = None  # of that draft, named when saving or signing it again
    started_at: str | None = None
    practitioner_id: int | None = None
    supervisor_id: int | None = None
    supervisor_presence: str | None = None
    device_id: int | None = None
    cartridge_lot: str = ""
    lot_expires: str | None = None  # None: not set
    areas: tuple[AreaRowState, ...] = ()
    products: ProductsState = field(default_factory=ProductsState)
    course_index: str | None = None
    course_total: str | None = None
    skin_response: str = ""
    complications: tuple[ComplicationRowState, ...] = ()
    notes: str = ""
    reason: str = ""  # the reason typed for going ahead with warnings
    version: int = STATE_VERSION

    def to_json(self) -> dict[str, Any]:
        """JSON-able values, as the form draft stores them."""
        return {
            VERSION_KEY: self.version,
            "session_id": self.session_id, "session_version": self.session_version, "started_at": self.started_at,
            "practitioner_id": self.practitioner_id, "supervisor_id": self.supervisor_id,
            "supervisor_presence": self.supervisor_presence, "device_id": self.device_id,
            "cartridge_lot": self.cartridge_lot, "lot_expires": self.lot_expires,
            "areas": [{"area_code": a.area_code, "depth_mm": a.depth_mm, "passes": a.passes,
                       "technique": a.technique, "endpoint": a.endpoint, "rf_energy": a.rf_energy,
                       "indication": a.indication, "tip": a.tip, "notes": dict(a.notes)} for a in self.areas],
            "products": {"numbing": self.products.numbing, "contact_minutes": self.products.contact_minutes,
                         "serum": self.products.serum, "prp": self.products.prp, "other": self.products.other},
            "course_index": self.course_index, "course_total": self.course_total,
            "skin_response": self.skin_response,
            "complications": [{"code": c.code, "grade": c.grade, "expected": c.expected,
                               "relatedness": c.relatedness, "action": c.action} for c in self.complications],
            "notes": self.notes, "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: object) -> SessionFormState:
        """The state stored as `data`: this version's, or an older one's (read leniently: a value of the wrong
        kind is left out, as if not stored). A newer version's raises UnreadableFormState."""
        if not isinstance(data, Mapping):
            raise UnreadableFormState(f"the stored form is not a form state (it is {type(data).__name__})")
        version = data.get(VERSION_KEY, 1)
        if not _is_int(version) or version < 1:
            raise UnreadableFormState(f"the stored form names an unknown state version {version!r}")
        if version > STATE_VERSION:
            raise UnreadableFormState(f"the stored form was written by a newer version of Clinic Log (form state "
                                      f"version {version}; this one reads up to {STATE_VERSION})")
        return _read(data, old=version == 1)


# --- reading -------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _text(value: object) -> str:
    """A text that is shown whatever it held ("" for none), as the form's `str(value or "")` did."""
    return str(value or "")


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _typed(value: object) -> str | None:
    """A number field's text: the text typed, or a number an older version stored; None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return typed_number(value)
    return None


def _maps(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _notes(value: object) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in value.items()) if isinstance(value, Mapping) else ()


def _area(row: Mapping[str, Any], old: bool) -> AreaRowState:
    energy = row.get("rf_energy")
    if old and not isinstance(energy, str) and energy == 0:
        energy = ""  # version 1 before typed text: the spin box showed 0 as "—", no energy
    return AreaRowState(
        area_code=str(row.get("code" if old else "area_code")),
        depth_mm=_typed(row.get("depth" if old else "depth_mm")), passes=_typed(row.get("passes")),
        technique=_opt_str(row.get("technique")), endpoint=_text(row.get("endpoint")), rf_energy=_typed(energy),
        indication=_opt_str(row.get("indication")), tip=_opt_str(row.get("tip")), notes=_notes(row.get("notes")))


def _products(value: object, old: bool) -> ProductsState:
    data = value if isinstance(value, Mapping) else {}
    numbing = bool(data.get("numbing"))
    contact = _typed(data.get("contact" if old else "contact_minutes"))
    if contact is None and numbing:
        contact = ""  # a draft's numbing cream without a contact time
    return ProductsState(numbing=numbing, contact_minutes=contact, serum=_text(data.get("serum")),
                         prp=bool(data.get("prp")), other=_text(data.get("other")))


def _complication(row: Mapping[str, Any], old: bool) -> ComplicationRowState:
    code = row.get("code")
    return ComplicationRowState(code=code if isinstance(code, str) and code else None, grade=_int(row.get("grade")),
                                expected=_bool(row.get("expected")),
                                relatedness=_opt_str(row.get("related" if old else "relatedness")),
                                action=_text(row.get("action")))


def _course(saved: object) -> str | None:
    """Version 1 held the spin boxes' 0 for "none"."""
    return "" if _is_int(saved) and saved == 0 else _typed(saved)


# Version 1 named three fields otherwise (and kept the session's own version under "version").
_V1_KEYS = {"session_version": "version", "supervisor_presence": "presence", "cartridge_lot": "lot"}


def _read(data: Mapping[str, Any], old: bool) -> SessionFormState:
    """Version 1 (`old`) or 2: the same fields, three under other names, the course as a pair of spin-box numbers."""
    def get(name: str) -> Any:
        return data.get(_V1_KEYS.get(name, name) if old else name)

    if old:
        course = data.get("course") or ["", ""]  # missing: both boxes emptied, as version 1 restored it
        index, total = [*course, None, None][:2] if isinstance(course, list) else ("", "")
        course_index, course_total = _course(index), _course(total)
    else:
        course_index, course_total = _opt_str(get("course_index")), _opt_str(get("course_total"))
    expires = get("lot_expires")
    return SessionFormState(
        session_id=_int(get("session_id")), session_version=_int(get("session_version")),
        started_at=_opt_str(get("started_at")), practitioner_id=_int(get("practitioner_id")),
        supervisor_id=_int(get("supervisor_id")), supervisor_presence=_opt_str(get("supervisor_presence")),
        device_id=_int(get("device_id")), cartridge_lot=_text(get("cartridge_lot")),
        lot_expires=expires if isinstance(expires, str) else None,
        areas=tuple(_area(row, old) for row in _maps(get("areas"))),
        products=_products(get("products"), old),
        course_index=course_index, course_total=course_total,
        skin_response=_text(get("skin_response")),
        complications=tuple(_complication(row, old) for row in _maps(get("complications"))),
        notes=_text(get("notes")), reason=_text(get("reason")))
