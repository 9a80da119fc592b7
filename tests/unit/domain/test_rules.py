"""Session checks: what blocks saving, what needs a reason."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clinic_log.domain.enums import Level, Modality, PractitionerRole, Severity
from clinic_log.domain.rules import SessionFacts, assess_session
from clinic_log.domain.values import (
    AreaInput,
    AreaRef,
    ClientFacts,
    ComplicationInput,
    CredentialFacts,
    DeviceModelRef,
    FindingFacts,
    LotFacts,
    PractitionerFacts,
    SessionInput,
)

AREAS = {
    "forehead": AreaRef("forehead", "Forehead", "face", 0.25, 0.5),
    "cheeks": AreaRef("cheeks", "Cheeks", "face", 0.5, 1.0),
    "acne_scars": AreaRef("acne_scars", "Acne scars (atrophic)", "face", 1.5, 2.0),
}
SKINPEN = DeviceModelRef("SkinPen Precision", Modality.MECHANICAL, 0.25, 2.5)
MORPHEUS = DeviceModelRef("Morpheus8", Modality.RF, 0.5, 4.0)
LICENCE = CredentialFacts("licence", "GMC-1", date(2030, 1, 1))
DERM = PractitionerFacts(1, "mb", "Dr Maria Brandt", PractitionerRole.DERMATOLOGIST, False, 3.0, (LICENCE,))
NURSE = PractitionerFacts(2, "jd", "Jane Doyle", PractitionerRole.NURSE, True, 1.5, (LICENCE,))
ON = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def facts(**overrides: object) -> SessionFacts:
    base: dict[str, object] = {
        "client": ClientFacts(1, "P-1", 2, (), date(2026, 6, 1)), "practitioner": DERM, "supervisor": None,
        "device_model": SKINPEN, "areas": AREAS, "complication_codes": {"erythema": 5},
    }
    base.update(overrides)
    return SessionFacts(**base)  # type: ignore[arg-type]


def entry(*areas: AreaInput, **overrides: object) -> SessionInput:
    values: dict[str, object] = {"client_id": 1, "practitioner_id": 1, "started_at": ON, "device_id": 1,
                                 "areas": areas or (AreaInput("cheeks", 0.75, 2),)}
    values.update(overrides)
    return SessionInput(**values)  # type: ignore[arg-type]


def codes(assessment_problems: tuple[object, ...]) -> set[str]:
    return {p.code for p in assessment_problems}  # type: ignore[attr-defined]


def test_a_typical_session_has_no_problems() -> None:
    assert assess_session(entry(), facts()).problems == ()


def test_depth_beyond_device_max_is_an_error_naming_device_and_range() -> None:
    result = assess_session(entry(AreaInput("acne_scars", 2.8, 3)), facts())
    [error] = [e for e in result.errors if e.code == "depth_device"]
    assert "2.8 mm" in error.message and "SkinPen Precision" in error.message and "0.25–2.5" in error.message
    assert error.field == "areas[1].depth_mm"


def test_depth_below_device_min_is_an_error() -> None:
    result = assess_session(entry(AreaInput("forehead", 0.2, 1)), facts())
    assert "depth_device" in codes(result.errors)


def test_depth_at_device_max_is_allowed() -> None:
    result = assess_session(entry(AreaInput("acne_scars", 2.5, 1)), facts())
    assert "depth_device" not in codes(result.errors)


def test_depth_outside_usual_area_range_is_a_warning_not_an_error() -> None:
    result = assess_session(entry(AreaInput("forehead", 1.0, 1)), facts())
    assert codes(result.warnings) == {"depth_area"} and result.errors == ()


def test_depth_must_be_in_steps_of_five_hundredths() -> None:
    result = assess_session(entry(AreaInput("cheeks", 0.73, 1)), facts())
    assert "depth_step" in codes(result.errors)


def test_depth_over_practitioners_cap_warns() -> None:
    result = assess_session(entry(AreaInput("acne_scars", 1.75, 1)),
                            facts(practitioner=NURSE, supervisor=DERM))
    assert "depth_cap" in codes(result.warnings)


def test_practitioner_needing_supervision_without_supervisor_warns() -> None:
    assert "supervisor_missing" in codes(assess_session(entry(), facts(practitioner=NURSE)).warnings)
    assert "supervisor_missing" not in codes(
        assess_session(entry(), facts(practitioner=NURSE, supervisor=DERM)).warnings)


def test_supervisor_must_be_a_physician() -> None:
    other_nurse = PractitionerFacts(3, "x", "X", PractitionerRole.NURSE, True, 1.5, (LICENCE,))
    result = assess_session(entry(), facts(practitioner=NURSE, supervisor=other_nurse))
    assert "supervisor_not_physician" in codes(result.errors)


def test_expired_credential_is_a_stop() -> None:
    expired = PractitionerFacts(1, "mb", "Dr Maria Brandt", PractitionerRole.DERMATOLOGIST, False, 3.0,
                                (CredentialFacts("licence", "GMC-1", date(2026, 6, 30)),))
    result = assess_session(entry(), facts(practitioner=expired))
    [stop] = [w for w in result.stops if w.code == "credential_expired"]
    assert "2026-06-30" in stop.message
    assert "credential_expired" not in codes(result.warnings)


def test_expired_lot_is_an_error() -> None:
    result = assess_session(entry(cartridge_lot="L1", lot_expires=date(2026, 6, 30)), facts())
    assert "lot_expired" in codes(result.errors)
    assert "lot_expired" not in codes(
        assess_session(entry(cartridge_lot="L1", lot_expires=date(2026, 7, 1)), facts()).errors)


@pytest.mark.parametrize(("fitzpatrick", "depth", "device", "warned"), [
    (5, 1.25, SKINPEN, True), (5, 1.0, SKINPEN, False), (3, 1.25, SKINPEN, False), (4, 0.75, MORPHEUS, True),
])
def test_dark_skin_types_warn_deep_or_rf(fitzpatrick: int, depth: float, device: DeviceModelRef,
                                         warned: bool) -> None:
    client = ClientFacts(1, "P-1", fitzpatrick, (), date(2026, 6, 1))
    result = assess_session(entry(AreaInput("cheeks", depth, 1)), facts(client=client, device_model=device))
    assert ("pih_risk" in codes(result.warnings)) is warned


def test_absolute_contraindication_is_a_stop_with_its_reason() -> None:
    finding = FindingFacts("isotretinoin", "Isotretinoin", Severity.ABSOLUTE, date(2026, 1, 1),
                           ends_on=date(2026, 5, 1), window="6m")
    client = ClientFacts(1, "P-1", 2, (finding,), date(2026, 6, 1))
    result = assess_session(entry(), facts(client=client))
    [stop] = result.stops
    assert "window ends 2026-11-01" in stop.message and "absolute" in stop.message
    assert result.warnings == ()


def test_relative_contraindication_is_a_warning() -> None:
    finding = FindingFacts("eczema", "Eczema", Severity.RELATIVE, date(2026, 1, 1))
    result = assess_session(entry(), facts(client=ClientFacts(1, "P-1", 2, (finding,), date(2026, 6, 1))))
    assert codes(result.warnings) >= {"contraindication_eczema"} and result.stops == ()


def test_missing_or_expired_consent_warns() -> None:
    missing = ClientFacts(1, "P-1", 2, (), None)
    assert "consent_missing" in codes(assess_session(entry(), facts(client=missing)).warnings)
    old = ClientFacts(1, "P-1", 2, (), date(2025, 7, 1))
    assert "consent_expired" in codes(assess_session(entry(), facts(client=old)).warnings)
    fresh = ClientFacts(1, "P-1", 2, (), date(2025, 7, 2))
    assert "consent_expired" not in codes(assess_session(entry(), facts(client=fresh)).warnings)


def test_unknown_area_and_bad_grade_are_errors() -> None:
    result = assess_session(
        entry(AreaInput("kneecap", 0.5, 1), complications=(ComplicationInput("erythema", 7),)), facts())
    assert {"unknown_area", "ctcae_grade"} <= codes(result.errors)


def test_rf_energy_only_on_rf_devices() -> None:
    result = assess_session(entry(AreaInput("cheeks", 0.75, 1, rf_energy=20)), facts())
    assert "rf_energy" in codes(result.errors)
    assert "rf_energy" not in codes(
        assess_session(entry(AreaInput("cheeks", 0.75, 1, rf_energy=20)), facts(device_model=MORPHEUS)).errors)


def test_a_name_is_written_in_the_order_of_its_script() -> None:
    from clinic_log.domain.text import name_text

    assert name_text("娜", "李") == "李娜"
    assert name_text("Zofia", "Łukasiewicz") == "Zofia Łukasiewicz"
    assert name_text("فاطمة", "الزهراء") == "فاطمة الزهراء"
    assert name_text(" Ana ", "") == "Ana"


def test_a_session_with_neither_device_nor_lot_is_a_warning_a_recall_would_miss_it() -> None:
    result = assess_session(entry(device_id=None), facts(device_model=None))
    assert [(p.level, p.code, p.field, p.message) for p in result.problems] == [
        (Level.WARNING, "no_device_no_lot", "cartridge_lot",
         "no device and no cartridge lot recorded: a recall of a lot would miss this session")]


@pytest.mark.parametrize("recorded", [{"device_id": 1}, {"cartridge_lot": "LOT-7", "lot_expires": date(2027, 1, 1)}],
                         ids=["device only", "lot only"])
def test_a_device_or_a_lot_alone_is_enough_for_a_recall(recorded: dict[str, object]) -> None:
    result = assess_session(entry(**{"device_id": None, **recorded}),
                            facts(device_model=SKINPEN if "device_id" in recorded else None,
                                  lot=LotFacts("LOT-7", False) if "cartridge_lot" in recorded else None))
    assert "no_device_no_lot" not in codes(result.problems)


def test_an_expiry_without_a_lot_number_and_no_device_is_the_expiry_error_not_the_recall_warning() -> None:
    result = assess_session(entry(device_id=None, lot_expires=date(2027, 1, 1)), facts(device_model=None))
    assert [(p.level, p.code) for p in result.problems] == [(Level.ERROR, "lot_expiry_without_lot")]
