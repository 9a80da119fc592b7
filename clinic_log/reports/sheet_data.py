"""Plain data for one aftercare or pre-treatment sheet: what the services hand to the PDF builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from clinic_log.domain.enums import PhotoView


@dataclass(frozen=True)
class ClinicInfo:
    name: str
    address: str
    phone: str
    logo_path: str | None = None  # PNG/JPEG file, optional
    paper: str = "A4"  # "A4" or "Letter"
    out_of_hours_phone: str = ""  # printed in the "Call us" box when set


@dataclass(frozen=True)
class SheetArea:
    label: str
    depth_mm: float
    passes: int


@dataclass(frozen=True)
class SheetComplication:
    label: str
    grade: int  # CTCAE grade as recorded (1-5); the client reads `severity_word(grade)`
    instructions: str


def severity_word(grade: int) -> str:
    """The client's word for a recorded grade: mild (1), moderate (2), severe (3 and above)."""
    if grade <= 1:
        return "mild"
    return "moderate" if grade == 2 else "severe"


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
    emergency: str = ""  # "call emergency services if…", printed in the "Call us" box
    skin_type_note: str | None = None  # the paragraph for darker skin (Fitzpatrick IV-VI), only for those clients
    post_care_product: str = ""  # what to use at home, printed when no product was recorded for the session


@dataclass(frozen=True)
class PretreatmentSheet:
    """What the pre-treatment sheet prints: the shared steps, RF lines when asked for, and one line per finding."""

    clinic: ClinicInfo
    client_ref: str
    client_name: str
    client_date_of_birth: date | None
    printed_on: date
    modality: str  # "mechanical" or "rf"
    intro: str
    before: tuple[TimelineStep, ...]  # what to stop and when, what to tell us, the day itself
    for_you: tuple[str, ...]  # one line per finding on the client's record that the template has a line for
    expect: tuple[TimelineStep, ...]  # during and after
    call_us: str
    template_version: int
    title: str = "Before your microneedling treatment"


@dataclass(frozen=True)
class ReferralLetter:
    """A letter referring a client to a specialist, printed from a recorded referral decision."""

    decision_id: int
    clinic: ClinicInfo
    client_ref: str
    client_name: str  # in the order of its script (domain.text.name_text)
    client_date_of_birth: date | None
    referred_to: str
    reason: str
    decided_by: str
    decided_on: date
    printed_on: date


@dataclass(frozen=True)
class ComparisonSide:
    """One photo of a before/after comparison: its stored image, the day it was taken and its session's number."""

    photo_id: int
    taken_on: date  # in this computer's zone
    session_number: int | None
    image: bytes  # the stored image (upright, stripped): JPEG or PNG

    @property
    def label(self) -> str:
        """`2026-05-01 · session 2`."""
        number = f" · session {self.session_number}" if self.session_number else ""
        return f"{self.taken_on.isoformat()}{number}"


@dataclass(frozen=True)
class PhotoComparison:
    """Two photos of one client and one view, for the screen and the page the client takes home."""

    clinic: ClinicInfo
    client_id: int
    client_ref: str
    client_name: str
    view: PhotoView
    before: ComparisonSide
    after: ComparisonSide
    printed_on: date
