"""The record's closed vocabularies: who counts as a physician, which treatments a contraindication concerns, how a
check's level and an enum's allowed values read, which consent only counts on the current wording."""

from __future__ import annotations

import pytest

from clinic_log.domain.enums import AppliesTo, ConsentPurpose, Level, Modality, PractitionerRole, Technique, allowed


def test_an_enums_allowed_values_in_words() -> None:
    assert allowed(Technique) == "one of stamping, gliding, rolling"


@pytest.mark.parametrize(("role", "physician"), [
    (PractitionerRole.DERMATOLOGIST, True), (PractitionerRole.PLASTIC_SURGEON, True),
    (PractitionerRole.NURSE, False), (PractitionerRole.ESTHETICIAN, False),
])
def test_only_dermatologists_and_plastic_surgeons_are_physicians(role: PractitionerRole, physician: bool) -> None:
    assert role.is_physician is physician


@pytest.mark.parametrize(("applies", "modality", "covers"), [
    (AppliesTo.BOTH, Modality.MECHANICAL, True), (AppliesTo.BOTH, Modality.RF, True),
    (AppliesTo.RF, Modality.RF, True), (AppliesTo.RF, Modality.MECHANICAL, False),  # a pacemaker: not a pen's concern
    (AppliesTo.MECHANICAL, Modality.MECHANICAL, True), (AppliesTo.MECHANICAL, Modality.RF, False),
    (AppliesTo.RF, None, True), (AppliesTo.MECHANICAL, None, True),  # no device chosen yet: always shown
])
def test_a_contraindication_concerns_the_treatments_it_names_and_any_before_a_device_is_chosen(
        applies: AppliesTo, modality: Modality | None, covers: bool) -> None:
    assert applies.covers(modality) is covers


def test_a_checks_level_reads_as_a_capitalised_word() -> None:
    assert [level.label for level in Level] == ["Error", "Stop", "Warning"]


@pytest.mark.parametrize(("purpose", "current_only"), [
    (ConsentPurpose.TREATMENT, False), (ConsentPurpose.PHOTOS_CLINICAL, False), (ConsentPurpose.PHOTOS_OTHER, True),
])
def test_only_the_consent_to_photos_for_other_uses_needs_the_current_wording(purpose: ConsentPurpose,
                                                                              current_only: bool) -> None:
    assert purpose.needs_current_wording is current_only
