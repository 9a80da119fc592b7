"""Frozen read models of sessions returned by the services (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from clinic_log.domain.values import Problem, area_name, energy_text, tip_name


@dataclass(frozen=True)
class SessionSaved:
    id: int
    status: str
    warnings: tuple[Problem, ...]
    version: int = 1  # the stored version: name it when saving or signing this session next


@dataclass(frozen=True)
class AreaView:
    id: int
    area_code: str
    label: str
    depth_mm: float
    passes: int
    technique: str | None
    endpoint: str | None
    rf_energy: float | None
    indication: str | None = None  # why (acne_scars…); area_code is the body site
    indication_label: str | None = None
    tip: str | None = None  # the device tip's code
    tip_label: str | None = None
    device_model: str | None = None
    energy_unit: str | None = None  # what rf_energy is counted in ("level", "W")

    @property
    def name(self) -> str:
        """The site with the indication beside it: "Cheeks — acne scars (atrophic)"."""
        return area_name(self.label, self.indication_label)

    @property
    def tip_text(self) -> str | None:
        """"Morpheus8 Facial (24 pins) tip", or None without a tip."""
        return None if self.tip is None else tip_name(self.device_model, self.tip_label or self.tip)

    @property
    def energy(self) -> str | None:
        """"30 level", or None without an energy setting."""
        return None if self.rf_energy is None else energy_text(self.rf_energy, self.energy_unit)

    @property
    def summary(self) -> str:
        """One line for lists and sheets: "Cheeks — acne scars (atrophic) 1.75 mm × 2, Morpheus8 Facial… tip, 30
        level"."""
        parts = [f"{self.name} {self.depth_mm:g} mm × {self.passes}"]
        parts += [p for p in (self.tip_text, self.energy) if p]
        return ", ".join(parts)


@dataclass(frozen=True)
class ProductView:
    name: str
    contact_minutes: int | None
    note: str | None


@dataclass(frozen=True)
class ComplicationView:
    id: int
    code: str
    label: str
    grade: int
    onset_on: date | None
    expected: bool | None
    relatedness: str | None
    action: str | None
    outcome: str | None
    resolved_on: date | None
    reported: bool
    added_by_amendment: bool


@dataclass(frozen=True)
class WarningView:
    code: str
    message: str
    reason: str
    level: str = "warning"  # "warning" or "stop"
    overridden_by: str | None = None  # for a stop: the physician or owner who overrode it


@dataclass(frozen=True)
class OverrideView:
    """A stop overridden on a draft (valid while the draft stays as it was at `version`)."""

    code: str
    message: str
    reason: str
    overridden_by: str
    overridden_at: datetime
    version: int


@dataclass(frozen=True)
class AmendmentView:
    table_name: str
    row_id: int
    field: str
    old_value: str | None
    new_value: str | None
    amended_by: str
    amended_at: datetime
    reason: str


@dataclass(frozen=True)
class SessionDetail:
    id: int
    status: str
    started_at: datetime  # aware, UTC
    client_id: int
    client_ref: str
    client_name: str
    client_date_of_birth: date | None
    practitioner_id: int
    practitioner_name: str
    supervisor_id: int | None
    supervisor_name: str | None
    supervisor_presence: str | None
    device_id: int | None
    device_model: str | None
    device_serial: str | None
    modality: str | None
    lot_number: str | None
    lot_expires: date | None
    course_index: int | None
    course_total: int | None
    skin_response: str | None
    notes: str | None
    signed_by: str | None
    signed_at: datetime | None
    countersigned_by: str | None
    countersigned_at: datetime | None
    areas: tuple[AreaView, ...]
    products: tuple[ProductView, ...]
    complications: tuple[ComplicationView, ...]
    warnings: tuple[WarningView, ...]
    amendments: tuple[AmendmentView, ...]
    created_by: str | None = None
    created_at: datetime | None = None
    voided_by: str | None = None
    voided_at: datetime | None = None  # aware, UTC
    void_reason: str | None = None
    version: int = 1  # name it when signing, countersigning, amending or voiding (someone else may have since)
    overrides: tuple[OverrideView, ...] = ()  # a draft's stop overrides, for every version

    @property
    def awaiting_countersignature(self) -> bool:
        return (self.status == "signed" and self.supervisor_id is not None and self.countersigned_by is None
                and not self.is_void)

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def status_text(self) -> str:
        """One line for people: VOID, Draft, Signed, and whether a countersignature is still due."""
        if self.is_void:
            return f"VOID — voided by {self.voided_by}: {self.void_reason}"
        if self.status != "signed":
            return "Draft (not signed)"
        text = "Signed" + (f" by {self.signed_by}" if self.signed_by else "")
        if self.countersigned_by:
            text += f", countersigned by {self.countersigned_by}"
        elif self.awaiting_countersignature:
            text += f"; awaiting countersignature by {self.supervisor_name}"
        return text


@dataclass(frozen=True)
class SessionRow:
    """One line of a session list."""

    id: int
    started_at: datetime  # aware, UTC
    client_ref: str
    client_name: str
    practitioner_name: str
    device_model: str | None
    areas: str
    complications: int
    status: str
