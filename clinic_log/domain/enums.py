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


class PhotoView(StrEnum):
    """The standard views of a before/after photo: photos of one view are compared across a course."""

    FRONT = "front"
    LEFT45 = "left45"
    RIGHT45 = "right45"
    LEFT90 = "left90"
    RIGHT90 = "right90"
    CLOSEUP = "closeup"

    @property
    def label(self) -> str:
        return _VIEW_LABELS[self]


_VIEW_LABELS = {PhotoView.FRONT: "Front", PhotoView.LEFT45: "Left 45°", PhotoView.RIGHT45: "Right 45°",
                PhotoView.LEFT90: "Left 90°", PhotoView.RIGHT90: "Right 90°", PhotoView.CLOSEUP: "Close-up"}


class PhotoUse(StrEnum):
    """What a photo may be used for: the clinical record only, or any other use (marketing, teaching)."""

    CLINICAL = "clinical"
    OTHER = "other"


class TakenAtSource(StrEnum):
    """Where a photo's taken-at time came from."""

    EXIF = "exif"  # the camera's DateTimeOriginal
    FILE = "file"  # the file's modification time
    CAPTURE = "capture"  # the moment the app took it (or added it, when the file gave no time)
    TYPED = "typed"  # given by the user


class ConsentPurpose(StrEnum):
    """What a signed consent covers; each purpose has its own wording and is valid for the same period."""

    TREATMENT = "treatment"
    PHOTOS_CLINICAL = "photos_clinical"
    PHOTOS_OTHER = "photos_other"

    @property
    def label(self) -> str:
        return _PURPOSE_LABELS[self]

    @property
    def needs_current_wording(self) -> bool:
        """Whether only a consent signed on the clinic's current wording counts: photos for other uses (marketing,
        teaching) are covered only for the uses the client read, so new wording needs a new signature. A treatment
        or clinical-photo consent stays valid until it expires, whatever wording came after it."""
        return self is ConsentPurpose.PHOTOS_OTHER


_PURPOSE_LABELS = {ConsentPurpose.TREATMENT: "treatment consent",
                   ConsentPurpose.PHOTOS_CLINICAL: "consent to clinical-record photos",
                   ConsentPurpose.PHOTOS_OTHER: "consent to photos for other uses"}
