"""Closed vocabularies of the record (stored as their string values)."""

from __future__ import annotations

from enum import StrEnum


class PractitionerRole(StrEnum):
    ESTHETICIAN = "esthetician"
    NURSE = "nurse"
    DERMATOLOGIST = "dermatologist"
    PLASTIC_SURGEON = "plastic_surgeon"

    @property
    def is_physician(self) -> bool:
        return self in (PractitionerRole.DERMATOLOGIST, PractitionerRole.PLASTIC_SURGEON)


class UserRole(StrEnum):
    PRACTITIONER = "practitioner"
    RECEPTION = "reception"
    OWNER = "owner"


class Modality(StrEnum):
    MECHANICAL = "mechanical"
    RF = "rf"


class AppliesTo(StrEnum):
    """Which treatments a contraindication concerns: a pacemaker matters to RF, not to a mechanical pen."""

    MECHANICAL = "mechanical"
    RF = "rf"
    BOTH = "both"

    def covers(self, modality: Modality | None) -> bool:
        """True when it concerns a session with this device modality (no device known yet: always)."""
        return self is AppliesTo.BOTH or modality is None or self.value == modality.value


class SessionStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


class Technique(StrEnum):
    STAMPING = "stamping"
    GLIDING = "gliding"
    ROLLING = "rolling"


class Level(StrEnum):
    """How a problem of a session check weighs (see domain/rules.py and the README's "Checks")."""

    ERROR = "error"  # cannot be signed until corrected
    STOP = "stop"  # only a physician (dermatologist, plastic surgeon) or the owner may override, with a reason
    WARNING = "warning"  # a reason is required to go ahead

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Severity(StrEnum):
    ABSOLUTE = "absolute"
    RELATIVE = "relative"


class ComplicationCategory(StrEnum):
    EXPECTED = "expected"
    ADVERSE = "adverse"


class Relatedness(StrEnum):
    DEVICE = "device"
    PRODUCT = "product"
    UNKNOWN = "unknown"


class SupervisorPresence(StrEnum):
    ON_SITE = "on_site"
    REACHABLE = "reachable"


FITZPATRICK_NUMERALS = ("I", "II", "III", "IV", "V", "VI")

CTCAE_GRADES = {
    1: "Mild; asymptomatic or mild symptoms; intervention not indicated",
    2: "Moderate; minimal, local or non-invasive intervention indicated",
    3: "Severe or medically significant but not immediately life-threatening",
    4: "Life-threatening consequences; urgent intervention indicated",
    5: "Death related to the adverse event",
}


def allowed(enum: type[StrEnum]) -> str:
    """Human list of an enum's values for error messages."""
    return "one of " + ", ".join(member.value for member in enum)


class DecisionKind(StrEnum):
    """What was decided when a client was not suitable today."""

    DEFER = "defer"  # treatment waits until a review date
    ALTERNATIVE = "alternative"  # another treatment was suggested
    REFERRAL = "referral"  # to a specialist (dermatologist, GP, a named doctor)
