"""The plain values the services hand to the PDF builders: the client's word for a recorded grade, the clinic's
defaults (A4, no logo, no out-of-hours number), and sheets that are frozen values a caller can compare and reuse."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from clinic_log.reports.sheet_data import ClinicInfo, ReferralLetter, SheetArea, severity_word


@pytest.mark.parametrize(("grade", "word"), [(1, "mild"), (2, "moderate"), (3, "severe"), (4, "severe"),
                                             (5, "severe")])
def test_every_recorded_grade_reads_as_mild_moderate_or_severe(grade: int, word: str) -> None:
    assert severity_word(grade) == word


def test_a_clinic_given_only_its_name_address_and_phone_prints_on_a4_without_logo_or_out_of_hours_line() -> None:
    clinic = ClinicInfo("Skin Studio", "1 High St", "+44 20 7946 0000")
    assert (clinic.paper, clinic.logo_path, clinic.out_of_hours_phone) == ("A4", None, "")


def test_a_sheet_is_a_frozen_value_equal_to_one_with_the_same_content() -> None:
    clinic = ClinicInfo("Skin Studio", "1 High St", "+44 20 7946 0000")
    letter = ReferralLetter(7, clinic, "P-7", "Zofia Łukasiewicz", None, "Dr Weiss", "lesion", "Dr Hart",
                            date(2026, 6, 1), date(2026, 6, 2))
    same = dataclasses.replace(letter)
    assert same == letter and hash(same) == hash(letter)
    with pytest.raises(dataclasses.FrozenInstanceError):
        letter.reason = "changed"  # type: ignore[misc]
    assert hash(SheetArea("Forehead", 0.5, 2)) == hash(SheetArea("Forehead", 0.5, 2))
