"""Plain data for one aftercare sheet: what the services hand to the PDF builder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ClinicInfo:
    name: str
    address: str
    phone: str
    logo_path: str | None = None  # PNG/JPEG file, optional
    paper: str = "A4"  # "A4" or "Letter"


@dataclass(frozen=True)
class SheetArea:
    label: str
    depth_mm: float
    passes: int


@dataclass(frozen=True)
class SheetComplication:
    label: str
    grade: int
    instructions: str


@dataclass(frozen=True)
class TimelineStep:
    when: str
    text: str


@dataclass(frozen=True)
class AftercareSheet:
    session_id: int
    clinic: ClinicInfo
    client_name: str
    client_date_of_birth: date | None
    session_started_at: datetime  # local time, ready to print
    practitioner_name: str
    supervisor_name: str | None
    device_name: str
    areas: tuple[SheetArea, ...]
    products: tuple[str, ...]
    complications: tuple[SheetComplication, ...]
    timeline: tuple[TimelineStep, ...]
    call_us: str
    next_appointment: str | None
    template_version: int
    title: str = "Aftercare after your microneedling treatment"
