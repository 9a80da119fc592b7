"""Frozen value objects passed between the UI/CLI and the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from clinic_log.domain.enums import AppliesTo, DecisionKind, Level, Modality, PractitionerRole, Severity


def area_name(site_label: str, indication_label: str | None = None) -> str:
    """What a treated area is called wherever it is shown: the body site, with the indication beside it
    ("Cheeks — acne scars (atrophic)") when one is recorded."""
    return site_label if not indication_label else f"{site_label} — {indication_label.lower()}"


def tip_name(model_name: str | None, tip_label: str) -> str:
    """A device tip as shown: "Morpheus8 Facial (24 pins) tip"."""
    return f"{model_name} {tip_label} tip" if model_name else f"{tip_label} tip"


def energy_text(value: float, unit: str | None) -> str:
    """An RF energy setting with the unit the device counts it in: "30 level", "12.5 W"."""
    return f"{value:g} {unit}" if unit else f"{value:g}"


@dataclass(frozen=True)
class AreaRef:
    """A treatment area and its usual needle depth range (reference data)."""

    code: str
    label: str
    region: str
    usual_min_mm: float
    usual_max_mm: float
    rf_min_mm: float | None = None  # the usual range with an RF device; None: no RF range on record
    rf_max_mm: float | None = None


@dataclass(frozen=True)
class IndicationRef:
    """Why an area is treated (acne scars, stretch marks…), apart from where. Scar tissue is treated deeper than the
    site's usual range, so an indication's own range, where it has one for the modality, is checked instead."""

    code: str
    label: str
    default_site: str | None = None  # where an indication given as the area is read to have been treated
    usual_min_mm: float | None = None
    usual_max_mm: float | None = None
    rf_min_mm: float | None = None
    rf_max_mm: float | None = None


@dataclass(frozen=True)
class TipRef:
    """A needle tip of an RF device model: the depths it reaches and where it is made for (face or body)."""

    code: str
    label: str
    min_depth_mm: float
    max_depth_mm: float
    region: str


@dataclass(frozen=True)
class DeviceModelRef:
    """A device model and the depth range it can physically deliver."""

    name: str
    modality: Modality
    min_depth_mm: float
    max_depth_mm: float
    min_age: int | None = None  # the youngest age the device's label is for (SkinPen: adults 22+)
    energy_unit: str | None = None  # what an RF device's energy setting is counted in ("level", "W")
    tips: tuple[TipRef, ...] = ()  # an RF device's tips; its own range is their union

    def tip(self, code: str) -> TipRef | None:
        return next((t for t in self.tips if t.code == code), None)


@dataclass(frozen=True)
class CredentialFacts:
    kind: str
    number: str
    expires_on: date | None
    required: bool = True


@dataclass(frozen=True)
class PractitionerFacts:
    id: int
    username: str
    full_name: str
    role: PractitionerRole
    needs_supervision: bool
    depth_cap_mm: float | None
    credentials: tuple[CredentialFacts, ...] = ()


@dataclass(frozen=True)
class FindingFacts:
    """A contraindication noted on a client's record."""

    code: str
    label: str
    severity: Severity
    noted_on: date
    ends_on: date | None = None  # stopped on / resolved on
    window: str | None = None  # e.g. "6m", "14d": time-bound findings stay active this long after ends_on
    cleared_by: str | None = None
    cleared_note: str | None = None
    modality: AppliesTo = AppliesTo.BOTH


@dataclass(frozen=True)
class DecisionFacts:
    """A decision recorded when the client was not suitable: defer, an alternative, or a referral.

    It is open on a day when it was decided on or before that day and not closed by then (closed later, or not at
    all); a deferral whose review date has passed stays open until someone closes it."""

    id: int
    kind: DecisionKind
    reason: str
    decided_by: str  # the recorder's name as it was then
    decided_at: datetime  # aware
    review_on: date | None = None
    referred_to: str | None = None
    alternative: str | None = None
    closed_at: datetime | None = None  # aware
    closed_by: str | None = None  # who closed it: their name when the record knows it, else their login
    close_note: str | None = None

    def open_on(self, day: date) -> bool:
        if self.decided_at.astimezone().date() > day:
            return False
        return self.closed_at is None or self.closed_at.astimezone().date() > day

    def describe(self, day: date) -> str:
        """One line naming the decision, e.g. "deferred until 2027-01-15: active acne flare (recorded by …)"."""
        if self.kind is DecisionKind.DEFER:
            review = self.review_on.isoformat() if self.review_on else "?"
            what = (f"deferred until {review}" if self.review_on is None or self.review_on > day
                    else f"deferred, review was due {review}")
        elif self.kind is DecisionKind.REFERRAL:
            what = f"referred to {self.referred_to}"
        else:
            what = f"alternative suggested ({self.alternative})"
        return f"{what}: {self.reason} (recorded by {self.decided_by})"

    def closed_words(self) -> str | None:
        """"closed 2026-12-01 by Dr X: reviewed, skin clear", or None while it is open."""
        if self.closed_at is None:
            return None
        note = f": {self.close_note}" if self.close_note else ""
        return f"closed {self.closed_at.astimezone().date().isoformat()} by {self.closed_by or '?'}{note}"

    def summary(self, day: date) -> str:
        """The line a list shows on `day`: `describe`, and for a closed decision how it was described the day it
        was closed, then who closed it and why."""
        if self.closed_at is None or self.open_on(day):
            return self.describe(day)
        return f"{self.describe(self.closed_at.astimezone().date())} — {self.closed_words()}"


@dataclass(frozen=True)
class ClientFacts:
    id: int
    client_ref: str
    fitzpatrick: int | None
    findings: tuple[FindingFacts, ...] = ()
    consent_signed_on: date | None = None
    date_of_birth: date | None = None
    decisions: tuple[DecisionFacts, ...] = ()  # all recorded for the client; the rules ask which are open


@dataclass(frozen=True)
class LotFacts:
    """The cartridge lot typed on a session as the record knows it: whether it exists and its stored expiry."""

    number: str
    known: bool
    expires_on: date | None = None  # the expiry on record (None for a new lot or one stored without)


@dataclass(frozen=True)
class AreaInput:
    area_code: str
    depth_mm: float
    passes: int = 1
    technique: str | None = None
    endpoint: str | None = None
    rf_energy: float | None = None
    indication: str | None = None  # why the area is treated (acne_scars…); area_code is the body site
    tip: str | None = None  # the device model's tip used (RF devices with tips)


@dataclass(frozen=True)
class ProductInput:
    name: str
    contact_minutes: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class ComplicationInput:
    code: str
    grade: int
    onset_on: date | None = None
    expected: bool | None = None
    relatedness: str | None = None
    action: str | None = None
    outcome: str | None = None
    resolved_on: date | None = None
    reported: bool = False


@dataclass(frozen=True)
class SessionInput:
    """Everything the practitioner enters for one session."""

    client_id: int
    practitioner_id: int
    started_at: datetime
    device_id: int | None = None
    cartridge_lot: str | None = None
    lot_expires: date | None = None
    supervisor_id: int | None = None
    supervisor_presence: str | None = None
    areas: tuple[AreaInput, ...] = ()
    products: tuple[ProductInput, ...] = ()
    complications: tuple[ComplicationInput, ...] = ()
    course_index: int | None = None
    course_total: int | None = None
    skin_response: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Problem:
    """One finding of the session check.

    An error blocks signing; a stop (absolute contraindication, under-age client, expired required credential)
    needs a physician's or the owner's override with a reason; a warning needs a reason.
    """

    level: Level
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class Assessment:
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level is Level.ERROR)

    @property
    def stops(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level is Level.STOP)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level is Level.WARNING)

    @property
    def to_go_ahead(self) -> tuple[Problem, ...]:
        """The stops and warnings: what a signature goes ahead over, each with its reason."""
        return tuple(p for p in self.problems if p.level is not Level.ERROR)
