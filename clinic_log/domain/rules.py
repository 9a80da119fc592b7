"""The checks a careful colleague makes on a session, at three levels (`Level`).

An error blocks signing until it is corrected. A stop — an absolute contraindication, a client under 18, an expired
required credential — may only be overridden by a physician (dermatologist, plastic surgeon) or the owner, with a
reason of a few words. A warning needs a reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from clinic_log.domain.enums import (
    CTCAE_GRADES,
    AppliesTo,
    Level,
    Modality,
    Severity,
    SupervisorPresence,
    Technique,
)
from clinic_log.domain.suitability import finding_reason
from clinic_log.domain.values import (
    AreaInput,
    AreaRef,
    Assessment,
    ClientFacts,
    DeviceModelRef,
    IndicationRef,
    LotFacts,
    PractitionerFacts,
    Problem,
    SessionInput,
    area_name,
)
from clinic_log.domain.windows import add_window

DEPTH_STEP_MM = 0.05
PIH_DEPTH_MM = 1.0
ADULT_AGE = 18
OVERRIDE_MIN_CHARS = 15
OVERRIDE_MIN_WORDS = 3
COURSE_MAX = 12  # sessions in one course (courses are 3-6, 4-6 weeks apart)
_EPS = 1e-9


@dataclass(frozen=True)
class SessionFacts:
    """What the services looked up so the rules can run without I/O."""

    client: ClientFacts
    practitioner: PractitionerFacts
    supervisor: PractitionerFacts | None
    device_model: DeviceModelRef | None
    areas: Mapping[str, AreaRef]
    complication_codes: Mapping[str, int]  # each complication type's code → its highest CTCAE v5 grade
    consent_validity: str = "12m"
    lot: LotFacts | None = None  # the typed lot as the record knows it; None when no lot is typed
    indications: Mapping[str, IndicationRef] = dataclasses.field(default_factory=dict)  # acne_scars…


def _error(code: str, field: str, message: str) -> Problem:
    return Problem(Level.ERROR, code, field, message)


def _stop(code: str, field: str, message: str) -> Problem:
    return Problem(Level.STOP, code, field, message)


def _warning(code: str, field: str, message: str) -> Problem:
    return Problem(Level.WARNING, code, field, message)


def override_reason_problem(reason: str | None) -> str | None:
    """Why `reason` cannot override a stop, or None when it can: a few words a colleague could check, not "ok"."""
    text = (reason or "").strip()
    if not text:
        return "a reason for overriding the stop is required"
    if len(text) < OVERRIDE_MIN_CHARS or len(text.split()) < OVERRIDE_MIN_WORDS:
        return (f"say why it is right to go ahead in at least {OVERRIDE_MIN_WORDS} words "
                f"({OVERRIDE_MIN_CHARS} characters or more)")
    return None


def age_on(born: date, on: date) -> int:
    """Age in whole years on `on` (a birthday on 29 February counts from 1 March in other years)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def is_depth_step(depth_mm: float) -> bool:
    steps = depth_mm / DEPTH_STEP_MM
    return abs(steps - round(steps)) < 1e-6


def assess_session(entry: SessionInput, facts: SessionFacts) -> Assessment:
    on = entry.started_at.astimezone().date()  # the clinic's local day, also for a time read back in UTC
    problems: list[Problem] = []
    problems += _check_people(entry, facts, on)
    problems += _check_device_and_lot(entry, facts, on)
    problems += _check_areas(entry, facts)
    problems += _check_complications(entry, facts)
    problems += _check_course(entry)
    problems += _check_client(facts, on, max_depth(entry), facts.device_model)
    problems += _check_device_age(facts, on)
    return Assessment(tuple(problems))


def max_depth(entry: SessionInput) -> float:
    return max((a.depth_mm for a in entry.areas), default=0.0)


def _check_people(entry: SessionInput, facts: SessionFacts, on: date) -> list[Problem]:
    out: list[Problem] = []
    who = facts.practitioner
    for cred in who.credentials:
        if cred.required and cred.expires_on is not None and cred.expires_on < on:
            out.append(_stop(
                "credential_expired", "practitioner",
                f"{who.full_name}'s {cred.kind} {cred.number} expired {cred.expires_on.isoformat()}",
            ))
    if not any(c.required for c in who.credentials):
        out.append(_warning(
            "credential_missing", "practitioner", f"{who.full_name} has no licence or certificate on record"
        ))
    if who.needs_supervision and facts.supervisor is None:
        out.append(_warning(
            "supervisor_missing", "supervisor",
            f"{who.full_name} ({who.role.value}) needs a supervising physician recorded on the session",
        ))
    sup = facts.supervisor
    if sup is not None:
        if not sup.role.is_physician:
            out.append(_error(
                "supervisor_not_physician", "supervisor",
                f"{sup.full_name} is a {sup.role.value}; the supervisor must be a dermatologist or plastic surgeon",
            ))
        if sup.id == who.id:
            out.append(_error("supervisor_is_practitioner", "supervisor", "a practitioner cannot supervise themself"))
    if entry.supervisor_presence is not None and entry.supervisor_presence not in set(SupervisorPresence):
        out.append(_error(
            "bad_presence", "supervisor_presence",
            f"{entry.supervisor_presence!r} is not allowed; one of on_site, reachable",
        ))
    return out


def _absolute_for(applies: AppliesTo) -> str:
    return "absolute" if applies is AppliesTo.BOTH else f"absolute for {MODALITY_WORDS[applies]}"


MODALITY_WORDS = {AppliesTo.RF: "RF", AppliesTo.MECHANICAL: "mechanical microneedling", AppliesTo.BOTH: "both"}


def _check_device_age(facts: SessionFacts, on: date) -> list[Problem]:
    device, born = facts.device_model, facts.client.date_of_birth
    if device is None or device.min_age is None or born is None or born > on:
        return []
    age = age_on(born, on)
    if age >= device.min_age or age < ADULT_AGE:  # under 18 is a stop of its own
        return []
    return [_warning("device_min_age", "device",
                     f"{facts.client.client_ref} is {age}: the {device.name}'s label is for adults "
                     f"{device.min_age} and over")]


def lot_expiry(entry: SessionInput, lot: LotFacts | None) -> date | None:
    """The expiry a session's lot has: the one on record, else the one typed for a new lot."""
    if lot is not None and lot.known and lot.expires_on is not None:
        return lot.expires_on
    return entry.lot_expires


NO_DEVICE_NO_LOT = "no device and no cartridge lot recorded: a recall of a lot would miss this session"


def _check_device_and_lot(entry: SessionInput, facts: SessionFacts, on: date) -> list[Problem]:
    number = entry.cartridge_lot
    if not number and entry.device_id is None and entry.lot_expires is None:
        return [_warning("no_device_no_lot", "cartridge_lot", NO_DEVICE_NO_LOT)]
    if not number:
        if entry.lot_expires is not None:
            return [_error("lot_expiry_without_lot", "cartridge_lot",
                           f"an expiry ({entry.lot_expires.isoformat()}) is given without a lot number: type the "
                           "lot number or clear the expiry")]
        return []
    lot = facts.lot
    if lot is not None and lot.known and lot.expires_on is not None and entry.lot_expires is not None \
            and entry.lot_expires != lot.expires_on:
        return [_error("lot_expiry_mismatch", "lot_expires",
                       f"lot {number} is recorded with expiry {lot.expires_on.isoformat()}, not "
                       f"{entry.lot_expires.isoformat()}: check the box and the lot number")]
    expires = lot_expiry(entry, lot)
    if expires is None:
        return [_error("lot_expiry_missing", "lot_expires", f"enter the expiry of lot {number}")]
    if expires < on:
        return [_error("lot_expired", "cartridge_lot",
                       f"lot {number} expired {expires.isoformat()}; use an unexpired cartridge")]
    return []


def _check_areas(entry: SessionInput, facts: SessionFacts) -> list[Problem]:
    out: list[Problem] = []
    device = facts.device_model
    cap = facts.practitioner.depth_cap_mm
    seen: set[tuple[str, str | None]] = set()
    for n, area in enumerate(entry.areas, start=1):
        field = f"areas[{n}].depth_mm"
        ref = facts.areas.get(area.area_code)
        if ref is None:
            out.append(_error(
                "unknown_area", f"areas[{n}].area",
                f"{area.area_code!r} is not an area; one of {', '.join(sorted(facts.areas))}",
            ))
            continue
        indication = None
        if area.indication is not None:
            indication = facts.indications.get(area.indication)
            if indication is None:
                out.append(_error(
                    "unknown_indication", f"areas[{n}].indication",
                    f"{area.indication!r} is not an indication; one of {', '.join(sorted(facts.indications))}",
                ))
        name = area_name(ref.label, None if indication is None else indication.label)
        if (area.area_code, area.indication) in seen:
            out.append(_error("duplicate_area", f"areas[{n}].area", f"{name} is listed twice"))
        seen.add((area.area_code, area.indication))
        depth = area.depth_mm
        if depth <= 0 or not is_depth_step(depth):
            out.append(_error(
                "depth_step", field, f"{depth} mm is not allowed; a positive depth in steps of 0.05 mm"
            ))
        if device is not None and not (device.min_depth_mm - _EPS <= depth <= device.max_depth_mm + _EPS):
            out.append(_error(
                "depth_device", field,
                f"{name} {depth} mm is outside the {device.name}'s range "
                f"{device.min_depth_mm}–{device.max_depth_mm} mm",
            ))
        out += _check_tip(area, n, ref, name, device)
        out += _area_range(ref, indication, name, depth, field, device)
        if cap is not None and depth > cap + _EPS:
            out.append(_warning(
                "depth_cap", field,
                f"{name} {depth} mm is over {facts.practitioner.full_name}'s cap of {cap} mm",
            ))
        if area.passes < 1 or area.passes > 20:
            out.append(_error("passes", f"areas[{n}].passes",
                              f"{name}: {area.passes} passes is not allowed; 1 to 20 passes"))
        if area.technique is not None and area.technique not in set(Technique):
            out.append(_error(
                "technique", f"areas[{n}].technique",
                f"{area.technique!r} is not allowed; one of stamping, gliding, rolling",
            ))
        out += _check_energy(area, n, name, device)
    if not entry.areas:
        out.append(_error("no_areas", "areas", "at least one treated area is required"))
    return out


def _check_energy(area: AreaInput, n: int, name: str, device: DeviceModelRef | None) -> list[Problem]:
    if area.rf_energy is None:
        return []
    if device is None or device.modality is not Modality.RF:
        return [_error("rf_energy", f"areas[{n}].rf_energy", "RF energy applies only to RF devices")]
    if area.rf_energy <= 0:
        unit = f" {device.energy_unit}" if device.energy_unit else ""
        return [_error("rf_energy", f"areas[{n}].rf_energy",
                       f"{name}: RF energy {area.rf_energy}{unit} is not allowed; above 0")]
    return []


def _check_tip(area: AreaInput, n: int, ref: AreaRef, name: str, device: DeviceModelRef | None) -> list[Problem]:
    """The tip recorded for an area: one of the device model's, deep enough and not too deep for the depth typed;
    a body tip on the face is a warning (its pins and energy are made for thick skin)."""
    if area.tip is None:
        return []
    field = f"areas[{n}].tip"
    if device is None:
        return [_error("tip_device", field, f"tip {area.tip!r} is recorded without a device; choose the device")]
    tip = device.tip(area.tip)
    if tip is None:
        known = ", ".join(t.code for t in device.tips) or "none on record"
        return [_error("unknown_tip", field, f"{area.tip!r} is not a tip of the {device.name}; its tips: {known}")]
    out: list[Problem] = []
    if not tip.min_depth_mm - _EPS <= area.depth_mm <= tip.max_depth_mm + _EPS:
        out.append(_error("depth_tip", f"areas[{n}].depth_mm",
                          f"{name} {area.depth_mm} mm is outside the {device.name} {tip.label} tip's range "
                          f"{tip.min_depth_mm}–{tip.max_depth_mm} mm"))
    if tip.region != ref.region and tip.region == "body":
        out.append(_warning("tip_region", field, f"the {device.name} {tip.label} tip is made for the body, not "
                                                 f"the {ref.region}: {name}"))
    return out


def usual_range(ref: AreaRef, indication: IndicationRef | None, rf: bool) -> tuple[float, float] | None:
    """The usual depth range for the modality: the indication's own where it has one (scar tissue is treated deeper
    than the site's usual), else the site's; RF needles go deeper and their range is its own. None: no RF range on
    record for the site."""
    if indication is not None:
        own = (indication.rf_min_mm, indication.rf_max_mm) if rf else (indication.usual_min_mm,
                                                                        indication.usual_max_mm)
        if own[0] is not None and own[1] is not None:
            return own[0], own[1]
    if rf:
        return None if ref.rf_min_mm is None or ref.rf_max_mm is None else (ref.rf_min_mm, ref.rf_max_mm)
    return ref.usual_min_mm, ref.usual_max_mm


def _area_range(ref: AreaRef, indication: IndicationRef | None, name: str, depth: float, field: str,
                device: DeviceModelRef | None) -> list[Problem]:
    rf = device is not None and device.modality is Modality.RF
    found = usual_range(ref, indication, rf)
    if found is None:
        return [_warning("depth_area", field,
                         f"{name} has no RF range on record: check {depth} mm with the device's guide")]
    low, high = found
    if low - _EPS <= depth <= high + _EPS:
        return []
    kind = "usual RF" if rf else "usual"
    return [_warning("depth_area", field, f"{name} {depth} mm is outside the {kind} {low}–{high} mm")]


def _check_course(entry: SessionInput) -> list[Problem]:
    """Session k of n: each a whole number from 1 to COURSE_MAX, and k no later than n."""
    out: list[Problem] = []
    named = (("course_index", "session number", entry.course_index),
             ("course_total", "sessions in the course", entry.course_total))
    for field, words, value in named:
        if value is not None and not 1 <= value <= COURSE_MAX:
            out.append(_error("course", field, f"{words} {value} is not allowed; 1 to {COURSE_MAX}"))
    index, total = entry.course_index, entry.course_total
    if not out and index is not None and total is not None and index > total:
        out.append(_error("course", "course_index", f"session {index} of {total}: the number is past the course"))
    return out


def _check_complications(entry: SessionInput, facts: SessionFacts) -> list[Problem]:
    out: list[Problem] = []
    for n, comp in enumerate(entry.complications, start=1):
        if not comp.code:
            out.append(_error("complication_type_missing", f"complications[{n}].type",
                              f"complication {n}: choose the complication type"))
        elif comp.code not in facts.complication_codes:
            out.append(_error(
                "unknown_complication", f"complications[{n}].type",
                f"{comp.code!r} is not a complication type; one of {', '.join(sorted(facts.complication_codes))}",
            ))
        highest = facts.complication_codes.get(comp.code, max(CTCAE_GRADES))
        if comp.grade not in CTCAE_GRADES or comp.grade > highest:
            out.append(_error(
                "ctcae_grade", f"complications[{n}].grade",
                f"{comp.grade} is not allowed; CTCAE grade 1 to {highest}"
                + (f" for {comp.code}" if highest < max(CTCAE_GRADES) else ""),
            ))
    return out


def _check_client(
    facts: SessionFacts, on: date, deepest: float, device: DeviceModelRef | None
) -> list[Problem]:
    out: list[Problem] = []
    client = facts.client
    modality = None if device is None else device.modality
    for finding in client.findings:
        if not finding.modality.covers(modality):
            continue  # e.g. a pacemaker and a mechanical pen
        reason = finding_reason(finding, on)
        if reason is not None and not reason.cleared:
            if finding.severity is Severity.ABSOLUTE:
                out.append(_stop(f"contraindication_{finding.code}", "client",
                                 f"{reason.text} ({_absolute_for(finding.modality)})"))
            else:
                out.append(_warning(f"contraindication_{finding.code}", "client", f"{reason.text} (relative)"))
    if client.date_of_birth is not None and client.date_of_birth > on:
        out.append(_error("born_after_session", "client",
                          f"{client.client_ref}'s date of birth {client.date_of_birth.isoformat()} is after the "
                          "session: correct the client's record"))
    elif client.date_of_birth is not None and (age := age_on(client.date_of_birth, on)) < ADULT_AGE:
        out.append(_stop("under_age", "client",
                         f"{client.client_ref} is {age} on {on.isoformat()} (born {client.date_of_birth.isoformat()}):"
                         f" under {ADULT_AGE}"))
    fitz = client.fitzpatrick
    is_rf = device is not None and device.modality is Modality.RF
    if fitz is not None and fitz >= 4 and (deepest > PIH_DEPTH_MM + _EPS or is_rf):
        numeral = ("I", "II", "III", "IV", "V", "VI")[fitz - 1]
        why = "an RF device" if is_rf else f"{deepest} mm"
        out.append(_warning(
            "pih_risk", "client", f"Fitzpatrick {numeral} with {why}: higher risk of hyperpigmentation (PIH)"
        ))
    out += [_warning("open_decision", "client", decision.describe(on))
            for decision in client.decisions if decision.open_on(on)]
    if client.consent_signed_on is None:
        out.append(_warning("consent_missing", "client", f"{client.client_ref} has no signed consent on record"))
    elif add_window(client.consent_signed_on, facts.consent_validity) <= on:
        out.append(_warning(
            "consent_expired", "client",
            f"consent signed {client.consent_signed_on.isoformat()} has expired (valid {facts.consent_validity})",
        ))
    return out
